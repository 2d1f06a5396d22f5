"""The same plausibility rules for a new child on the page, in the API and in a Common Transfer
File: a date of birth within birth to 25, a start date within the pack's window, and names with
no hidden characters. Each refusal names the field and writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from passport.children.models import Child
from passport.core.identifiers import make_upn
from passport.organisations.models import Setting
from passport.people.models import Role, User
from passport.site.tests.conftest import VALID_BODIES, Api
from passport.testing.factories import SettingFactory, local_authority, staff
from passport.transitions.ctf.importer import Outcome, import_ctf
from passport.transitions.ctf.tests.conftest import ctf, pupil

pytestmark = pytest.mark.django_db

RIGHT_TO_LEFT_OVERRIDE = "\u202e"
ZERO_WIDTH_SPACE = "\u200b"


def api_errors(api: Api, senco: User, change: dict[str, str]) -> dict[str, str]:
    response = api.as_user(senco).post("/api/children", {**VALID_BODIES["add_child"], **change})
    assert response.status_code == 422
    assert not Child.objects.filter(family_name="Okafor").exists()
    return {error["field"]: error["message"] for error in response.json()["errors"]}


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"date_of_birth": "0001-01-01"}, "date_of_birth", "Date of birth must be on or after"),
        ({"starts_on": "9999-12-31"}, "starts_on", "Start date must be on or before"),
        (
            {"given_name": f"Amara{RIGHT_TO_LEFT_OVERRIDE}rofakO"},
            "given_name",
            "given_name contains hidden characters that change the direction of the text",
        ),
        (
            {"family_name": f"Oka{ZERO_WIDTH_SPACE}for"},
            "family_name",
            "family_name contains hidden formatting characters",
        ),
    ],
)
def test_the_api_refuses_an_implausible_child_naming_the_field(
    api: Api, senco: User, change: dict[str, str], field: str, words: str
) -> None:
    assert words in api_errors(api, senco, change)[field]


def date_fields(name: str, day: dt.date) -> dict[str, str]:
    return {
        f"{name}-day": str(day.day),
        f"{name}-month": str(day.month),
        f"{name}-year": f"{day.year:04d}",
    }


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (date_fields("date_of_birth", dt.date(1, 1, 1)), "Date of birth must be on or after"),
        (date_fields("starts_on", dt.date(9999, 12, 31)), "Start date must be on or before"),
        (
            {"given_name": f"Amara{RIGHT_TO_LEFT_OVERRIDE}rofakO"},
            "First name contains hidden characters that change the direction of the text",
        ),
        (
            {"family_name": f"Oka{ZERO_WIDTH_SPACE}for"},
            "Last name contains hidden formatting characters",
        ),
    ],
)
def test_the_add_a_child_page_refuses_an_implausible_child_naming_the_field(
    client: Client, senco: User, change: dict[str, str], words: str
) -> None:
    client.force_login(senco)
    data = {
        "given_name": "Amara",
        "family_name": "Okafor",
        **date_fields("date_of_birth", dt.date(2017, 5, 2)),
        **date_fields("starts_on", dt.date(2021, 9, 1)),
        **change,
    }

    response = client.post(reverse("add-child"), data)

    assert response.status_code == 200
    assert words in response.content.decode()
    assert not Child.objects.filter(given_name__startswith="Amara").exists()


@pytest.fixture
def secondary(db: None) -> Setting:
    return SettingFactory(
        name="Gorse Hill Academy",
        kind="secondary",
        local_authority=local_authority("873"),
        estab="4001",
        statutory_low_age=11,
        statutory_high_age=16,
    )


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"dob": dt.date(1, 1, 1), "sen_start": dt.date(2020, 9, 3)}, "Date of birth must be on"),
        ({"forename": f"Maya{RIGHT_TO_LEFT_OVERRIDE}"}, "change the direction of the text"),
        ({"surname": f"Hug{ZERO_WIDTH_SPACE}hes"}, "hidden formatting characters"),
    ],
)
def test_a_common_transfer_file_pupil_that_is_implausible_is_skipped_with_the_reason(
    secondary: Setting, changes: dict, words: str
) -> None:
    by = staff(Role.SENCO, secondary)

    report = import_ctf(ctf(pupil(make_upn("873", "2001", 1), **changes)), by=by)

    assert report.pupils[0].outcome is Outcome.SKIPPED
    assert any(words in reason for reason in report.pupils[0].reasons), report.pupils[0].reasons
    assert not Child.objects.exists()


def test_support_in_place_cannot_start_in_the_year_9999(
    api: Api, senco: User, child: Child
) -> None:
    body = {**VALID_BODIES["add_support_item"], "starts_on": "9999-12-31"}
    response = api.as_user(senco).post(f"/api/children/{child.pk}/passport/support", body)
    assert response.status_code == 422
    errors = {error["field"]: error["message"] for error in response.json()["errors"]}
    assert errors["starts_on"].startswith("Start date must be on or before")
    assert not child.passport.support_items.exists()
