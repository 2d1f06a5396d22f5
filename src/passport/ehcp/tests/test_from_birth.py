"""A baby with complex needs, on no setting's roll: recorded by the home local authority, with a
passport, an assessment and a plan from birth, reviewed every 3 to 6 months while under 5."""

from __future__ import annotations

import datetime as dt
from typing import cast

import pytest

from passport.access.policies import Action, Relationship, decide, visible_children
from passport.children.models import Child, Enrolment
from passport.core.dates import add_months
from passport.ehcp import services
from passport.ehcp.services.existing_plans import next_recommended_review
from passport.passports.models import Passport
from passport.people.models import Role, User
from passport.site.tests.conftest import Api
from passport.testing.factories import MembershipFactory, SettingFactory, local_authority, parent_of

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def caseworker_at(code: str) -> User:
    return cast(
        User,
        MembershipFactory(
            role=Role.LA_CASEWORKER, setting=None, local_authority=local_authority(code)
        ).user,
    )


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def test_the_home_la_records_a_baby_on_no_roll_and_only_its_caseworkers_see_them(client):
    early_years = caseworker_at("801")
    elsewhere = caseworker_at("330")
    api = Api(client).as_user(early_years)
    body = {
        "given_name": "Isla",
        "family_name": "Reid",
        "date_of_birth": ago(200).isoformat(),
        "nhs_number": "9434765919",
    }
    made = api.post("/api/children/without-setting", body)
    assert made.status_code == 201, made.json()
    child = Child.objects.get(pk=made.json()["id"])
    assert (child.home_local_authority.code, child.enrolments.count()) == ("801", 0)
    assert Passport.objects.filter(child=child).exists()

    decision = decide(early_years, child, Action.DECIDE)
    assert (decision.allowed, decision.relationship) == (True, Relationship.HOME_LA_NO_SETTING)
    assert decide(early_years, child, Action.WRITE).allowed
    assert child in visible_children(early_years)
    assert not decide(elsewhere, child, Action.READ).allowed
    assert child not in visible_children(elsewhere)
    assert Api(client).as_user(elsewhere).get(f"/api/children/{child.pk}").status_code == 404

    # Once a setting has the child on its roll, the setting holds the record.
    Enrolment.objects.create(child=child, setting=SettingFactory(), starts_on=TODAY)
    assert not decide(early_years, child, Action.READ).allowed


def test_a_parent_or_senco_cannot_record_a_child_on_no_roll(client, case):
    made = (
        Api(client)
        .as_user(case.parent)
        .post(
            "/api/children/without-setting",
            {"given_name": "Isla", "family_name": "Reid", "date_of_birth": ago(200).isoformat()},
        )
    )
    assert made.status_code == 403
    assert not Child.objects.filter(given_name="Isla").exists()


def test_a_baby_gets_an_assessment_and_a_plan_from_birth_reviewed_every_6_months():
    early_years = caseworker_at("801")
    baby = Child.objects.create(
        given_name="Isla",
        family_name="Reid",
        date_of_birth=ago(300),
        home_local_authority=local_authority("801"),
    )
    Passport.objects.create(child=baby)
    parent = parent_of(baby)
    request = services.request_assessment(
        baby, parent, reason="Cerebral palsy", received_on=ago(120)
    )
    assert request.local_authority.code == "801"
    services.decide_whether_to_assess(request, early_years, assess=True, decided_on=ago(100))
    request.refresh_from_db()
    plan = services.issue_draft_plan(request, early_years, issued_on=ago(60))
    assert plan.route == "from_birth"
    services.record_family_response(plan, parent, responded_on=ago(55))
    plan = services.finalise_plan(
        plan, early_years, placement=None, placement_type="Home, with portage", finalised_on=ago(40)
    )
    passport = Passport.objects.get(child=baby)
    assert (passport.sen_provision, passport.ehc_plan_since) == ("E", ago(40))
    # SEND Code of Practice 2015 para 9.178: consider reviewing every 3 to 6 months under 5.
    assert next_recommended_review(plan) == add_months(ago(40), 6)
