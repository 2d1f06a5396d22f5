"""Transfers a CTF asked for, decided over the API by the setting the child is on roll at or the
local authority: the same people, the same checks and the same audit as the page."""

from __future__ import annotations

import datetime as dt

import pytest

from passport.audit.models import AuditEvent
from passport.children.models import Child, Enrolment
from passport.core.dates import today
from passport.organisations.models import Setting
from passport.people.models import Role, User
from passport.site.tests.conftest import Api
from passport.testing.factories import SettingFactory, child_on_roll, staff
from passport.transitions.models import Admission, PendingTransfer

pytestmark = pytest.mark.django_db

PENDING = "/api/pending-transfers"


@pytest.fixture
def api(client) -> Api:  # type: ignore[no-untyped-def]
    return Api(client)


@pytest.fixture
def primary() -> Setting:
    return SettingFactory(name="Brook Lane Primary")


@pytest.fixture
def secondary() -> Setting:
    return SettingFactory(name="Gorse Hill Academy")


@pytest.fixture
def primary_senco(primary: Setting) -> User:
    return staff(Role.SENCO, primary)


@pytest.fixture
def secondary_senco(secondary: Setting) -> User:
    return staff(Role.SENCO, secondary)


@pytest.fixture
def child(primary: Setting) -> Child:
    return child_on_roll(primary, given_name="Ava", family_name="Marchetti")


def ask_transfer(child: Child, from_setting: Setting, to_setting: Setting) -> PendingTransfer:
    return PendingTransfer.objects.create(
        child=child,
        from_setting=from_setting,
        to_setting=to_setting,
        starts_on=today() + dt.timedelta(days=7),
        sen_provision="K",
        need_types=["ASD", "SLCN"],
        needs_description="Finds changes of routine hard",
    )


@pytest.fixture
def pending(child: Child, primary: Setting, secondary: Setting) -> PendingTransfer:
    return ask_transfer(child, primary, secondary)


def test_the_current_senco_lists_only_the_transfers_they_may_decide(
    api: Api, primary: Setting, secondary: Setting, primary_senco: User, pending: PendingTransfer
) -> None:
    elsewhere = SettingFactory(name="Far Away Primary")
    ask_transfer(child_on_roll(elsewhere, given_name="Noor"), elsewhere, secondary)

    response = api.as_user(primary_senco).get(PENDING)

    assert response.status_code == 200
    assert response.json() == [
        {
            "id": pending.pk,
            "child_id": pending.child_id,
            "child_name": "Ava Marchetti",
            "from_setting_name": "Brook Lane Primary",
            "to_setting_name": "Gorse Hill Academy",
            "requested_on": today().isoformat(),
            "starts_on": pending.starts_on.isoformat(),
            "sen_provision": "K",
            "need_types": ["ASD", "SLCN"],
        }
    ]


def test_the_setting_that_asked_does_not_see_the_transfer_it_asked_for(
    api: Api, secondary_senco: User, pending: PendingTransfer
) -> None:
    assert api.as_user(secondary_senco).get(PENDING).json() == []


def test_the_current_senco_confirms_and_the_new_senco_can_read_the_child(
    api: Api,
    secondary: Setting,
    primary_senco: User,
    secondary_senco: User,
    pending: PendingTransfer,
) -> None:
    child_url = f"/api/children/{pending.child_id}"
    assert api.as_user(secondary_senco).get(child_url).status_code == 404

    response = api.as_user(primary_senco).post(f"{PENDING}/{pending.pk}/confirm", None)

    assert response.status_code == 201
    admitted = response.json()
    assert (admitted["child_id"], admitted["setting_name"], admitted["starts_on"]) == (
        pending.child_id,
        "Gorse Hill Academy",
        pending.starts_on.isoformat(),
    )
    assert Admission.objects.get(child=pending.child).setting == secondary
    assert api.get(PENDING).json() == []
    assert api.as_user(secondary_senco).get(child_url).status_code == 200


def test_confirming_twice_is_a_conflict_that_says_it_was_confirmed(
    api: Api, primary_senco: User, pending: PendingTransfer
) -> None:
    api.as_user(primary_senco).post(f"{PENDING}/{pending.pk}/confirm", None)

    again = api.post(f"{PENDING}/{pending.pk}/confirm", None)

    assert again.status_code == 409
    assert again["Content-Type"] == "application/problem+json"
    assert "already been confirmed" in again.json()["detail"]
    assert Admission.objects.count() == 1


def test_declining_needs_a_reason(api: Api, primary_senco: User, pending: PendingTransfer) -> None:
    response = api.as_user(primary_senco).post(f"{PENDING}/{pending.pk}/decline", {"reason": " "})

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == [
        {"field": "reason", "message": "Enter why you are declining the transfer"}
    ]
    pending.refresh_from_db()
    assert pending.status == PendingTransfer.Status.PENDING


def test_declining_records_why_and_moves_nobody(
    api: Api, primary: Setting, primary_senco: User, pending: PendingTransfer
) -> None:
    response = api.as_user(primary_senco).post(
        f"{PENDING}/{pending.pk}/decline", {"reason": "Ava is staying with us"}
    )

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["reason"]) == (
        "declined",
        "Ava is staying with us",
    )
    assert not Admission.objects.exists()
    assert Enrolment.objects.get(child=pending.child).setting == primary
    again = api.post(f"{PENDING}/{pending.pk}/decline", {"reason": "Still staying"})
    assert again.status_code == 409


@pytest.mark.parametrize("decision", ["confirm", "decline"])
@pytest.mark.parametrize("who", ["requesting SENCO", "third school's SENCO"])
def test_anyone_who_may_not_decide_is_told_it_does_not_exist_and_nothing_changes(
    api: Api, secondary_senco: User, pending: PendingTransfer, who: str, decision: str
) -> None:
    stranger = (
        secondary_senco
        if who == "requesting SENCO"
        else staff(Role.SENCO, SettingFactory(name="Far Away"))
    )

    response = api.as_user(stranger).post(
        f"{PENDING}/{pending.pk}/{decision}", {"reason": "Not wanted"}
    )
    missing = api.post(f"{PENDING}/999999/{decision}", {"reason": "Not wanted"})

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    body = response.content.decode()
    assert "Ava" not in body and "Marchetti" not in body
    assert response.json()["detail"] == missing.json()["detail"]
    pending.refresh_from_db()
    assert pending.status == PendingTransfer.Status.PENDING
    assert not Admission.objects.exists()
    assert AuditEvent.objects.filter(
        action=f"{decision}_transfer", child_id=pending.child_id, actor=stranger, allowed=False
    ).exists()


def test_listing_more_transfers_asks_the_database_no_more_often(
    primary: Setting, secondary: Setting, primary_senco: User
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from passport.people.memberships import memberships_memo
    from passport.transitions.services import pending_transfers_to_decide

    def queries_to_list(count: int) -> int:
        PendingTransfer.objects.all().delete()
        for _ in range(count):
            ask_transfer(child_on_roll(primary), primary, secondary)
        with memberships_memo(), CaptureQueriesContext(connection) as queries:
            assert len(pending_transfers_to_decide(primary_senco)) == count
        return len(queries)

    assert queries_to_list(6) == queries_to_list(1)
