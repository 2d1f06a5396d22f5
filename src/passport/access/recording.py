"""Audit rows for access: one per decision about a child, one per child a list showed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from passport.access.break_glass import data_protection_setting
from passport.access.links import active, organisation_of
from passport.access.models import BreakGlass
from passport.access.rules import Action
from passport.audit import services as audit
from passport.audit.middleware import current_request_is_safe
from passport.audit.models import AuditAction
from passport.children.services import IDENTIFIER_LABELS
from passport.core.dates import today
from passport.people.memberships import first_role, live_memberships
from passport.people.models import User

if TYPE_CHECKING:
    from passport.access.decisions import Decision


# Actions that only show or hand over what is held: recorded as they are on any request.
SHOWING_ACTIONS = frozenset({Action.READ, Action.EXPORT, Action.PRINT})


def audit_decision(
    user: User, decision: Decision, *, child_id: int | None, reason: str = "", action: str = ""
) -> None:
    """Write one audit row for an access decision.

    A page that changes the record is gated by the change it makes, but opening it (a GET)
    changes nothing: it shows the person what the form holds. So on a request that only reads,
    the row records a read, and a family's "who has seen" never says someone changed the
    passport when they only opened a form (issue 19: a truthful access history).
    """
    if not action and decision.action not in SHOWING_ACTIONS and current_request_is_safe():
        action = AuditAction.READ
    role: str = decision.role or ""
    if not role:
        role = first_role(user)
    setting_id = decision.setting_id
    if decision.flagged or not decision.allowed:
        setting_id = data_protection_setting(child_id)
    if decision.flagged and not reason and child_id is not None:
        opening = (
            BreakGlass.objects.filter(user=user, child_id=child_id).order_by("-opened_at").first()
        )
        reason = f"Emergency access: {opening.reason}" if opening else ""
    audit.record(
        actor=user,
        role=str(role),
        relationship=str(decision.relationship or ""),
        acting_for=decision.acting_for,
        setting_id=setting_id,
        action=action or str(decision.action),
        child_id=child_id,
        sections=sorted(decision.sections),
        reason=reason,
        allowed=decision.allowed,
        flagged=decision.flagged,
    )


def audit_list(user: User, count: int, where: str) -> None:
    """Write one audit row for a list of children shown to someone."""
    audit.record(
        actor=user,
        role=first_role(user),
        relationship="",
        acting_for="",
        setting_id=None,
        action="list",
        child_id=None,
        reason=f"{where}: {count} children",
        allowed=True,
    )


def audit_children_listed(user: User, child_ids: Iterable[int], where: str) -> None:
    """Write one audit row for each child a list or search showed someone, in one go.

    The family then sees who saw their child in a list. A list that showed nobody (a search that
    found no one) still leaves one row saying so.
    """
    shown = list(dict.fromkeys(child_ids))
    if not shown:
        audit_list(user, 0, where)
        return
    memberships = live_memberships(user, today()) if active(user) else []
    first = memberships[0] if memberships else None
    audit.record_many(
        audit.Entry(
            actor=user,
            role=first.role if first else "",
            relationship="",
            acting_for=organisation_of(first) if first else "",
            setting_id=None,
            action="list",
            child_id=child_id,
            reason=where,
            allowed=True,
        )
        for child_id in shown
    )


def record_identifier_matches(user: User, acting_for: str, matches: dict[str, int]) -> None:
    """Write one audit row on each child whose identifier someone was told is already recorded
    (adding a child with a UPN, ULN or NHS number the service holds), so the family sees who
    learned that their child is in the service."""
    from passport.access.decisions import Decision  # decisions imports this module

    by_child: dict[int, list[str]] = {}
    for field, child_id in matches.items():
        by_child.setdefault(child_id, []).append(IDENTIFIER_LABELS[field])
    for child_id, labels in by_child.items():
        # The row's sections name the identifiers that matched, for the family's wording.
        told = Decision(
            allowed=True, action=Action.READ, acting_for=acting_for, sections=frozenset(labels)
        )
        audit_decision(user, told, child_id=child_id, action=AuditAction.IDENTIFIER_MATCH)
