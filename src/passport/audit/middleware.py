"""A request id on every request, its response and every audit event it causes; the path too."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9-]{1,64}")

_request_id: ContextVar[str] = ContextVar("passport_request_id", default="")
_request_path: ContextVar[str] = ContextVar("passport_request_path", default="")


def current_request_id() -> str:
    """Return the id of the request being handled, or "" outside a request (commands, tasks)."""
    return _request_id.get()


def current_request_path() -> str:
    """Return the path (no query string) of the request being handled, or "" outside one."""
    return _request_path.get()


class RequestIdMiddleware:
    """Take a safe incoming X-Request-ID (from the load balancer) or make one, and echo it.

    Anything else in the header is replaced, never logged or stored: it comes from the client.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(HEADER, "")
        request_id = incoming if SAFE_REQUEST_ID.fullmatch(incoming) else str(uuid.uuid4())
        request.request_id = request_id  # type: ignore[attr-defined]
        id_token, path_token = _request_id.set(request_id), _request_path.set(request.path)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(id_token)
            _request_path.reset(path_token)
        response[HEADER] = request_id
        return response
