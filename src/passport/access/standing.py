"""Standing: what a person may do that is not about one child's record.

A child's record is reached through `policies.get_child_for`; everything else a page or API
operation gates (a setting's new arrivals, a local authority's EHC dashboard, a school group's
pots, a provider's sessions, the directory import) asks this module one of two questions about a
duty declared in rules.toml:

* `scope(user, duty)`: where the person holds the duty today (which settings, local authorities,
  school groups or providers, or the whole service). Pages list what falls inside it.
* `holders(duty, at=...)`: who holds the duty at an organisation today (whom to tell).
* `require(user, duty, at=...)`: the same, refusing with a 404 (`NoStanding`) and an audit row
  when the person does not hold it there, as the child door does.

Nothing else filters memberships by role: a meta-test fails on a role or membership filter outside
`people` and `access`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from passport.access.rules import Duty, HeldAt, current_rules
from passport.audit import services as audit
from passport.audit.models import AuditAction
from passport.core.dates import today
from passport.organisations.models import LocalAuthority, Provider, SchoolGroup, Setting
from passport.people.memberships import first_role, live_memberships
from passport.people.models import Membership, User

__all__ = ["Duty", "NoStanding", "Scope", "holders", "holds", "require", "role_at", "scope"]

Organisation = Setting | LocalAuthority | SchoolGroup | Provider


class NoStanding(Http404):
    """The person does not hold the duty there. Looks like any other missing page from outside."""


@dataclass(frozen=True)
class Scope:
    """Where a person holds a duty today: ids per kind of organisation, or the whole service."""

    duty: Duty
    settings: frozenset[int] = frozenset()
    local_authorities: frozenset[int] = frozenset()
    school_groups: frozenset[int] = frozenset()
    providers: frozenset[int] = frozenset()
    everywhere: bool = False
    # The role the person holds the duty through (the first, when several), and per organisation,
    # for the audit rows written on their behalf.
    role: str = ""
    roles_by_organisation: tuple[tuple[int, str], ...] = ()

    def __bool__(self) -> bool:
        return self.everywhere or bool(
            self.settings or self.local_authorities or self.school_groups or self.providers
        )

    def covers(self, organisation: Organisation | None) -> bool:
        """Say whether the duty is held at this organisation (or anywhere, given None)."""
        if organisation is None or self.everywhere:
            return bool(self)
        if isinstance(organisation, Setting):
            return organisation.pk in self.settings
        if isinstance(organisation, LocalAuthority):
            return organisation.pk in self.local_authorities
        if isinstance(organisation, SchoolGroup):
            return organisation.pk in self.school_groups
        return organisation.pk in self.providers

    def role_at(self, organisation: Organisation) -> str:
        """Return the role through which the duty is held at the organisation ('' if it is not)."""
        if not self.covers(organisation):
            return ""
        if self.everywhere:
            return self.role
        return dict(self.roles_by_organisation).get(organisation.pk, "")


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def _held_at(membership: Membership, at: HeldAt) -> int | None:
    return {
        HeldAt.SETTING: membership.setting_id,
        HeldAt.LOCAL_AUTHORITY: membership.local_authority_id,
        HeldAt.SCHOOL_GROUP: membership.school_group_id,
        HeldAt.PROVIDER: membership.provider_id,
        HeldAt.SERVICE: None,
    }[at]


def scope(user: User, duty: Duty, *, on: dt.date | None = None) -> Scope:
    """Return where the person holds the duty on the day (today unless given)."""
    if not _active(user):
        return Scope(duty)
    rule = current_rules().duties[duty]
    held = [m for m in live_memberships(user, on or today()) if m.role in rule.roles]
    if not held:
        return Scope(duty)
    role = held[0].role
    if rule.at is HeldAt.SERVICE:
        return Scope(duty, everywhere=True, role=role)
    roles = {}
    for membership in reversed(held):  # the first membership at an organisation names the role
        if (organisation_id := _held_at(membership, rule.at)) is not None:
            roles[organisation_id] = membership.role
    ids = frozenset(roles)
    by_organisation = tuple(sorted(roles.items()))
    if rule.at is HeldAt.SETTING:
        return Scope(duty, settings=ids, role=role, roles_by_organisation=by_organisation)
    if rule.at is HeldAt.LOCAL_AUTHORITY:
        return Scope(duty, local_authorities=ids, role=role, roles_by_organisation=by_organisation)
    if rule.at is HeldAt.SCHOOL_GROUP:
        return Scope(duty, school_groups=ids, role=role, roles_by_organisation=by_organisation)
    return Scope(duty, providers=ids, role=role, roles_by_organisation=by_organisation)


def role_at(
    user: User, organisation: Setting | LocalAuthority, *, on: dt.date | None = None
) -> str:
    """Return the role the person holds at the setting or local authority on the day, whatever
    duty it carries ('' if none): how an audit row names someone acting there, refused or not."""
    if not _active(user):
        return ""
    field = "setting_id" if isinstance(organisation, Setting) else "local_authority_id"
    return next(
        (
            m.role
            for m in live_memberships(user, on or today())
            if getattr(m, field) == organisation.pk
        ),
        "",
    )


def holds(
    user: User, duty: Duty, *, at: Organisation | None = None, on: dt.date | None = None
) -> bool:
    """Say whether the person holds the duty at the organisation (anywhere, given None)."""
    return scope(user, duty, on=on).covers(at)


def require(
    user: User,
    duty: Duty,
    *,
    at: Organisation | None = None,
    on: dt.date | None = None,
) -> Scope:
    """Return the person's scope for the duty, or refuse (404) with an audit row.

    With `at`, the duty must be held at that organisation; without it, anywhere. The refusal
    names no child and no organisation beyond what the caller passed, so nobody learns more from
    it than from any other missing page.
    """
    found = scope(user, duty, on=on)
    if found.covers(at):
        return found
    where = f" at {type(at).__name__.lower()} {at.pk}" if at is not None else ""
    audit.record(
        actor=user,
        role=first_role(user, on=on),
        relationship="",
        acting_for="",
        setting_id=at.pk if isinstance(at, Setting) else None,
        action=AuditAction.USE_DUTY,
        child_id=None,
        reason=f"{duty.value}{where}: not held",
        allowed=False,
    )
    raise NoStanding(f"No standing to {duty.value}")


def holders(duty: Duty, *, at: Organisation, on: dt.date | None = None) -> QuerySet[User]:
    """Return the active people who hold the duty at the organisation on the day."""
    rule = current_rules().duties[duty]
    on = on or today()
    live = Q(memberships__starts_on__lte=on) & (
        Q(memberships__ends_on__isnull=True) | Q(memberships__ends_on__gte=on)
    )
    where = Q(memberships__role__in=sorted(rule.roles))
    if rule.at is not HeldAt.SERVICE:
        where &= Q(**{f"memberships__{rule.at.value}": at})
    return User.objects.filter(live & where, is_active=True).distinct()
