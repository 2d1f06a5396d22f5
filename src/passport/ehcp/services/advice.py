"""Advice for an assessment: asking a professional for it (6 weeks) and recording it arrived."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from passport.core.clocks import Clock
from passport.core.dates import today
from passport.ehcp.models import (
    AdviceRequest,
    AssessmentDecision,
    AssessmentRequest,
    StatutoryClock,
)
from passport.ehcp.services.checks import lock_request, not_before, not_future, record_step
from passport.ehcp.services.clocks import meet, start_clock
from passport.organisations.models import Provider
from passport.people.models import User


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
        request = lock_request(request)
        if request.status != AssessmentRequest.Status.ASSESSING:
            raise ValidationError("Advice is asked for only after the decision to assess")
        assess_on = request.decisions.get(stage=AssessmentDecision.Stage.ASSESS).decided_on
        not_future(asked_on, "asked_on", "The date advice was asked for")
        not_before(
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
        start_clock(
            Clock.PROFESSIONAL_ADVICE,
            asked_on,
            child=request.child,
            request=request,
            advice_request=advice,
        )
        record_step(by, request.child, f"Advice asked for from {advice.adviser}", action="decide")
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
        not_future(received_on, "received_on", "The date the advice arrived")
        not_before(
            received_on,
            advice.asked_on,
            "received_on",
            "The advice cannot arrive before it was asked for",
        )
        advice.received_on = received_on
        advice.advice = text.strip()
        advice.save(update_fields=["received_on", "advice"])
        meet(StatutoryClock.objects.filter(advice_request=advice), received_on)
        record_step(
            by, advice.request.child, f"Advice received from {advice.adviser}", action="advise"
        )
    return advice
