"""A SENCO signs in with a code and writes every section; the parent reads it and adds to About me.

Runs in real headless Chromium against the live server, checks every page with axe-core, and
does the parent's part with the keyboard alone.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from passport.children.models import Enrolment, ParentalResponsibility
from passport.passports.models import Passport
from passport.people.models import Membership, Role
from passport.testing.factories import TEST_PASSWORD, ChildFactory, SettingFactory, UserFactory
from passport.testing.signing_in import code_for_another_sign_in, give_authenticator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def family(transactional_db):
    school = SettingFactory(name="Oakfield Primary")
    senco = UserFactory(
        username="senco@oakfield.example", email="senco@oakfield.example", full_name="Sian Patel"
    )
    Membership.objects.create(
        user=senco, role=Role.SENCO, setting=school, starts_on=dt.date(2020, 9, 1)
    )
    authenticator = give_authenticator(senco)
    child = ChildFactory(
        given_name="Amara", family_name="Okafor", date_of_birth=dt.date(2017, 3, 14)
    )
    Enrolment.objects.create(child=child, setting=school, starts_on=dt.date(2021, 9, 1))
    parent = UserFactory(
        username="ngozi@family.example", email="ngozi@family.example", full_name="Ngozi Okafor"
    )
    Membership.objects.create(user=parent, role=Role.PARENT_CARER, starts_on=dt.date(2017, 3, 14))
    ParentalResponsibility.objects.create(
        child=child, person=parent, relationship="Mother", starts_on=dt.date(2017, 3, 14)
    )
    return {"senco": senco, "parent": parent, "child": child, "authenticator": authenticator}


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def enter_code(page: Page, authenticator: TOTPDevice) -> None:
    code_box = page.get_by_label("Enter the code from your authenticator app")
    expect(code_box).to_be_visible()
    code_box.fill(code_for_another_sign_in(authenticator))
    page.get_by_role("button", name="Continue").click()


def fill_date(page: Page, legend: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def save(page: Page) -> None:
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Amara Okafor")


def test_senco_writes_every_section_and_parent_reads_and_adds(
    live_server, page: Page, family, assert_no_axe_violations
):
    base = live_server.url
    sign_in(page, base, "senco@oakfield.example")
    assert_no_axe_violations(page)
    enter_code(page, family["authenticator"])
    expect(page.get_by_role("heading", name="Children on roll")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Okafor, Amara").click()
    page.get_by_role("button", name="Start a passport").click()
    expect(page.get_by_text("Version 1")).to_be_visible()
    assert_no_axe_violations(page)

    # About me
    page.get_by_role("link", name="Change About me").click()
    expect(page.get_by_role("heading", name="About me")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("What people like and admire about me").fill(
        "I am kind and I make people laugh"
    )
    page.get_by_label("What is important to me").fill("My little brother and my drawings")
    page.get_by_label("How best to support me").fill("Show me pictures of what happens next")
    save(page)

    # My needs: first a mistake the service must catch, keeping what was typed.
    page.get_by_role("link", name="Change my needs").click()
    page.get_by_label("Education, health and care plan").check()
    page.get_by_label("Primary need").select_option("NSA")
    page.get_by_label("Describe the child's needs").fill(
        "Finds it hard to follow spoken instructions"
    )
    page.get_by_role("button", name="Save").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("can only be used with SEN support")
    expect(page.get_by_label("Describe the child's needs")).to_have_value(
        "Finds it hard to follow spoken instructions"
    )
    assert_no_axe_violations(page)
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Primary need")).to_be_focused()
    page.get_by_label("SEN support", exact=True).check()
    page.get_by_label("Primary need").select_option("SLCN")
    page.get_by_label("Secondary need (optional)").select_option("SEMH")
    page.get_by_label("Communication and interaction").check()
    save(page)

    # What works
    page.get_by_role("link", name="Add what works").click()
    page.get_by_label("Strategy", exact=True).check()
    page.get_by_label("What works").fill(
        "Give one instruction at a time and check she has understood"
    )
    save(page)

    # Support in place
    page.get_by_role("link", name="Add support").click()
    expect(page.get_by_role("heading", name="Add support")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("What the support is").fill("Talk Boost small group")
    page.get_by_label("What it is for").fill("Understand who, what and where questions")
    page.get_by_label("Who provides it").fill(
        "Teaching assistant trained by the speech and language therapist"
    )
    page.get_by_label("Small group").check()
    page.get_by_label("Minutes per session").fill("30")
    page.get_by_label("Number of sessions").fill("3")
    page.get_by_label("a week").check()
    fill_date(page, "Start date", dt.date(2026, 9, 7))
    page.get_by_role("group", name="Layer of support this belongs to").get_by_label(
        "Targeted", exact=True
    ).check()
    save(page)

    # Outcomes
    page.get_by_role("link", name="Add an outcome").click()
    page.get_by_label("What we are aiming for").fill(
        "Amara answers who and where questions about a story in 4 out of 5 tries"
    )
    fill_date(page, "Target date", dt.date(2027, 7, 16))
    page.get_by_label("Some progress").check()
    save(page)

    # Reviews
    page.get_by_role("link", name="Record a review").click()
    fill_date(page, "Date of the review", dt.date(2026, 11, 2))
    page.get_by_label("Who took part").fill("Amara, her mother, class teacher, SENCO")
    page.get_by_label("Amara's views").fill("I like the group because we play games")
    page.get_by_label("Progress", exact=True).fill(
        "Answers who questions reliably; where questions emerging"
    )
    page.get_by_label("Continue the current support").check()
    fill_date(page, "Next review date", dt.date(2027, 2, 8))
    save(page)

    # Layer
    page.get_by_role("link", name="Change layer of support").click()
    expect(page.get_by_role("heading", name="Change the layer of support")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Targeted", exact=True).check()
    page.get_by_label("Reason for the change").fill(
        "Needs met in class with a small-group programme"
    )
    save(page)

    passport_page = page.content()
    for shown in (
        "Show me pictures of what happens next",
        "Speech, language and communication needs",
        "Give one instruction at a time",
        "30 minutes, 3 times a week",
        "Some progress",
        "I like the group because we play games",
        "Needs met in class",
    ):
        assert shown in passport_page
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Essentials for a new teacher").click()
    expect(page.get_by_text("Essentials for a new teacher")).to_be_visible()
    expect(page.get_by_text("Show me pictures of what happens next")).to_be_visible()
    assert_no_axe_violations(page)
    page.goto(f"{base}/children/{family['child'].pk}/history/")
    expect(page.get_by_role("cell", name="Sian Patel").first).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name=re.compile("^Open this version")).first.click()
    expect(page.get_by_role("heading", name=re.compile("as it was on"))).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Sign out").click()

    # The parent, by keyboard alone.
    expect(page.get_by_role("heading", name="Sign in to Support Passport")).to_be_visible()
    assert_no_axe_violations(page)
    page.keyboard.press("Tab")  # skip link
    page.get_by_label("Email address").focus()
    page.keyboard.type("ngozi@family.example")
    page.keyboard.press("Tab")
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your children")).to_be_visible()
    page.get_by_role("link", name="Okafor, Amara").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Show me pictures of what happens next")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Change"))).to_have_count(0)
    page.get_by_role("link", name="Add to About me").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Add to About me")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("The child, in their own words").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.type("I want to be an artist when I grow up")
    page.get_by_role("button", name="Save").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("I want to be an artist when I grow up")).to_be_visible()
    expect(page.get_by_text("In Amara's own words")).to_be_visible()

    passport = Passport.objects.get(child=family["child"])
    assert passport.about_me_contributions.get().author == family["parent"]
    assert passport.version >= 9
