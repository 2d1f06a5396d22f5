"""A local authority caseworker imports next year's term dates, first with a mistake the page
names by row, then correctly; a SENCO reads when each leaver's record is due. Real headless
Chromium, axe-core on every page."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from passport.people.models import Membership, Role
from passport.testing.browser import sign_in
from passport.testing.factories import (
    SettingFactory,
    UserFactory,
    child_on_roll,
    local_authority,
)
from passport.testing.signing_in import give_authenticator
from passport.transitions.services import record_leaving

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_caseworker_imports_term_dates_and_a_senco_sees_leavers_due_dates(
    live_server, page: Page, transactional_db, assert_no_axe_violations, tmp_path
) -> None:
    caseworker = UserFactory(username="terms@bristol.example", email="terms@bristol.example")
    Membership.objects.create(
        user=caseworker,
        role=Role.LA_CASEWORKER,
        local_authority=local_authority("801"),
        starts_on=dt.date(2020, 1, 1),
    )
    base = live_server.url
    sign_in(page, base, "terms@bristol.example", give_authenticator(caseworker))
    page.get_by_role("link", name="Term dates").click()
    expect(page.get_by_role("heading", name="Term dates for Bristol, City of")).to_be_visible()
    assert_no_axe_violations(page)

    bad = tmp_path / "terms.csv"
    bad.write_text("school_year,term,first_day,last_day\n2028/29,1,2028-09-05,5 Sept\n")
    page.get_by_label("Term dates CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Import term dates").click()
    expect(page.get_by_role("alert")).to_contain_text('Row 2: last_day "5 Sept" is not a date')
    assert_no_axe_violations(page)

    good = tmp_path / "good.csv"
    good.write_text(
        "school_year,term,first_day,last_day\n2028/29,1,2028-09-05,2028-12-20\n"
        "2028/29,2,2029-01-04,2029-07-20\n"
    )
    page.get_by_label("Term dates CSV file").set_input_files(str(good))
    page.get_by_role("button", name="Import term dates").click()
    expect(page.get_by_text("Imported 2 terms for Bristol, City of: 2028 to 2029")).to_be_visible()
    expect(page.get_by_text("4 January 2029")).to_be_visible()
    assert_no_axe_violations(page)

    school = SettingFactory(name="Brook Lane Primary")
    senco = UserFactory(username="senco@brook.example", email="senco@brook.example")
    Membership.objects.create(
        user=senco, role=Role.SENCO, setting=school, starts_on=dt.date(2020, 1, 1)
    )
    child = child_on_roll(school, given_name="Ava", family_name="Okafor")
    leaving = record_leaving(
        child, school, dt.date.today() - dt.timedelta(days=1), "left_england", senco
    )
    page.context.clear_cookies()
    sign_in(page, base, "senco@brook.example", give_authenticator(senco))
    page.get_by_role("link", name="Leavers").click()
    expect(page.get_by_role("heading", name="Leavers")).to_be_visible()
    expect(page.get_by_text("Ava Okafor")).to_be_visible()
    if leaving.record_due_on is not None:
        expect(page.get_by_text(f"{leaving.record_due_on:%-d %B %Y}").first).to_be_visible()
    assert_no_axe_violations(page)
