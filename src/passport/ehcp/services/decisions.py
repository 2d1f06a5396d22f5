"""The local authority's decisions on a request: whether to assess, not to issue a plan after
assessing, and the mediation certificate that can move a refusal's appeal deadline."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from passport.core.clocks import Clock, ClockError
from passport.core.dates import today
from passport.ehcp.models import AssessmentDecision, AssessmentRequest
from passport.ehcp.services.checks import decision_date, lock_request, not_future, record_step
from passport.ehcp.services.clocks import appeal_deadline, meet, start_clock, stop
from passport.people.models import User


def decide_whether_to_assess(
    request: AssessmentRequest,
    by: User,
    *,
    assess: bool,
    decided_on: dt.date | None = None,
    reason: str = "",
    notice_sent_on: dt.date | None = None,
) -> AssessmentDecision:
    """Record the LA's decision whether to carry out an assessment (6 weeks from the request).

    A refusal needs a reason and carries the family's appeal rights (Children and Families Act
    2014 s51(2)(a)): the deadline counts from `notice_sent_on`, the day the notice was sent
    (the decision day when not given).
    """
    decided_on = decided_on or today()
    notice_sent_on = notice_sent_on or decided_on
    with transaction.atomic():
        request = lock_request(request)
        if request.status != AssessmentRequest.Status.RECEIVED:
            raise ValidationError(
                "The decision whether to assess has already been made for this request"
            )
        decision_date(request, decided_on, "decided_on")
        _notice_date(notice_sent_on, decided_on)
        if not assess and not reason.strip():
            raise ValidationError({"reason": "Enter the reason for not assessing"})
        decision = AssessmentDecision.objects.create(
            request=request,
            stage=AssessmentDecision.Stage.ASSESS,
            kind=AssessmentDecision.Kind.ASSESS if assess else AssessmentDecision.Kind.NOT_ASSESS,
            decided_on=decided_on,
            decided_by=by,
            reason=reason.strip(),
            notice_sent_on=notice_sent_on,
            appeal_by=None if assess else appeal_deadline(notice_sent_on),
        )
        meet(request.clocks.filter(clock=Clock.DECIDE_TO_ASSESS), decided_on)
        if assess:
            request.status = AssessmentRequest.Status.ASSESSING
            # Whether to issue a plan must be decided within 16 weeks of the request.
            start_clock(
                Clock.DECIDE_NOT_TO_ISSUE, request.received_on, child=request.child, request=request
            )
        else:
            request.status = AssessmentRequest.Status.NOT_ASSESSING
            stop(request.clocks.all(), decided_on)
        request.save(update_fields=["status"])
        record_step(
            by, request.child, f"LA decision: {decision.get_kind_display()}", action="decide"
        )
    return decision


def decide_not_to_issue(
    request: AssessmentRequest,
    by: User,
    *,
    reason: str,
    decided_on: dt.date | None = None,
    notice_sent_on: dt.date | None = None,
) -> AssessmentDecision:
    """Record the LA's decision, after assessing, not to issue a plan (16 weeks from the
    request), with the family's appeal deadline (s51(2)(b)) from the day the notice was sent."""
    decided_on = decided_on or today()
    notice_sent_on = notice_sent_on or decided_on
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason for not issuing a plan"})
    with transaction.atomic():
        request = lock_request(request)
        if request.status != AssessmentRequest.Status.ASSESSING:
            raise ValidationError("A decision not to issue follows a decision to assess")
        decision_date(request, decided_on, "decided_on")
        _notice_date(notice_sent_on, decided_on)
        decision = AssessmentDecision.objects.create(
            request=request,
            stage=AssessmentDecision.Stage.ISSUE,
            kind=AssessmentDecision.Kind.NOT_ISSUE,
            decided_on=decided_on,
            decided_by=by,
            reason=reason.strip(),
            notice_sent_on=notice_sent_on,
            appeal_by=appeal_deadline(notice_sent_on),
        )
        meet(request.clocks.filter(clock=Clock.DECIDE_NOT_TO_ISSUE), decided_on)
        stop(request.clocks.exclude(clock=Clock.PROFESSIONAL_ADVICE), decided_on)
        request.status = AssessmentRequest.Status.NOT_ISSUING
        request.save(update_fields=["status"])
        record_step(by, request.child, "LA decision: not to issue a plan", action="decide")
    return decision


def record_mediation_certificate(
    decision: AssessmentDecision, by: User, *, issued_on: dt.date
) -> AssessmentDecision:
    """A mediation certificate gives the family a month from it to appeal, if that is later."""
    if not decision.is_refusal:
        raise ValidationError("Only a refusal can be appealed")
    not_future(issued_on, "issued_on", "The date of the mediation certificate")
    try:
        appeal_by = appeal_deadline(
            decision.notice_sent_on or decision.decided_on, mediation_certificate_on=issued_on
        )
    except ClockError as exc:
        raise ValidationError({"issued_on": str(exc).capitalize()}) from exc
    with transaction.atomic():
        decision.mediation_certificate_on = issued_on
        decision.appeal_by = appeal_by
        decision.version += 1
        decision.save(update_fields=["mediation_certificate_on", "appeal_by", "version"])
        record_step(by, decision.request.child, "Mediation certificate recorded", action="decide")
    return decision


def _notice_date(notice_sent_on: dt.date, decided_on: dt.date) -> None:
    """The notice of a decision is sent on or after the decision, and not in the future."""
    not_future(notice_sent_on, "notice_sent_on", "The date the notice was sent")
    if notice_sent_on < decided_on:
        raise ValidationError(
            {"notice_sent_on": "The notice cannot be sent before the decision was made"}
        )
