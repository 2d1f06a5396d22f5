"""Amending a plan (SEND Regulations 2014 reg 22) and the review meeting's procedure (reg 20),
with hand-worked dates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from passport.core.errors import StaleVersion
from passport.ehcp import services
from passport.ehcp.models import Plan, StatutoryClock
from passport.ehcp.tests.test_pages import date_fields

pytestmark = pytest.mark.django_db

D = dt.date


def final_plan(case, finalised_on: dt.date) -> Plan:
    request = services.request_assessment(
        case.child, case.parent, reason="Please", received_on=finalised_on - dt.timedelta(140)
    )
    services.decide_whether_to_assess(
        request, case.caseworker, assess=True, decided_on=finalised_on - dt.timedelta(100)
    )
    plan = services.issue_draft_plan(
        request, case.caseworker, issued_on=finalised_on - dt.timedelta(30)
    )
    services.record_family_response(
        plan, case.caseworker, responded_on=finalised_on - dt.timedelta(20)
    )
    services.consult_setting(
        plan, case.caseworker, setting=case.setting, sent_on=finalised_on - dt.timedelta(30)
    )
    return services.finalise_plan(
        plan, case.caseworker, placement=case.setting, finalised_on=finalised_on
    )


def test_a_plan_is_amended_without_a_review_after_notice_and_15_days(case):
    plan = final_plan(case, D(2026, 1, 12))
    # Notice sent Mon 2 Mar 2026: representations until Tue 17 Mar 2026 (2 Mar + 15 days); the
    # amended plan due within 8 weeks of the notice, by Mon 27 Apr 2026.
    amendment = services.propose_amendment(
        plan, case.caseworker, proposed="Add 1 hour of OT a week", notice_sent_on=D(2026, 3, 2)
    )
    assert amendment.review is None
    assert amendment.representations_until == D(2026, 3, 17)
    clock = StatutoryClock.objects.get(plan=plan, clock="amended_plan")
    assert clock.due_on == D(2026, 4, 27)
    with pytest.raises(ValidationError, match="already under way"):
        services.propose_amendment(
            plan, case.caseworker, proposed="More", notice_sent_on=D(2026, 3, 3)
        )
    with pytest.raises(ValidationError, match="until 17 March 2026 to make representations"):
        services.issue_amended_plan(amendment, case.caseworker, issued_on=D(2026, 3, 17))

    services.issue_amended_plan(
        amendment, case.caseworker, issued_on=D(2026, 3, 18), sections={"section_k": "OT advice"}
    )
    amendment.refresh_from_db()
    clock.refresh_from_db()
    assert (amendment.issued_on, clock.met_on) == (D(2026, 3, 18), D(2026, 3, 18))
    # Sent Wed 18 Mar 2026: appeal until Mon 18 May 2026 (a working day).
    assert amendment.appeal_by == D(2026, 5, 18)
    # The annual review clock was not touched: 12 months starting with 12 Jan 2026.
    review_clock = StatutoryClock.objects.get(plan=plan, clock="annual_review")
    assert (review_clock.due_on, review_clock.met_on) == (D(2027, 1, 11), None)


def test_representations_can_come_early_and_a_stale_copy_is_refused(case):
    plan = final_plan(case, D(2026, 1, 12))
    amendment = services.propose_amendment(
        plan, case.caseworker, proposed="Change section I", notice_sent_on=D(2026, 3, 2)
    )
    services.record_representations(
        amendment,
        case.caseworker,
        received_on=D(2026, 3, 6),
        representations="We agree",
        expected_version=1,
    )
    with pytest.raises(StaleVersion):
        services.record_representations(
            amendment,
            case.caseworker,
            received_on=D(2026, 3, 7),
            representations="We changed our minds",
            expected_version=1,
        )
    amendment.refresh_from_db()
    assert (amendment.representations, amendment.version) == ("We agree", 2)
    # Once the family has responded the LA need not wait out the 15 days.
    services.issue_amended_plan(amendment, case.caseworker, issued_on=D(2026, 3, 9))


def test_a_review_keeps_the_annual_clock_running_while_an_amendment_is_pending(case):
    plan = final_plan(case, D(2026, 1, 12))
    review = services.record_review_meeting(
        plan,
        case.caseworker,
        meeting_on=D(2026, 6, 10),
        invitations_sent_on=D(2026, 6, 1),
    )
    # Notice on 1 June for a meeting on 10 June: 9 days, short of reg 20's 2 weeks.
    assert services.notice_was_short(review)
    # The report is due within 2 weeks of the meeting: by Wed 24 Jun 2026.
    assert services.report_due_on(review) == D(2026, 6, 24)
    services.decide_after_review(
        review, case.caseworker, outcome="amend", decided_on=D(2026, 6, 20)
    )
    running = StatutoryClock.objects.get(
        plan=plan, clock="annual_review", met_on__isnull=True, stopped_on__isnull=True
    )
    # 12 months starting with the meeting on 10 June 2026: by 9 June 2027, amendment or not.
    assert running.due_on == D(2027, 6, 9)
    review = services.record_review_report(
        review,
        case.caseworker,
        sent_on=D(2026, 6, 22),
        report="Agreed to add OT",
        expected_version=2,
    )
    assert review.report_sent_on == D(2026, 6, 22)
    with pytest.raises(StaleVersion):
        services.record_review_report(
            review, case.caseworker, sent_on=D(2026, 6, 23), report="x", expected_version=2
        )


def test_the_caseworker_amends_a_plan_page_by_page(client, case):
    today = dt.date.today()
    plan = final_plan(case, today - dt.timedelta(100))
    client.force_login(case.caseworker)
    url = reverse("ehcp-amendment", args=[case.child.pk])
    assert "Send the family notice" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "proposed": "Add occupational therapy",
            **date_fields("notice_sent_on", today - dt.timedelta(20)),
        },
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    # 8 weeks from the notice sent 20 days ago.
    due = today - dt.timedelta(20) + dt.timedelta(weeks=8)
    assert f"Due by {due.day} {due:%B %Y}" in page

    issue_url = reverse("ehcp-amendment-issue", args=[case.child.pk])
    form = client.get(issue_url).content.decode()
    assert f'name="version" value="{plan.version}"' in form
    answers = {
        "version": str(plan.version),
        "section_k": "Occupational therapy advice",
        **date_fields("issued_on", today),
    }
    stale = client.post(issue_url, {**answers, "version": str(plan.version - 1)})
    assert stale.status_code == 409
    assert client.post(issue_url, answers).status_code == 302
    plan.refresh_from_db()
    assert plan.section_k == "Occupational therapy advice"
    # No amendment is under way any more: the same form again is not a second amended plan.
    assert client.post(issue_url, answers).status_code == 404
