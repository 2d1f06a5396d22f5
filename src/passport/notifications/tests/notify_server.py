"""A local stand-in for the GOV.UK Notify API, built from its published contract.

It checks what Notify checks (a JWT signed with HS256 by the service's secret, `iss` the service
id, `iat` within 30 seconds; the request body's shape; the template exists) and answers in
Notify's shapes, so the real `notifications-python-client` is what the tests exercise.
Reference: https://docs.notifications.service.gov.uk/python.html
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt

ERROR_NAMES = {
    400: "BadRequestError",
    403: "AuthError",
    429: "RateLimitError",
    500: "Exception",
}
ERROR_MESSAGES = {
    400: "Can't send to this recipient using a team-only API key",
    403: "Invalid token: API key not found",
    429: "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds",
    500: "Internal server error",
}
EMAIL_FIELDS = {"email_address", "template_id", "personalisation", "reference", "email_reply_to_id"}


@dataclass
class FakeNotify:
    """The service's state: its keys, templates, the messages it holds and what it was asked."""

    service_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    secret: str = field(default_factory=lambda: str(uuid.uuid4()))
    templates: dict[str, str] = field(default_factory=dict)
    notifications: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)
    # Status codes to answer the next POSTs with, in turn, instead of accepting them.
    failures: list[int] = field(default_factory=list)
    # Accept the next POST, yet answer 500: the message exists although the caller was told no.
    accept_then_fail: bool = False
    base_url: str = ""

    @property
    def api_key(self) -> str:
        return f"passport_test-{self.service_id}-{self.secret}"

    def sent(self) -> list[dict[str, Any]]:
        return [r["body"] for r in self.requests if r["method"] == "POST"]


def _error(status: int, message: str | None = None, name: str | None = None) -> dict[str, Any]:
    return {
        "status_code": status,
        "errors": [
            {"error": name or ERROR_NAMES[status], "message": message or ERROR_MESSAGES[status]}
        ],
    }


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _answer(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _authorised(self) -> bool:
        notify = self.server.notify
        header = self.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            self._answer(
                401, _error(401, "Unauthorized: authentication token must be provided", "AuthError")
            )
            return False
        try:
            claims = jwt.decode(
                header.removeprefix("Bearer "),
                notify.secret,
                algorithms=["HS256"],
                options={"require": ["iss", "iat"]},
            )
        except jwt.PyJWTError:
            self._answer(403, _error(403, "Invalid token: signature, api token not found"))
            return False
        if claims["iss"] != notify.service_id:
            self._answer(403, _error(403, "Invalid token: service not found"))
            return False
        if abs(time.time() - claims["iat"]) > 30:
            self._answer(
                403, _error(403, "Error: Your system clock must be accurate to within 30 seconds")
            )
            return False
        return True

    def do_POST(self) -> None:
        notify = self.server.notify
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        body = json.loads(raw or b"{}")
        notify.requests.append(
            {
                "method": "POST",
                "path": self.path,
                "body": body,
                "auth": self.headers["Authorization"],
            }
        )
        if not self._authorised():
            return
        if self.path != "/v2/notifications/email":
            self._answer(404, _error(404, "Not found", "NotFound"))
            return
        for required in ("email_address", "template_id"):
            if required not in body:
                self._answer(
                    400, _error(400, f"{required} is a required property", "ValidationError")
                )
                return
        unknown = set(body) - EMAIL_FIELDS
        if unknown or not isinstance(body.get("personalisation", {}), dict):
            self._answer(
                400,
                _error(
                    400, f"Additional properties are not allowed ({unknown})", "ValidationError"
                ),
            )
            return
        if notify.failures:
            status = notify.failures.pop(0)
            self._answer(status, _error(status))
            return
        template = notify.templates.get(body["template_id"])
        if template is None:
            self._answer(400, _error(400, "Template not found"))
            return
        notification_id = str(uuid.uuid4())
        notify.notifications[notification_id] = {
            "id": notification_id,
            "reference": body.get("reference"),
            "email_address": body["email_address"],
            "type": "email",
            "status": "sending",
            "template": {"id": body["template_id"], "version": 1, "uri": ""},
            "body": template,
            "subject": "",
            "created_at": "2026-12-08T09:00:00.000000Z",
        }
        if notify.accept_then_fail:
            notify.accept_then_fail = False
            self._answer(500, _error(500))
            return
        self._answer(
            201,
            {
                "id": notification_id,
                "reference": body.get("reference"),
                "content": {
                    "subject": "",
                    "body": template,
                    "from_email": "passport@notify.example",
                },
                "uri": f"{notify.base_url}/v2/notifications/{notification_id}",
                "template": {"id": body["template_id"], "version": 1, "uri": ""},
                "scheduled_for": None,
            },
        )

    def do_GET(self) -> None:
        notify = self.server.notify
        url = urlsplit(self.path)
        notify.requests.append(
            {
                "method": "GET",
                "path": self.path,
                "body": None,
                "auth": self.headers["Authorization"],
            }
        )
        if not self._authorised():
            return
        if url.path == "/v2/notifications":
            reference = parse_qs(url.query).get("reference", [None])[0]
            found = [n for n in notify.notifications.values() if n["reference"] == reference]
            self._answer(200, {"notifications": found, "links": {"current": self.path}})
            return
        notification_id = url.path.removeprefix("/v2/notifications/")
        if notification_id in notify.notifications:
            self._answer(200, notify.notifications[notification_id])
        else:
            self._answer(404, _error(404, "No result found", "NoResultFound"))


class _Server(ThreadingHTTPServer):
    notify: FakeNotify


def serve(notify: FakeNotify) -> _Server:
    """Start answering on a free local port in a thread; return the server (shut it down after)."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.notify = notify
    notify.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
