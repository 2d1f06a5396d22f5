"""A SENCO prints the passport page from the browser and downloads it as a PDF.

Printing the page itself leaves out the header, menu, sign out, phase banner, back link, footer
and buttons (the @media print rules in passport.scss); the download is the tagged PDF.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from passport.children.models import Enrolment
from passport.passports.models import Passport, Strategy
from passport.people.models import Membership, Role
from passport.testing.factories import ChildFactory, SettingFactory, UserFactory
from passport.testing.pdfs import read_pdf
from passport.testing.signing_in import give_authenticator

from .test_passport_journey import enter_code, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def school_with_child(transactional_db):
    school = SettingFactory(name="Oakfield Primary")
    senco = UserFactory(
        username="senco@oakfield.example", email="senco@oakfield.example", full_name="Sian Patel"
    )
    Membership.objects.create(
        user=senco, role=Role.SENCO, setting=school, starts_on=dt.date(2020, 9, 1)
    )
    child = ChildFactory(
        given_name="Amara", family_name="Okafor", date_of_birth=dt.date(2017, 3, 14)
    )
    Enrolment.objects.create(child=child, setting=school, starts_on=dt.date(2021, 9, 1))
    passport = Passport.objects.create(
        child=child, how_to_support_me="Show me pictures of what happens next"
    )
    Strategy.objects.create(passport=passport, description="One instruction at a time")
    return {"child": child, "authenticator": give_authenticator(senco)}


def open_passport(page: Page, base: str, world) -> None:
    sign_in(page, base, "senco@oakfield.example")
    enter_code(page, world["authenticator"])
    page.goto(f"{base}/children/{world['child'].pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Amara Okafor")


def test_printing_the_page_leaves_out_the_service_around_the_record(
    live_server, page: Page, school_with_child
):
    open_passport(page, live_server.url, school_with_child)

    page.emulate_media(media="print")

    for screen_only in (
        page.locator(".govuk-service-navigation"),
        page.get_by_role("button", name="Sign out"),
        page.locator(".govuk-phase-banner"),
        page.locator(".govuk-footer"),
        page.get_by_role("link", name="Back to children"),
        page.get_by_role("link", name="Download as PDF"),
        page.get_by_role("link", name="Change About me"),
    ):
        expect(screen_only).to_be_hidden()
    expect(page.get_by_text("Show me pictures of what happens next")).to_be_visible()
    expect(page.get_by_text("One instruction at a time")).to_be_visible()
    # Chromium draws glyph by glyph: compare the words without their spaces.
    printed = "".join(read_pdf(page.pdf(format="A4")).text.split())
    assert "AmaraOkafor" in printed and "Oneinstructionatatime" in printed
    for left_out in ("Signout", "Alpha", "Demodataonly", "APIdocumentation", "Change", "Record"):
        assert left_out not in printed, left_out


def test_the_download_link_gives_the_passport_as_a_pdf(live_server, page: Page, school_with_child):
    open_passport(page, live_server.url, school_with_child)

    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download as PDF").click()

    download = downloading.value
    assert download.suggested_filename.startswith("support-passport-amara-okafor-")
    document = read_pdf(Path(download.path()).read_bytes())
    assert document.title == "Amara Okafor: support passport"
    assert "One instruction at a time" in document.text


def test_without_weasyprint_the_link_explains_itself(
    live_server, page: Page, school_with_child, monkeypatch, assert_no_axe_violations
):
    # The live server runs in this process: take WeasyPrint away as a machine without it would.
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    open_passport(page, live_server.url, school_with_child)

    page.goto(f"{live_server.url}/children/{school_with_child['child'].pk}/passport.pdf")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "PDF documents are not available on this server"
    )
    assert_no_axe_violations(page)
