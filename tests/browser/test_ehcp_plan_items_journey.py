"""The caseworker changes a draft plan's outcomes (E) and provision (F) one page at a time, then
records the annual review meeting's notice and report. Real headless Chromium, keyboard only,
axe-core on every page."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from passport.children.models import ParentalResponsibility
from passport.ehcp import services
from passport.ehcp.models import AnnualReview, Plan

from .test_ehcp_journey import press, sign_in, type_date, type_into, world  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = dt.date.today()


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def test_outcomes_provision_and_the_review_pages(
    live_server,
    page: Page,
    world,  # noqa: F811
    assert_no_axe_violations,
):
    base = live_server.url
    amara = world["amara"]
    caseworker, device = world["caseworker"]
    parent = ParentalResponsibility.objects.get(child=amara).person
    request = services.request_assessment(amara, parent, reason="Please", received_on=ago(140))
    services.decide_whether_to_assess(request, caseworker, assess=True, decided_on=ago(100))
    plan = services.issue_draft_plan(request, caseworker, issued_on=ago(60))

    sign_in(page, base, "casework@bristol.example", device)
    page.goto(f"{base}/children/{amara.pk}/ehcp/plan/")
    assert_no_axe_violations(page)
    press(page, page.get_by_role("link", name="Add an outcome"))
    expect(page.get_by_role("heading", name="Add an outcome (section E)")).to_be_visible()
    page.wait_for_load_state()
    assert_no_axe_violations(page)
    type_into(page, page.get_by_label("Outcome", exact=True), "Reads a short book on their own")
    type_date(page, "Due by (optional)", ago(3))
    press(page, page.get_by_role("button", name="Save the outcome"))
    expect(page.get_by_role("alert")).to_contain_text("which has passed")
    page.wait_for_load_state()
    assert_no_axe_violations(page)
    page.get_by_role("group", name="Due by (optional)").get_by_label("Year").fill(
        str(TODAY.year + 2)
    )
    press(page, page.get_by_role("button", name="Save the outcome"))
    expect(page.get_by_text("Outcome added")).to_be_visible()
    page.wait_for_load_state()
    assert_no_axe_violations(page)

    press(page, page.get_by_role("link", name="Add provision"))
    expect(page.get_by_role("heading", name="Add provision (section F)")).to_be_visible()
    page.wait_for_load_state()
    assert_no_axe_violations(page)
    type_into(page, page.get_by_label("Provision", exact=True), "Daily phonics")
    page.get_by_label("The outcome it serves (optional)").select_option(
        label="2. Reads a short book on their own"
    )
    press(page, page.get_by_role("button", name="Save the provision"))
    expect(page.get_by_text("Provision added")).to_be_visible()

    press(page, page.get_by_role("link", name="Remove outcome 1"))
    expect(
        page.get_by_role("heading", name="Remove outcome 1 from the draft plan?")
    ).to_be_visible()
    page.wait_for_load_state()
    assert_no_axe_violations(page)
    press(page, page.get_by_role("button", name="Remove outcome 1"))
    expect(page.get_by_text("Outcome 1 removed")).to_be_visible()
    plan.refresh_from_db()
    assert [o.description for o in plan.outcomes.all()] == ["Reads a short book on their own"]

    services.record_family_response(plan, caseworker, responded_on=ago(40))
    services.consult_setting(plan, caseworker, setting=world["school"], sent_on=ago(60))
    services.finalise_plan(plan, caseworker, placement=world["school"], finalised_on=ago(30))
    page.goto(f"{base}/children/{amara.pk}/ehcp/case/")
    press(page, page.get_by_role("link", name="Record a review meeting and its notice"))
    expect(page.get_by_role("heading", name="Record the annual review meeting")).to_be_visible()
    page.wait_for_load_state()
    assert_no_axe_violations(page)
    type_date(page, "Date the invitations were sent", ago(12))
    type_date(page, "Date of the review meeting", ago(2))
    press(page, page.get_by_role("button", name="Record the meeting"))
    expect(page.get_by_text("went out 10 days before the meeting")).to_be_visible()
    page.wait_for_load_state()
    assert_no_axe_violations(page)
    press(page, page.get_by_role("link", name="record the report of the latest review meeting"))
    expect(
        page.get_by_role("heading", name="Record the report of the review meeting")
    ).to_be_visible()
    page.wait_for_load_state()
    assert_no_axe_violations(page)
    type_date(page, "Date the report was sent", ago(1))
    type_into(page, page.get_by_label("Report of the meeting"), "Agreed to keep the plan")
    press(page, page.get_by_role("button", name="Record the report"))
    expect(page.get_by_text("Report of the review meeting recorded")).to_be_visible()
    assert AnnualReview.objects.get(plan__child=amara).report == "Agreed to keep the plan"
    assert Plan.objects.get(pk=plan.pk).status == "final"
