"""A baby with complex needs on no setting's roll, and a plan that exists outside the service.

The home local authority's early-years caseworker records Isla (no setting), opens her
passport, records the EHC plan made for her from birth, and then confirms its details. Real
headless Chromium, keyboard only, axe-core on every page.
"""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from passport.children.models import Child
from passport.ehcp.models import Plan
from passport.organisations.models import LocalAuthority
from passport.people.models import Role

from .test_ehcp_journey import person, press, sign_in, type_date, type_into

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = dt.date.today()


def test_a_baby_on_no_roll_gets_a_passport_and_a_plan_from_birth(
    live_server, page: Page, transactional_db, assert_no_axe_violations
):
    bristol = LocalAuthority.objects.get(code="801")
    _, device = person(
        "early-years@bristol.example", "Dan Hughes", Role.LA_CASEWORKER, local_authority=bristol
    )
    base = live_server.url
    born = TODAY - dt.timedelta(days=300)
    issued = born + dt.timedelta(days=120)

    sign_in(page, base, "early-years@bristol.example", device)
    page.goto(f"{base}/children/")
    press(page, page.get_by_role("button", name="Record a child not at a setting"))
    expect(
        page.get_by_role("heading", name="Record a child who is not at a setting")
    ).to_be_visible()
    assert_no_axe_violations(page)
    type_into(page, page.get_by_label("First name"), "Isla")
    type_into(page, page.get_by_label("Last name"), "Reid")
    type_date(page, "Date of birth", born)
    press(page, page.get_by_role("button", name="Record the child"))
    expect(page.get_by_role("alert")).to_contain_text("passport started")
    assert_no_axe_violations(page)
    isla = Child.objects.get(given_name="Isla")

    page.goto(f"{base}/children/{isla.pk}/ehcp/plan/")
    press(page, page.get_by_role("link", name="record the existing plan"))
    expect(page.get_by_role("heading", name="Record an existing EHC plan")).to_be_visible()
    assert_no_axe_violations(page)
    press(page, page.get_by_role("button", name="Record the plan"))
    expect(page.get_by_role("alert")).to_contain_text("Select how the plan was made")
    assert_no_axe_violations(page)
    press(page, page.get_by_label("From birth, for complex needs known early"), "Space")
    type_date(page, "When was the plan issued?", issued)
    type_into(page, page.get_by_label("Section B: special educational needs"), "Cerebral palsy")
    press(page, page.get_by_label("Some dates or sections are not known yet"), "Space")
    press(page, page.get_by_role("button", name="Record the plan"))
    expect(page.get_by_role("alert")).to_contain_text("EHC plan recorded")
    expect(page.get_by_text("is under 5")).to_be_visible()
    assert_no_axe_violations(page)

    press(page, page.get_by_role("link", name="Confirm the details"))
    expect(page.get_by_role("heading", name="Confirm the EHC plan's details")).to_be_visible()
    assert_no_axe_violations(page)
    type_into(page, page.get_by_label("Section A: views, interests and aspirations"), "Loves music")
    press(page, page.get_by_role("button", name="Confirm the details"))
    expect(page.get_by_role("alert")).to_contain_text("details confirmed")
    plan = Plan.objects.get(child=isla)
    assert (plan.route, plan.details_to_confirm, plan.version) == ("from_birth", False, 2)
