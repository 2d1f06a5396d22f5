"""THE access policy: who may do what to which child, decided from live relationships.

Every page, API operation and command gets a child only through `visible_children` or
`get_child_for`. A decision is taken from relationships in the database and their dates; this
module reads them and never imports the feature rooms (passports, transitions...), so the policy
can be read and tested on its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Q, QuerySet
from django.http import Http404

from passport.children.models import Child, Enrolment, ParentalResponsibility
from passport.core.dates import today
from passport.organisations.models import Setting
from passport.people.models import Role, User


class Action(StrEnum):
    """What someone wants to do with a child's record."""

    READ = "read"
    WRITE = "write"
    CONTRIBUTE = "contribute"


class Relationship(StrEnum):
    """Why someone is connected to a child."""

    ON_ROLL_AT_MY_SETTING = "on_roll_at_my_setting"
    PARENTAL_RESPONSIBILITY = "parental_responsibility"
    OWN_RECORD = "own_record"


# Which actions each relationship-and-role allows. The tests read this table.
GRANTS: dict[tuple[Relationship, Role], frozenset[Action]] = {
    (Relationship.ON_ROLL_AT_MY_SETTING, Role.SENCO): frozenset(Action),
    (Relationship.ON_ROLL_AT_MY_SETTING, Role.SETTING_HEAD): frozenset(Action),
    (Relationship.ON_ROLL_AT_MY_SETTING, Role.TEACHER): frozenset({Action.READ}),
    (Relationship.PARENTAL_RESPONSIBILITY, Role.PARENT_CARER): frozenset({Action.READ, Action.CONTRIBUTE}),
    (Relationship.OWN_RECORD, Role.YOUNG_PERSON): frozenset({Action.READ, Action.CONTRIBUTE}),
}

SETTING_STAFF_ROLES = frozenset(role for (rel, role) in GRANTS if rel is Relationship.ON_ROLL_AT_MY_SETTING)


@dataclass(frozen=True)
class Decision:
    """The outcome of asking whether `user` may take `action` on a child."""

    allowed: bool
    action: Action
    relationship: Relationship | None = None
    role: Role | None = None
    setting_id: int | None = None


class ChildNotFound(Http404):
    """The child does not exist or the user has no relationship that allows the action.

    Both look the same from outside, so nobody learns that a child exists by probing ids.
    """


def _staff_setting_ids(user: User, on: dt.date, roles: frozenset[Role] = SETTING_STAFF_ROLES) -> dict[int, Role]:
    """Return the settings where the user holds a live staff role, with the strongest role."""
    strongest: dict[int, Role] = {}
    order = [Role.SENCO, Role.SETTING_HEAD, Role.TEACHER]
    for membership in user.live_memberships(on).filter(role__in=roles, setting__isnull=False):
        role = Role(membership.role)
        current = strongest.get(membership.setting_id)
        if current is None or order.index(role) < order.index(current):
            strongest[membership.setting_id] = role
    return strongest


def _roles(user: User, on: dt.date) -> set[Role]:
    return {Role(role) for role in user.live_memberships(on).values_list("role", flat=True)}


def visible_children(user: User, *, on: dt.date | None = None) -> QuerySet[Child]:
    """Return every child the user may read today, by any live relationship."""
    if not user.is_authenticated or not user.is_active:
        return Child.objects.none()
    on = on or today()
    roles = _roles(user, on)
    reach = Q(pk__in=[])
    setting_ids = list(_staff_setting_ids(user, on))
    if setting_ids:
        reach |= Q(pk__in=Enrolment.objects.live_on(on).filter(setting_id__in=setting_ids).values("child_id"))
    if Role.PARENT_CARER in roles:
        reach |= Q(pk__in=ParentalResponsibility.objects.live_on(on).filter(person=user).values("child_id"))
    if Role.YOUNG_PERSON in roles:
        reach |= Q(own_account=user)
    return Child.objects.filter(reach)


def decide(user: User, child: Child, action: Action, *, on: dt.date | None = None) -> Decision:
    """Decide whether the user may take the action on this child, and by which relationship."""
    denied = Decision(allowed=False, action=action)
    if not user.is_authenticated or not user.is_active:
        return denied
    on = on or today()
    candidates: list[Decision] = []
    staff_settings = _staff_setting_ids(user, on)
    if staff_settings:
        for enrolment in Enrolment.objects.live_on(on).filter(child=child, setting_id__in=staff_settings):
            role = staff_settings[enrolment.setting_id]
            candidates.append(
                Decision(True, action, Relationship.ON_ROLL_AT_MY_SETTING, role, enrolment.setting_id)
            )
    roles = _roles(user, on)
    if Role.PARENT_CARER in roles and ParentalResponsibility.objects.live_on(on).filter(child=child, person=user).exists():
        candidates.append(Decision(True, action, Relationship.PARENTAL_RESPONSIBILITY, Role.PARENT_CARER))
    if Role.YOUNG_PERSON in roles and child.own_account_id == user.pk:
        candidates.append(Decision(True, action, Relationship.OWN_RECORD, Role.YOUNG_PERSON))
    for candidate in candidates:
        assert candidate.relationship is not None and candidate.role is not None
        if action in GRANTS.get((candidate.relationship, candidate.role), frozenset()):
            return candidate
    return denied


def get_child_for(user: User, child_id: int, action: Action) -> Child:
    """Return the child if the user may take the action on it, else raise ChildNotFound (404)."""
    child = Child.objects.filter(pk=child_id).first()
    if child is None:
        raise ChildNotFound("No child with that id is visible to you")
    decision = decide(user, child, action)
    if not decision.allowed:
        raise ChildNotFound("No child with that id is visible to you")
    child.access_decision = decision  # type: ignore[attr-defined]
    return child


def can(user: User, child: Child, action: Action) -> bool:
    """Return whether the user may take the action (for showing or hiding links)."""
    return decide(user, child, action).allowed


def settings_where_user_adds_children(user: User, *, on: dt.date | None = None) -> QuerySet[Setting]:
    """Return the settings where the user may put a new child on roll and start a passport."""
    if not user.is_authenticated:
        return Setting.objects.none()
    writers = frozenset(
        role for (rel, role), actions in GRANTS.items()
        if rel is Relationship.ON_ROLL_AT_MY_SETTING and Action.WRITE in actions
    )
    return Setting.objects.filter(pk__in=list(_staff_setting_ids(user, on or today(), writers)))
