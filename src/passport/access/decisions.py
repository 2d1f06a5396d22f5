"""Decisions about one child: may this person take this action, by which relationship, seeing which
sections. `get_child_for` is the door every page, API operation and command uses to reach a child.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.http import Http404

from passport.access.links import Link, links
from passport.access.recording import audit_decision
from passport.access.rules import Action, Relationship, current_rules
from passport.children.models import Child
from passport.people.models import Role, User

# When a person has several relationships with a child, the decision names the first of these.
PRIORITY = list(Relationship)


@dataclass(frozen=True)
class Decision:
    """The outcome of asking whether `user` may take `action` on a child."""

    allowed: bool
    action: Action
    relationship: Relationship | None = None
    role: Role | None = None
    setting_id: int | None = None
    acting_for: str = ""
    sections: frozenset[str] = field(default_factory=frozenset)
    flagged: bool = False

    def shows(self, section: str) -> bool:
        """Return whether this decision lets the person see a section."""
        return section in self.sections


class ChildNotFound(Http404):
    """The child does not exist or the user has no relationship that allows the action.

    Both look the same from outside, so nobody learns that a child exists by probing ids.
    """


def decide(user: User, child: Child, action: Action, *, on: dt.date | None = None) -> Decision:
    """Decide whether the person may take the action on this child, by which relationship, and
    which sections they may see."""
    return _decision_from(links(user, child, on=on), action)


def can(user: User, child: Child, action: Action) -> bool:
    """Return whether the person may take the action (for showing or hiding links)."""
    return decide(user, child, action).allowed


def get_child_for(user: User, child_id: int, action: Action) -> Child:
    """Return the child if the person may take the action on it, else raise ChildNotFound (404).

    Every call is recorded in the audit trail, allowed or not. The decision is attached as
    `child.access_decision` so pages show only the sections it allows.
    """
    child = Child.objects.filter(pk=child_id).first()
    found = links(user, child) if child is not None else []
    decision = _decision_from(found, action)
    audit_decision(
        user,
        decision,
        child_id=child.pk if child else None,
        reason="" if child else f"asked for child {child_id}, which does not exist",
    )
    if not decision.allowed or child is None:
        raise ChildNotFound("No child with that id is visible to you")
    child.access_decision = decision
    # Pages show or hide links for the other actions without looking the relationships up again.
    child.permitted_actions = _actions_from(found)
    return child


def may_record_delivery(
    user: User, child: Child, *, provider_id: int, setting_id: int, on: dt.date | None = None
) -> bool:
    """Return whether the person may record a session for this child under a commission from
    this provider at this setting: a professional of that provider the family consented to, or
    staff of that setting whose role the rules give record_delivery."""
    rules = current_rules()
    for link in links(user, child, on=on):
        grant = rules.grant_for(link.relationship, link.role)
        if grant is None or Action.RECORD_DELIVERY not in grant.actions:
            continue
        if link.relationship is Relationship.REFERRAL_WITH_CONSENT:
            if link.provider_id == provider_id:
                return True
        elif link.setting_id is not None and link.setting_id == setting_id:
            return True
    return False


def _decision_from(found: list[Link], action: Action) -> Decision:
    """Decide an action from relationships already looked up."""
    rules = current_rules()
    allowing: list[tuple[Link, frozenset[str]]] = []
    for link in found:
        grant = rules.grant_for(link.relationship, link.role)
        if grant is None or action not in grant.actions:
            continue
        sections = link.consented_sections if grant.sections is None else grant.sections
        allowing.append((link, sections))
    if not allowing:
        return Decision(allowed=False, action=action)
    allowing.sort(key=lambda pair: PRIORITY.index(pair[0].relationship))
    first = allowing[0][0]
    sections = frozenset().union(*(s for _, s in allowing))
    return Decision(
        True,
        action,
        first.relationship,
        first.role,
        first.setting_id,
        first.acting_for,
        sections,
        _widened_by_break_glass(allowing, sections),
    )


def _widened_by_break_glass(
    allowing: list[tuple[Link, frozenset[str]]], sections: frozenset[str]
) -> bool:
    """Return whether break-glass gives this decision something the person's other relationships
    do not: the action itself, or sections beyond a teacher's grant or a family's consent.

    Such a decision is reviewed like a stranger's emergency access; a SENCO who already sees
    everything is not flagged on every read.
    """
    if not any(link.relationship is Relationship.BREAK_GLASS for link, _ in allowing):
        return False
    ordinary = [s for link, s in allowing if link.relationship is not Relationship.BREAK_GLASS]
    return not ordinary or not sections <= frozenset().union(*ordinary)


def _actions_from(found: list[Link]) -> frozenset[Action]:
    rules = current_rules()
    actions: set[Action] = set()
    for link in found:
        grant = rules.grant_for(link.relationship, link.role)
        if grant is not None:
            actions |= grant.actions
    return frozenset(actions)
