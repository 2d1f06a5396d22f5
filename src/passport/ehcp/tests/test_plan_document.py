"""The EHC plan, sections A to K, as a PDF/UA document the family and school can keep."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from passport.audit.models import AuditAction, AuditEvent
from passport.ehcp import services
from passport.ehcp.services.plan_content import OutcomeItem, ProvisionItem
from passport.people.models import Role
from passport.testing.factories import SettingFactory, staff
from passport.testing.pdfs import read_pdf

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()

SECTIONS = {
    "section_a": "Amara loves drawing dragons and wants to be an illustrator",
    "section_b": "Speech, language and communication needs",
    "section_c": "Asthma, managed with an inhaler",
    "section_d": "No social care needs",
    "section_g": "Annual asthma review with the school nurse",
    "section_h1": "None under section 2 of the 1970 Act",
    "section_h2": "Short breaks in the holidays",
    "placement_type": "Mainstream primary",
    "section_j": "No personal budget requested",
    "section_k": "Advice from the speech and language therapist",
}


@pytest.fixture
def plan(case):
    request = services.request_assessment(
        case.child, case.parent, reason="Please", received_on=TODAY - dt.timedelta(days=60)
    )
    services.decide_whether_to_assess(
        request, case.caseworker, assess=True, decided_on=TODAY - dt.timedelta(days=30)
    )
    return services.issue_draft_plan(
        request,
        case.caseworker,
        issued_on=TODAY - dt.timedelta(days=10),
        sections=SECTIONS,
        outcomes=[OutcomeItem("Speaks in full sentences in class")],
        provisions=[
            ProvisionItem(
                "Speech and language therapy",
                delivered_by="NHS therapist",
                how_often="30 minutes a week",
                outcome_position=1,
            )
        ],
    )


def test_plan_pdf_holds_sections_a_to_k_tagged_with_a_table_and_a_list(client, case, plan):
    client.force_login(case.parent)

    response = client.get(reverse("ehcp-plan-pdf", args=[case.child.pk]))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    document = read_pdf(response.content)
    assert document.title == "Amara Okafor: Draft EHC plan"
    assert str(document.pdf.Root.Lang) == "en"
    assert document.xmp["{http://www.aiim.org/pdfua/ns/id/}part"] == "1"
    text = " ".join(document.text.split())
    for letter in ("A", "B", "C", "D", "E", "F", "G", "H1", "H2", "I", "J", "K"):
        assert f"Section {letter}:" in text, letter
    for written in (*SECTIONS.values(), "Speaks in full sentences in class", "NHS therapist"):
        assert written in text, written
    assert "Save the draft" not in text and "Download the plan" not in text
    # Section F's provision is a table whose column headers say they head columns; Section E's
    # outcomes are a numbered list.
    assert document.tags["Table"] == 1 and document.tags["TD"] == 4
    assert document.header_scopes == ["Column"] * 4
    assert document.tags["L"] and document.tags["LI"]


def test_plan_pdf_is_a_read_of_the_plan_audited_and_gated_as_the_page(client, case, plan):
    client.force_login(case.caseworker)

    assert client.get(reverse("ehcp-plan-pdf", args=[case.child.pk])).status_code == 200
    event = AuditEvent.objects.filter(child_id=case.child.pk).latest("position")
    assert (event.actor, event.action, event.allowed) == (case.caseworker, "read", True)
    assert event.action == AuditAction.READ
    assert event.path == reverse("ehcp-plan-pdf", args=[case.child.pk])

    stranger = staff(Role.SENCO, SettingFactory())
    client.force_login(stranger)
    response = client.get(reverse("ehcp-plan-pdf", args=[case.child.pk]))
    assert response.status_code == 404 and b"%PDF" not in response.content


def test_the_plan_page_offers_the_pdf(client, case, plan):
    client.force_login(case.parent)

    page = client.get(reverse("ehcp-plan", args=[case.child.pk])).content.decode()

    assert reverse("ehcp-plan-pdf", args=[case.child.pk]) in page
