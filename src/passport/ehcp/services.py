"""The verbs of an EHC needs assessment and plan, in the order the law sets them.

Each verb checks the step comes in order (no decision before the request, no final plan without
a draft, dates that follow each other), writes its rows and the statutory clocks in one
transaction, and records an audit row. A step out of order raises ValidationError keyed by
field, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from passport.access.policies import Action, Relationship, decide
from passport.audit import services as audit
from passport.children.models import Child
from passport.core.clocks import Clock, ClockError, deadline, limit_in_words
from passport.core.dates import today
from passport.core.policy import current_pack
from passport.ehcp.models import (
    AdviceRequest,
    AnnualReview,
    AssessmentDecision,
    AssessmentRequest,
    ClockException,
    Plan,
    PlanOutcome,
    PlanProvision,
    StatutoryClock,
)
from passport.organisations.models import LocalAuthority, Provider, Setting
from passport.passports.models import Passport, Review
from passport.people.models import User

KIND_BY_RELATIONSHIP = {
    Relationship.PARENTAL_RESPONSIBILITY: AssessmentRequest.RequesterKind.PARENT,
    Relationship.OWN_RECORD: AssessmentRequest.RequesterKind.YOUNG_PERSON,
    Relationship.ON_ROLL_AT_MY_SETTING: AssessmentRequest.RequesterKind.SETTING,
}
Sections = dict[str, str]
# The family's own windows: when one passes the LA may go on; nobody is overdue.
FAMILY_WINDOWS = (Clock.DRAFT_COMMENTS,)
MAX_PAUSE_DAYS = 366
PLAN_TEXT_SECTIONS = (
    "section_a",
    "section_b",
    "section_c",
    "section_d",
    "section_g",
    "section_h1",
    "section_h2",
    "placement_type",
    "section_j",
    "section_k",
)


@dataclass(frozen=True)
class OutcomeItem:
    description: str
    broad_area: str = ""
    by_when: dt.date | None = None


@dataclass(frozen=True)
class ProvisionItem:
    description: str
    delivered_by: str = ""
    how_often: str = ""
    outcome_position: int | None = None


def _audit(by: User | None, child: Child, reason: str, action: str = "write") -> None:
    audit.record(
        actor=by,
        role="",
        relationship="",
        acting_for="",
        setting_id=None,
        action=action,
        child_id=child.pk,
        sections=["ehcp"],
        reason=reason,
        allowed=True,
    )


def _not_future(day: dt.date, field: str, subject: str) -> None:
    if day > today():
        raise ValidationError({field: f"{subject} must be today or in the past"})


def _not_before(day: dt.date, earlier: dt.date, field: str, message: str) -> None:
    if day < earlier:
        raise ValidationError({field: message})


def _start_clock(
    clock: Clock, starts_on: dt.date, *, child: Child, **owners: Any
) -> StatutoryClock:
    return StatutoryClock.objects.create(
        child=child,
        clock=clock,
        starts_on=starts_on,
        due_on=deadline(clock, starts_on),
        **owners,
    )


def _meet(clocks: Iterable[StatutoryClock] | Any, on: dt.date) -> None:
    for clock in clocks:
        if clock.met_on is None and clock.stopped_on is None:
            clock.met_on = max(on, clock.starts_on)
            clock.save(update_fields=["met_on"])


def _stop(clocks: Any, on: dt.date) -> None:
    clocks.filter(met_on__isnull=True, stopped_on__isnull=True).update(stopped_on=on)


def _lock(request: AssessmentRequest) -> AssessmentRequest:
    return (
        AssessmentRequest.objects.select_for_update(of=("self",))
        .select_related("child")
        .get(pk=request.pk)
    )


def _need_name(code: str) -> str:
    need = current_pack().need_type(code)
    return need.name if need else code


def passport_evidence(child: Child) -> tuple[dict[str, Any], int | None]:
    """Return the passport as evidence for a request: needs, what works, support and outcomes."""
    passport = Passport.objects.filter(child=child).first()
    if passport is None:
        return {}, None
    return (
        {
            "needs_description": passport.needs_description,
            "sen_provision": passport.sen_provision,
            "need_types": [_need_name(n.need_type) for n in passport.ranked_needs.order_by("rank")],
            "what_works": [s.description for s in passport.strategies.all()],
            "support": [
                {"what": s.description, "by": s.delivered_by, "amount": s.amount}
                for s in passport.support_items.filter(
                    Q(ends_on__isnull=True) | Q(ends_on__gte=today())
                )
            ],
            "outcomes": [
                {"outcome": o.description, "progress": o.get_progress_display()}
                for o in passport.outcomes.all()
            ],
            "reviews": [
                {"held_on": r.held_on.isoformat(), "decision": r.get_decision_display()}
                for r in passport.reviews.all()[:3]
            ],
        },
        passport.version,
    )


def request_assessment(
    child: Child,
    by: User,
    *,
    reason: str,
    received_on: dt.date | None = None,
    source_review: Review | None = None,
) -> AssessmentRequest:
    """Ask the child's local authority for an EHC needs assessment.

    Standing comes from the person's relationship with the child: a parent with parental
    responsibility, the young person themselves (past compulsory school age), or the SENCO or
    head of the setting the child is on roll at. The passport is attached as evidence. The
    decide-to-assess and final-plan clocks start on `received_on` (default today).
    """
    received_on = received_on or today()
    decision = decide(by, child, Action.REQUEST_ASSESSMENT)
    kind = (
        KIND_BY_RELATIONSHIP.get(decision.relationship)
        if decision.allowed and decision.relationship is not None
        else None
    )
    if kind is None:
        raise ValidationError(
            "Only a parent, the young person or the child's setting can request an EHC needs "
            "assessment"
        )
    if not reason.strip():
        raise ValidationError({"reason": "Enter why an assessment is needed"})
    _not_future(received_on, "received_on", "The date the request was received")
    _not_before(
        received_on,
        child.date_of_birth,
        "received_on",
        "The date the request was received must be after the child's date of birth",
    )
    if source_review is not None and (
        source_review.passport.child_id != child.pk
        or source_review.decision != Review.Decision.REQUEST_ASSESSMENT
    ):
        raise ValidationError(
            {"source_review": "That review did not recommend an assessment for this child"}
        )
    setting = None
    if kind == AssessmentRequest.RequesterKind.SETTING and decision.setting_id is not None:
        setting = Setting.objects.get(pk=decision.setting_id)
    la = child.home_local_authority or (setting.local_authority if setting else None)
    if la is None:
        la = _la_of_setting(child)
    if la is None:
        raise ValidationError(
            "The child's home local authority is not recorded: add it before requesting"
        )
    evidence, version = passport_evidence(child)
    with transaction.atomic():
        Child.objects.select_for_update(of=("self",)).filter(pk=child.pk).first()
        if AssessmentRequest.objects.filter(
            child=child, status__in=AssessmentRequest.OPEN
        ).exists():
            raise ValidationError(
                f"{child.known_as} already has an open request for an EHC needs assessment"
            )
        if Plan.objects.filter(child=child, status=Plan.Status.FINAL).exists():
            raise ValidationError(
                f"{child.known_as} already has an EHC plan: ask for a review of it instead"
            )
        request = AssessmentRequest.objects.create(
            child=child,
            local_authority=la,
            requester_kind=kind,
            requested_by=by,
            setting=setting,
            source_review=source_review,
            received_on=received_on,
            reason=reason.strip(),
            evidence=evidence,
            evidence_passport_version=version,
        )
        _start_clock(Clock.DECIDE_TO_ASSESS, received_on, child=child, request=request)
        _start_clock(Clock.FINAL_PLAN, received_on, child=child, request=request)
        _audit(
            by,
            child,
            f"EHC needs assessment requested by the {request.get_requester_kind_display().lower()}",
            action="request_assessment",
        )
    return request


def _la_of_setting(child: Child) -> LocalAuthority | None:
    from passport.children.models import Enrolment

    enrolment = (
        Enrolment.objects.live_on(today())
        .filter(child=child)
        .select_related("setting__local_authority")
        .first()
    )
    return enrolment.setting.local_authority if enrolment else None


def _decision_date(request: AssessmentRequest, decided_on: dt.date, field: str) -> None:
    _not_future(decided_on, field, "The date of the decision")
    _not_before(
        decided_on,
        request.received_on,
        field,
        f"The decision cannot come before the request was received on "
        f"{request.received_on:%-d %B %Y}",
    )


def decide_whether_to_assess(
    request: AssessmentRequest,
    by: User,
    *,
    assess: bool,
    decided_on: dt.date | None = None,
    reason: str = "",
) -> AssessmentDecision:
    """Record the LA's decision whether to carry out an assessment (6 weeks from the request).

    A refusal needs a reason and carries the family's appeal rights and deadline.
    """
    decided_on = decided_on or today()
    with transaction.atomic():
        request = _lock(request)
        if request.status != AssessmentRequest.Status.RECEIVED:
            raise ValidationError(
                "The decision whether to assess has already been made for this request"
            )
        _decision_date(request, decided_on, "decided_on")
        if not assess and not reason.strip():
            raise ValidationError({"reason": "Enter the reason for not assessing"})
        decision = AssessmentDecision.objects.create(
            request=request,
            stage=AssessmentDecision.Stage.ASSESS,
            kind=AssessmentDecision.Kind.ASSESS if assess else AssessmentDecision.Kind.NOT_ASSESS,
            decided_on=decided_on,
            decided_by=by,
            reason=reason.strip(),
            appeal_by=None if assess else deadline(Clock.APPEAL, decided_on),
        )
        _meet(request.clocks.filter(clock=Clock.DECIDE_TO_ASSESS), decided_on)
        if assess:
            request.status = AssessmentRequest.Status.ASSESSING
            # Whether to issue a plan must be decided within 16 weeks of the request.
            _start_clock(
                Clock.DECIDE_NOT_TO_ISSUE, request.received_on, child=request.child, request=request
            )
        else:
            request.status = AssessmentRequest.Status.NOT_ASSESSING
            _stop(request.clocks.all(), decided_on)
        request.save(update_fields=["status"])
        _audit(by, request.child, f"LA decision: {decision.get_kind_display()}", action="decide")
    return decision


def ask_for_advice(
    request: AssessmentRequest,
    by: User,
    *,
    adviser_kind: str,
    adviser: str,
    asked_on: dt.date | None = None,
    provider: Provider | None = None,
) -> AdviceRequest:
    """Ask a professional for advice for the assessment (6 weeks from asking)."""
    asked_on = asked_on or today()
    if adviser_kind not in AdviceRequest.AdviserKind.values:
        raise ValidationError({"adviser_kind": "Choose who is asked for advice"})
    if not adviser.strip():
        raise ValidationError({"adviser": "Enter who is asked for advice"})
    with transaction.atomic():
        request = _lock(request)
        if request.status != AssessmentRequest.Status.ASSESSING:
            raise ValidationError("Advice is asked for only after the decision to assess")
        assess_on = request.decisions.get(stage=AssessmentDecision.Stage.ASSESS).decided_on
        _not_future(asked_on, "asked_on", "The date advice was asked for")
        _not_before(
            asked_on,
            assess_on,
            "asked_on",
            f"Advice cannot be asked for before the decision to assess on {assess_on:%-d %B %Y}",
        )
        advice = AdviceRequest.objects.create(
            request=request,
            adviser_kind=adviser_kind,
            adviser=adviser.strip(),
            provider=provider,
            asked_on=asked_on,
            asked_by=by,
        )
        _start_clock(
            Clock.PROFESSIONAL_ADVICE,
            asked_on,
            child=request.child,
            request=request,
            advice_request=advice,
        )
        _audit(by, request.child, f"Advice asked for from {advice.adviser}", action="decide")
    return advice


def record_advice(
    advice: AdviceRequest, by: User, *, received_on: dt.date | None = None, text: str = ""
) -> AdviceRequest:
    """Record that an adviser's advice arrived."""
    received_on = received_on or today()
    with transaction.atomic():
        advice = (
            AdviceRequest.objects.select_for_update(of=("self",))
            .select_related("request__child")
            .get(pk=advice.pk)
        )
        if advice.received_on is not None:
            raise ValidationError("This advice has already been received")
        _not_future(received_on, "received_on", "The date the advice arrived")
        _not_before(
            received_on,
            advice.asked_on,
            "received_on",
            "The advice cannot arrive before it was asked for",
        )
        advice.received_on = received_on
        advice.advice = text.strip()
        advice.save(update_fields=["received_on", "advice"])
        _meet(StatutoryClock.objects.filter(advice_request=advice), received_on)
        _audit(by, advice.request.child, f"Advice received from {advice.adviser}", action="advise")
    return advice


def decide_not_to_issue(
    request: AssessmentRequest, by: User, *, reason: str, decided_on: dt.date | None = None
) -> AssessmentDecision:
    """Record the LA's decision, after assessing, not to issue a plan (16 weeks from the
    request), with the family's appeal deadline."""
    decided_on = decided_on or today()
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason for not issuing a plan"})
    with transaction.atomic():
        request = _lock(request)
        if request.status != AssessmentRequest.Status.ASSESSING:
            raise ValidationError("A decision not to issue follows a decision to assess")
        _decision_date(request, decided_on, "decided_on")
        decision = AssessmentDecision.objects.create(
            request=request,
            stage=AssessmentDecision.Stage.ISSUE,
            kind=AssessmentDecision.Kind.NOT_ISSUE,
            decided_on=decided_on,
            decided_by=by,
            reason=reason.strip(),
            appeal_by=deadline(Clock.APPEAL, decided_on),
        )
        _meet(request.clocks.filter(clock=Clock.DECIDE_NOT_TO_ISSUE), decided_on)
        _stop(request.clocks.exclude(clock=Clock.PROFESSIONAL_ADVICE), decided_on)
        request.status = AssessmentRequest.Status.NOT_ISSUING
        request.save(update_fields=["status"])
        _audit(by, request.child, "LA decision: not to issue a plan", action="decide")
    return decision


def record_mediation_certificate(
    decision: AssessmentDecision, by: User, *, issued_on: dt.date
) -> AssessmentDecision:
    """A mediation certificate gives the family a month from it to appeal, if that is later."""
    if not decision.is_refusal:
        raise ValidationError("Only a refusal can be appealed")
    _not_future(issued_on, "issued_on", "The date of the mediation certificate")
    try:
        appeal_by = deadline(Clock.APPEAL, decision.decided_on, mediation_certificate_on=issued_on)
    except ClockError as exc:
        raise ValidationError({"issued_on": str(exc).capitalize()}) from exc
    with transaction.atomic():
        decision.mediation_certificate_on = issued_on
        decision.appeal_by = appeal_by
        decision.save(update_fields=["mediation_certificate_on", "appeal_by"])
        _audit(by, decision.request.child, "Mediation certificate recorded", action="decide")
    return decision


def prefill_from_passport(child: Child) -> tuple[Sections, list[OutcomeItem], list[ProvisionItem]]:
    """Return sections A and B, outcomes (E) and provision (F) drawn from the passport."""
    passport = Passport.objects.filter(child=child).first()
    if passport is None:
        return {}, [], []
    views = [
        ("What people like and admire about me", passport.liked_about_me),
        ("What is important to me", passport.matters_to_me),
        ("How best to support me", passport.how_to_support_me),
    ]
    section_a = "\n\n".join(f"{label}: {text}" for label, text in views if text)
    needs = [_need_name(n.need_type) for n in passport.ranked_needs.order_by("rank")]
    section_b = "\n\n".join(part for part in ("; ".join(needs), passport.needs_description) if part)
    outcomes = [OutcomeItem(o.description, by_when=o.target_date) for o in passport.outcomes.all()]
    provisions = [
        ProvisionItem(s.description, delivered_by=s.delivered_by, how_often=s.amount)
        for s in passport.support_items.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today()))
    ]
    return {"section_a": section_a, "section_b": section_b}, outcomes, provisions


def _write_items(
    plan: Plan, outcomes: Sequence[OutcomeItem], provisions: Sequence[ProvisionItem], by: User
) -> None:
    plan.provisions.all().delete()
    plan.outcomes.all().delete()
    made: dict[int, PlanOutcome] = {}
    for position, item in enumerate(outcomes, start=1):
        if not item.description.strip():
            raise ValidationError({"outcomes": f"Outcome {position} needs a description"})
        outcome = PlanOutcome(
            plan=plan,
            position=position,
            broad_area=item.broad_area,
            description=item.description.strip(),
            by_when=item.by_when,
        )
        outcome._history_user = by  # type: ignore[attr-defined]
        outcome.save()
        made[position] = outcome
    for position, given in enumerate(provisions, start=1):
        if not given.description.strip():
            raise ValidationError({"provisions": f"Provision {position} needs a description"})
        if given.outcome_position is not None and given.outcome_position not in made:
            raise ValidationError(
                {
                    "provisions": f"Provision {position} names outcome {given.outcome_position}, "
                    "which the plan does not have"
                }
            )
        provision = PlanProvision(
            plan=plan,
            position=position,
            outcome=made.get(given.outcome_position) if given.outcome_position else None,
            description=given.description.strip(),
            delivered_by=given.delivered_by.strip(),
            how_often=given.how_often.strip(),
        )
        provision._history_user = by  # type: ignore[attr-defined]
        provision.save()


def _check_sections(sections: Sections) -> None:
    unknown = set(sections) - set(PLAN_TEXT_SECTIONS)
    if unknown:
        raise ValidationError(f"Unknown plan section {sorted(unknown)[0]!r}")


def _save_plan(plan: Plan, by: User) -> None:
    try:
        plan.full_clean(exclude=["child", "request", "local_authority", "placement"])
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc
    plan.updated_by = by
    plan._history_user = by  # type: ignore[attr-defined]
    plan.save()


def issue_draft_plan(
    request: AssessmentRequest,
    by: User,
    *,
    issued_on: dt.date | None = None,
    sections: Sections | None = None,
    outcomes: Sequence[OutcomeItem] | None = None,
    provisions: Sequence[ProvisionItem] | None = None,
) -> Plan:
    """Issue the draft plan after deciding to issue one. Sections not given are filled from the
    passport. The family's 15 days to comment and name a setting start on `issued_on`."""
    issued_on = issued_on or today()
    sections = dict(sections or {})
    _check_sections(sections)
    with transaction.atomic():
        request = _lock(request)
        if request.status != AssessmentRequest.Status.ASSESSING:
            raise ValidationError("A draft plan follows a decision to assess")
        _decision_date(request, issued_on, "issued_on")
        assess_on = request.decisions.get(stage=AssessmentDecision.Stage.ASSESS).decided_on
        _not_before(
            issued_on,
            assess_on,
            "issued_on",
            f"The draft cannot come before the decision to assess on {assess_on:%-d %B %Y}",
        )
        prefilled, passport_outcomes, passport_provisions = prefill_from_passport(request.child)
        plan = Plan(
            child=request.child,
            request=request,
            local_authority=request.local_authority,
            route=Plan.Route.REFORM,
            draft_issued_on=issued_on,
            **{**prefilled, **sections},
        )
        _save_plan(plan, by)
        _write_items(
            plan,
            passport_outcomes if outcomes is None else outcomes,
            passport_provisions if provisions is None else provisions,
            by,
        )
        AssessmentDecision.objects.create(
            request=request,
            stage=AssessmentDecision.Stage.ISSUE,
            kind=AssessmentDecision.Kind.ISSUE,
            decided_on=issued_on,
            decided_by=by,
        )
        _meet(request.clocks.filter(clock=Clock.DECIDE_NOT_TO_ISSUE), issued_on)
        _start_clock(
            Clock.DRAFT_COMMENTS, issued_on, child=request.child, request=request, plan=plan
        )
        request.status = AssessmentRequest.Status.DRAFT_ISSUED
        request.save(update_fields=["status"])
        _audit(by, request.child, "Draft EHC plan issued", action="decide")
    return plan


def edit_plan(
    plan: Plan,
    by: User,
    *,
    sections: Sections,
    outcomes: Sequence[OutcomeItem] | None = None,
    provisions: Sequence[ProvisionItem] | None = None,
    placement: Setting | None = None,
) -> Plan:
    """Change a draft plan's sections; each change is a new version."""
    _check_sections(sections)
    with transaction.atomic():
        plan = Plan.objects.select_for_update(of=("self",)).select_related("child").get(pk=plan.pk)
        if plan.status != Plan.Status.DRAFT:
            raise ValidationError(
                "Only a draft plan can be edited; a final plan is amended after a review"
            )
        for name, value in sections.items():
            setattr(plan, name, value)
        if placement is not None:
            plan.placement = placement
        plan.version += 1
        _save_plan(plan, by)
        if outcomes is not None or provisions is not None:
            _write_items(
                plan,
                outcomes if outcomes is not None else _outcomes_of(plan),
                provisions if provisions is not None else _provisions_of(plan),
                by,
            )
        _audit(by, plan.child, f"EHC plan changed (version {plan.version})", action="decide")
    return plan


def _outcomes_of(plan: Plan) -> list[OutcomeItem]:
    return [OutcomeItem(o.description, o.broad_area, o.by_when) for o in plan.outcomes.all()]


def _provisions_of(plan: Plan) -> list[ProvisionItem]:
    return [
        ProvisionItem(
            p.description,
            p.delivered_by,
            p.how_often,
            p.outcome.position if p.outcome else None,
        )
        for p in plan.provisions.select_related("outcome")
    ]


def record_family_response(
    plan: Plan,
    by: User,
    *,
    responded_on: dt.date | None = None,
    comments: str = "",
    preferred_setting: Setting | None = None,
) -> Plan:
    """Record the family's comments on the draft and the setting they would like named."""
    responded_on = responded_on or today()
    with transaction.atomic():
        plan = Plan.objects.select_for_update(of=("self",)).select_related("child").get(pk=plan.pk)
        if plan.status != Plan.Status.DRAFT or plan.draft_issued_on is None:
            raise ValidationError("The family comments on a draft plan")
        _not_future(responded_on, "responded_on", "The date of the family's response")
        _not_before(
            responded_on,
            plan.draft_issued_on,
            "responded_on",
            "The family's response cannot come before the draft was issued",
        )
        plan.family_responded_on = responded_on
        plan.family_comments = comments.strip()
        plan.family_preferred_setting = preferred_setting
        _save_plan(plan, by)
        _meet(plan.clocks.filter(clock=Clock.DRAFT_COMMENTS), responded_on)
        _audit(by, plan.child, "The family's response to the draft plan recorded")
    return plan


def finalise_plan(
    plan: Plan,
    by: User,
    *,
    placement: Setting | None,
    finalised_on: dt.date | None = None,
    placement_type: str = "",
) -> Plan:
    """Issue the final plan naming the placement (section I), within 20 weeks of the request.

    The family's 15 days to comment must have passed, unless they have already responded.
    """
    finalised_on = finalised_on or today()
    with transaction.atomic():
        plan = (
            Plan.objects.select_for_update(of=("self",))
            .select_related("child", "request")
            .get(pk=plan.pk)
        )
        if plan.status != Plan.Status.DRAFT or plan.draft_issued_on is None:
            raise ValidationError("A final plan needs a draft plan first")
        if placement is None and not placement_type.strip():
            raise ValidationError(
                {"placement": "Name the setting, or the type of placement, for section I"}
            )
        _not_future(finalised_on, "finalised_on", "The date the final plan is issued")
        _not_before(
            finalised_on,
            plan.draft_issued_on,
            "finalised_on",
            f"The final plan cannot come before the draft issued on "
            f"{plan.draft_issued_on:%-d %B %Y}",
        )
        comments_until = deadline(Clock.DRAFT_COMMENTS, plan.draft_issued_on)
        if plan.family_responded_on is None and finalised_on <= comments_until:
            raise ValidationError(
                {
                    "finalised_on": "The family has until "
                    f"{comments_until:%-d %B %Y} to comment on the draft: record their response "
                    "first, or finalise after that date"
                }
            )
        plan.status = Plan.Status.FINAL
        plan.finalised_on = finalised_on
        plan.placement = placement
        if placement_type.strip():
            plan.placement_type = placement_type.strip()
        plan.version += 1
        _save_plan(plan, by)
        clocks = StatutoryClock.objects.filter(Q(plan=plan) | Q(request=plan.request_id))
        _meet(clocks.filter(clock=Clock.FINAL_PLAN), finalised_on)
        for window in clocks.filter(clock=Clock.DRAFT_COMMENTS, met_on__isnull=True):
            window.met_on = min(finalised_on, window.due_on)
            window.save(update_fields=["met_on"])
        _start_clock(Clock.ANNUAL_REVIEW, finalised_on, child=plan.child, plan=plan)
        if plan.request_id:
            AssessmentRequest.objects.filter(pk=plan.request_id).update(
                status=AssessmentRequest.Status.FINAL_ISSUED
            )
        _audit(by, plan.child, "Final EHC plan issued", action="decide")
    return plan


def record_review_meeting(
    plan: Plan, by: User, *, meeting_on: dt.date, notes: str = ""
) -> AnnualReview:
    """Record an annual review meeting: the LA must decide within 4 weeks."""
    with transaction.atomic():
        plan = Plan.objects.select_for_update(of=("self",)).select_related("child").get(pk=plan.pk)
        if plan.status != Plan.Status.FINAL:
            raise ValidationError("Only a final plan is reviewed")
        _not_future(meeting_on, "meeting_on", "The date of the review meeting")
        _not_before(
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
        _meet(plan.clocks.filter(clock=Clock.ANNUAL_REVIEW), meeting_on)
        _start_clock(
            Clock.REVIEW_DECISION, meeting_on, child=plan.child, plan=plan, annual_review=review
        )
        _audit(by, plan.child, "EHC plan annual review meeting recorded", action="decide")
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
        _not_future(decided_on, "decided_on", "The date of the decision")
        _not_before(
            decided_on,
            review.meeting_on,
            "decided_on",
            "The decision cannot come before the review meeting",
        )
        review.outcome = outcome
        review.decided_on = decided_on
        review.save(update_fields=["outcome", "decided_on"])
        _meet(review.clocks.filter(clock=Clock.REVIEW_DECISION), decided_on)
        if outcome == AnnualReview.Outcome.KEEP:
            _start_clock(Clock.ANNUAL_REVIEW, review.meeting_on, child=plan.child, plan=plan)
        elif outcome == AnnualReview.Outcome.AMEND:
            _start_clock(
                Clock.AMENDED_PLAN,
                review.meeting_on,
                child=plan.child,
                plan=plan,
                annual_review=review,
            )
        else:
            cease_plan(plan, by, ceased_on=decided_on, reason_code=ceasing_reason)
        _audit(
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
) -> Plan:
    """Issue the amended plan decided on after a review: a new version of the final plan."""
    issued_on = issued_on or today()
    sections = dict(sections or {})
    _check_sections(sections)
    with transaction.atomic():
        review = (
            AnnualReview.objects.select_for_update(of=("self",))
            .select_related("plan__child")
            .get(pk=review.pk)
        )
        if review.outcome != AnnualReview.Outcome.AMEND or review.amended_plan_issued_on:
            raise ValidationError("An amended plan follows a decision to amend")
        _not_future(issued_on, "issued_on", "The date the amended plan is issued")
        _not_before(
            issued_on,
            review.decided_on or issued_on,
            "issued_on",
            "The amended plan cannot come before the decision to amend",
        )
        plan = Plan.objects.select_for_update(of=("self",)).get(pk=review.plan_id)
        for name, value in sections.items():
            setattr(plan, name, value)
        if placement is not None:
            plan.placement = placement
        plan.version += 1
        _save_plan(plan, by)
        if outcomes is not None or provisions is not None:
            _write_items(
                plan,
                outcomes if outcomes is not None else _outcomes_of(plan),
                provisions if provisions is not None else _provisions_of(plan),
                by,
            )
        review.amended_plan_issued_on = issued_on
        review.save(update_fields=["amended_plan_issued_on"])
        _meet(review.clocks.filter(clock=Clock.AMENDED_PLAN), issued_on)
        _start_clock(Clock.ANNUAL_REVIEW, review.meeting_on, child=plan.child, plan=plan)
        _audit(by, plan.child, f"Amended EHC plan issued (version {plan.version})", action="decide")
    return plan


def cease_plan(plan: Plan, by: User, *, ceased_on: dt.date, reason_code: str) -> Plan:
    """Cease a final plan with an SEN2 reason from the policy pack; the family may appeal."""
    codes = {r.code for r in current_pack().ehcp.ceasing_reasons}
    if reason_code not in codes:
        raise ValidationError({"ceasing_reason": "Choose why the plan is ceasing"})
    with transaction.atomic():
        plan = Plan.objects.select_for_update(of=("self",)).select_related("child").get(pk=plan.pk)
        if plan.status != Plan.Status.FINAL:
            raise ValidationError("Only a final plan can cease")
        _not_before(
            ceased_on,
            plan.finalised_on or ceased_on,
            "ceased_on",
            "A plan cannot cease before it was finalised",
        )
        plan.status = Plan.Status.CEASED
        plan.ceased_on = ceased_on
        plan.ceasing_reason = reason_code
        plan.cease_appeal_by = deadline(Clock.APPEAL, ceased_on)
        plan.version += 1
        _save_plan(plan, by)
        _stop(plan.clocks.all(), ceased_on)
        _audit(by, plan.child, f"EHC plan ceased: {reason_code}", action="decide")
    return plan


def record_exception(
    clock: StatutoryClock,
    by: User,
    *,
    kind: str,
    reason: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
) -> ClockException:
    """Pause a clock between two dates, or excuse its time limit, with the reason written down.

    A pause moves the due date later by the paused days (`core.clocks.deadline`).
    """
    if kind not in ClockException.Kind.values:
        raise ValidationError({"kind": "Choose whether the clock is paused or excused"})
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason for the exception"})
    if kind == ClockException.Kind.PAUSE:
        if ends_on is None:
            raise ValidationError({"ends_on": "Enter the last day of the pause"})
        if ends_on < starts_on:
            raise ValidationError({"ends_on": "The pause must end on or after the day it starts"})
        if (ends_on - starts_on).days > MAX_PAUSE_DAYS:
            raise ValidationError({"ends_on": "A pause can be at most a year: record another"})
    else:
        ends_on = None
    with transaction.atomic():
        clock = (
            StatutoryClock.objects.select_for_update(of=("self",))
            .select_related("child")
            .get(pk=clock.pk)
        )
        if not clock.is_running:
            raise ValidationError("This step is already done or no longer applies")
        _not_before(
            starts_on, clock.starts_on, "starts_on", "An exception cannot start before the clock"
        )
        exception = ClockException.objects.create(
            statutory_clock=clock,
            kind=kind,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=reason.strip(),
            recorded_by=by,
        )
        if kind == ClockException.Kind.EXCUSE:
            clock.excused = True
        else:
            pauses = [
                (e.starts_on, e.ends_on)
                for e in clock.exceptions.filter(kind=ClockException.Kind.PAUSE)
                if e.ends_on is not None
            ]
            clock.due_on = deadline(clock.clock, clock.starts_on, pauses=pauses)
        clock.save(update_fields=["excused", "due_on"])
        _audit(
            by, clock.child, f"Clock {clock.clock} {kind}d: {reason.strip()[:200]}", action="decide"
        )
    return exception


# What the family reads for each clock, in plain English.
STEP_WORDS: dict[str, str] = {
    Clock.DECIDE_TO_ASSESS: "The local authority decides whether to assess",
    Clock.PROFESSIONAL_ADVICE: "Advice from {adviser}",
    Clock.DECIDE_NOT_TO_ISSUE: "The local authority decides whether to write a plan",
    Clock.DRAFT_COMMENTS: "Your comments on the draft plan, and the setting you would like",
    Clock.FINAL_PLAN: "The final plan",
    Clock.ANNUAL_REVIEW: "The annual review meeting",
    Clock.REVIEW_DECISION: "The local authority's decision after the review",
    Clock.AMENDED_PLAN: "The amended plan",
    Clock.APPEAL: "Your appeal",
    Clock.RECORD_TRANSFER: "The school record is sent on",
}
LIMIT_FROM: dict[str, str] = {
    Clock.DECIDE_TO_ASSESS: "of the request",
    Clock.PROFESSIONAL_ADVICE: "of being asked",
    Clock.DECIDE_NOT_TO_ISSUE: "of the request",
    Clock.DRAFT_COMMENTS: "of the draft",
    Clock.FINAL_PLAN: "of the request",
    Clock.ANNUAL_REVIEW: "of the plan or the last review",
    Clock.REVIEW_DECISION: "of the review meeting",
    Clock.AMENDED_PLAN: "of the review meeting",
    Clock.APPEAL: "of the decision",
    Clock.RECORD_TRANSFER: "of leaving",
}


@dataclass(frozen=True)
class Step:
    """One line of a timeline: what happens, its legal limit, and whether it was in time."""

    clock: StatutoryClock
    title: str
    limit: str
    state: str  # done, done_late, overdue, due, excused, stopped, closed

    @property
    def state_words(self) -> str:
        return {
            "done": "Done in time",
            "done_late": "Done late",
            "overdue": "Overdue",
            "due": "Due",
            "excused": "Time limit does not apply",
            "stopped": "No longer needed",
            "closed": "Time to comment has ended",
        }[self.state]


def step_for(clock: StatutoryClock, on: dt.date | None = None) -> Step:
    on = on or today()
    adviser = clock.advice_request.adviser if clock.advice_request else "a professional"
    title = STEP_WORDS[clock.clock].format(adviser=adviser)
    limit = f"Within {limit_in_words(clock.clock)} {LIMIT_FROM[clock.clock]}"
    if clock.excused:
        state = "excused"
    elif clock.met_on is not None:
        state = "done" if clock.met_on <= clock.due_on else "done_late"
    elif clock.stopped_on is not None:
        state = "stopped"
    elif clock.due_on >= on:
        state = "due"
    else:
        state = "closed" if clock.clock in FAMILY_WINDOWS else "overdue"
    return Step(clock, title, limit, state)


def timeline(child: Child, on: dt.date | None = None) -> list[Step]:
    """Every statutory step for the child, oldest first, with its limit and state."""
    clocks = (
        StatutoryClock.objects.filter(child=child)
        .select_related("advice_request")
        .order_by("starts_on", "due_on", "pk")
    )
    return [step_for(clock, on) for clock in clocks]


def current_request(child: Child) -> AssessmentRequest | None:
    return (
        AssessmentRequest.objects.filter(child=child)
        .select_related("local_authority", "setting", "requested_by")
        .order_by("-received_on", "-pk")
        .first()
    )


def current_plan(child: Child) -> Plan | None:
    return (
        Plan.objects.filter(child=child)
        .select_related("placement", "family_preferred_setting")
        .order_by("-pk")
        .first()
    )


def dashboard_sections(children: Any, on: dt.date | None = None) -> dict[str, Any]:
    """Return querysets of running clocks for the children: overdue, due this week, at risk.

    Each is one query when evaluated (children is a queryset used as a subquery).
    """
    on = on or today()
    week_end = on + dt.timedelta(days=7)
    risk_end = on + dt.timedelta(days=current_pack().ehcp.at_risk_days)
    running = (
        StatutoryClock.objects.running()
        .filter(child__in=children)
        .exclude(clock__in=FAMILY_WINDOWS)
        .select_related("child", "advice_request")
        .order_by("due_on", "pk")
    )
    return {
        "overdue": running.filter(due_on__lt=on),
        "due_this_week": running.filter(due_on__gte=on, due_on__lte=week_end),
        "at_risk": running.filter(due_on__gt=week_end, due_on__lte=risk_end),
    }


def missed_clocks(on: dt.date | None = None) -> Any:
    """Running clocks past their due date whose family has not been told yet."""
    on = on or today()
    return (
        StatutoryClock.objects.running()
        .filter(due_on__lt=on, missed_notice_queued_at__isnull=True)
        .exclude(clock__in=FAMILY_WINDOWS)
    )
