"""Outcomes (E) and provision (F) of a draft plan, one page each, and the review meeting's notice
and report pages (SEND Regulations 2014 reg 20)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from passport.ehcp import services
from passport.ehcp.models import AnnualReview, Plan
from passport.ehcp.tests.test_amendments import final_plan
from passport.ehcp.tests.test_api import api, step  # noqa: F401 (fixture)
from passport.ehcp.tests.test_pages import ago, date_fields

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
AHEAD = TODAY + dt.timedelta(days=400)


def draft_plan(case) -> Plan:
    request = services.request_assessment(
        case.child, case.parent, reason="Please", received_on=ago(60)
    )
    services.decide_whether_to_assess(request, case.caseworker, assess=True, decided_on=ago(30))
    return services.issue_draft_plan(
        request,
        case.caseworker,
        issued_on=ago(10),
        outcomes=[
            services.OutcomeItem("Reads a short book", "CL", AHEAD),
            services.OutcomeItem("Plays with two friends at break"),
        ],
        provisions=[
            services.ProvisionItem("Daily phonics", "Class teacher", "20 minutes a day", 1),
            services.ProvisionItem("Social skills group", "SENCO", "Weekly", 2),
        ],
    )


def test_the_draft_plan_page_links_to_a_page_for_each_outcome_and_provision(client, case):
    draft_plan(case)
    client.force_login(case.caseworker)
    page = client.get(reverse("ehcp-plan", args=[case.child.pk])).content.decode()
    assert "changed through the API" not in page
    assert f"{reverse('ehcp-plan-outcome', args=[case.child.pk])}?item=2" in page
    assert f"{reverse('ehcp-plan-provision-remove', args=[case.child.pk])}?item=1" in page
    assert "Add an outcome" in page and "Add provision" in page


def test_the_caseworker_adds_and_changes_an_outcome(client, case):
    plan = draft_plan(case)
    client.force_login(case.caseworker)
    url = reverse("ehcp-plan-outcome", args=[case.child.pk])
    response = client.post(
        url,
        {
            "version": plan.version,
            "description": "Writes a sentence",
            **date_fields("by_when", AHEAD),
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert [o.description for o in plan.outcomes.all()] == [
        "Reads a short book",
        "Plays with two friends at break",
        "Writes a sentence",
    ]
    page = client.get(f"{url}?item=1").content.decode()
    assert "Change outcome 1" in page and "Reads a short book" in page
    client.post(
        f"{url}?item=1",
        {"version": plan.version, "description": "Reads a chapter book", "broad_area": "CL"},
    )
    plan.refresh_from_db()
    assert plan.outcomes.get(position=1).description == "Reads a chapter book"
    # The provision linked to outcome 1 is still linked to it.
    assert plan.provisions.get(position=1).outcome.description == "Reads a chapter book"


def test_an_outcome_due_on_a_past_date_is_refused_with_a_clear_message(client, case):
    plan = draft_plan(case)
    client.force_login(case.caseworker)
    response = client.post(
        reverse("ehcp-plan-outcome", args=[case.child.pk]),
        {"version": plan.version, "description": "Counts to 20", **date_fields("by_when", ago(1))},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and "which has passed: give a date in the future" in page
    plan.refresh_from_db()
    assert plan.outcomes.count() == 2 and plan.version == 1


def test_the_api_refuses_an_outcome_due_in_the_past_too(api, case):  # noqa: F811
    plan = draft_plan(case)
    api.as_user(case.caseworker)
    response = api.put(
        "/api/ehcp/plans",
        {
            "child_id": case.child.pk,
            "outcomes": [{"description": "Counts to 20", "by_when": ago(1).isoformat()}],
        },
    )
    assert response.status_code == 422
    assert "has passed" in response.json()["errors"][0]["message"]
    refused = step(
        api,
        case,
        "draft-plans",
        {"outcomes": [{"description": "x", "by_when": ago(3).isoformat()}]},
    )
    assert refused.status_code == 422
    assert plan.outcomes.count() == 2


def test_a_passport_target_already_past_does_not_become_the_draft_outcome_date(case):
    case.child.passport.outcomes.create(description="Uses a visual timetable", target_date=ago(5))
    request = services.request_assessment(
        case.child, case.parent, reason="Please", received_on=ago(60)
    )
    services.decide_whether_to_assess(request, case.caseworker, assess=True, decided_on=ago(30))
    plan = services.issue_draft_plan(request, case.caseworker, issued_on=ago(10))
    outcome = plan.outcomes.get()
    assert (outcome.description, outcome.by_when) == ("Uses a visual timetable", None)


def test_an_outcome_already_carried_with_a_past_date_does_not_block_other_changes(case):
    plan = draft_plan(case)
    # An outcome recorded with a date that has since passed (the plan was drafted long ago).
    plan.outcomes.filter(position=2).update(by_when=ago(2))
    plan.refresh_from_db()
    services.edit_plan(plan, case.caseworker, sections={"section_c": "Asthma"})
    with pytest.raises(ValidationError, match="Outcome 1 is due on"):
        services.edit_plan(
            plan,
            case.caseworker,
            sections={},
            outcomes=[services.OutcomeItem("Reads a short book", "CL", ago(1))],
        )


def test_removing_an_outcome_asks_first_and_keeps_its_provision_unlinked(client, case):
    plan = draft_plan(case)
    client.force_login(case.caseworker)
    url = f"{reverse('ehcp-plan-outcome-remove', args=[case.child.pk])}?item=1"
    page = client.get(url).content.decode()
    assert "Remove outcome 1 from the draft plan?" in page and "Reads a short book" in page
    assert "1 provision item serves this outcome" in page
    assert client.post(url, {"version": plan.version}).status_code == 302
    plan.refresh_from_db()
    assert [o.description for o in plan.outcomes.all()] == ["Plays with two friends at break"]
    phonics, group = plan.provisions.select_related("outcome")
    assert phonics.outcome is None
    assert group.outcome.position == 1  # renumbered: outcome 2 is now outcome 1
    assert (
        client.get(
            f"{reverse('ehcp-plan-outcome-remove', args=[case.child.pk])}?item=5"
        ).status_code
        == 404
    )


def test_the_caseworker_adds_changes_and_removes_provision(client, case):
    plan = draft_plan(case)
    client.force_login(case.caseworker)
    url = reverse("ehcp-plan-provision", args=[case.child.pk])
    response = client.post(url, {"version": plan.version, "description": ""})
    assert "Enter provision" in response.content.decode()
    client.post(
        url,
        {
            "version": plan.version,
            "description": "Occupational therapy",
            "delivered_by": "NHS OT",
            "how_often": "1 hour a week",
            "outcome_position": "2",
        },
    )
    plan.refresh_from_db()
    added = plan.provisions.get(position=3)
    assert (added.how_often, added.outcome.position) == ("1 hour a week", 2)
    client.post(
        f"{url}?item=3", {"version": plan.version, "description": "OT", "outcome_position": ""}
    )
    plan.refresh_from_db()
    assert plan.provisions.get(position=3).outcome is None
    remove = f"{reverse('ehcp-plan-provision-remove', args=[case.child.pk])}?item=1"
    assert "Remove provision item 1" in client.get(remove).content.decode()
    client.post(remove, {"version": plan.version})
    plan.refresh_from_db()
    assert [p.description for p in plan.provisions.all()] == ["Social skills group", "OT"]


def test_a_change_from_a_stale_page_shows_the_conflict_page_and_saves_nothing(client, case):
    plan = draft_plan(case)
    client.force_login(case.caseworker)
    services.edit_plan(plan, case.caseworker, sections={"section_c": "Asthma"})  # now version 2
    response = client.post(
        f"{reverse('ehcp-plan-outcome', args=[case.child.pk])}?item=1",
        {"version": 1, "description": "Reads a chapter book"},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else changed outcome 1" in page and 'name="version" value="2"' in page
    plan.refresh_from_db()
    assert plan.outcomes.get(position=1).description == "Reads a short book"
    removal = client.post(
        f"{reverse('ehcp-plan-provision-remove', args=[case.child.pk])}?item=1", {"version": 1}
    )
    assert removal.status_code == 409 and plan.provisions.count() == 2
    # Without the version the page refuses rather than writing over someone else's change.
    missing = client.post(reverse("ehcp-plan-outcome", args=[case.child.pk]), {"description": "x"})
    assert "missing its version" in missing.content.decode() and plan.outcomes.count() == 2


def test_item_pages_are_for_a_draft_only_and_only_for_the_caseworker(client, case):
    client.force_login(case.caseworker)
    url = reverse("ehcp-plan-outcome", args=[case.child.pk])
    assert "There is no draft plan to change" in client.get(url).content.decode()
    assert client.post(url, {"version": 1, "description": "x"}).status_code == 404
    draft_plan(case)
    client.force_login(case.parent)
    assert client.get(url).status_code == 404


def test_the_review_meeting_page_records_the_notice_and_warns_when_short(client, case):
    final_plan(case, ago(300))
    client.force_login(case.caseworker)
    url = reverse("ehcp-review-meeting", args=[case.child.pk])
    page = client.get(url).content.decode()
    assert "at least 14 days&#39; notice" in page or "at least 14 days' notice" in page
    response = client.post(
        url,
        {
            **date_fields("meeting_on", ago(5)),
            **date_fields("invitations_sent_on", ago(14)),
            "form_token": "a" * 32,
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Review meeting recorded" in page
    # 9 days' notice, short of reg 20's 2 weeks.
    assert "The invitations went out 9 days before the meeting" in page
    review = AnnualReview.objects.get()
    assert (review.meeting_on, review.invitations_sent_on) == (ago(5), ago(14))


def test_the_review_meeting_page_refuses_notice_after_the_meeting(client, case):
    final_plan(case, ago(300))
    client.force_login(case.caseworker)
    response = client.post(
        reverse("ehcp-review-meeting", args=[case.child.pk]),
        {**date_fields("meeting_on", ago(20)), **date_fields("invitations_sent_on", ago(10))},
    )
    assert "The notice of the meeting comes before the meeting" in response.content.decode()
    assert not AnnualReview.objects.exists()


def test_the_review_report_page_records_the_report_and_says_when_it_was_late(client, case):
    plan = final_plan(case, ago(300))
    services.record_review_meeting(
        plan, case.caseworker, meeting_on=ago(30), invitations_sent_on=ago(50)
    )
    client.force_login(case.caseworker)
    url = reverse("ehcp-review-report", args=[case.child.pk])
    page = client.get(url).content.decode()
    due = ago(30) + dt.timedelta(days=14)
    assert f"by {due.day} {due:%B %Y}" in page
    response = client.post(
        url,
        {"version": 1, "report": "Agreed more OT", **date_fields("sent_on", ago(2))},
        follow=True,
    )
    page = response.content.decode()
    assert "Report of the review meeting recorded" in page and "it is recorded as late" in page
    review = AnnualReview.objects.get()
    assert (review.report, review.report_sent_on, review.version) == ("Agreed more OT", ago(2), 2)
    stale = client.post(url, {"version": 1, "report": "Other", **date_fields("sent_on", ago(1))})
    assert stale.status_code == 409
    review.refresh_from_db()
    assert review.report == "Agreed more OT"


def test_the_review_pages_say_so_when_there_is_nothing_to_record(client, case):
    client.force_login(case.caseworker)
    meeting = reverse("ehcp-review-meeting", args=[case.child.pk])
    report = reverse("ehcp-review-report", args=[case.child.pk])
    assert "has no final EHC plan to review" in client.get(meeting).content.decode()
    assert "No annual review meeting has been recorded" in client.get(report).content.decode()
    assert client.post(report, {"version": 1}).status_code == 404
