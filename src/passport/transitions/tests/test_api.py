"""Admissions, new arrivals and support confirmation over the API."""

from __future__ import annotations

import datetime as dt

import pytest

from passport.people.models import Role
from passport.site.tests.conftest import Api
from passport.testing.factories import SettingFactory, child_on_roll, staff
from passport.transitions.models import Admission
from passport.transitions.services import record_admission

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    return Api(client)


@pytest.fixture
def move():
    primary = SettingFactory(name="Brook Lane Primary")
    secondary = SettingFactory(name="Gorse Hill Academy", urn="654321")
    child = child_on_roll(primary, given_name="Ava")
    return {
        "primary": primary,
        "secondary": secondary,
        "child": child,
        "sending": staff(Role.SENCO, primary),
        "receiving": staff(Role.SENCO, secondary),
    }


def test_sending_senco_admits_a_child_and_the_receiving_senco_lists_and_confirms(api, move):
    starts = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    body = {"child_id": move["child"].pk, "setting_urn": "654321", "starts_on": starts}

    created = api.as_user(move["sending"]).post("/api/admissions", body)
    again = api.post("/api/admissions", body)

    assert created.status_code == 201
    assert (again.status_code, again.json()["id"]) == (201, created.json()["id"])
    assert Admission.objects.count() == 1
    arrivals = api.as_user(move["receiving"]).get("/api/new-arrivals").json()
    assert [(a["child_name"], a["starts_on"]) for a in arrivals] == [
        (move["child"].full_name, starts)
    ]
    confirmed = api.post(
        "/api/support-confirmations",
        {"admission_id": created.json()["id"], "passport_read": True, "decisions": []},
    )
    assert confirmed.status_code == 201
    assert confirmed.json()["calendar_days"] == 0


def test_an_admission_before_the_date_of_birth_is_a_problem_naming_the_field(api, move):
    response = api.as_user(move["sending"]).post(
        "/api/admissions",
        {"child_id": move["child"].pk, "setting_urn": "654321", "starts_on": "2001-09-03"},
    )

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "starts_on"
    assert not Admission.objects.exists()


def test_an_unknown_urn_is_a_problem(api, move):
    response = api.as_user(move["sending"]).post(
        "/api/admissions",
        {
            "child_id": move["child"].pk,
            "setting_urn": "999999",
            "starts_on": dt.date.today().isoformat(),
        },
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "setting_urn"


def test_confirming_without_reading_the_passport_is_refused(api, move):
    admission = record_admission(move["child"], move["secondary"], dt.date.today(), by=None)

    response = api.as_user(move["receiving"]).post(
        "/api/support-confirmations", {"admission_id": admission.pk, "passport_read": False}
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "passport_read"


def test_someone_who_cannot_see_the_child_cannot_admit_them(api, move):
    stranger = staff(Role.SENCO, SettingFactory())

    response = api.as_user(stranger).post(
        "/api/admissions",
        {"child_id": move["child"].pk, "setting_urn": "654321", "starts_on": "2026-09-02"},
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "child_id"
    assert move["child"].given_name not in response.content.decode()
    assert not Admission.objects.exists()


def test_the_sending_senco_cannot_confirm_support_for_another_settings_admission(api, move):
    admission = record_admission(move["child"], move["secondary"], dt.date.today(), by=None)

    response = api.as_user(move["sending"]).post(
        "/api/support-confirmations", {"admission_id": admission.pk, "passport_read": True}
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "admission_id"
