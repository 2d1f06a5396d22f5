"""Load the grants in rules.toml: which relationship and role may take which actions on which
sections. Validated at start-up like the policy pack."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from passport.people.models import Role

RULES_FILE = Path(__file__).resolve().parent / "rules.toml"
CONSENTED = "consented"


class Action(StrEnum):
    """What someone wants to do with a child's record."""

    READ = "read"
    WRITE = "write"
    CONTRIBUTE = "contribute"
    EXPORT = "export"
    PRINT = "print"
    CONSENT = "consent"
    SHARE = "share"
    REQUEST_ASSESSMENT = "request_assessment"  # ask the LA for an EHC needs assessment
    DECIDE = "decide"  # the LA's statutory decisions and plans (EHCP)
    ADVISE = "advise"  # give advice for an EHC needs assessment
    RECORD_DELIVERY = "record_delivery"


class Relationship(StrEnum):
    """Why someone is connected to a child."""

    ON_ROLL_AT_MY_SETTING = "on_roll_at_my_setting"
    ADMITTED_TO_MY_SETTING = "admitted_to_my_setting"
    PARENTAL_RESPONSIBILITY = "parental_responsibility"
    OWN_RECORD = "own_record"
    LA_CASELOAD = "la_caseload"
    LA_WIDE = "la_wide"
    REFERRAL_WITH_CONSENT = "referral_with_consent"
    # A child on no setting's roll (a baby with complex needs, a child out of education): the
    # caseworkers of the local authority they live in hold the record until a setting does.
    HOME_LA_NO_SETTING = "home_la_no_setting"
    BREAK_GLASS = "break_glass"


class Duty(StrEnum):
    """Something a person may do that is not about one child's record (see rules.toml)."""

    LEAD_SETTING = "lead_setting"
    COORDINATE_SEN = "coordinate_sen"
    ADD_CHILDREN = "add_children"
    PROTECT_DATA = "protect_data"
    LA_CASEWORK = "la_casework"
    MANAGE_SCHOOL_GROUP = "manage_school_group"
    DELIVER_FOR_PROVIDER = "deliver_for_provider"
    MANAGE_DIRECTORY = "manage_directory"
    RUN_SERVICE = "run_service"


class HeldAt(StrEnum):
    """Which organisation of a membership a duty is held at."""

    SETTING = "setting"
    LOCAL_AUTHORITY = "local_authority"
    SCHOOL_GROUP = "school_group"
    PROVIDER = "provider"
    SERVICE = "service"


class RulesError(Exception):
    """rules.toml names something the policy does not know."""


@dataclass(frozen=True)
class Grant:
    """What one relationship gives to holders of some roles."""

    relationship: Relationship
    roles: frozenset[Role]
    actions: frozenset[Action]
    sections: frozenset[str] | None  # None: the sections the family consented to


@dataclass(frozen=True)
class DutyRule:
    """Who holds a duty (roles) and at which of their organisations."""

    duty: Duty
    description: str
    roles: frozenset[Role]
    at: HeldAt


@dataclass(frozen=True)
class Rules:
    sections: tuple[str, ...]
    grants: tuple[Grant, ...]
    duties: dict[Duty, DutyRule] = field(default_factory=dict)

    def grant_for(self, relationship: Relationship, role: Role) -> Grant | None:
        """Return the grant for this relationship and role, if there is one."""
        return next(
            (g for g in self.grants if g.relationship is relationship and role in g.roles), None
        )

    def roles_with(self, relationship: Relationship, action: Action) -> frozenset[Role]:
        """Return the roles that may take the action through this relationship."""
        roles: set[Role] = set()
        for grant in self.grants:
            if grant.relationship is relationship and action in grant.actions:
                roles |= grant.roles
        return frozenset(roles)


def parse_rules(text: str) -> Rules:
    """Parse and check rules, naming the first unknown name."""
    raw = tomllib.loads(text)
    sections = tuple(raw.get("sections", ()))
    grants = []
    for number, entry in enumerate(raw.get("grant", []), start=1):
        where = f"grant {number}"
        try:
            relationship = Relationship(entry["relationship"])
            roles = frozenset(Role(role) for role in entry["roles"])
            actions = frozenset(Action(action) for action in entry["actions"])
        except (KeyError, ValueError) as exc:
            raise RulesError(f"{where} in rules.toml: {exc}") from exc
        named = entry.get("sections")
        if named == "all":
            granted: frozenset[str] | None = frozenset(sections)
        elif named == CONSENTED:
            granted = None
        elif isinstance(named, list) and set(named) <= set(sections):
            granted = frozenset(named)
        else:
            raise RulesError(
                f"{where} in rules.toml: sections must be 'all', 'consented' or a list of {sections}"
            )
        grants.append(Grant(relationship, roles, actions, granted))
    return Rules(sections, tuple(grants), _parse_duties(raw.get("duty", {})))


def _parse_duties(raw: dict[str, dict[str, Any]]) -> dict[Duty, DutyRule]:
    duties = {}
    for name, entry in raw.items():
        where = f"duty {name!r} in rules.toml"
        try:
            duty = Duty(name)
            roles = frozenset(Role(role) for role in entry["roles"])
            at = HeldAt(entry["at"])
            description = str(entry["description"])
        except (KeyError, ValueError, TypeError) as exc:
            raise RulesError(f"{where}: {exc}") from exc
        if not roles:
            raise RulesError(f"{where}: name at least one role")
        duties[duty] = DutyRule(duty, description, roles, at)
    missing = sorted(set(Duty) - set(duties))
    if missing:
        raise RulesError(f"rules.toml declares no duty named {', '.join(missing)}")
    return duties


@cache
def current_rules() -> Rules:
    """Return the rules the service runs on, loaded once."""
    return parse_rules(RULES_FILE.read_text(encoding="utf-8"))
