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
                how=version.history_change_reason or "",
                created=version.history_type == "+",
                fields=fields,
            )
        )
        previous = version
    return changes
