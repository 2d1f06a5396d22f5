"""Families and staff use the access pages in Chromium: consent, who has seen, sharing,
emergency access and the data protection lead's page. axe-core checks every page."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from passport.access import services as access_services
from passport.access.models import Consent
from passport.children.models import Enrolment, ParentalResponsibility
from passport.organisations.models import Provider
from passport.people.models import Membership, Role
from passport.testing.browser import sign_in, sign_out
from passport.testing.factories import ChildFactory, SettingFactory, UserFactory
from passport.testing.signing_in import give_authenticator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def person(email: str, name: str, role: Role, **where) -> tuple:
    user = UserFactory(username=email, email=email, full_name=name)
    Membership.objects.create(user=user, role=role, starts_on=dt.date(2015, 9, 1), **where)
    device = (
        give_authenticator(user) if role not in (Role.PARENT_CARER, Role.YOUNG_PERSON) else None
    )
    return user, device


@pytest.fixture
def world(transactional_db):
    school = SettingFactory(name="Oakfield Primary")
    senco, senco_device = person("senco@oakfield.example", "Sian Patel", Role.SENCO, setting=school)
    teacher, teacher_device = person(
        "teacher@elsewhere.example", "Tom Reed", Role.TEACHER, setting=SettingFactory()
    )
    dpl, dpl_device = person(
        "dpl@oakfield.example", "Dee Lane", Role.DATA_PROTECTION_LEAD, setting=school
    )
    parent, _ = person("ngozi@family.example", "Ngozi Okafor", Role.PARENT_CARER)
    child = ChildFactory(
        given_name="Amara", family_name="Okafor", date_of_birth=dt.date(2017, 3, 14)
    )
    Enrolment.objects.create(child=child, setting=school, starts_on=dt.date(2021, 9, 1))
    ParentalResponsibility.objects.create(
        child=child, person=parent, relationship="Mother", starts_on=child.date_of_birth
    )
    from passport.passports.models import Passport

    Passport.objects.create(child=child)
    trust = Provider.objects.create(name="Avon Vale NHS Trust", kind="nhs_trust")
    therapist, therapist_device = person(
        "tess@avonvale.example", "Tess Ward", Role.HEALTH_PROFESSIONAL, provider=trust
    )
    access_services.record_referral(
        child, trust, "Speech and language therapy", dt.date(2026, 1, 5), senco
    )
    return {
        "child": child,
        "senco": (senco, senco_device),
        "teacher": (teacher, teacher_device),
        "dpl": (dpl, dpl_device),
        "parent": parent,
        "trust": trust,
        "therapist": (therapist, therapist_device),
    }


def test_staff_views_show_up_for_the_family_and_emergency_access_for_the_data_protection_lead(
    live_server, page: Page, world, assert_no_axe_violations
):
    base = live_server.url
    child = world["child"]
    senco, senco_device = world["senco"]
    sign_in(page, base, senco.email, senco_device)
    page.goto(f"{base}/children/{child.pk}/")
    expect(page.get_by_role("heading", name="Amara Okafor")).to_be_visible()
    sign_out(page)

    # A teacher at another school uses emergency access.
    teacher, teacher_device = world["teacher"]
    sign_in(page, base, teacher.email, teacher_device)
    assert page.goto(f"{base}/children/{child.pk}/").status == 404
    page.goto(f"{base}/emergency-access/")
    assert_no_axe_violations(page)
    page.get_by_label("The child's UPN").fill(child.upn)
    page.get_by_label("Why do you need emergency access?").fill("Amara is unwell on our joint trip")
    page.get_by_role("button", name="Open the record").click()
    expect(page.get_by_text("You opened this record with emergency access")).to_be_visible()
    assert_no_axe_violations(page)
    sign_out(page)

    # The data protection lead sees the emergency opening and the refused attempt.
    dpl, dpl_device = world["dpl"]
    sign_in(page, base, dpl.email, dpl_device)
    page.get_by_role("link", name="Data protection").click()
    expect(page.get_by_text("Amara is unwell on our joint trip").first).to_be_visible()
    assert_no_axe_violations(page)
    sign_out(page)

    # The parent sees both staff on "who has seen", and gives consent by keyboard alone.
    sign_in(page, base, world["parent"].email)
    page.goto(f"{base}/children/{child.pk}/")
    page.get_by_role("link", name="Who has seen this passport").click()
    expect(page.get_by_text("Sian Patel").first).to_be_visible()
    expect(page.get_by_text("Tom Reed").first).to_be_visible()
    assert_no_axe_violations(page)

    page.goto(f"{base}/children/{child.pk}/consent/")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Give consent for Avon Vale NHS Trust").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="What can Avon Vale NHS Trust see?")).to_be_visible()
    assert_no_axe_violations(page)
    for section in ("My needs", "Support in place"):
        box = page.get_by_label(section, exact=True)
        box.focus()
        page.keyboard.press("Space")
        expect(box).to_be_checked()
    expect(page.get_by_label("My needs", exact=True)).to_be_checked()
    page.get_by_role("button", name="Save consent").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("cell", name="My needs, Support in place")).to_be_visible()
    assert Consent.objects.get(child=child, withdrawn_at__isnull=True).sections == [
        "needs",
        "support",
    ]

    page.goto(f"{base}/children/{child.pk}/download/")
    assert_no_axe_violations(page)
    sign_out(page)

    # The trust's therapist, with consent to two sections, knows Amara by a short name and is
    # told which sections are not shared.
    therapist, therapist_device = world["therapist"]
    sign_in(page, base, therapist.email, therapist_device)
    page.goto(f"{base}/children/{child.pk}/")
    expect(
        page.get_by_role("heading", level=1, name=f"Amara O., {child.year_group_name()}")
    ).to_be_visible()
    expect(page.get_by_text("Not shared with you, so not shown here:")).to_be_visible()
    expect(page.get_by_text("Okafor")).to_have_count(0)
    assert_no_axe_violations(page)
