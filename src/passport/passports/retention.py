"""Retention: find and erase children's records kept past the policy pack's retention period."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.db import transaction
from django.db.models import Model, QuerySet

from passport.audit.services import record
from passport.children.models import Child
from passport.core.dates import add_years, today
from passport.core.policy import current_pack
from passport.people.models import User


def retention_cutoff(on: dt.date | None = None) -> dt.date:
    """Return the latest date of birth whose records are past retention on a date."""
    years = current_pack().retention.sen_records_years_after_birth
    return add_years(on or today(), -years)


def children_past_retention(on: dt.date | None = None) -> QuerySet[Child]:
    """Return the children whose records have been kept longer than the policy allows."""
    return Child.objects.filter(date_of_birth__lt=retention_cutoff(on)).order_by(
        "date_of_birth", "pk"
    )


def _history_models() -> list[type[Model]]:
    """Every django-simple-history table, so erasure leaves no earlier version behind."""
    return [model for model in apps.get_models() if model.__name__.startswith("Historical")]


@transaction.atomic
def erase_child(child: Child, *, by: User | None, reason: str) -> None:
    """Erase a child's record and every earlier version of it, leaving one audit row."""
    passport_id = getattr(getattr(child, "passport", None), "pk", None)
    child_id = child.pk
    # Deleting writes "removed" versions, so the versions go after the rows.
    child.delete()
    for model in _history_models():
        field_names = {field.name for field in model._meta.fields}
        if "passport" in field_names and passport_id is not None:
            model._default_manager.filter(passport_id=passport_id).delete()
        elif model.__name__ == "HistoricalPassport" and passport_id is not None:
            model._default_manager.filter(id=passport_id).delete()
    record(
        actor=by,
        role="operator",
        relationship="retention",
        acting_for="Support Passport",
        setting_id=None,
        action="erase",
        child_id=child_id,
        reason=reason,
        allowed=True,
    )
