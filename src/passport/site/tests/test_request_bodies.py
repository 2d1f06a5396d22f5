"""Every request body, whatever its type, meets the same size limit and the same parser errors:
413 or 400 (the GOV.UK page, or a problem detail under /api/), and 415 from an API operation
for a body of a type it does not take; never a 500, never a body over the limit accepted.

The clients here enforce CSRF as a browser's session does: Django's CSRF check reads a form
body before the view, which is what turned a multipart body sent to a JSON operation into a 500.
"""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.asgi import ASGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from passport.children.models import Child
from passport.core.middleware import RequestBodyLimit
from passport.people.models import User
from passport.site.tests.conftest import VALID_BODIES

CSRF_TOKEN = "requestbodies0csrf0token00000000"
A_LITTLE_OVER_THE_LIMIT = 3 * 1024 * 1024  # PASSPORT_REQUEST_MAX_BYTES is 2.5 MB


@pytest.fixture
def senco_client(senco: User) -> Client:
    """A SENCO's browser session: signed in, with the CSRF cookie, sending the token as the API asks."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(senco)
    client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_TOKEN
    client.defaults["HTTP_X_CSRFTOKEN"] = CSRF_TOKEN
    return client


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


def test_a_multipart_form_sent_to_a_json_operation_gets_415_naming_json(
    senco_client: Client, child: Child
) -> None:
    children_before = Child.objects.count()

    response = senco_client.post("/api/children", VALID_BODIES["add_child"])  # a multipart form

    refused = problem(response, 415)
    assert "application/json" in refused["detail"]
    assert "multipart/form-data" in refused["detail"]
    assert response["Accept"] == "application/json"
    assert Child.objects.count() == children_before


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_json_sent_as_another_type_is_refused_with_415_and_nothing_is_saved(
    senco_client: Client, child: Child, content_type: str
) -> None:
    body = {**VALID_BODIES["update_about_me"], "liked_about_me": "Sent as the wrong type"}

    response = senco_client.put(
        f"/api/children/{child.pk}/passport/about-me", json.dumps(body), content_type=content_type
    )

    assert "application/json" in problem(response, 415)["detail"]
    child.passport.refresh_from_db()
    assert child.passport.liked_about_me != "Sent as the wrong type"


def test_json_sent_to_the_ctf_upload_gets_415_naming_multipart(senco_client: Client) -> None:
    response = senco_client.post(
        "/api/ctf/imports", json.dumps({"file": "<CTfile/>"}), content_type="application/json"
    )

    assert "multipart/form-data" in problem(response, 415)["detail"]
    assert response["Accept"] == "multipart/form-data"


def test_a_multipart_body_with_no_boundary_gets_400_saying_what_is_wrong(
    senco_client: Client,
) -> None:
    response = senco_client.post(
        "/api/ctf/imports", b"--x\r\nnot a form", content_type="multipart/form-data"
    )

    assert "boundary" in problem(response, 400)["detail"]


def test_a_file_over_the_limit_sent_to_a_page_gets_the_413_page_and_nothing_is_saved(
    senco_client: Client, child: Child
) -> None:
    # Django's own limit leaves out files: a page used to take an upload of any size.
    upload = SimpleUploadedFile("holiday.mov", b"x" * A_LITTLE_OVER_THE_LIMIT)

    response = senco_client.post(
        f"/children/{child.pk}/about-me/", {"liked_about_me": "Sent with a film", "film": upload}
    )

    assert response.status_code == 413
    assert "text/html" in response["Content-Type"]
    assert "too large" in response.content.decode()
    child.passport.refresh_from_db()
    assert child.passport.liked_about_me != "Sent with a film"


def test_the_ctf_upload_takes_a_file_larger_than_other_bodies_may_be(senco_client: Client) -> None:
    upload = SimpleUploadedFile("ctf.xml", b" " * A_LITTLE_OVER_THE_LIMIT, "application/xml")

    response = senco_client.post("/api/ctf/imports", {"file": upload})

    # Read and refused by the CTF parser, for what it holds rather than for its size.
    assert problem(response, 422)["errors"][0]["field"] == "file"


def test_a_ctf_upload_well_over_the_ctf_limit_is_refused_with_413_before_it_is_read(
    senco_client: Client, settings: Any
) -> None:
    settings.PASSPORT_CTF_MAX_BYTES = 1000
    upload = SimpleUploadedFile("ctf.xml", b" " * 200_000, "application/xml")

    response = senco_client.post("/api/ctf/imports", {"file": upload})

    assert "too large" in problem(response, 413)["detail"]


@pytest.fixture
def asgi() -> Iterator[ASGIHandler]:
    """The ASGI application, in the test's transaction (as the schemathesis test does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield ASGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def send_in_chunks_without_length(
    app: ASGIHandler, path: str, body: bytes, headers: dict[str, str]
) -> tuple[int, bytes]:
    """POST a body in chunks with no Content-Length (chunked transfer), as a client may."""
    chunks = [body[i : i + 65536] for i in range(0, len(body), 65536)]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(name.encode(), value.encode()) for name, value in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if not chunks:
            # The client waits for the answer: Django listens for a disconnect, then cancels.
            await asyncio.Event().wait()
        chunk = chunks.pop(0)
        return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async_to_sync(app)(scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    content = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, content


def test_a_body_with_no_length_is_counted_as_it_is_read_and_cut_off_past_the_limit() -> None:
    # Django counts the bodies it reads itself; this is for anything that reads the stream.
    request = RequestFactory().generic(
        "POST", "/api/oruk/import", b"", content_type="application/json"
    )
    request.META.pop("CONTENT_LENGTH", None)
    request._stream = io.BytesIO(b"x" * A_LITTLE_OVER_THE_LIMIT)  # type: ignore[attr-defined]
    within = RequestFactory().generic("POST", "/api/oruk/import", b"", content_type="text/plain")
    within.META.pop("CONTENT_LENGTH", None)
    within._stream = io.BytesIO(b"x" * 1000)  # type: ignore[attr-defined]

    def reads_it_all(request: HttpRequest) -> HttpResponse:
        return HttpResponse(f"{len(request.read())} bytes")

    with pytest.raises(RequestDataTooBig):
        RequestBodyLimit(reads_it_all)(request)
    assert RequestBodyLimit(reads_it_all)(within).content == b"1000 bytes"


def test_a_body_sent_without_a_length_is_cut_off_at_the_limit_with_413(
    asgi: ASGIHandler, senco: User, child: Child
) -> None:
    signed_in = Client()
    signed_in.force_login(senco)
    session = signed_in.cookies[settings.SESSION_COOKIE_NAME].value
    # (Django reads no multipart body without a length; a form-encoded one it reads to the end.)
    body = urlencode({"liked_about_me": "x" * A_LITTLE_OVER_THE_LIMIT}).encode()

    status, content = send_in_chunks_without_length(
        asgi,
        f"/children/{child.pk}/about-me/",
        body,
        {
            "host": "testserver",
            "content-type": "application/x-www-form-urlencoded",
            "cookie": f"{settings.SESSION_COOKIE_NAME}={session}; "
            f"{settings.CSRF_COOKIE_NAME}={CSRF_TOKEN}",
            "x-csrftoken": CSRF_TOKEN,
        },
    )

    assert status == 413
    assert "too large" in content.decode()
