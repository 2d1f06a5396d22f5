"""A school group commissions speech and language therapy and sees what was delivered.

A cluster lead opens the group's pot and commissions therapy for six children in three settings,
chosen from passports whose Support in place names speech and language therapy; the therapist
(whose provider the families consented to) records a session; the child's SENCO sees specified
against delivered on the passport; the group's dashboard shows the spend. Real headless Chromium
against the live server, with axe-core on every page.
"""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from passport.access import services as access_services
from passport.funding.models import Commission, Delivery, financial_year_bounds
from passport.funding.tests.world import build_world
from passport.testing.browser import sign_in, sign_out
from passport.testing.factories import parent_of
from passport.testing.signing_in import give_authenticator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db):
    world = build_world(children_per_setting=2)
    for child in world.children[:2]:
        access_services.give_consent(
            child, world.provider, ["identity", "support"], parent_of(child)
        )
    devices = {
        user.pk: give_authenticator(user) for user in (world.lead, world.therapist, *world.sencos)
    }
    return world, devices


def fill_date(page: Page, legend: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_cluster_lead_commissions_therapy_and_everyone_sees_what_was_delivered(
    live_server, page: Page, world, assert_no_axe_violations
):
    world, devices = world
    base = live_server.url
    first, last = financial_year_bounds(world.year)
    child = world.children[0]

    # The cluster lead opens the pot for the year with its allocation.
    sign_in(page, base, world.lead.email, devices[world.lead.pk])
    page.get_by_role("link", name="Funding").click()
    expect(page.get_by_role("heading", name=world.group.name)).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Open a pot").click()
    page.get_by_role("button", name="Open the pot").click()
    expect(page.get_by_role("alert")).to_contain_text("Select the funding stream")
    assert_no_axe_violations(page)
    page.get_by_label("Inclusive Mainstream Fund").check()
    page.get_by_label("Allocation in pounds (optional)").fill("12,000")
    page.get_by_role("button", name="Open the pot").click()
    expect(page.get_by_text("£12,000.00").first).to_be_visible()
    assert_no_axe_violations(page)

    # ...and commissions six sessions each for six children across the three settings.
    page.get_by_role("link", name=f"Back to {world.group.name}").click()
    page.get_by_role("link", name="Commission a service").click()
    assert_no_axe_violations(page)
    page.get_by_role("link", name=world.service.name).click()
    expect(page.get_by_role("heading", name=f"Commission {world.service.name}")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Commission").click()
    expect(page.get_by_role("alert")).to_contain_text("Select the children the commission is for")
    assert_no_axe_violations(page)
    page.get_by_label("Inclusive Mainstream Fund").check()
    page.get_by_label("Sessions for each child").fill("6")
    fill_date(page, "Start date", first)
    fill_date(page, "End date", last)
    for each in world.children:
        page.get_by_label(each.full_name).check()
    page.get_by_role("button", name="Commission").click()
    expect(page.get_by_text("Commission approved: £2,340.00 committed")).to_be_visible()
    assert_no_axe_violations(page)
    commission = Commission.objects.get()
    assert commission.places.count() == 6
    assert {p.setting_id for p in commission.places.all()} == {s.pk for s in world.settings}
    sign_out(page)

    # The therapist, whose provider the family consented to, records a session.
    sign_in(page, base, world.therapist.email, devices[world.therapist.pk])
    page.goto(f"{base}/funding/")
    page.get_by_role("link", name=commission.description).click()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Record a session").click()
    page.get_by_role("button", name="Record the session").click()
    expect(page.get_by_role("alert")).to_contain_text("Select the child")
    assert_no_axe_violations(page)
    page.get_by_label(f"{child.full_name}, {world.settings[0].name}").check()
    fill_date(page, "Date of the session", max(first, dt.date.today() - dt.timedelta(days=1)))
    page.get_by_label("Attended").check()
    page.get_by_role("button", name="Record the session").click()
    expect(page.get_by_text("Session recorded")).to_be_visible()
    assert Delivery.objects.get().charge is not None
    sign_out(page)

    # The child's SENCO sees specified against delivered on the passport.
    senco = world.sencos[0]
    sign_in(page, base, senco.email, devices[senco.pk])
    page.goto(f"{base}/children/{child.pk}/")
    table = page.get_by_role("table").filter(has_text="Specified")
    expect(table).to_contain_text("30 minutes, once a week")
    expect(table).to_contain_text("6 sessions")
    assert_no_axe_violations(page)
    sign_out(page)

    # The group's dashboard shows the spend, with the figures beside each chart.
    sign_in(page, base, world.lead.email, devices[world.lead.pk])
    page.goto(f"{base}/funding/groups/{world.group.pk}/dashboard/")
    expect(page.get_by_role("heading", name="Funding dashboard")).to_be_visible()
    expect(page.locator("#chart-spend-table")).to_contain_text("£65.00")
    expect(page.get_by_role("img", name="Spend against allocation")).to_be_visible()
    assert_no_axe_violations(page)
