"""A head invites a teacher, the teacher accepts the link and sets a password, the head removes
them as a leaver: in Chromium, keyboard only where it matters, axe-core on every page."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

from passport.notifications.models import Notification
from passport.people.models import Membership, Role
from passport.testing.browser import sign_in
from passport.testing.factories import SettingFactory, UserFactory
from passport.testing.signing_in import give_authenticator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_head_invites_a_teacher_who_accepts_and_is_later_removed(
    live_server, page: Page, assert_no_axe_violations
):
    base = live_server.url
    school = SettingFactory(name="Oakfield Primary")
    head = UserFactory(username="head@oakfield.example", email="head@oakfield.example")
    Membership.objects.create(
        user=head, role=Role.SETTING_HEAD, setting=school, starts_on=dt.date(2015, 9, 1)
    )
    device = give_authenticator(head)
    sign_in(page, base, head.email, device)

    page.goto(f"{base}/settings/{school.pk}/staff/")
    expect(page.get_by_role("heading", name="Staff")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Invite someone").click()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("link", name="Enter full name")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Full name").fill("Nia Roberts")
    page.get_by_label("Email address").fill("nia@oakfield.example")
    page.get_by_label("Teacher", exact=True).check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to nia@oakfield.example")).to_be_visible()
    expect(page.get_by_role("cell", name="Nia Roberts")).to_be_visible()

    link = Notification.objects.get(email_address="nia@oakfield.example").personalisation["link"]
    page.get_by_role("button", name="Sign out").click()
    page.goto(base + urlparse(link).path)
    expect(
        page.get_by_role("heading", name="Accept your invitation to Oakfield Primary")
    ).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Create a password").fill("correct horse battery staple")
    page.get_by_label("Type the password again").fill("correct horse battery")
    page.get_by_role("button", name="Accept and set password").click()
    expect(page.get_by_role("link", name="The passwords do not match")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Create a password").fill("correct horse battery staple")
    page.get_by_label("Type the password again").fill("correct horse battery staple")
    page.get_by_role("button", name="Accept and set password").click()
    expect(page.get_by_text("You now have access to Oakfield Primary")).to_be_visible()

    page.goto(base + urlparse(link).path)
    expect(page.get_by_text("The link has already been used")).to_be_visible()
    assert_no_axe_violations(page)

    sign_in(page, base, head.email, device)
    page.goto(f"{base}/settings/{school.pk}/staff/")
    page.get_by_role("link", name="Remove Nia Roberts as Teacher").click()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Remove access").click()
    expect(page.get_by_text("Nia Roberts no longer has access to Oakfield Primary")).to_be_visible()
