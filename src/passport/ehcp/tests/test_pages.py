"""The EHC pages: a request from a review, the caseworker's case page, the family's timeline,
the plan and the LA dashboard."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from passport.ehcp import services
from passport.ehcp.models import AssessmentRequest, Plan, StatutoryClock
from passport.ehcp.tests.conftest import caseworker_for
from passport.passports.models import Review
from passport.people.models import Role
from passport.testing.factories import SettingFactory, child_on_roll, local_authority, staff

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def date_fields(name: str, day: dt.date) -> dict[str, object]:
    return {f"{name}-day": day.day, f"{name}-month": day.month, f"{name}-year": day.year}


def test_a_review_that_recommends_an_assessment_leads_the_senco_to_the_request(client, case):
    client.force_login(case.senco)
    response = client.post(
        reverse("add-item", args=[case.child.pk, "reviews"]),
        {
            **date_fields("held_on", TODAY),
            "participants": "SENCO, parent, Amara",
            "child_views": "Reading is hard",
            "parent_views": "We want more help",
            "progress_summary": "Little progress after two terms",
            "decision": "request_assessment",
            **date_fields("next_review_on", TODAY + dt.timedelta(days=60)),
        },
    )
    review = Review.objects.get(passport__child=case.child)
    assert response.status_code == 302
    assert (
        response["Location"]
        == reverse("ehcp-request", args=[case.child.pk]) + f"?review={review.pk}"
    )

    page = client.get(response["Location"])
    decide_by = TODAY + dt.timedelta(weeks=6)
    assert f"{decide_by:%-d %B %Y}" in page.content.decode()
    response = client.post(
        reverse("ehcp-request", args=[case.child.pk]),
        {"reason": "Needs unmet after two terms of Targeted support", "review": review.pk},
    )
    assert response.status_code == 302
    request = AssessmentRequest.objects.get()
    assert (request.requester_kind, request.source_review) == ("setting", review)


def test_the_parent_sees_their_request_and_its_6_week_date(client, case):
    client.force_login(case.parent)
    client.post(reverse("ehcp-request", args=[case.child.pk]), {"reason": "Please assess"})
    page = client.get(reverse("ehcp-timeline", args=[case.child.pk])).content.decode()
    assert "The local authority decides whether to assess" in page
    assert "Within 6 weeks of the request" in page
    assert f"{TODAY + dt.timedelta(weeks=6):%-d %B %Y}" in page


def test_an_empty_reason_is_a_form_error_and_nothing_is_written(client, case):
    client.force_login(case.parent)
    response = client.post(reverse("ehcp-request", args=[case.child.pk]), {"reason": ""})
    assert response.status_code == 200
    assert "Enter why an assessment is needed" in response.content.decode()
    assert not AssessmentRequest.objects.exists()


def test_a_teacher_cannot_reach_the_request_page(client, case):
    client.force_login(staff(Role.TEACHER, case.setting))
    assert client.get(reverse("ehcp-request", args=[case.child.pk])).status_code == 404


def test_the_caseworker_decides_issues_a_draft_and_a_final_plan(client, case):
    services.request_assessment(case.child, case.parent, reason="Please", received_on=ago(60))
    client.force_login(case.caseworker)
    url = reverse("ehcp-case", args=[case.child.pk])
    page = client.get(url).content.decode()
    assert "Overdue" in page and "Decide whether to assess" in page

    response = client.post(
        url, {"step": "decide", "assess": "yes", **date_fields("decided_on", ago(70))}
    )
    assert "The decision cannot come before the request" in response.content.decode()
    client.post(url, {"step": "decide", "assess": "yes", **date_fields("decided_on", ago(10))})
    client.post(url, {"step": "draft", **date_fields("issued_on", ago(8))})
    plan = Plan.objects.get()
    assert plan.status == "draft"
    response = client.post(
        url,
        {
            "step": "finalise",
            "placement_urn": case.setting.urn,
            **date_fields("finalised_on", TODAY),
        },
    )
    assert "to comment on the draft" in response.content.decode()
    client.post(
        url,
        {
            "step": "family_response",
            "comments": "We agree",
            "preferred_urn": case.setting.urn,
            **date_fields("responded_on", ago(1)),
        },
    )

    response = client.post(
        url,
        {"step": "finalise", "placement_urn": "999999", **date_fields("finalised_on", TODAY)},
    )
    assert "No setting has the URN 999999" in response.content.decode()
    final_answers = {
        "step": "finalise",
        "placement_urn": case.setting.urn,
        **date_fields("finalised_on", TODAY),
    }
    # Naming a setting that was never consulted is refused (CFA 2014 s39(2)).
    response = client.post(url, final_answers)
    assert "Consult Brook Lane Primary on the draft plan before naming it" in (
        response.content.decode()
    )
    consult_url = reverse("ehcp-consultations", args=[case.child.pk])
    response = client.post(
        consult_url, {"setting_urn": case.setting.urn, **date_fields("sent_on", ago(8))}
    )
    assert response.status_code == 302
    # Its 15 days have not passed and it has not answered yet.
    response = client.post(url, final_answers)
    assert "has until" in response.content.decode()
    consultation = plan.consultations.get()
    response_url = reverse("ehcp-setting-response", args=[case.child.pk])
    form = client.get(f"{response_url}?consultation={consultation.pk}").content.decode()
    assert 'name="version" value="1"' in form
    answer = {"version": "1", "response": "We can meet these needs"}
    response = client.post(
        f"{response_url}?consultation={consultation.pk}",
        {**answer, **date_fields("responded_on", ago(2))},
    )
    assert response.status_code == 302
    # The same page sent again from the old version is a conflict, not a silent overwrite.
    response = client.post(
        f"{response_url}?consultation={consultation.pk}",
        {**answer, "response": "Full", **date_fields("responded_on", ago(1))},
    )
    assert response.status_code == 409
    consultation.refresh_from_db()
    assert (consultation.response, consultation.version) == ("We can meet these needs", 2)
    client.post(url, final_answers)
    plan.refresh_from_db()
    assert (plan.status, plan.placement) == ("final", case.setting)

    client.force_login(case.parent)
    timeline = client.get(reverse("ehcp-timeline", args=[case.child.pk])).content.decode()
    assert "The final plan" in timeline and "Within 20 weeks of the request" in timeline
    assert "Done late" in timeline  # the decision to assess came after 6 weeks
    plan_page = client.get(reverse("ehcp-plan", args=[case.child.pk])).content.decode()
    assert "Section F: Special educational provision" in plan_page
    assert case.setting.name in plan_page


def test_a_parent_cannot_use_the_case_page(client, case):
    client.force_login(case.parent)
    assert client.get(reverse("ehcp-case", args=[case.child.pk])).status_code == 404
    assert (
        client.post(reverse("ehcp-case", args=[case.child.pk]), {"step": "decide"}).status_code
        == 404
    )


def test_an_exception_must_be_one_the_law_lists_for_the_step(client, case):
    request = services.request_assessment(
        case.child, case.parent, reason="Please", received_on=ago(5)
    )
    clock = request.clocks.get(clock="decide_to_assess")
    client.force_login(case.caseworker)
    page = client.get(reverse("ehcp-case", args=[case.child.pk])).content.decode()
    # The closed list, with the law beside each, instead of a free-text reason.
    assert "SEND Regulations 2014 reg 5(4)(c)" in page
    assert "exception_reason" not in page
    answers = {
        "step": "exception",
        "clock_id": clock.pk,
        **date_fields("exception_starts_on", ago(2)),
    }
    response = client.post(reverse("ehcp-case", args=[case.child.pk]), answers)
    assert "Select which exception the law lists applies" in response.content.decode()
    # Missing an appointment excuses late advice (reg 8(2)), not the decision whether to assess.
    response = client.post(
        reverse("ehcp-case", args=[case.child.pk]),
        {**answers, "exception_code": "missed_appointment"},
    )
    assert "Choose one of the exceptions the law lists for this step" in response.content.decode()
    assert not clock.exceptions.exists()

    response = client.post(
        reverse("ehcp-case", args=[case.child.pk]),
        {**answers, "exception_code": "absent_from_area"},
    )
    assert response.status_code == 302
    clock.refresh_from_db()
    assert clock.excused and clock.due_on == ago(5) + dt.timedelta(weeks=6)
    client.force_login(case.parent)
    timeline = client.get(reverse("ehcp-timeline", args=[case.child.pk])).content.decode()
    assert "Time limit does not apply" in timeline


def test_the_caseworker_edits_a_draft_plan(client, case):
    request = services.request_assessment(
        case.child, case.parent, reason="Please", received_on=ago(60)
    )
    services.decide_whether_to_assess(request, case.caseworker, assess=True, decided_on=ago(30))
    services.issue_draft_plan(request, case.caseworker, issued_on=ago(10))
    client.force_login(case.caseworker)
    response = client.post(
        reverse("ehcp-plan", args=[case.child.pk]), {"section_c": "Asthma, managed with an inhaler"}
    )
    assert response.status_code == 302
    plan = Plan.objects.get()
    assert (plan.section_c, plan.version) == ("Asthma, managed with an inhaler", 2)
    client.force_login(case.parent)
    assert (
        client.post(reverse("ehcp-plan", args=[case.child.pk]), {"section_c": "x"}).status_code
        == 404
    )


def test_the_dashboard_is_for_caseworkers_and_costs_one_query_per_section(client, case):
    client.force_login(case.parent)
    assert client.get(reverse("ehcp-dashboard")).status_code == 404

    school = SettingFactory()
    for n in range(4):
        child = child_on_roll(school, home_local_authority=local_authority())
        from passport.access.services import assign_to_caseload

        assign_to_caseload(case.caseworker, child, dt.date(2024, 9, 1))
        services.request_assessment(
            child, staff(Role.SENCO, school), reason="Needs", received_on=ago(30 + n * 5)
        )
    client.force_login(case.caseworker)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("ehcp-dashboard"))
    for n in range(6):
        child = child_on_roll(school, home_local_authority=local_authority())
        from passport.access.services import assign_to_caseload

        assign_to_caseload(case.caseworker, child, dt.date(2024, 9, 1))
        services.request_assessment(
            child, staff(Role.SENCO, school), reason="Needs", received_on=ago(40 + n)
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("ehcp-dashboard"))
    assert len(many) == len(few)
    page = response.content.decode()
    assert page.count("govuk-tag--red") == StatutoryClock.objects.filter(due_on__lt=TODAY).count()


def test_the_dashboard_pages_each_section(client, case, monkeypatch):
    from passport.ehcp import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    school = SettingFactory()
    caseworker = case.caseworker
    for n in range(3):
        child = child_on_roll(school, home_local_authority=local_authority())
        from passport.access.services import assign_to_caseload

        assign_to_caseload(caseworker, child, dt.date(2024, 9, 1))
        services.request_assessment(
            child, staff(Role.SENCO, school), reason="Needs", received_on=ago(50 + n)
        )
    client.force_login(caseworker)
    first = client.get(reverse("ehcp-dashboard")).content.decode()
    assert "?overdue_page=2" in first
    second = client.get(reverse("ehcp-dashboard") + "?overdue_page=2").content.decode()
    assert "?overdue_page=1" in second


def test_a_caseworker_without_the_child_on_their_caseload_cannot_decide(client, case):
    other = caseworker_for(child_on_roll(SettingFactory()))
    client.force_login(other)
    assert client.get(reverse("ehcp-case", args=[case.child.pk])).status_code == 404


def test_a_teacher_does_not_see_the_ehc_timeline(client, case):
    services.request_assessment(case.child, case.parent, reason="Please")
    client.force_login(staff(Role.TEACHER, case.setting))
    assert client.get(reverse("ehcp-timeline", args=[case.child.pk])).status_code == 404
    client.force_login(case.senco)
    page = client.get(reverse("ehcp-timeline", args=[case.child.pk])).content.decode()
    assert "Within 6 weeks of the request" in page


@pytest.mark.parametrize("odd", ["²", "٣", "99999999999999999999", "-1"])
def test_odd_numbers_in_the_address_are_ignored_not_a_server_error(client, case, odd):
    client.force_login(case.senco)
    url = reverse("ehcp-request", args=[case.child.pk])
    assert client.get(url, {"review": odd}).status_code == 200
    client.force_login(caseworker_for(case.child))
    assert client.get(reverse("ehcp-dashboard"), {"overdue_page": odd}).status_code == 200
