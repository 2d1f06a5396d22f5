"""Every request has an id we make, returned in X-Request-ID and kept on its audit events;
whatever the client sends in that header is never taken as ours."""

from __future__ import annotations

import uuid

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from passport.audit.middleware import (
    RequestIdMiddleware,
    current_request_id,
    current_request_path,
)
from passport.audit.models import AuditEvent
from passport.audit.services import verify_chain
from passport.audit.tests.conftest import record_reads
from passport.people.models import Role
from passport.testing.factories import SettingFactory, child_on_roll, staff


def is_uuid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


@pytest.mark.django_db
def test_audit_rows_carry_our_request_id_whatever_the_client_sends(client):
    school = SettingFactory(name="Oakfield Primary")
    child = child_on_roll(school)
    client.force_login(staff(Role.SENCO, school))
    passport = reverse("passport", args=[child.pk])
    earlier = client.get(passport)["X-Request-ID"]
    rows_of_earlier_request = AuditEvent.objects.filter(request_id=earlier).count()
    for forged in (earlier, "lb-7f3a-0042", "a" * 10_240, "req-1\r\nX-Admin: yes", "req-1\n"):
        before = AuditEvent.objects.count()
        response = client.get(passport, headers={"X-Request-ID": forged})
        ours = response["X-Request-ID"]
        assert is_uuid(ours) and ours != forged.strip()
        stored = list(
            AuditEvent.objects.filter(position__gt=before).values_list("request_id", flat=True)
        )
        assert stored and set(stored) == {ours}
    # Replaying another request's id does not make this request's rows look like its.
    assert AuditEvent.objects.filter(request_id=earlier).count() == rows_of_earlier_request
    assert verify_chain().ok


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
    assert response.content.decode() == f"{response['X-Request-ID']} /children/5/"
    assert (current_request_id(), current_request_path()) == ("", "")
    event = record_reads(1, path="")[0]
    assert (event.request_id, event.path) == ("", "")
