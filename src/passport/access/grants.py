"""Who may give a setting access to a child: the one question every way of creating a relationship
asks (an admission, a dual registration, a move, confirming or declining a transfer a Common
Transfer File asked for, and releasing a declined one).

Only the people who answer for the child today may: the SENCO or head (duty lead_setting) of a
setting the child is on roll at now, or a caseworker (la_casework) of the child's local authority:
the one they live in, or that of a setting they are on roll at now. A child on no roll with no home
local authority recorded is answered for by the local authority of the last setting they left.

A grant of access to the child is never enough: a setting the child is only going to attend can
read and change the passport, but cannot pass the child on to a third setting.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence

from passport.access.break_glass import data_protection_setting
from passport.access.decisions import ChildNotFound
from passport.access.rules import Duty
from passport.access.standing import scope
from passport.audit import services as audit
from passport.children.models import Child, Enrolment
from passport.core.dates import today
from passport.people.memberships import first_role
from passport.people.models import User

__all__ = [
    "MOVE_UNDO_WINDOW",
    "NoStandingToGrant",
    "UndoStanding",
    "may_grant_access_to_child",
    "may_grant_access_to_children",
    "may_undo_move",
    "require_grant_access",
]

REFUSED = (
    "Not the SENCO or head of a setting the child is on roll at now, nor the child's local "
    "authority"
)


class NoStandingToGrant(ChildNotFound):
    """The person may not give anyone access to this child. A 404, like any child not found."""


def may_grant_access_to_child(user: User, child: Child, *, on: dt.date | None = None) -> bool:
    """Return whether the person may give a setting access to the child: they lead a setting the
    child is on roll at now, or are a caseworker of the child's local authority."""
    return may_grant_access_to_children(user, [child], on=on)[0]


def may_grant_access_to_children(
    user: User, children: Sequence[Child], *, on: dt.date | None = None
) -> list[bool]:
    """`may_grant_access_to_child` for many children at once, with one query for all their
    enrolments (a list of pending transfers asks about each)."""
    on = on or today()
    leads = scope(user, Duty.LEAD_SETTING, on=on).settings
    caseworker_for = scope(user, Duty.LA_CASEWORK, on=on).local_authorities
    if not leads and not caseworker_for:
        return [False] * len(children)
    looked_up = {
        child.pk for child in children if child.home_local_authority_id not in caseworker_for
    }
    # (setting, its local authority) of each roll the child is on today
    on_roll: dict[int, set[tuple[int, int]]] = {}
    # (last day, enrolment id, local authority) of each child's latest ended enrolment
    last_ended: dict[int, tuple[dt.date, int, int]] = {}
    for child_id, setting_id, starts_on, ends_on, enrolment_id, la_id in Enrolment.objects.filter(
        child_id__in=looked_up
    ).values_list(
        "child_id", "setting_id", "starts_on", "ends_on", "pk", "setting__local_authority_id"
    ):
        if ends_on is not None and ends_on < on:
            if (ends_on, enrolment_id, la_id) > last_ended.get(child_id, (dt.date.min, 0, 0)):
                last_ended[child_id] = (ends_on, enrolment_id, la_id)
        elif starts_on <= on:
            on_roll.setdefault(child_id, set()).add((setting_id, la_id))
        # A roll that starts later (an admission to come) gives no say over the child yet.

    def grants(child: Child) -> bool:
        home_la = child.home_local_authority_id
        if home_la is not None and home_la in caseworker_for:
            return True
        if child.pk in on_roll:
            return any(
                setting_id in leads or la_id in caseworker_for
                for setting_id, la_id in on_roll[child.pk]
            )
        if home_la is not None:
            return False
        # On no roll and living nowhere recorded: the local authority they were last educated in
        # must find them if they are missing education (Education Act 1996 s.436A).
        return child.pk in last_ended and last_ended[child.pk][2] in caseworker_for

    return [grants(child) for child in children]


def require_grant_access(
    user: User, child: Child, *, action: str, refused: str, on: dt.date | None = None
) -> None:
    """Refuse (NoStandingToGrant, a 404) with an audit row for the child unless the person may
    give a setting access to the child; `refused` says what was not done, for the row.

    An allowed grant is recorded by the verb it lets through (the change of roll, the decision).
    """
    if may_grant_access_to_child(user, child, on=on):
        return
    audit.record(
        actor=user,
        role=first_role(user, on=on),
        relationship="",
        acting_for="",
        # The data protection lead of the setting the child is on roll at sees the attempt.
        setting_id=data_protection_setting(child.pk),
        action=action,
        child_id=child.pk,
        reason=f"{REFUSED}: {refused}",
        allowed=False,
    )
    raise NoStandingToGrant("No child with that id is on roll at a setting you lead")


# A mistyped destination is caught within a day or not at all (issue 19): a service choice, not a
# statutory rule. After a day the receiving setting may have acted on the admission.
MOVE_UNDO_WINDOW = dt.timedelta(hours=24)


class UndoStanding(enum.Enum):
    """Whether a person may undo a move they recorded, and if not, why."""

    MAY_UNDO = "may_undo"
    TOO_LATE = "too_late"
    NOT_THE_MOVER = "not_the_mover"


def may_undo_move(
    user: User, *, moved_by_id: int | None, moved_at: dt.datetime, now: dt.datetime
) -> UndoStanding:
    """Return whether the person may undo a move: only the active person who recorded it, and
    only within `MOVE_UNDO_WINDOW` of recording it. Their standing at the child does not matter:
    a move normally ends it, and undoing gives back only what the move took."""
    if not (user.is_authenticated and user.is_active) or moved_by_id != user.pk:
        return UndoStanding.NOT_THE_MOVER
    if now - moved_at >= MOVE_UNDO_WINDOW:
        return UndoStanding.TOO_LATE
    return UndoStanding.MAY_UNDO
