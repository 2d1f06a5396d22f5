"""A primary's SENCO records a move to another school: finds it by name, checks the answers,
confirms, reads the reference, and undoes the move from the confirmation page. Real headless
Chromium, axe-core on every page of the journey."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from passport.children.models import Enrolment
from passport.people.models import Membership, Role
from passport.testing.browser import sign_in
from passport.testing.factories import SettingFactory, UserFactory, child_on_roll
from passport.testing.signing_in import give_authenticator
from passport.transitions.models import Admission

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def tasks_run_immediately(settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_a_senco_finds_the_school_by_name_confirms_the_move_and_undoes_it(
    live_server, page: Page, transactional_db, assert_no_axe_violations
) -> None:
    primary = SettingFactory(name="Brook Lane Primary")
    SettingFactory(name="Gorse Hill Academy", urn="137001", phase="Secondary")
    child = child_on_roll(primary, given_name="Ava", family_name="Okafor")
    senco = UserFactory(username="senco@brook.example", email="senco@brook.example")
    Membership.objects.create(
        user=senco, role=Role.SENCO, setting=primary, starts_on=dt.date(2015, 9, 1)
    )
    device = give_authenticator(senco)
    base = live_server.url
    starts = dt.date.today() + dt.timedelta(days=7)

    sign_in(page, base, "senco@brook.example", device)
    page.goto(f"{base}/children/{child.pk}/move/")
    assert_no_axe_violations(page)
    page.get_by_label("Another school, college or nursery").check()
    page.get_by_role("button", name="Continue").click()

    page.get_by_label("Which school, college or nursery is Ava moving to?").fill("gorse")
    page.get_by_role("button", name="Search").click()
    assert_no_axe_violations(page)
    page.get_by_label("Gorse Hill Academy").check()
    page.get_by_role("button", name="Continue").click()

    assert_no_axe_violations(page)
    group = page.get_by_role("group", name="First day at the new setting")
    group.get_by_label("Day").fill(str(starts.day))
    group.get_by_label("Month").fill(str(starts.month))
    group.get_by_label("Year").fill(str(starts.year))
    page.get_by_label("They leave this setting (single registration)").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    expect(page.get_by_text("URN 137001")).to_be_visible()
    assert_no_axe_violations(page)
    assert not Admission.objects.exists()
    page.get_by_role("button", name="Confirm and record the move").click()

    expect(page.get_by_role("heading", name="Move recorded")).to_be_visible()
    expect(page.get_by_text("What happens next")).to_be_visible()
    assert_no_axe_violations(page)
    assert Admission.objects.count() == 1
    page.get_by_role("link", name="Undo this move").click()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Undo the move").click()

    expect(page.get_by_role("heading", name="Move undone")).to_be_visible()
    assert_no_axe_violations(page)
    assert not Admission.objects.exists()
    assert Enrolment.objects.get(child=child).ends_on is None
