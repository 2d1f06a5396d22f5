"""Steps in a child's EHC case, named by the child: each finds what it acts on (the open request,
the current plan, the review waiting for a decision, an advice request or clock of the child)
and calls its verb.

The caseworker's case page and the API both take steps through here, so what a step acts on is
looked up once; `STEPS` names the steps the case page's forms post.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import ValidationError

from passport.children.models import Child
from passport.ehcp.models import (
    AdviceRequest,
    Amendment,
    AnnualReview,
    AssessmentDecision,
    AssessmentRequest,
    ClockException,
    Plan,
    SettingConsultation,
    StatutoryClock,
)
from passport.ehcp.services import (
    advice,
    amendments,
    clocks,
    consultations,
    decisions,
    plans,
    reviews,
)
from passport.ehcp.services.case import current_plan, current_request, open_review
from passport.ehcp.services.plan_content import OutcomeItem, ProvisionItem, Sections
from passport.organisations.models import Provider, Setting
from passport.people.models import User


def _open_request(child: Child) -> AssessmentRequest:
    request = current_request(child)
    if request is None:
        raise ValidationError("There is no request for an EHC needs assessment for this child")
    return request


def _plan(child: Child) -> Plan:
    plan = current_plan(child)
    if plan is None:
        raise ValidationError("This child has no EHC plan")
    return plan


def decide_whether_to_assess(
    child: Child,
    by: User,
    *,
    assess: bool,
    decided_on: dt.date | None = None,
    reason: str = "",
    notice_sent_on: dt.date | None = None,
) -> AssessmentDecision:
    """Record the LA's decision whether to assess the child's open request."""
    return decisions.decide_whether_to_assess(
        _open_request(child),
        by,
        assess=assess,
        decided_on=decided_on,
        reason=reason,
        notice_sent_on=notice_sent_on,
    )


def ask_for_advice(
    child: Child,
    by: User,
    *,
    adviser_kind: str,
    adviser: str,
    asked_on: dt.date | None = None,
    provider: Provider | None = None,
) -> AdviceRequest:
    """Ask a professional for advice for the child's assessment."""
    return advice.ask_for_advice(
        _open_request(child),
        by,
        adviser_kind=adviser_kind,
        adviser=adviser,
        asked_on=asked_on,
        provider=provider,
    )


def record_advice(
    child: Child,
    by: User,
    *,
    advice_request_id: int,
    received_on: dt.date | None = None,
    text: str = "",
    from_providers: frozenset[int] | None = None,
) -> AdviceRequest:
    """Record advice asked for in the child's assessment; given `from_providers`, only advice
    asked of one of those providers (a professional answering for their provider)."""
    asked = AdviceRequest.objects.filter(pk=advice_request_id, request__child=child).first()
    if asked is not None and from_providers is not None and asked.provider_id not in from_providers:
        asked = None
    if asked is None:
        raise ValidationError({"advice_request_id": "No advice request with that id for you"})
    return advice.record_advice(asked, by, received_on=received_on, text=text)


def decide_not_to_issue(
    child: Child,
    by: User,
    *,
    reason: str,
    decided_on: dt.date | None = None,
    notice_sent_on: dt.date | None = None,
) -> AssessmentDecision:
    """Record the LA's decision not to issue a plan after assessing the child."""
    return decisions.decide_not_to_issue(
        _open_request(child),
        by,
        reason=reason,
        decided_on=decided_on,
        notice_sent_on=notice_sent_on,
    )


def record_mediation_certificate(
    child: Child, by: User, *, stage: str, issued_on: dt.date
) -> AssessmentDecision:
    """Record a mediation certificate about the open request's refusal at the stage."""
    decision = AssessmentDecision.objects.filter(request=_open_request(child), stage=stage).first()
    if decision is None:
        raise ValidationError({"stage": "No decision at that stage"})
    return decisions.record_mediation_certificate(decision, by, issued_on=issued_on)


def issue_draft_plan(
    child: Child,
    by: User,
    *,
    issued_on: dt.date | None = None,
    sections: Sections | None = None,
    outcomes: Sequence[OutcomeItem] | None = None,
    provisions: Sequence[ProvisionItem] | None = None,
) -> Plan:
    """Issue the draft plan for the child's open request."""
    return plans.issue_draft_plan(
        _open_request(child),
        by,
        issued_on=issued_on,
        sections=sections,
        outcomes=outcomes,
        provisions=provisions,
    )


def edit_plan(
    child: Child,
    by: User,
    *,
    sections: Sections,
    outcomes: Sequence[OutcomeItem] | None = None,
    provisions: Sequence[ProvisionItem] | None = None,
    placement: Setting | None = None,
    expected_version: int | None = None,
) -> Plan:
    """Change the child's draft plan (refused if it moved on from `expected_version`)."""
    return plans.edit_plan(
        _plan(child),
        by,
        sections=sections,
        outcomes=outcomes,
        provisions=provisions,
        placement=placement,
        expected_version=expected_version,
    )


def record_family_response(
    child: Child,
    by: User,
    *,
    responded_on: dt.date | None = None,
    comments: str = "",
    preferred_setting: Setting | None = None,
) -> Plan:
    """Record the family's response to the child's draft plan."""
    return plans.record_family_response(
        _plan(child),
        by,
        responded_on=responded_on,
        comments=comments,
        preferred_setting=preferred_setting,
    )


def finalise_plan(
    child: Child,
    by: User,
    *,
    placement: Setting | None,
    finalised_on: dt.date | None = None,
    placement_type: str = "",
    preference_not_named_because: str = "",
) -> Plan:
    """Issue the child's final plan naming the placement."""
    return plans.finalise_plan(
        _plan(child),
        by,
        placement=placement,
        finalised_on=finalised_on,
        placement_type=placement_type,
        preference_not_named_because=preference_not_named_because,
    )


def consult_setting(
    child: Child, by: User, *, setting: Setting, sent_on: dt.date | None = None
) -> SettingConsultation:
    """Consult a setting on naming it in the child's draft plan."""
    return consultations.consult_setting(_plan(child), by, setting=setting, sent_on=sent_on)


def consultation_of(child: Child, consultation_id: int) -> SettingConsultation:
    """The consultation on the child's current plan with the id."""
    consultation = SettingConsultation.objects.filter(
        pk=consultation_id, plan=current_plan(child)
    ).first()
    if consultation is None:
        raise ValidationError({"consultation_id": "No consultation with that id for this child"})
    return consultation


def record_setting_response(
    child: Child,
    by: User,
    *,
    consultation_id: int,
    responded_on: dt.date,
    response: str,
    expected_version: int | None = None,
) -> SettingConsultation:
    """Record a consulted setting's response."""
    return consultations.record_setting_response(
        consultation_of(child, consultation_id),
        by,
        responded_on=responded_on,
        response=response,
        expected_version=expected_version,
    )


def record_exception(
    child: Child,
    by: User,
    *,
    clock_id: int,
    code: str,
    starts_on: dt.date,
    details: str = "",
    ends_on: dt.date | None = None,
) -> ClockException:
    """Record that an exception the law lists applies to one of the child's time limits."""
    clock = StatutoryClock.objects.filter(pk=clock_id, child=child).first()
    if clock is None:
        raise ValidationError({"clock_id": "No step with that id for this child"})
    return clocks.record_exception(
        clock, by, code=code, details=details, starts_on=starts_on, ends_on=ends_on
    )


def record_review_meeting(
    child: Child,
    by: User,
    *,
    meeting_on: dt.date,
    notes: str = "",
    invitations_sent_on: dt.date | None = None,
) -> AnnualReview:
    """Record an annual review meeting of the child's plan."""
    return reviews.record_review_meeting(
        _plan(child),
        by,
        meeting_on=meeting_on,
        notes=notes,
        invitations_sent_on=invitations_sent_on,
    )


def decide_after_review(
    child: Child,
    by: User,
    *,
    outcome: str,
    decided_on: dt.date | None = None,
    ceasing_reason: str = "",
) -> AnnualReview:
    """Record the LA's decision after the review of the child's plan waiting for one."""
    review = open_review(child)
    if review is None:
        raise ValidationError("There is no review waiting for a decision")
    return reviews.decide_after_review(
        review, by, outcome=outcome, decided_on=decided_on, ceasing_reason=ceasing_reason
    )


def _open_amendment(child: Child) -> Amendment:
    amendment = Amendment.objects.filter(plan=current_plan(child), issued_on__isnull=True).first()
    if amendment is None:
        raise ValidationError("There is no amendment under way: send the notice first")
    return amendment


def propose_amendment(
    child: Child,
    by: User,
    *,
    proposed: str,
    notice_sent_on: dt.date | None = None,
) -> Amendment:
    """Send notice of amendments proposed to the child's final plan; after a review that
    decided to amend and has no amendment yet, the amendment carries it out."""
    plan = _plan(child)
    review = (
        AnnualReview.objects.filter(
            plan=plan, outcome=AnnualReview.Outcome.AMEND, amendment__isnull=True
        )
        .order_by("-meeting_on")
        .first()
    )
    return amendments.propose_amendment(
        plan, by, proposed=proposed, notice_sent_on=notice_sent_on, review=review
    )


def record_representations(
    child: Child,
    by: User,
    *,
    received_on: dt.date,
    representations: str,
    expected_version: int | None = None,
) -> Amendment:
    """Record the family's representations on the amendment under way."""
    return amendments.record_representations(
        _open_amendment(child),
        by,
        received_on=received_on,
        representations=representations,
        expected_version=expected_version,
    )


def issue_amended_plan(
    child: Child,
    by: User,
    *,
    issued_on: dt.date | None = None,
    sections: Sections | None = None,
    outcomes: Sequence[OutcomeItem] | None = None,
    provisions: Sequence[ProvisionItem] | None = None,
    placement: Setting | None = None,
    expected_version: int | None = None,
) -> Plan:
    """Issue the amended plan the amendment under way calls for."""
    return amendments.issue_amended_plan(
        _open_amendment(child),
        by,
        issued_on=issued_on,
        sections=sections,
        outcomes=outcomes,
        provisions=provisions,
        placement=placement,
        expected_version=expected_version,
    )


def record_review_report(
    child: Child,
    by: User,
    *,
    sent_on: dt.date,
    report: str,
    expected_version: int | None = None,
) -> AnnualReview:
    """Record the report of the child's latest review meeting."""
    review = AnnualReview.objects.filter(plan=_plan(child)).order_by("-meeting_on").first()
    if review is None:
        raise ValidationError("No review meeting has been recorded")
    return reviews.record_review_report(
        review, by, sent_on=sent_on, report=report, expected_version=expected_version
    )


# The steps the case page's forms post, by the `step` each names.
STEPS: dict[str, Callable[..., object]] = {
    "decide": decide_whether_to_assess,
    "advice": ask_for_advice,
    "advice_received": record_advice,
    "not_to_issue": decide_not_to_issue,
    "draft": issue_draft_plan,
    "family_response": record_family_response,
    "finalise": finalise_plan,
    "review_meeting": record_review_meeting,
    "review_decision": decide_after_review,
    "exception": record_exception,
}


def take(step: str, child: Child, by: User, **arguments: Any) -> object:
    """Take the named step in the child's case with the arguments its verb needs."""
    return STEPS[step](child, by, **arguments)
