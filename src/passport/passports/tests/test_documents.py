"""The passport and its essentials as PDF/UA documents: opened with pikepdf and read back as a
screen reader would (structure tree, title, language, the words themselves)."""

from __future__ import annotations

import datetime as dt
import sys

import pytest
from django.urls import reverse

from passport.access.tests.test_consent_scope import therapist_with_consent_for
from passport.audit.models import AuditAction, AuditEvent
from passport.passports import services
from passport.passports.models import Outcome, RankedNeed, Review, Strategy, SupportItem
from passport.people.models import Role
from passport.testing.factories import SettingFactory, child_on_roll, parent_of, put_at_layer, staff
from passport.testing.pdfs import ReadPdf, read_pdf

pytestmark = pytest.mark.django_db

HOW_TO_SUPPORT = "Tell me what is coming next, and give me a minute"
STRATEGY = "Visual timetable on the desk"
SUPPORT = "Speech and language group with Mrs Hale"
OUTCOME = "Asks for help in class without prompting"
REVIEW_PROGRESS = "Settling well into the new routine"
UPN = "A801200001001"


@pytest.fixture
def school():
    return SettingFactory(name="Oakfield Primary")


@pytest.fixture
def senco(school):
    return staff(Role.SENCO, school)


@pytest.fixture
def child(school, senco):
    child = child_on_roll(
        school,
        given_name="Amara",
        family_name="Okafor",
        date_of_birth=dt.date(2017, 3, 14),
        upn=UPN,
    )
    passport = child.passport
    passport.how_to_support_me = HOW_TO_SUPPORT
    passport.matters_to_me = "My cat, Biscuit"
    passport.liked_about_me = "Kind to younger children"
    passport.sen_provision = "K"
    passport.needs_description = "Finds long spoken instructions hard to follow"
    passport.save()
    parent_of(child)
    services.add_about_me_contribution(
        passport, voice="child", text="I like drawing dragons", by=senco
    )
    RankedNeed.objects.create(passport=passport, need_type="SLCN", rank=1)
    put_at_layer(passport, "targeted", senco, starts_on=dt.date(2023, 9, 4))
    put_at_layer(passport, "universal", senco, starts_on=dt.date(2022, 9, 5))
    Strategy.objects.create(passport=passport, description=STRATEGY)
    SupportItem.objects.create(
        passport=passport,
        description=SUPPORT,
        intended_outcome="Clearer spoken sentences",
        delivered_by="Teaching assistant",
        group_size="small_group",
        minutes_per_session=30,
        sessions_per_period=2,
        period="week",
        starts_on=dt.date(2024, 9, 2),
        layer="targeted",
    )
    Outcome.objects.create(passport=passport, description=OUTCOME, target_date=dt.date(2025, 7, 18))
    Review.objects.create(
        passport=passport,
        held_on=dt.date(2024, 12, 6),
        participants="SENCO, class teacher, mother",
        child_views="I like the group",
        progress_summary=REVIEW_PROGRESS,
        decision="continue",
        next_review_on=dt.date(2025, 4, 4),
    )
    return child


def download(client, user, name: str, child) -> ReadPdf:
    client.force_login(user)
    response = client.get(reverse(name, args=[child.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    assert response["Content-Disposition"].endswith('.pdf"')
    return read_pdf(response.content)


def words(document: ReadPdf) -> str:
    """The document's text with line breaks as spaces, as a reader hears it."""
    return " ".join(document.text.split())


def test_full_passport_pdf_is_tagged_pdf_ua_titled_with_the_childs_name(client, senco, child):
    document = download(client, senco, "passport-pdf", child)

    root = document.pdf.Root
    assert bool(root.MarkInfo.Marked) is True
    assert str(root.Lang) == "en"
    assert bool(root.ViewerPreferences.DisplayDocTitle) is True
    assert document.title == "Amara Okafor: support passport"
    assert document.xmp["{http://purl.org/dc/elements/1.1/}title"] == document.title
    assert document.xmp["{http://www.aiim.org/pdfua/ns/id/}part"] == "1"
    # Headings, and summary lists as lists of items each with a label (the key) and a body.
    for tag in ("H1", "H2", "H3", "L", "LI", "Lbl", "LBody"):
        assert document.tags[tag], tag
    assert not document.tags["Div"] or "L" not in _parents_of(document, "Div")


def _parents_of(document: ReadPdf, tag: str) -> set[str]:
    """The tags of the elements that hold a `tag` element."""
    found = set()
    for obj in document.pdf.objects:
        if obj.get("/Type") == "/StructElem" and str(obj.get("/S")) == f"/{tag}":
            found.add(str(obj.P.get("/S", ""))[1:])
    return found


def test_full_passport_pdf_holds_every_section_and_its_words(client, senco, child):
    text = words(download(client, senco, "passport-pdf", child))

    for heading in (
        "Amara Okafor",
        "Family and contacts",
        "Layer",
        "About me",
        "My needs",
        "What works",
        "Support in place",
        "Outcomes",
        "Reviews",
    ):
        assert heading in text, heading
    for written in (
        UPN,
        "14 March 2017",
        "Kind to younger children",
        "I like drawing dragons",
        "Finds long spoken instructions hard to follow",
        STRATEGY,
        SUPPORT,
        OUTCOME,
        REVIEW_PROGRESS,
        "Earlier layers",
    ):
        assert written in text, written


def test_printed_passport_has_no_menu_sign_out_or_change_links(client, senco, child):
    document = download(client, senco, "passport-pdf", child)
    text = words(document)

    for screen_only in (
        "Sign out",
        "Menu",
        "Change",
        "Remove",
        "Add support",
        "Download as PDF",
        "Essentials for a new teacher",
        "every step and its legal date",
    ):
        assert screen_only not in text, screen_only
    assert not document.tags["Link"]
    assert "Printed from Support Passport" in text


def test_professional_with_consent_to_about_me_gets_a_pdf_of_about_me_alone(client, child):
    therapist = therapist_with_consent_for(child, ["about_me"])

    text = words(download(client, therapist, "passport-pdf", child))

    assert "Amara O., Year " in text and "About me" in text and HOW_TO_SUPPORT[:30] in text
    # The copy names the sections it leaves out ("My needs", ...) but holds nothing of them.
    assert "Not shared with you" in text and "My needs" in text
    for not_consented in (
        "Okafor",
        UPN,
        "14 March 2017",
        "Oakfield Primary",
        "Finds long spoken",
        STRATEGY,
        SUPPORT,
        OUTCOME,
        REVIEW_PROGRESS,
    ):
        assert not_consented not in text, not_consented


def test_a_download_is_audited_as_a_read_of_the_pdf(client, senco, child):
    download(client, senco, "passport-pdf", child)

    event = AuditEvent.objects.filter(child_id=child.pk).latest("position")
    assert (event.actor, event.action, event.allowed) == (senco, AuditAction.READ, True)
    assert event.path == reverse("passport-pdf", args=[child.pk])
    assert "about_me" in event.sections


def test_a_stranger_gets_no_pdf_and_the_attempt_is_audited(client, child):
    stranger = staff(Role.SENCO, SettingFactory())
    client.force_login(stranger)

    response = client.get(reverse("passport-pdf", args=[child.pk]))

    assert response.status_code == 404
    assert b"%PDF" not in response.content
    event = AuditEvent.objects.filter(child_id=child.pk).latest("position")
    assert (event.actor, event.allowed) == (stranger, False)


def test_essentials_pdf_is_one_tagged_page_with_a_bulleted_list(client, school, child):
    teacher = staff(Role.TEACHER, school)

    document = download(client, teacher, "essentials-pdf", child)

    assert len(document.pdf.pages) == 1
    assert document.title == "Amara Okafor: essentials for a new teacher"
    text = words(document)
    for written in ("How best to support me", HOW_TO_SUPPORT, "What works", STRATEGY, SUPPORT):
        assert written in text, written
    assert document.tags["L"] and document.tags["LI"] and document.tags["H2"]


def test_pages_offer_the_pdf_downloads(client, senco, child):
    client.force_login(senco)

    passport_page = client.get(reverse("passport", args=[child.pk])).content.decode()
    essentials_page = client.get(reverse("essentials", args=[child.pk])).content.decode()

    assert reverse("passport-pdf", args=[child.pk]) in passport_page
    assert reverse("essentials-pdf", args=[child.pk]) in essentials_page


def test_a_server_without_weasyprint_says_pdfs_are_unavailable(client, senco, child, monkeypatch):
    # As on a machine without WeasyPrint installed: importing it fails.
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    client.force_login(senco)

    response = client.get(reverse("passport-pdf", args=[child.pk]))

    assert response.status_code == 503
    page = response.content.decode()
    assert "PDF documents are not available on this server" in page
    assert "Amara Okafor: support passport" in page
