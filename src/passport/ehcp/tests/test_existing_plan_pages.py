"""Recording an existing EHC plan on a page and over the API; confirming its details from the
version shown (a stale page shows the conflict page, a stale API write answers 412)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from passport.ehcp.models import Plan
from passport.ehcp.services.existing_plans import ExistingPlan, record_existing_plan
from passport.passports.models import Passport
from passport.people.models import Role
from passport.site.tests.conftest import Api
from passport.testing.factories import local_authority, staff

pytestmark = pytest.mark.django_db


def date_fields(name: str, day: dt.date) -> dict[str, object]:
    return {f"{name}-day": day.day, f"{name}-month": day.month, f"{name}-year": day.year}


def test_the_caseworker_records_a_plan_transferred_from_another_la_on_the_page(client, case):
    client.force_login(case.caseworker)
    url = reverse("ehcp-existing-plan", args=[case.child.pk])
    assert (
        "record the existing plan"
        in client.get(reverse("ehcp-plan", args=[case.child.pk])).content.decode()
    )
    assert "Record an existing EHC plan" in client.get(url).content.decode()
    bad = client.post(
        url,
        {
            "route": "legacy_pre_reform",
            **date_fields("issued_on", dt.date(2023, 3, 14)),
            "review_meetings": "11/3/2025\nlast spring",
        },
    )
    assert "Enter each review date as day/month/year" in bad.content.decode()
    assert not Plan.objects.exists()
    done = client.post(
        url,
        {
            "route": "legacy_pre_reform",
            **date_fields("issued_on", dt.date(2023, 3, 14)),
            "review_meetings": "5/3/2024\n11/3/2025",
            "transferred_from_la_code": "330",
            **date_fields("transferred_in_on", dt.date(2025, 1, 6)),
            "section_b": "Severe speech and language needs",
            "section_f": "Speech and language therapy, 30 minutes weekly",
            "details_to_confirm": ["yes"],
        },
    )
    assert done.status_code == 302
    plan = Plan.objects.get()
    assert (plan.origin, plan.transferred_from_la_code, plan.annual_reviews.count()) == (
        "transferred_in",
        "330",
        2,
    )
    assert plan.provisions.get().description.startswith("Speech and language therapy")
    page = client.get(reverse("ehcp-plan", args=[case.child.pk])).content.decode()
    assert "Transferred from local authority 330" in page and "Confirm the details" in page


def test_a_senco_cannot_record_a_plan(client, case):
    client.force_login(case.senco)
    assert client.get(reverse("ehcp-existing-plan", args=[case.child.pk])).status_code == 404


def test_confirming_details_from_a_stale_page_shows_the_conflict(client, case):
    plan = record_existing_plan(
        case.child,
        case.caseworker,
        ExistingPlan(
            route="legacy_pre_reform", issued_on=dt.date(2023, 3, 14), details_to_confirm=True
        ),
        local_authority=local_authority(),
    )
    client.force_login(case.caseworker)
    url = reverse("ehcp-confirm-plan", args=[case.child.pk])
    form = {**date_fields("issued_on", dt.date(2023, 3, 14)), "section_a": "Loves music"}
    Plan.objects.filter(pk=plan.pk).update(version=5, section_a="Loves drums")
    stale = client.post(url, {**form, "version": 1})
    assert stale.status_code == 409 and "Loves drums" in stale.content.decode()
    assert client.post(url, {**form, "version": 5}).status_code == 302
    plan.refresh_from_db()
    assert (plan.section_a, plan.details_to_confirm, plan.version) == ("Loves music", False, 6)


def test_recording_and_confirming_over_the_api(client, case):
    api = Api(client).as_user(case.caseworker)
    body = {
        "child_id": case.child.pk,
        "route": "from_birth",
        "issued_on": "2021-01-04",
        "sections": {"section_b": "Cerebral palsy"},
        "details_to_confirm": True,
    }
    case.child.date_of_birth = dt.date(2020, 6, 1)
    case.child.save()
    made = api.post("/api/ehcp/existing-plans", body)
    assert made.status_code == 201, made.json()
    assert (made.json()["route"], made.json()["origin"], made.json()["version"]) == (
        "from_birth",
        "recorded",
        1,
    )
    assert Passport.objects.get(child=case.child).sen_provision == "E"
    again = api.post("/api/ehcp/existing-plans", body)
    assert again.status_code == 422 and "already has an EHC plan" in str(again.json())
    change = {"child_id": case.child.pk, "sections": {"section_a": "Loves music"}}
    assert api.put("/api/ehcp/existing-plans", change, **{"If-Match": '"7"'}).status_code == 412
    done = api.put("/api/ehcp/existing-plans", change, **{"If-Match": '"1"'})
    assert done.status_code == 200 and done.json()["details_to_confirm"] is False


def test_a_teacher_cannot_record_a_plan_over_the_api(client, case):
    api = Api(client).as_user(staff(Role.SENCO, case.setting))
    made = api.post(
        "/api/ehcp/existing-plans",
        {"child_id": case.child.pk, "route": "reform", "issued_on": "2024-01-08"},
    )
    assert made.status_code == 422 and not Plan.objects.exists()


def test_the_needs_page_and_api_refuse_an_ehc_plan_the_records_do_not_hold(client, case):
    client.force_login(case.senco)
    page = client.post(
        reverse("edit-needs", args=[case.child.pk]),
        {"sen_provision": "E", "primary_need": "SLCN", "needs_description": "Speech"},
    ).content.decode()
    assert "The child has no EHC plan recorded" in page
    api = Api(client).as_user(case.senco)
    answer = api.put(
        f"/api/children/{case.child.pk}/passport/needs",
        {
            "sen_provision": "E",
            "need_types": ["SLCN"],
            "broad_areas": ["CI"],
            "needs_description": "Speech",
        },
    )
    assert answer.status_code == 422 and "no EHC plan recorded" in str(answer.json())
    assert Passport.objects.get(child=case.child).sen_provision == "K"
