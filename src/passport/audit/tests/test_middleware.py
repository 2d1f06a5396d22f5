"""Every request has an id: echoed from a safe X-Request-ID, or made fresh, and kept on its
audit events."""

from __future__ import annotations

import uuid

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from passport.audit.middleware import (
    RequestIdMiddleware,
    current_request_id,
    current_request_path,
)
from passport.audit.tests.conftest import record_reads


def is_uuid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


@pytest.mark.django_db
def test_a_safe_incoming_request_id_is_echoed(client):
    response = client.get("/sign-in/", headers={"X-Request-ID": "lb-7f3a-0042"})
    assert response["X-Request-ID"] == "lb-7f3a-0042"


@pytest.mark.django_db
def test_a_request_without_an_id_gets_a_new_one(client):
    first = client.get("/sign-in/")["X-Request-ID"]
    second = client.get("/sign-in/")["X-Request-ID"]
    assert is_uuid(first) and is_uuid(second) and first != second


@pytest.mark.parametrize(
    "unsafe",
    ["a" * 65, "abc def", "id;DROP TABLE", "<script>", "café", "abc_def", "abc\n", "../etc/passwd"],
)
def test_an_unsafe_incoming_request_id_is_replaced(unsafe):
    middleware = RequestIdMiddleware(lambda request: HttpResponse())
    response = middleware(RequestFactory().get("/", headers={"X-Request-ID": unsafe}))
    assert is_uuid(response["X-Request-ID"])


@pytest.mark.django_db
def test_audit_events_carry_the_request_id_and_path_and_nothing_outside_a_request():
    def view(request: HttpRequest) -> HttpResponse:
        (event,) = record_reads(1, path="")
        return HttpResponse(f"{event.request_id} {event.path}")

    response = RequestIdMiddleware(view)(
        RequestFactory().get("/children/5/?q=Amara", headers={"X-Request-ID": "req-1"})
    )
    assert response.content == b"req-1 /children/5/"
    assert (current_request_id(), current_request_path()) == ("", "")
    event = record_reads(1, path="")[0]
    assert (event.request_id, event.path) == ("", "")
