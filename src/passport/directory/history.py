"""The change history of a directory record: who changed what, and when."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from passport.directory.models import Service
from passport.organisations.models import Provider


@dataclass(frozen=True)
class Change:
    """One saved version of a record and what differed from the one before it."""

    when: dt.datetime
    who: str
    how: str
    created: bool
    fields: tuple[tuple[str, Any, Any], ...]
    # The person's name, for pages: an email address is for operators (the CLI), not readers.
    who_name: str = "the system"

    def field_changes(self, model: type[Service] | type[Provider]) -> list[tuple[str, str, str]]:
        """Return (label, before, after) for each changed field, labelled as a reader would say
        it: the field's verbose name, choices by their display text, blank as "(none)"."""
        rows = []
        for name, old, new in self.fields:
            field = model._meta.get_field(name)
            label = str(getattr(field, "verbose_name", name)).replace("_", " ")
            label = label.removesuffix(" pence")
            rows.append((label[:1].upper() + label[1:], _shown(field, old), _shown(field, new)))
        return rows


def _shown(field: Any, value: Any) -> str:
    """Say a stored value as the directory page would: names, not ids, codes or pence."""
    if value in (None, ""):
        return "(none)"
    if field.is_relation:
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else "(removed)"
    if field.name.endswith("_pence"):
        pounds, pennies = divmod(int(value), 100)
        return f"£{pounds:,}" if not pennies else f"£{pounds:,}.{pennies:02d}"
    choices = dict(getattr(field, "flatchoices", None) or ())
    return str(choices.get(value, value))


def record_history(record: Service | Provider) -> list[Change]:
    """Return every version of a service or provider, oldest first, with who made it."""
    versions = list(
        record.history.select_related("history_user").order_by("history_date", "history_id")
    )
    changes = []
    previous = None
    for version in versions:
        user = version.history_user
        fields: tuple[tuple[str, Any, Any], ...] = ()
        if previous is not None:
            delta = version.diff_against(previous)
            fields = tuple((c.field, c.old, c.new) for c in delta.changes)
        changes.append(
            Change(
                when=version.history_date,
                who=user.email if user is not None else "the system",
                who_name=(user.full_name or user.email) if user is not None else "the system",
                how=version.history_change_reason or "",
                created=version.history_type == "+",
                fields=fields,
            )
        )
        previous = version
    return changes


@dataclass(frozen=True)
class EntryChange:
    """A change to a service's directory entry: to the service itself or to its provider."""

    record: str  # "Service" or "Provider"
    change: Change
    rows: tuple[tuple[str, str, str], ...]


def service_entry_history(service: Service) -> list[EntryChange]:
    """Return every change to the service and to its provider, newest first: what a family
    consents to is the provider's name, so a renamed provider belongs in the service's story."""
    entries = [
        EntryChange("Service", change, tuple(change.field_changes(Service)))
        for change in record_history(service)
    ] + [
        EntryChange("Provider", change, tuple(change.field_changes(Provider)))
        for change in record_history(service.provider)
    ]
    return sorted(entries, key=lambda entry: entry.change.when, reverse=True)
