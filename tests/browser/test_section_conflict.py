"""A SENCO saves About me after someone else changed it: the conflict page shows both versions,
passes axe-core, and saves theirs from the keyboard."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from passport.passports import services
from passport.passports.models import Passport
from passport.people.models import Membership, Role
from passport.testing.browser import sign_in
from passport.testing.factories import SettingFactory, UserFactory, child_on_roll
from passport.testing.signing_in import give_authenticator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_stale_about_me_shows_both_versions_and_saves_mine_by_keyboard(
    live_server, page: Page, assert_no_axe_violations
):
    school = SettingFactory(name="Oakfield Primary")
    senco = UserFactory(username="senco@oakfield.example", email="senco@oakfield.example")
    Membership.objects.create(
        user=senco, role=Role.SENCO, setting=school, starts_on=dt.date(2020, 9, 1)
    )
    authenticator = give_authenticator(senco)
    child = child_on_roll(school, given_name="Amara", family_name="Okafor")
    sign_in(page, live_server.url, "senco@oakfield.example", authenticator)

    page.goto(f"{live_server.url}/children/{child.pk}/about-me/")
    page.get_by_label("What is important to me").fill("My little brother and my drawings")
    services.update_about_me(
        Passport.objects.get(child=child),
        liked_about_me="",
        matters_to_me="Football on Saturdays",
        how_to_support_me="",
        by=senco,
    )
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Someone else changed About me while you were editing"
    )
    expect(page.get_by_text("My little brother and my drawings")).to_be_visible()
    expect(page.get_by_text("Football on Saturdays")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Save my version").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_text("About me saved")).to_be_visible()
    expect(page.get_by_text("My little brother and my drawings")).to_be_visible()
    assert Passport.objects.get(child=child).matters_to_me == "My little brother and my drawings"
