"""Questions about a person's duties at organisations, under the names pages and commands first
asked them by. Each is one reading of `standing`; new code asks `standing` directly.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from passport.access.rules import Duty
from passport.access.standing import holds, scope
from passport.organisations.models import LocalAuthority
from passport.people.models import User


def may_manage_directory(user: User, *, on: dt.date | None = None) -> bool:
    """Return whether the person may import services into the directory: an administrator or a
    cluster lead, today."""
    return holds(user, Duty.MANAGE_DIRECTORY, on=on)


def local_authorities_for_returns(
    user: User, *, on: dt.date | None = None
) -> QuerySet[LocalAuthority]:
    """Return the local authorities whose statutory returns (SEN2) the person may build today:
    those where they are an LA caseworker."""
    return LocalAuthority.objects.filter(
        pk__in=scope(user, Duty.LA_CASEWORK, on=on).local_authorities
    )


def may_export_la_returns(user: User, la: LocalAuthority, *, on: dt.date | None = None) -> bool:
    """Return whether the person may build this local authority's statutory returns today."""
    return holds(user, Duty.LA_CASEWORK, at=la, on=on)
