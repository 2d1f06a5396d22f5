"""Requesting an EHC needs assessment: who may ask, which local authority it goes to, and the
passport attached as evidence."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from passport.access.policies import Action, Relationship, decide
from passport.children.models import Child
from passport.core.clocks import Clock
from passport.core.dates import today
from passport.ehcp.models import AssessmentRequest, Plan
from passport.ehcp.services.checks import not_before, not_future, record_step
from passport.ehcp.services.clocks import start_clock
from passport.ehcp.services.evidence import passport_evidence
from passport.organisations.models import LocalAuthority, Setting
from passport.passports.models import Review
from passport.people.models import User

KIND_BY_RELATIONSHIP = {
    Relationship.PARENTAL_RESPONSIBILITY: AssessmentRequest.RequesterKind.PARENT,
    Relationship.OWN_RECORD: AssessmentRequest.RequesterKind.YOUNG_PERSON,
    Relationship.ON_ROLL_AT_MY_SETTING: AssessmentRequest.RequesterKind.SETTING,
}


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
    not_future(received_on, "received_on", "The date the request was received")
    not_before(
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
        start_clock(Clock.DECIDE_TO_ASSESS, received_on, child=child, request=request)
        start_clock(Clock.FINAL_PLAN, received_on, child=child, request=request)
        record_step(
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
