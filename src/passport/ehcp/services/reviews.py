"""Annual reviews of a final plan: the meeting, the LA's decision after it (keep, amend or
cease), and the amended plan a decision to amend calls for."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from passport.core.clocks import Clock
from passport.core.dates import today
from passport.ehcp.models import AnnualReview, Plan
from passport.ehcp.services.checks import not_before, not_future, record_step
from passport.ehcp.services.clocks import meet, start_clock
from passport.ehcp.services.plan_content import (
    OutcomeItem,
    ProvisionItem,
    Sections,
    change_plan,
    check_sections,
)
from passport.ehcp.services.plans import cease_plan
from passport.organisations.models import Setting
from passport.people.models import User


def record_review_meeting(
    plan: Plan, by: User, *, meeting_on: dt.date, notes: str = ""
) -> AnnualReview:
    """Record an annual review meeting: the LA must decide within 4 weeks."""
    with transaction.atomic():
        plan = Plan.objects.select_for_update(of=("self",)).select_related("child").get(pk=plan.pk)
        if plan.status != Plan.Status.FINAL:
            raise ValidationError("Only a final plan is reviewed")
        not_future(meeting_on, "meeting_on", "The date of the review meeting")
        not_before(
            meeting_on,
            plan.finalised_on or meeting_on,
            "meeting_on",
            "The review meeting cannot come before the plan was finalised",
        )
        if plan.annual_reviews.filter(decided_on__isnull=True).exists():
            raise ValidationError("The last review is still waiting for the LA's decision")
        review = AnnualReview.objects.create(
            plan=plan, meeting_on=meeting_on, notes=notes.strip(), recorded_by=by
        )
        meet(plan.clocks.filter(clock=Clock.ANNUAL_REVIEW), meeting_on)
        start_clock(
            Clock.REVIEW_DECISION, meeting_on, child=plan.child, plan=plan, annual_review=review
        )
        record_step(by, plan.child, "EHC plan annual review meeting recorded", action="decide")
    return review


def decide_after_review(
    review: AnnualReview,
    by: User,
    *,
    outcome: str,
    decided_on: dt.date | None = None,
    ceasing_reason: str = "",
) -> AnnualReview:
    """Record the LA's decision after a review: keep, amend (amended plan within 8 weeks of the
    meeting) or cease."""
    decided_on = decided_on or today()
    if outcome not in AnnualReview.Outcome.values:
        raise ValidationError({"outcome": "Choose keep, amend or cease"})
    with transaction.atomic():
        review = (
            AnnualReview.objects.select_for_update(of=("self",))
            .select_related("plan__child")
            .get(pk=review.pk)
        )
        plan = review.plan
        if review.decided_on is not None:
            raise ValidationError("The LA has already decided after this review")
        not_future(decided_on, "decided_on", "The date of the decision")
        not_before(
            decided_on,
            review.meeting_on,
            "decided_on",
            "The decision cannot come before the review meeting",
        )
        review.outcome = outcome
        review.decided_on = decided_on
        review.save(update_fields=["outcome", "decided_on"])
        meet(review.clocks.filter(clock=Clock.REVIEW_DECISION), decided_on)
        if outcome == AnnualReview.Outcome.KEEP:
            start_clock(Clock.ANNUAL_REVIEW, review.meeting_on, child=plan.child, plan=plan)
        elif outcome == AnnualReview.Outcome.AMEND:
            start_clock(
                Clock.AMENDED_PLAN,
                review.meeting_on,
                child=plan.child,
                plan=plan,
                annual_review=review,
            )
        else:
            cease_plan(plan, by, ceased_on=decided_on, reason_code=ceasing_reason)
        record_step(
            by,
            plan.child,
            f"LA decision after review: {review.get_outcome_display()}",
            action="decide",
        )
    return review


def issue_amended_plan(
    review: AnnualReview,
    by: User,
    *,
    issued_on: dt.date | None = None,
    sections: Sections | None = None,
    outcomes: Sequence[OutcomeItem] | None = None,
    provisions: Sequence[ProvisionItem] | None = None,
    placement: Setting | None = None,
    expected_version: int | None = None,
) -> Plan:
    """Issue the amended plan decided on after a review: a new version of the final plan.

    With `expected_version`, a plan changed since that version is refused (`StalePlan`).
    """
    issued_on = issued_on or today()
    sections = dict(sections or {})
    check_sections(sections)
    with transaction.atomic():
        review = (
            AnnualReview.objects.select_for_update(of=("self",))
            .select_related("plan__child")
            .get(pk=review.pk)
        )
        if review.outcome != AnnualReview.Outcome.AMEND or review.amended_plan_issued_on:
            raise ValidationError("An amended plan follows a decision to amend")
        not_future(issued_on, "issued_on", "The date the amended plan is issued")
        not_before(
            issued_on,
            review.decided_on or issued_on,
            "issued_on",
            "The amended plan cannot come before the decision to amend",
        )
        plan = Plan.objects.select_for_update(of=("self",)).get(pk=review.plan_id)
        change_plan(
            plan,
            by,
            sections=sections,
            outcomes=outcomes,
            provisions=provisions,
            placement=placement,
            expected_version=expected_version,
        )
        review.amended_plan_issued_on = issued_on
        review.save(update_fields=["amended_plan_issued_on"])
        meet(review.clocks.filter(clock=Clock.AMENDED_PLAN), issued_on)
        start_clock(Clock.ANNUAL_REVIEW, review.meeting_on, child=plan.child, plan=plan)
        record_step(
            by, plan.child, f"Amended EHC plan issued (version {plan.version})", action="decide"
        )
    return plan
