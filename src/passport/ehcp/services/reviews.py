"""Annual reviews of a final plan (SEND Regulations 2014 reg 20): the meeting with its notice,
its report, and the LA's decision after it (keep, amend or cease). A decision to amend is carried
out in `amendments` (reg 22)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from passport.core.clocks import Clock
from passport.core.dates import today
from passport.core.errors import StaleVersion
from passport.core.policy import current_pack
from passport.ehcp.models import AnnualReview, Plan
from passport.ehcp.services.checks import not_before, not_future, record_step
from passport.ehcp.services.clocks import appeal_deadline, meet, start_clock
from passport.ehcp.services.plans import cease_plan
from passport.people.models import User


def record_review_meeting(
    plan: Plan,
    by: User,
    *,
    meeting_on: dt.date,
    notes: str = "",
    invitations_sent_on: dt.date | None = None,
) -> AnnualReview:
    """Record an annual review meeting: the LA must decide within 4 weeks (reg 20(10)), and the
    next review is due within 12 months starting with this meeting (CFA 2014 s44(1)), whatever
    is decided, so an amendment under way never stops the annual-review clock."""
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
        if invitations_sent_on is not None and invitations_sent_on > meeting_on:
            raise ValidationError(
                {"invitations_sent_on": "The notice of the meeting comes before the meeting"}
            )
        review = AnnualReview.objects.create(
            plan=plan,
            meeting_on=meeting_on,
            invitations_sent_on=invitations_sent_on,
            notes=notes.strip(),
            recorded_by=by,
        )
        meet(plan.clocks.filter(clock=Clock.ANNUAL_REVIEW), meeting_on)
        start_clock(
            Clock.REVIEW_DECISION, meeting_on, child=plan.child, plan=plan, annual_review=review
        )
        start_clock(Clock.ANNUAL_REVIEW, meeting_on, child=plan.child, plan=plan)
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
    """Record the LA's decision after a review (within 4 weeks of the meeting, reg 20(10)): keep
    (which the family may appeal, CFA 2014 s51(2)(e)), amend (then a notice of the proposed
    amendments, reg 22) or cease."""
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
        if outcome == AnnualReview.Outcome.KEEP:
            # A decision not to amend after a review can be appealed (CFA 2014 s51(2)(e)).
            review.notice_sent_on = decided_on
            review.appeal_by = appeal_deadline(decided_on)
        review.version += 1
        review.save(
            update_fields=["outcome", "decided_on", "notice_sent_on", "appeal_by", "version"]
        )
        meet(review.clocks.filter(clock=Clock.REVIEW_DECISION), decided_on)
        # A decision to amend is followed by the notice of proposed amendments, which starts the
        # 8 weeks (reg 22; `amendments.propose_amendment`).
        if outcome == AnnualReview.Outcome.CEASE:
            cease_plan(plan, by, ceased_on=decided_on, reason_code=ceasing_reason)
        record_step(
            by,
            plan.child,
            f"LA decision after review: {review.get_outcome_display()}",
            action="decide",
        )
    return review


def record_review_report(
    review: AnnualReview,
    by: User,
    *,
    sent_on: dt.date,
    report: str,
    expected_version: int | None = None,
) -> AnnualReview:
    """Record the written report of the review meeting, sent to everyone invited within 2 weeks
    of the meeting (SEND Regulations 2014 reg 20(7)-(8)); a late report is recorded and shown
    as late."""
    with transaction.atomic():
        review = (
            AnnualReview.objects.select_for_update(of=("self",))
            .select_related("plan__child")
            .get(pk=review.pk)
        )
        if expected_version is not None and expected_version != review.version:
            raise StaleVersion(
                "Someone else changed this review since you read it (it is now version "
                f"{review.version}): read theirs before changing it"
            )
        if not report.strip():
            raise ValidationError({"report": "Enter the report of the meeting"})
        not_future(sent_on, "sent_on", "The date the report was sent")
        not_before(
            sent_on, review.meeting_on, "sent_on", "The report comes after the review meeting"
        )
        review.report_sent_on = sent_on
        review.report = report.strip()
        review.version += 1
        review.save(update_fields=["report_sent_on", "report", "version"])
        record_step(by, review.plan.child, "Report of the annual review meeting recorded")
    return review


def report_due_on(review: AnnualReview) -> dt.date:
    """The last day to send the meeting's report (reg 20(7): within 2 weeks of the meeting)."""
    return review.meeting_on + dt.timedelta(days=current_pack().ehcp.review_report_days)


def notice_was_short(review: AnnualReview) -> bool:
    """Whether the meeting was called with less than the 2 weeks' notice reg 20 asks for."""
    if review.invitations_sent_on is None:
        return False
    days = (review.meeting_on - review.invitations_sent_on).days
    return days < current_pack().ehcp.review_notice_days


def latest_review(plan: Plan) -> AnnualReview | None:
    """The plan's most recent review meeting, whose report is the one to record."""
    return plan.annual_reviews.order_by("-meeting_on", "-pk").first()
