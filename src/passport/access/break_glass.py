"""Emergency access (break-glass): who may use it, and who reviews each opening.

Each opening is routed when it happens: to the data protection lead of the child's setting; for a
child on no roll, to their local authority's caseworkers with LA-wide access; with no local
authority known, to those who run the service.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from passport.access.links import active
from passport.access.models import BreakGlass, LocalAuthorityWideAccess
from passport.access.rules import Action, Duty, Relationship, current_rules
from passport.access.standing import holds, scope
from passport.children.models import Child, Enrolment
from passport.core.dates import today
from passport.people.memberships import live_memberships
from passport.people.models import Role, User

# Long enough that the reviewer learns why, short enough for an emergency.
EMERGENCY_REASON_MIN_LENGTH = 10


def check_emergency_reason(reason: str) -> None:
    """Refuse a reason too short to tell the reviewer why emergency access was needed.

    Checked before anyone looks a UPN up: a reply that differs by whether the child exists must
    come only with an opening, which is recorded and reviewed.
    """
    if len(reason.strip()) < EMERGENCY_REASON_MIN_LENGTH:
        raise ValidationError(
            "Enter the reason for emergency access, in at least "
            f"{EMERGENCY_REASON_MIN_LENGTH} characters"
        )


@dataclass(frozen=True)
class Reviewer:
    """Who reviews an emergency opening: a setting's data protection lead, else a local
    authority, else (both None) the service's administrators."""

    setting_id: int | None = None
    local_authority_id: int | None = None


def may_use_emergency_access(user: User, *, on: dt.date | None = None) -> bool:
    """Return whether the person holds a role that break-glass access is open to."""
    if not active(user):
        return False
    roles = {Role(m.role) for m in live_memberships(user, on or today())}
    return bool(roles & current_rules().roles_with(Relationship.BREAK_GLASS, Action.READ))


def data_protection_setting(child_id: int | None) -> int | None:
    """Return the setting whose data protection lead should hear about this child."""
    if child_id is None:
        return None
    enrolment = (
        Enrolment.objects.live_on(today()).filter(child_id=child_id).order_by("-starts_on").first()
    )
    return enrolment.setting_id if enrolment else None


def break_glass_reviewer(child: Child) -> Reviewer:
    """Return who should review an emergency opening of this child's record today."""
    setting_id = data_protection_setting(child.pk)
    if setting_id is not None:
        return Reviewer(setting_id=setting_id)
    # A child on no roll is the business of the LA they live in (it must find children missing
    # education, Education Act 1996 s436A); failing that, the LA of the last setting they left.
    if child.home_local_authority_id is not None:
        return Reviewer(local_authority_id=child.home_local_authority_id)
    last_la = (
        Enrolment.objects.filter(child=child)
        .order_by("-starts_on", "-pk")
        .values_list("setting__local_authority_id", flat=True)
        .first()
    )
    return Reviewer(local_authority_id=last_la)


def _local_authorities_reviewed(user: User, on: dt.date) -> list[int]:
    """Return the LAs whose emergency openings the person reviews: those where they do casework
    with access to every child, and so learn nothing new from a reason given."""
    casework = scope(user, Duty.LA_CASEWORK, on=on)
    if not casework:
        return []
    return list(
        LocalAuthorityWideAccess.objects.live_on(on)
        .filter(user=user, local_authority_id__in=casework.local_authorities)
        .values_list("local_authority_id", flat=True)
    )


def break_glass_to_review(user: User, *, on: dt.date | None = None) -> QuerySet[BreakGlass]:
    """Return the emergency openings of children on no roll that the person reviews, newest
    first: for LA caseworkers with access to every child of their LA, those routed to that LA;
    for administrators, those with no local authority to go to.

    Openings at a setting go to its data protection lead through the audit trail instead.
    """
    if not active(user):
        return BreakGlass.objects.none()
    on = on or today()
    routed = Q(review_local_authority_id__in=_local_authorities_reviewed(user, on))
    if holds(user, Duty.RUN_SERVICE, on=on):
        routed |= Q(review_setting__isnull=True, review_local_authority__isnull=True)
    return (
        BreakGlass.objects.filter(routed)
        .select_related("user", "review_local_authority")
        .order_by("-opened_at", "-pk")
    )


def may_review_break_glass(user: User, *, on: dt.date | None = None) -> bool:
    """Return whether the person reviews emergency openings of children on no roll."""
    on = on or today()
    return holds(user, Duty.RUN_SERVICE, on=on) or bool(_local_authorities_reviewed(user, on))
