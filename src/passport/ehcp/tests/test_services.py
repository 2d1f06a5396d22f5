"""The steps of an EHC needs assessment and plan, in order, with their legal dates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from passport.audit.models import AuditEvent
from passport.core.clocks import Clock
from passport.core.dates import add_months
from passport.ehcp import services
from passport.ehcp.models import (
    AnnualReview,
    AssessmentDecision,
    AssessmentRequest,
    Plan,
    StatutoryClock,
)
from passport.passports.models import Outcome, Review, SupportItem
from passport.people.models import Role
from passport.testing.factories import SettingFactory, staff

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def clock(request_or_plan, kind: Clock) -> StatutoryClock:
    return request_or_plan.clocks.get(clock=kind)


def requested(case, days_ago: int = 100) -> AssessmentRequest:
    return services.request_assessment(
        case.child,
        case.parent,
        reason="Needs are not met at SEN support",
        received_on=ago(days_ago),
    )


def assessed(case, days_ago: int = 100) -> AssessmentRequest:
    request = requested(case, days_ago)
    services.decide_whether_to_assess(
        request, case.caseworker, assess=True, decided_on=ago(days_ago - 30)
    )
    request.refresh_from_db()
    return request


def test_a_parent_request_starts_the_6_and_20_week_clocks_with_the_passport_attached(case):
    case.child.passport.needs_description = "Finds it hard to follow spoken instructions"
    case.child.passport.save()

    request = requested(case, 10)

    assert request.requester_kind == "parent"
    assert request.evidence["needs_description"] == "Finds it hard to follow spoken instructions"
    assert request.evidence_passport_version == case.child.passport.version
    assert clock(request, Clock.DECIDE_TO_ASSESS).due_on == ago(10) + dt.timedelta(weeks=6)
    assert clock(request, Clock.FINAL_PLAN).due_on == ago(10) + dt.timedelta(weeks=20)
    assert AuditEvent.objects.filter(
        child_id=case.child.pk, action="request_assessment", allowed=True
    ).exists()


def test_a_senco_request_is_the_settings_and_names_it(case):
    request = services.request_assessment(case.child, case.senco, reason="Needs unmet")
    assert (request.requester_kind, request.setting) == ("setting", case.setting)


@pytest.mark.parametrize("who", ["teacher", "caseworker", "stranger_parent"])
def test_someone_with_no_standing_cannot_request_and_nothing_is_written(case, who):
    from passport.testing.factories import MembershipFactory

    person = {
        "teacher": lambda: staff(Role.TEACHER, case.setting),
        "caseworker": lambda: case.caseworker,
        "stranger_parent": lambda: MembershipFactory(role=Role.PARENT_CARER, setting=None).user,
    }[who]()
    with pytest.raises(
        ValidationError, match="Only a parent, the young person or the child's setting"
    ):
        services.request_assessment(case.child, person, reason="Please assess")
    assert not AssessmentRequest.objects.exists()
    assert not StatutoryClock.objects.exists()


def test_a_second_open_request_is_refused(case):
    requested(case)
    with pytest.raises(ValidationError, match="already has an open request"):
        services.request_assessment(case.child, case.senco, reason="Again")
    assert AssessmentRequest.objects.count() == 1


def test_a_request_from_a_review_must_come_from_a_review_that_recommended_it(case):
    passport = case.child.passport
    review = Review.objects.create(
        passport=passport,
        held_on=ago(3),
        participants="SENCO, parent",
        child_views="I want help with reading",
        progress_summary="Little progress",
        decision=Review.Decision.CONTINUE,
        next_review_on=TODAY + dt.timedelta(days=60),
    )
    with pytest.raises(ValidationError):
        services.request_assessment(
            case.child, case.senco, reason="Needs unmet", source_review=review
        )
    review.decision = Review.Decision.REQUEST_ASSESSMENT
    review.save()
    request = services.request_assessment(
        case.child, case.senco, reason="Needs unmet", source_review=review
    )
    assert request.source_review == review


def test_a_decision_before_the_request_is_refused_and_nothing_is_written(case):
    request = requested(case, 10)
    with pytest.raises(ValidationError) as error:
        services.decide_whether_to_assess(request, case.caseworker, assess=True, decided_on=ago(11))
    assert "before the request" in str(error.value)
    assert not AssessmentDecision.objects.exists()
    assert clock(request, Clock.DECIDE_TO_ASSESS).met_on is None


def test_refusing_to_assess_needs_a_reason_and_gives_appeal_rights(case):
    request = requested(case, 40)
    with pytest.raises(ValidationError, match="reason"):
        services.decide_whether_to_assess(request, case.caseworker, assess=False)

    decision = services.decide_whether_to_assess(
        request, case.caseworker, assess=False, decided_on=ago(5), reason="Needs met at SEN support"
    )

    assert decision.appeal_by == services.appeal_deadline(ago(5))
    request.refresh_from_db()
    assert request.status == "not_assessing"
    assert clock(request, Clock.DECIDE_TO_ASSESS).met_on == ago(5)
    assert clock(request, Clock.FINAL_PLAN).stopped_on == ago(5)
    services.record_mediation_certificate(decision, case.caseworker, issued_on=TODAY)
    decision.refresh_from_db()
    assert decision.appeal_by == services.appeal_deadline(ago(5), mediation_certificate_on=TODAY)


def test_the_whole_way_from_request_to_final_plan(case):
    passport = case.child.passport
    passport.liked_about_me = "I am kind and funny"
    passport.save()
    Outcome.objects.create(
        passport=passport, description="Reads a short book on her own", target_date=TODAY
    )
    SupportItem.objects.create(
        passport=passport,
        description="Daily phonics",
        intended_outcome="Reading",
        delivered_by="Teaching assistant",
        group_size="small_group",
        minutes_per_session=20,
        sessions_per_period=5,
        period="week",
        starts_on=ago(200),
        layer="targeted",
    )
    request = assessed(case, 120)
    advice = services.ask_for_advice(
        request, case.caseworker, adviser_kind="psychology", adviser="Dr Rees", asked_on=ago(85)
    )
    assert advice.clock.due_on == ago(85) + dt.timedelta(weeks=6)
    services.record_advice(advice, case.caseworker, received_on=ago(60), text="Advice")

    plan = services.issue_draft_plan(request, case.caseworker, issued_on=ago(40))
    assert "I am kind and funny" in plan.section_a
    assert [o.description for o in plan.outcomes.all()] == ["Reads a short book on her own"]
    assert [p.description for p in plan.provisions.all()] == ["Daily phonics"]
    assert clock(plan, Clock.DRAFT_COMMENTS).due_on == ago(40) + dt.timedelta(days=15)
    assert clock(request, Clock.DECIDE_NOT_TO_ISSUE).met_on == ago(40)

    services.consult_setting(plan, case.caseworker, setting=case.setting, sent_on=ago(40))
    final = services.finalise_plan(
        plan, case.caseworker, placement=case.setting, finalised_on=ago(20)
    )

    assert (final.status, final.placement, final.version) == ("final", case.setting, 2)
    assert clock(request, Clock.FINAL_PLAN).met_on == ago(20)
    # 12 months starting with the day the plan was issued: the day before the anniversary.
    assert clock(final, Clock.ANNUAL_REVIEW).due_on == add_months(ago(20), 12) - dt.timedelta(1)
    assert final.history.count() == 2
    request.refresh_from_db()
    assert request.status == "final_issued"
    steps = services.timeline(case.child)
    assert {s.state for s in steps} == {"done", "due"}


def test_steps_out_of_order_are_refused(case):
    request = requested(case, 100)
    with pytest.raises(ValidationError, match="after the decision to assess"):
        services.ask_for_advice(request, case.caseworker, adviser_kind="health", adviser="GP")
    with pytest.raises(ValidationError, match="follows a decision to assess"):
        services.issue_draft_plan(request, case.caseworker)
    services.decide_whether_to_assess(request, case.caseworker, assess=True, decided_on=ago(70))
    with pytest.raises(ValidationError, match="before the decision to assess"):
        services.ask_for_advice(
            request, case.caseworker, adviser_kind="health", adviser="GP", asked_on=ago(80)
        )
    with pytest.raises(ValidationError, match="before the decision to assess"):
        services.issue_draft_plan(request, case.caseworker, issued_on=ago(75))
    assert not Plan.objects.exists()


def test_a_final_plan_needs_a_draft_and_the_familys_15_days(case):
    request = assessed(case, 100)
    plan = services.issue_draft_plan(request, case.caseworker, issued_on=ago(5))
    with pytest.raises(ValidationError, match="to comment on the draft"):
        services.finalise_plan(plan, case.caseworker, placement=case.setting)
    with pytest.raises(ValidationError, match="before the draft"):
        services.finalise_plan(plan, case.caseworker, placement=case.setting, finalised_on=ago(6))
    with pytest.raises(ValidationError, match="Name the setting"):
        services.finalise_plan(plan, case.caseworker, placement=None)
    services.record_family_response(
        plan, case.parent, responded_on=ago(2), comments="Agree", preferred_setting=case.setting
    )
    consulted = services.consult_setting(
        plan, case.caseworker, setting=case.setting, sent_on=ago(5)
    )
    services.record_setting_response(
        consulted, case.caseworker, responded_on=ago(1), response="We can meet the needs"
    )
    services.finalise_plan(plan, case.caseworker, placement=case.setting)
    with pytest.raises(ValidationError, match="needs a draft plan first"):
        services.finalise_plan(plan, case.caseworker, placement=case.setting)


def test_the_database_refuses_a_final_plan_without_its_date(case):
    request = assessed(case, 100)
    plan = services.issue_draft_plan(request, case.caseworker, issued_on=ago(5))
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.filter(pk=plan.pk).update(status="final")


def test_an_exception_is_one_the_law_lists_and_lifts_the_time_limit_without_a_pause(case):
    request = requested(case, 10)
    decide_clock = clock(request, Clock.DECIDE_TO_ASSESS)
    with pytest.raises(ValidationError, match="the law lists"):
        services.record_exception(
            decide_clock, case.caseworker, code="staff_shortage", starts_on=ago(5)
        )
    with pytest.raises(ValidationError, match="end on or after"):
        services.record_exception(
            decide_clock,
            case.caseworker,
            code="absent_from_area",
            starts_on=ago(1),
            ends_on=ago(5),
        )

    services.record_exception(
        decide_clock,
        case.caseworker,
        code="setting_closed",
        details="The school was closed for building work",
        starts_on=ago(5),
        ends_on=ago(1),
    )

    decide_clock.refresh_from_db()
    # Not a pause: the limit no longer applies, and the date it would have been is unchanged.
    assert decide_clock.excused
    assert decide_clock.due_on == ago(10) + dt.timedelta(weeks=6)
    assert services.step_for(decide_clock).state_words == "Time limit does not apply"


def test_a_time_limit_the_law_gives_no_exceptions_to_cannot_be_excused(case):
    request = assessed(case)
    plan = services.issue_draft_plan(request, case.caseworker, issued_on=ago(40))
    services.record_family_response(plan, case.caseworker, responded_on=ago(25))
    services.consult_setting(plan, case.caseworker, setting=case.setting, sent_on=ago(40))
    services.finalise_plan(plan, case.caseworker, placement=case.setting, finalised_on=ago(20))
    with pytest.raises(ValidationError, match="lists no exceptions"):
        services.record_exception(
            clock(plan, Clock.ANNUAL_REVIEW),
            case.caseworker,
            code="exceptional_personal_circumstances",
            starts_on=ago(1),
        )


def test_the_dashboard_sorts_running_clocks_and_excused_ones_are_not_overdue(case):
    from passport.access.policies import visible_children

    overdue = requested(case, 50)  # decide-to-assess due 8 days ago
    sections = services.dashboard_sections(visible_children(case.caseworker))
    assert [c.clock for c in sections["overdue"]] == ["decide_to_assess"]
    assert list(sections["due_this_week"]) == []

    services.record_exception(
        clock(overdue, Clock.DECIDE_TO_ASSESS),
        case.caseworker,
        code="exceptional_personal_circumstances",
        details="A bereavement in the family",
        starts_on=ago(20),
    )
    sections = services.dashboard_sections(visible_children(case.caseworker))
    assert list(sections["overdue"]) == []
    assert next(step.state for step in services.timeline(case.child)) == "excused"


def test_due_this_week_and_at_risk(case):
    from passport.access.policies import visible_children

    requested(case, 38)  # decide-to-assess due in 4 days
    sections = services.dashboard_sections(visible_children(case.caseworker))
    assert [c.clock for c in sections["due_this_week"]] == ["decide_to_assess"]
    assert list(sections["at_risk"]) == []
    assessed_later = StatutoryClock.objects.get(clock="final_plan")
    StatutoryClock.objects.filter(pk=assessed_later.pk).update(due_on=TODAY + dt.timedelta(days=20))
    sections = services.dashboard_sections(visible_children(case.caseworker))
    assert [c.clock for c in sections["at_risk"]] == ["final_plan"]


def test_missed_deadlines_are_told_to_the_family_once(case):
    requested(case, 50)
    call_command("ehcp_deadlines")
    assert [m.to for m in mail.outbox] == [[case.parent.email]]
    assert "has not met a legal time limit" in mail.outbox[0].body
    assert case.child.family_name not in mail.outbox[0].body

    call_command("ehcp_deadlines")
    assert len(mail.outbox) == 1


def test_annual_review_keep_amend_and_cease(case):
    request = assessed(case, 300)
    plan = services.issue_draft_plan(request, case.caseworker, issued_on=ago(200))
    services.consult_setting(plan, case.caseworker, setting=case.setting, sent_on=ago(200))
    plan = services.finalise_plan(
        plan, case.caseworker, placement=case.setting, finalised_on=ago(150)
    )
    review = services.record_review_meeting(plan, case.caseworker, meeting_on=ago(40))
    assert clock(review, Clock.REVIEW_DECISION).due_on == ago(40) + dt.timedelta(weeks=4)
    first, second_review = plan.clocks.filter(clock=Clock.ANNUAL_REVIEW).order_by("starts_on")
    assert (first.met_on, second_review.starts_on) == (ago(40), ago(40))
    with pytest.raises(ValidationError, match="before the review meeting"):
        services.decide_after_review(review, case.caseworker, outcome="amend", decided_on=ago(41))

    services.decide_after_review(review, case.caseworker, outcome="amend", decided_on=ago(30))
    # The next annual review is due whatever was decided: 12 months starting with the meeting.
    assert plan.clocks.filter(clock=Clock.ANNUAL_REVIEW, met_on__isnull=True).count() == 1
    amendment = services.propose_amendment(
        plan, case.caseworker, proposed="Add speech therapy", notice_sent_on=ago(28), review=review
    )
    # reg 22: 8 weeks from the notice, not from the meeting.
    assert clock(review, Clock.AMENDED_PLAN).due_on == ago(28) + dt.timedelta(weeks=8)
    amended = services.issue_amended_plan(
        amendment, case.caseworker, issued_on=ago(10), sections={"section_k": "New advice"}
    )
    assert (amended.version, amended.section_k) == (3, "New advice")
    assert plan.clocks.filter(clock=Clock.ANNUAL_REVIEW, met_on__isnull=True).count() == 1

    second = services.record_review_meeting(plan, case.caseworker, meeting_on=ago(5))
    with pytest.raises(ValidationError, match="why the plan is ceasing"):
        services.decide_after_review(
            second, case.caseworker, outcome="cease", ceasing_reason="bored"
        )
    services.decide_after_review(
        second,
        case.caseworker,
        outcome="cease",
        decided_on=ago(1),
        ceasing_reason="moved_outside_eng",
    )
    plan.refresh_from_db()
    assert (plan.status, plan.ceasing_reason, plan.ceased_on) == (
        "ceased",
        "moved_outside_eng",
        ago(1),
    )
    assert plan.cease_appeal_by == services.appeal_deadline(ago(1))
    assert not plan.clocks.running().exists()
    assert AnnualReview.objects.get(pk=second.pk).outcome == "cease"


def test_deciding_not_to_issue_ends_the_case_with_appeal_rights(case):
    request = assessed(case, 100)
    decision = services.decide_not_to_issue(
        request, case.caseworker, reason="Needs can be met at Targeted Plus", decided_on=ago(3)
    )
    assert decision.appeal_by == services.appeal_deadline(ago(3))
    assert clock(request, Clock.FINAL_PLAN).stopped_on == ago(3)
    with pytest.raises(ValidationError):
        services.issue_draft_plan(request, case.caseworker)


def test_a_named_placement_from_another_la_is_fine_and_the_family_may_prefer_one(case):
    other = SettingFactory(name="Hill View Special School")
    request = assessed(case, 100)
    plan = services.issue_draft_plan(request, case.caseworker, issued_on=ago(30))
    services.record_family_response(
        plan, case.parent, responded_on=ago(20), preferred_setting=other
    )
    services.consult_setting(plan, case.caseworker, setting=other, sent_on=ago(30))
    plan = services.finalise_plan(plan, case.caseworker, placement=other)
    assert plan.placement == other
