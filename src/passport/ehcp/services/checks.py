"""What every EHC step checks and writes beside its rows: dates that follow each other, the
request locked while the step is written, and the audit row."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from passport.audit import services as audit
from passport.children.models import Child
from passport.core.dates import today
from passport.ehcp.models import AssessmentRequest
from passport.people.models import User


def record_step(by: User | None, child: Child, reason: str, action: str = "write") -> None:
    """Write the audit row for a step taken in the child's EHC case."""
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


def not_future(day: dt.date, field: str, subject: str) -> None:
    """Refuse a date after today, keyed by field."""
    if day > today():
        raise ValidationError({field: f"{subject} must be today or in the past"})


def not_before(day: dt.date, earlier: dt.date, field: str, message: str) -> None:
    """Refuse a date before the step it follows, keyed by field."""
    if day < earlier:
        raise ValidationError({field: message})


def decision_date(request: AssessmentRequest, decided_on: dt.date, field: str) -> None:
    """Refuse a decision dated in the future or before the request was received."""
    not_future(decided_on, field, "The date of the decision")
    not_before(
        decided_on,
        request.received_on,
        field,
        f"The decision cannot come before the request was received on "
        f"{request.received_on:%-d %B %Y}",
    )


def lock_request(request: AssessmentRequest) -> AssessmentRequest:
    """Return the request locked for this transaction, with its child."""
    return (
        AssessmentRequest.objects.select_for_update(of=("self",))
        .select_related("child")
        .get(pk=request.pk)
    )
