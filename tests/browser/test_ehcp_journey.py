"""From a SENCO's review to a final EHC plan, with the legal limit of every step on show.

The SENCO's review recommends an EHC needs assessment and the SENCO sends the request; the
parent sees it and its 6-week date; the LA caseworker decides to assess, issues a draft, records
the family's response and issues the final plan; the parent's timeline shows each step with its
legal limit. The parent's other child has a request the LA has let run late: the step is shown as
overdue to the caseworker and to the parent. Real headless Chromium, keyboard only, axe-core on
every page.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Locator, Page, expect

from passport.access.services import assign_to_caseload
from passport.children.models import Enrolment, ParentalResponsibility
from passport.ehcp import services
from passport.ehcp.models import Plan
from passport.organisations.models import LocalAuthority
from passport.passports.models import Outcome, Passport, SupportItem
from passport.people.models import Membership, Role, User
from passport.testing.factories import TEST_PASSWORD, ChildFactory, SettingFactory, UserFactory
from passport.testing.signing_in import code_for_another_sign_in, give_authenticator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = dt.date.today()


@pytest.fixture(autouse=True)
def tasks_run_immediately(settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def person(email: str, name: str, role: Role, **where) -> tuple:
    user = cast(User, UserFactory(username=email, email=email, full_name=name))
    Membership.objects.create(user=user, role=role, starts_on=dt.date(2015, 9, 1), **where)
    device = (
        give_authenticator(user) if role not in (Role.PARENT_CARER, Role.YOUNG_PERSON) else None
    )
    return user, device


@pytest.fixture
def world(transactional_db):
    bristol = LocalAuthority.objects.get(code="801")
    school = SettingFactory(name="Brook Lane Primary School", urn="123456", local_authority=bristol)
    senco = person("senco@brook.example", "Sian Patel", Role.SENCO, setting=school)
    caseworker = person(
        "casework@bristol.example", "Dan Hughes", Role.LA_CASEWORKER, local_authority=bristol
    )
    parent, _ = person("ngozi@family.example", "Ngozi Okafor", Role.PARENT_CARER)
    children = []
    for given, born in (("Amara", dt.date(2017, 3, 14)), ("Kofi", dt.date(2015, 6, 2))):
        child = ChildFactory(
            given_name=given, family_name="Okafor", date_of_birth=born, home_local_authority=bristol
        )
        Enrolment.objects.create(child=child, setting=school, starts_on=dt.date(2021, 9, 1))
        ParentalResponsibility.objects.create(
            child=child, person=parent, relationship="Mother", starts_on=born
        )
        assign_to_caseload(caseworker[0], child, dt.date(2024, 9, 1))
        children.append(child)
    amara, kofi = children
    passport = Passport.objects.create(
        child=amara,
        liked_about_me="I am kind and I love drawing",
        needs_description="Finds it hard to follow spoken instructions",
    )
    Passport.objects.create(child=kofi)
    Outcome.objects.create(
        passport=passport, description="Follows two-step instructions", target_date=TODAY
    )
    SupportItem.objects.create(
        passport=passport,
        description="Speech and language group",
        intended_outcome="Follow instructions",
        delivered_by="Teaching assistant",
        group_size="small_group",
        minutes_per_session=30,
        sessions_per_period=2,
        period="week",
        starts_on=dt.date(2025, 9, 8),
        layer="targeted",
    )
    # Kofi's request reached the LA 50 days ago and nobody has decided: 8 days overdue.
    services.request_assessment(
        kofi, parent, reason="Needs are not met", received_on=TODAY - dt.timedelta(days=50)
    )
    return {
        "amara": amara,
        "kofi": kofi,
        "senco": senco,
        "caseworker": caseworker,
        "school": school,
    }


def press(page: Page, target: Locator, key: str = "Enter") -> None:
    target.focus()
    page.keyboard.press(key)


def type_into(page: Page, target: Locator, text: str) -> None:
    target.focus()
    page.keyboard.type(text)


def type_date(page: Page, group_name: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=group_name)
    type_into(page, group.get_by_label("Day"), str(day.day))
    page.keyboard.press("Tab")
    page.keyboard.type(str(day.month))
    page.keyboard.press("Tab")
    page.keyboard.type(str(day.year))


def sign_in(page: Page, base: str, email: str, device: TOTPDevice | None = None) -> None:
    page.goto(f"{base}/sign-in/")
    type_into(page, page.get_by_label("Email address"), email)
    page.keyboard.press("Tab")
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")
    if device is not None:
        code = page.get_by_label("Enter the code from your authenticator app")
        type_into(page, code, code_for_another_sign_in(device))
        page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def sign_out(page: Page) -> None:
    press(page, page.get_by_role("button", name="Sign out"))
    expect(page.get_by_role("heading", name="Sign in to Support Passport")).to_be_visible()


def test_from_a_senco_review_to_a_final_plan_with_every_legal_limit(
    live_server, page: Page, world, assert_no_axe_violations
):
    base = live_server.url
    amara, kofi = world["amara"], world["kofi"]
    decide_by = TODAY + dt.timedelta(weeks=6)

    # The SENCO's review recommends an assessment, and leads straight to the request.
    sign_in(page, base, "senco@brook.example", world["senco"][1])
    page.goto(f"{base}/children/{amara.pk}/reviews/add/")
    assert_no_axe_violations(page)
    type_date(page, "Date of the review", TODAY)
    type_into(page, page.get_by_label("Who took part"), "SENCO, class teacher, mother")
    type_into(page, page.get_by_label("Amara's views"), "Instructions go too fast")
    type_into(page, page.get_by_label("Progress"), "Little progress after two terms")
    press(page, page.get_by_label("Request an EHC needs assessment"), "Space")
    type_date(page, "Next review date", TODAY + dt.timedelta(days=60))
    press(page, page.get_by_role("button", name="Save"))
    expect(page.get_by_role("heading", name="Request an EHC needs assessment")).to_be_visible()
    expect(page.get_by_text("recommended this request")).to_be_visible()
    expect(page.get_by_text(f"by {decide_by:%-d %B %Y}")).to_be_visible()
    assert_no_axe_violations(page)
    press(page, page.get_by_role("button", name="Send the request"))
    expect(page.get_by_role("alert")).to_contain_text("Enter why an assessment is needed")
    assert_no_axe_violations(page)
    type_into(
        page,
        page.get_by_label("Why an assessment is needed"),
        "Two terms of Targeted support have not closed the gap",
    )
    press(page, page.get_by_role("button", name="Send the request"))
    expect(page.get_by_role("alert")).to_contain_text("Request for an EHC needs assessment sent")
    assert_no_axe_violations(page)
    sign_out(page)

    # The parent sees the request and its 6-week date.
    sign_in(page, base, "ngozi@family.example")
    page.goto(f"{base}/children/{amara.pk}/ehcp/")
    row = page.locator("tr[data-step='decide_to_assess']")
    expect(row).to_contain_text("The local authority decides whether to assess")
    expect(row).to_contain_text("Within 6 weeks of the request")
    expect(row).to_contain_text(f"{decide_by:%-d %B %Y}")
    assert_no_axe_violations(page)
    sign_out(page)

    # The caseworker's dashboard shows Kofi's late decision as overdue.
    sign_in(page, base, "casework@bristol.example", world["caseworker"][1])
    press(page, page.get_by_role("link", name="EHC plans"))
    overdue = page.get_by_role("table", name="Overdue")
    expect(overdue).to_contain_text("Kofi Okafor")
    expect(overdue).to_contain_text("Overdue")
    assert_no_axe_violations(page)

    # Amara's case: decide to assess, issue a draft, record the family's response, finalise.
    page.goto(f"{base}/children/{amara.pk}/ehcp/case/")
    expect(page.locator("#next-step")).to_contain_text(f"{decide_by:%-d %B %Y}")
    assert_no_axe_violations(page)
    press(page, page.get_by_label("Yes, carry out an assessment"), "Space")
    type_date(page, "Date of the decision", TODAY)
    press(page, page.get_by_role("button", name="Record the decision"))
    expect(page.get_by_role("alert")).to_contain_text("Decision whether to assess recorded")
    assert_no_axe_violations(page)
    type_date(page, "Date the draft plan is sent", TODAY)
    press(page, page.get_by_role("button", name="Issue the draft plan"))
    expect(page.get_by_role("alert")).to_contain_text("Draft plan issued")
    assert_no_axe_violations(page)

    press(page, page.get_by_role("link", name="Read the draft plan, version 1"))
    section_a = page.locator("#section-a + p")
    expect(section_a).to_contain_text("I am kind and I love drawing")
    expect(page.get_by_role("cell", name="Speech and language group")).to_be_visible()
    assert_no_axe_violations(page)
    page.goto(f"{base}/children/{amara.pk}/ehcp/case/")

    type_into(page, page.get_by_label("URN of the setting named in section I"), "123456")
    type_date(page, "Date the final plan is issued", TODAY)
    press(page, page.get_by_role("button", name="Issue the final plan"))
    expect(page.get_by_role("alert")).to_contain_text("to comment on the draft")
    assert_no_axe_violations(page)
    type_date(page, "Date the family responded", TODAY)
    type_into(page, page.get_by_label("The family's comments"), "We agree with the draft")
    press(page, page.get_by_role("button", name="Record the response"))
    expect(page.get_by_role("alert")).to_contain_text("The family's response recorded")
    # The setting is consulted and answers before the plan names it (CFA 2014 s39(2)).
    press(page, page.get_by_role("link", name="Consult a setting or record its response"))
    expect(page.get_by_role("heading", name="Consult a setting before naming it")).to_be_visible()
    assert_no_axe_violations(page)
    type_into(page, page.get_by_label("URN of the setting"), "123456")
    type_date(page, "Date the draft plan was sent to the setting", TODAY)
    press(page, page.get_by_role("button", name="Record the consultation"))
    expect(page.get_by_role("alert")).to_contain_text("Setting consulted")
    press(page, page.get_by_role("link", name="Record the response from Brook Lane"))
    expect(
        page.get_by_role("heading", name="Response from Brook Lane Primary School")
    ).to_be_visible()
    assert_no_axe_violations(page)
    type_date(page, "Date the setting responded", TODAY)
    type_into(page, page.get_by_label("What the setting said"), "We can meet these needs")
    press(page, page.get_by_role("button", name="Record the response"))
    expect(page.get_by_role("alert")).to_contain_text("Response from Brook Lane")
    assert_no_axe_violations(page)
    page.goto(f"{base}/children/{amara.pk}/ehcp/case/")
    type_into(page, page.get_by_label("URN of the setting named in section I"), "123456")
    type_date(page, "Date the final plan is issued", TODAY)
    press(page, page.get_by_role("button", name="Issue the final plan"))
    expect(page.get_by_role("alert")).to_contain_text("Final plan issued")
    assert_no_axe_violations(page)
    assert Plan.objects.get(child=amara).status == "final"

    page.goto(f"{base}/children/{kofi.pk}/ehcp/case/")
    expect(page.locator("#next-step")).to_contain_text("Overdue")
    assert_no_axe_violations(page)
    sign_out(page)

    # The parent's timeline: every step with its legal limit; Kofi's late step is overdue.
    sign_in(page, base, "ngozi@family.example")
    page.goto(f"{base}/children/{amara.pk}/ehcp/")
    expect(page.locator("tr[data-step='decide_to_assess']")).to_contain_text("Done in time")
    final = page.locator("tr[data-step='final_plan']")
    expect(final).to_contain_text("Within 20 weeks of the request")
    expect(final).to_contain_text("Done in time")
    expect(page.locator("tr[data-step='draft_comments']")).to_contain_text("Within 15 days")
    expect(page.locator("tr[data-step='annual_review']")).to_contain_text("Within 12 months")
    assert_no_axe_violations(page)
    press(page, page.get_by_role("link", name="Read the final plan"))
    expect(page.get_by_text("Brook Lane Primary School (URN 123456)")).to_be_visible()
    assert_no_axe_violations(page)

    page.goto(f"{base}/children/{kofi.pk}/ehcp/")
    expect(page.locator("tr[data-step='decide_to_assess']")).to_contain_text("Overdue")
    expect(page.get_by_text("the local authority has missed the legal time limit")).to_be_visible()
    assert_no_axe_violations(page)
