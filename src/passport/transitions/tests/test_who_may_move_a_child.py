"""Only a setting the child is on roll at now (or the child's local authority) may give another
setting access to them: a school the child is only going to attend reads and changes the passport,
but cannot admit the child to a third school, over the API, on the page or by confirming a
transfer. The attacker's reproduction from issue 15, step by step."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from passport.audit.models import AuditEvent
from passport.children.models import Enrolment
from passport.core.dates import today
from passport.people.models import Role
from passport.site.tests.conftest import Api
from passport.testing.factories import SettingFactory, child_on_roll, staff
from passport.transitions import services
from passport.transitions.models import Admission, PendingTransfer
from passport.transitions.services import record_admission

pytestmark = pytest.mark.django_db

SEPTEMBER = today() + dt.timedelta(days=30)
SOON = today() + dt.timedelta(days=7)


@pytest.fixture
def schools():
    current = SettingFactory(name="Brook Lane Primary")
    future = SettingFactory(name="Gorse Hill Academy")
    third = SettingFactory(name="Far Away School", urn="777001")
    child = child_on_roll(current, given_name="Ava")
    # Ava is offered a place at Gorse Hill from September: its SENCO can read and change her
    # passport from now on.
    record_admission(child, future, SEPTEMBER, by=None)
    return {
        "child": child,
        "current": current,
        "future": future,
        "third": third,
        "current_senco": staff(Role.SENCO, current),
        "future_senco": staff(Role.SENCO, future),
        "third_senco": staff(Role.SENCO, third),
    }


def admission_body(child, registration="subsidiary"):
    return {
        "child_id": child.pk,
        "setting_urn": "777001",
        "starts_on": SOON.isoformat(),
        "registration": registration,
    }


def record_move_on_the_pages(client, child, setting, registration="subsidiary"):
    """Walk the "Record a move" journey to its confirm button; return the last response."""
    responses = [
        client.post(reverse("record-move", args=[child.pk]), {"destination": "another_setting"}),
        client.post(
            reverse("move-find-setting", args=[child.pk]) + "?q=777001",
            {"setting": setting.pk},
        ),
        client.post(
            reverse("move-details", args=[child.pk]),
            {
                "registration": registration,
                "starts_on-day": SOON.day,
                "starts_on-month": SOON.month,
                "starts_on-year": SOON.year,
            },
        ),
        client.post(reverse("move-check", args=[child.pk])),
    ]
    refused = [r for r in responses if r.status_code != 302]
    return refused[0] if refused else responses[-1]


def test_a_future_schools_senco_cannot_dual_register_the_child_at_a_third_school_over_the_api(
    client, schools
):
    child = schools["child"]
    api = Api(client).as_user(schools["future_senco"])
    assert api.get(f"/api/children/{child.pk}").status_code == 200  # they do see the child

    response = api.post("/api/admissions", admission_body(child))

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert not Enrolment.objects.filter(child=child, setting=schools["third"]).exists()
    assert not Admission.objects.filter(setting=schools["third"]).exists()
    api.as_user(schools["third_senco"])
    assert api.get(f"/api/children/{child.pk}").status_code == 404
    assert api.get(f"/api/children/{child.pk}/passport").status_code == 404
    refused = AuditEvent.objects.get(
        child_id=child.pk, allowed=False, actor=schools["future_senco"]
    )
    assert refused.setting_id == schools["current"].pk  # its data protection lead sees it


@pytest.mark.parametrize("registration", ["main", "subsidiary"])
def test_the_page_and_the_api_give_the_same_answer(client, schools, registration):
    child = schools["child"]
    move_page = reverse("record-move", args=[child.pk])
    client.force_login(schools["future_senco"])

    shown = client.get(move_page).content.decode()
    on_the_page = record_move_on_the_pages(client, child, schools["third"], registration)
    over_the_api = Api(client).post("/api/admissions", admission_body(child, registration))

    assert "is not on roll at a setting you lead" in shown
    assert (on_the_page.status_code, over_the_api.status_code) == (404, 404)
    assert not Admission.objects.filter(setting=schools["third"]).exists()

    # The school Ava is at now may: the page records it, and the API finds it recorded.
    client.force_login(schools["current_senco"])
    assert record_move_on_the_pages(client, child, schools["third"]).status_code == 302
    assert Admission.objects.filter(setting=schools["third"]).count() == 1
    again = Api(client).post("/api/admissions", admission_body(child))
    assert again.status_code == 201
    assert Admission.objects.filter(setting=schools["third"]).count() == 1


def test_the_current_schools_senco_dual_registers_the_child_over_the_api(client, schools):
    child = schools["child"]

    response = (
        Api(client).as_user(schools["current_senco"]).post("/api/admissions", admission_body(child))
    )

    assert response.status_code == 201
    assert Enrolment.objects.get(child=child, setting=schools["third"]).registration == (
        "subsidiary"
    )
    # Dual registration: she stays on roll at Brook Lane until she starts at Gorse Hill.
    assert Enrolment.objects.get(
        child=child, setting=schools["current"]
    ).ends_on == SEPTEMBER - dt.timedelta(days=1)


def test_a_future_schools_senco_cannot_confirm_a_transfer_away_to_a_third_school(schools):
    # A file asked for the move while naming the future school as the one the child is at.
    pending = PendingTransfer.objects.create(
        child=schools["child"],
        from_setting=schools["future"],
        to_setting=schools["third"],
        starts_on=SOON,
    )

    assert services.pending_transfers_to_decide(schools["future_senco"]) == []
    with pytest.raises(PermissionDenied):
        services.confirm_pending_transfer(pending, by=schools["future_senco"])

    assert not Admission.objects.filter(setting=schools["third"]).exists()
    assert services.pending_transfers_to_decide(schools["current_senco"]) == [pending]
