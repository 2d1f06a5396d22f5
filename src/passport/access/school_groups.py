"""School groups: who manages a group's money, who sees its share, and which children a commission
may name. Each question is a reading of `standing` (duties manage_school_group and lead_setting).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from passport.access.rules import Duty
from passport.access.standing import holds, scope
from passport.children.models import Child, Enrolment
from passport.core.dates import today
from passport.organisations.models import SchoolGroup
from passport.people.models import User


def school_group_share_visible(
    user: User, group: SchoolGroup, *, on: dt.date | None = None
) -> bool:
    """Return whether the person may see the group's pots and what its settings received: its
    cluster leads, and the SENCOs and heads of its settings."""
    if holds(user, Duty.MANAGE_SCHOOL_GROUP, at=group, on=on):
        return True
    led = scope(user, Duty.LEAD_SETTING, on=on).settings
    return bool(led) and group.settings.filter(pk__in=led).exists()


def school_groups_visible_to(user: User, *, on: dt.date | None = None) -> QuerySet[SchoolGroup]:
    """Return the school groups whose pots the person may see (cluster leads; SENCOs and heads of
    a group's settings)."""
    managed = scope(user, Duty.MANAGE_SCHOOL_GROUP, on=on)
    led = scope(user, Duty.LEAD_SETTING, on=on)
    if not managed and not led:
        return SchoolGroup.objects.none()
    return SchoolGroup.objects.filter(
        Q(pk__in=managed.school_groups) | Q(settings__in=led.settings)
    ).distinct()


def children_for_commissioning(
    user: User, group: SchoolGroup, *, on: dt.date | None = None
) -> QuerySet[Child]:
    """Return the children a cluster lead may name in a commission: those on roll today at one of
    the group's settings. The lead sees their names and Support in place only (the pages show
    nothing else), and each list shown is audited by the caller with `audit_list`."""
    on = on or today()
    if not holds(user, Duty.MANAGE_SCHOOL_GROUP, at=group, on=on):
        return Child.objects.none()
    return Child.objects.filter(
        pk__in=Enrolment.objects.live_on(on)
        .filter(setting__in=group.settings.all())
        .values("child_id")
    )
