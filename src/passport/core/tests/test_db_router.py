"""The read-replica router: reads to the replica until the person writes, then the primary."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from passport.audit.models import AuditEvent
from passport.children.models import Child
from passport.core import db_router
from passport.core.db_router import (
    PIN_SESSION_KEY,
    PinToPrimaryAfterWrite,
    PrimaryReplicaRouter,
    reading_from_replica,
)

router = PrimaryReplicaRouter()


@pytest.fixture(autouse=True)
def with_replica(settings: Any) -> None:
    settings.PASSPORT_READ_REPLICA = True
    settings.REPLICA_PIN_SECONDS = 10


def request_with(session: dict[str, Any]) -> HttpRequest:
    request = RequestFactory().get("/children/")
    request.session = session  # type: ignore[assignment]
    return request


def serve(request: HttpRequest, view: Any) -> list[str]:
    """Run the middleware around `view`; return where each read in the view went."""
    seen: list[str] = []

    def get_response(req: HttpRequest) -> HttpResponse:
        view(seen)
        return HttpResponse("ok")

    PinToPrimaryAfterWrite(get_response)(request)
    return seen


def test_reads_in_a_request_go_to_the_replica_until_it_writes() -> None:
    def view(seen: list[str]) -> None:
        seen.append(router.db_for_read(Child))
        assert router.db_for_write(Child) == "default"
        seen.append(router.db_for_read(Child))

    session: dict[str, Any] = {}
    assert serve(request_with(session), view) == ["replica", "default"]
    assert session[PIN_SESSION_KEY] > time.time()


def test_the_next_request_in_the_same_session_reads_from_the_primary() -> None:
    session: dict[str, Any] = {PIN_SESSION_KEY: int(time.time()) + 5}
    assert serve(request_with(session), lambda seen: seen.append(router.db_for_read(Child))) == [
        "default"
    ]


def test_the_pin_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    session: dict[str, Any] = {PIN_SESSION_KEY: int(time.time()) - 1}
    assert serve(request_with(session), lambda seen: seen.append(router.db_for_read(Child))) == [
        "replica"
    ]
    assert session[PIN_SESSION_KEY] < time.time()  # a read-only request does not pin


def test_audit_rows_do_not_pin_the_reader() -> None:
    def view(seen: list[str]) -> None:
        router.db_for_write(AuditEvent)
        seen.append(router.db_for_read(Child))

    session: dict[str, Any] = {}
    assert serve(request_with(session), view) == ["replica"]
    assert PIN_SESSION_KEY not in session


def test_sessions_are_always_read_from_the_primary() -> None:
    assert serve(request_with({}), lambda seen: seen.append(router.db_for_read(Session))) == [
        "default"
    ]


def test_outside_a_request_everything_goes_to_the_primary() -> None:
    assert router.db_for_read(Child) == "default"
    with reading_from_replica():
        assert router.db_for_read(Child) == "replica"
        router.db_for_write(Child)
        assert router.db_for_read(Child) == "default"
    assert router.db_for_read(Child) == "default"


def test_without_a_replica_configured_reads_go_to_the_primary(settings: Any) -> None:
    settings.PASSPORT_READ_REPLICA = False
    with reading_from_replica():
        assert router.db_for_read(Child) == "default"


def test_reads_inside_a_transaction_on_the_primary_stay_there(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Busy:
        in_atomic_block = True

    monkeypatch.setattr(db_router, "connections", {"default": Busy()})
    with reading_from_replica():
        assert router.db_for_read(Child) == "default"


def test_migrations_run_on_the_primary_only() -> None:
    assert router.allow_migrate("default", "children")
    assert not router.allow_migrate("replica", "children")


def test_what_grants_access_is_always_read_from_the_primary() -> None:
    from passport.access.models import Consent
    from passport.people.models import Membership

    seen = serve(
        request_with({}),
        lambda seen: seen.extend(router.db_for_read(model) for model in (Consent, Membership)),
    )
    assert seen == ["default", "default"]
