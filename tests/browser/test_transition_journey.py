"""A child moves from a primary to a secondary: the passport follows them, support is confirmed.

The primary's SENCO records the move; the secondary's SENCO is emailed, finds the child in New
arrivals, reads the essentials and confirms the support in place; the primary can no longer open
the passport; the parent sees the secondary's SENCO in "who has seen". Real headless Chromium
against the live server, with axe-core on every page.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from passport.children.models import Enrolment, ParentalResponsibility
from passport.passports.models import Passport, SupportItem
from passport.people.models import Membership, Role
from passport.testing.browser import sign_in, sign_out
from passport.testing.factories import ChildFactory, SettingFactory, UserFactory
from passport.testing.signing_in import give_authenticator
from passport.transitions.models import SupportConfirmation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def tasks_run_immediately(settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def person(email: str, name: str, role: Role, **where) -> tuple:
    user = UserFactory(username=email, email=email, full_name=name)
    Membership.objects.create(user=user, role=role, starts_on=dt.date(2015, 9, 1), **where)
    device = (
        give_authenticator(user) if role not in (Role.PARENT_CARER, Role.YOUNG_PERSON) else None
    )
    return user, device


@pytest.fixture
def world(transactional_db):
    primary = SettingFactory(name="Brook Lane Primary School")
    secondary = SettingFactory(
        name="Gorse Hill Academy",
        kind="secondary",
        urn="654321",
        phase="Secondary",
        statutory_low_age=11,
        statutory_high_age=16,
    )
    primary_senco = person("senco@brook.example", "Sian Patel", Role.SENCO, setting=primary)
    secondary_senco = person("senco@gorse.example", "Grace Mensah", Role.SENCO, setting=secondary)
    parent, _ = person("ngozi@family.example", "Ngozi Okafor", Role.PARENT_CARER)
    child = ChildFactory(
        given_name="Amara", family_name="Okafor", date_of_birth=dt.date(2014, 3, 14)
    )
    Enrolment.objects.create(child=child, setting=primary, starts_on=dt.date(2018, 9, 3))
    ParentalResponsibility.objects.create(
        child=child, person=parent, relationship="Mother", starts_on=child.date_of_birth
    )
    passport = Passport.objects.create(child=child, needs_description="Finds noise hard")
    SupportItem.objects.create(
        passport=passport,
        description="Ear defenders in assemblies",
        intended_outcome="Stays in assemblies calmly",
        delivered_by="Class teacher",
        group_size="one_to_one",
        minutes_per_session=20,
        sessions_per_period=1,
        period="week",
        starts_on=dt.date(2024, 9, 2),
        layer="targeted",
    )
    return {
        "child": child,
        "primary_senco": primary_senco,
        "secondary_senco": secondary_senco,
        "parent": parent,
    }


def test_child_moves_to_secondary_and_support_is_confirmed_on_day_one(
    live_server, page: Page, world, assert_no_axe_violations
):
    base = live_server.url
    child = world["child"]
    today = dt.date.today()

    # The primary's SENCO records the move; the child starts at the secondary today.
    sign_in(page, base, "senco@brook.example", world["primary_senco"][1])
    page.goto(f"{base}/children/{child.pk}/move/")
    expect(page.get_by_role("heading", name="Record a move")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("Select where the child is going")
    assert_no_axe_violations(page)
    page.get_by_label("Another school, college or nursery").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Which school, college or nursery is Amara moving to?").fill("654321")
    page.get_by_role("button", name="Search").click()
    page.get_by_label("Gorse Hill Academy").check()
    page.get_by_role("button", name="Continue").click()
    group = page.get_by_role("group", name="First day at the new setting")
    group.get_by_label("Day").fill(str(today.day))
    group.get_by_label("Month").fill(str(today.month))
    group.get_by_label("Year").fill(str(today.year))
    page.get_by_label("They leave this setting (single registration)").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    page.get_by_role("button", name="Confirm and record the move").click()
    expect(page.get_by_role("heading", name="Move recorded")).to_be_visible()

    # Their last day was yesterday: the primary can no longer open the passport.
    response = page.goto(f"{base}/children/{child.pk}/")
    assert response is not None and response.status == 404
    sign_out(page)

    # The secondary's SENCO was told, without the child's details.
    assert [m.to for m in mail.outbox] == [["senco@gorse.example"]]
    assert "Amara" not in mail.outbox[0].body and "/new-arrivals/" in mail.outbox[0].body

    sign_in(page, base, "senco@gorse.example", world["secondary_senco"][1])
    page.goto(f"{base}/new-arrivals/")
    expect(page.get_by_role("heading", name="New arrivals")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Essentials for Amara Okafor").click()
    expect(page.get_by_text("Ear defenders in assemblies")).to_be_visible()
    assert_no_axe_violations(page)

    page.goto(f"{base}/new-arrivals/")
    page.get_by_role("link", name="Confirm support in place for Amara Okafor").click()
    expect(page.get_by_role("heading", name="Confirm support in place")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Confirm support in place").click()
    expect(page.get_by_role("alert")).to_contain_text("Confirm you have read the passport")
    assert_no_axe_violations(page)
    page.get_by_label("I have read Amara's passport").check()
    page.get_by_role("group", name="Ear defenders in assemblies").get_by_label(
        "Continue as it is"
    ).check()
    page.get_by_role("button", name="Confirm support in place").click()
    expect(page.get_by_text("Support in place confirmed for Amara Okafor: 0 days")).to_be_visible()
    assert_no_axe_violations(page)
    assert SupportConfirmation.objects.get().school_days == 0
    sign_out(page)

    # The parent sees that the secondary's SENCO has read the passport.
    sign_in(page, base, "ngozi@family.example")
    page.goto(f"{base}/children/{child.pk}/who-has-seen/")
    expect(page.get_by_role("heading", name="Who has seen this passport")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("Grace Mensah")
    assert_no_axe_violations(page)
