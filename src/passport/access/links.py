"""The live relationships between a person and one child, read from the database and their dates.

Decisions (`decisions.py`) are taken from these links; what each relationship gives each role is
in rules.toml.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from passport.access.models import (
    BreakGlass,
    CaseloadAssignment,
    Consent,
    LocalAuthorityWideAccess,
    ParentalAccessChoice,
    Referral,
)
from passport.access.rules import Action, Relationship, current_rules
from passport.children.models import Child, Enrolment, ParentalResponsibility
from passport.core.dates import today
from passport.people.memberships import live_memberships
from passport.people.models import SETTING_ROLES, Membership, Role, User

FAMILY_ROLES = frozenset({Role.PARENT_CARER, Role.YOUNG_PERSON})


@dataclass(frozen=True)
class Link:
    """One live relationship between a person and a child."""

    relationship: Relationship
    role: Role
    setting_id: int | None = None
    acting_for: str = ""
    consented_sections: frozenset[str] = frozenset()
    provider_id: int | None = None


def active(user: User) -> bool:
    """Say whether the person is signed in with an account still open."""
    return bool(user.is_authenticated and user.is_active)


def organisation_of(membership: Membership) -> str:
    """Name the organisation a membership is held at."""
    where = (
        membership.setting
        or membership.local_authority
        or membership.provider
        or membership.school_group
    )
    return str(where) if where else ""


def staff_settings(memberships: list[Membership]) -> dict[int, tuple[Role, str]]:
    """Return, per setting, the strongest setting role the person holds there."""
    order = [Role.SENCO, Role.SETTING_HEAD, Role.TEACHER, Role.DATA_PROTECTION_LEAD]
    strongest: dict[int, tuple[Role, str]] = {}
    for membership in memberships:
        role = Role(membership.role)
        setting = membership.setting if role in SETTING_ROLES else None
        if setting is None:
            continue
        current = strongest.get(setting.pk)
        if current is None or order.index(role) < order.index(current[0]):
            strongest[setting.pk] = (role, setting.name)
    return strongest


def is_family(user: User, *, on: dt.date | None = None) -> bool:
    """Say whether the person comes to the service only as family today: every role they hold is
    a parent's or carer's or a young person's own (pages then speak of "your children")."""
    if not active(user):
        return False
    return all(Role(m.role) in FAMILY_ROLES for m in live_memberships(user, on or today()))


def links(user: User, child: Child, *, on: dt.date | None = None) -> list[Link]:
    """Return every live relationship between the person and the child."""
    if not active(user):
        return []
    on = on or today()
    memberships = live_memberships(user, on)
    roles = {Role(m.role) for m in memberships}
    found: list[Link] = []

    by_setting = staff_settings(memberships)
    if by_setting:
        for enrolment in Enrolment.objects.filter(child=child, setting_id__in=by_setting).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=on)
        ):
            role, name = by_setting[enrolment.setting_id]
            relationship = (
                Relationship.ON_ROLL_AT_MY_SETTING
                if enrolment.starts_on <= on
                else Relationship.ADMITTED_TO_MY_SETTING
            )
            found.append(Link(relationship, role, enrolment.setting_id, name))

    if (
        Role.PARENT_CARER in roles
        and ParentalResponsibility.objects.live_on(on).filter(child=child, person=user).exists()
    ):
        choice = (
            ParentalAccessChoice.objects.filter(child=child, parent=user)
            .order_by("-decided_at", "-pk")
            .first()
        )
        if not (child.holds_own_rights(on) and choice is not None and not choice.keeps_access):
            found.append(
                Link(
                    Relationship.PARENTAL_RESPONSIBILITY,
                    Role.PARENT_CARER,
                    acting_for="Parent or carer",
                )
            )

    if (
        Role.YOUNG_PERSON in roles
        and child.own_account_id == user.pk
        and child.holds_own_rights(on)
    ):
        found.append(Link(Relationship.OWN_RECORD, Role.YOUNG_PERSON, acting_for="Themselves"))

    found += _local_authority_links(user, child, memberships, on)
    found += _referral_links(child, memberships, on)

    emergency_roles = current_rules().roles_with(Relationship.BREAK_GLASS, Action.READ)
    eligible = [m for m in memberships if Role(m.role) in emergency_roles]
    if (
        eligible
        and BreakGlass.objects.filter(
            user=user, child=child, expires_at__gt=timezone.now()
        ).exists()
    ):
        found.append(
            Link(
                Relationship.BREAK_GLASS,
                Role(eligible[0].role),
                acting_for=organisation_of(eligible[0]),
            )
        )
    return found


def _local_authority_links(
    user: User, child: Child, memberships: list[Membership], on: dt.date
) -> list[Link]:
    """Return the caseworker's links: the child on their caseload, or in an LA they see wholly."""
    caseworker_las = {
        m.local_authority_id: m.local_authority.name
        for m in memberships
        if m.role == Role.LA_CASEWORKER and m.local_authority is not None
    }
    if not caseworker_las:
        return []
    found = []
    if (
        child.home_local_authority_id in caseworker_las
        and not (
            Enrolment.objects.filter(child=child).filter(
                Q(ends_on__isnull=True) | Q(ends_on__gte=on)
            )
        ).exists()
    ):
        found.append(
            Link(
                Relationship.HOME_LA_NO_SETTING,
                Role.LA_CASEWORKER,
                acting_for=caseworker_las[child.home_local_authority_id],
            )
        )
    if CaseloadAssignment.objects.live_on(on).filter(caseworker=user, child=child).exists():
        found.append(
            Link(
                Relationship.LA_CASELOAD,
                Role.LA_CASEWORKER,
                acting_for=next(iter(caseworker_las.values())),
            )
        )
    wide = set(
        LocalAuthorityWideAccess.objects.live_on(on)
        .filter(user=user, local_authority_id__in=caseworker_las)
        .values_list("local_authority_id", flat=True)
    )
    if wide:
        educated_in = (
            Enrolment.objects.live_on(on)
            .filter(child=child, setting__local_authority_id__in=wide)
            .exists()
        )
        if child.home_local_authority_id in wide or educated_in:
            la_id = (
                child.home_local_authority_id
                if child.home_local_authority_id in wide
                else next(iter(wide))
            )
            found.append(
                Link(Relationship.LA_WIDE, Role.LA_CASEWORKER, acting_for=caseworker_las[la_id])
            )
    return found


def _referral_links(child: Child, memberships: list[Membership], on: dt.date) -> list[Link]:
    """Return a professional's links: a live referral to their provider with the family's consent."""
    providers = {
        m.provider_id: m.provider.name
        for m in memberships
        if m.role == Role.HEALTH_PROFESSIONAL and m.provider is not None
    }
    if not providers:
        return []
    referred = set(
        Referral.objects.live_on(on)
        .filter(child=child, provider_id__in=providers)
        .values_list("provider_id", flat=True)
    )
    return [
        Link(
            Relationship.REFERRAL_WITH_CONSENT,
            Role.HEALTH_PROFESSIONAL,
            acting_for=providers[provider_id],
            consented_sections=frozenset(sections),
            provider_id=provider_id,
        )
        for provider_id, sections in Consent.objects.filter(
            child=child, provider_id__in=referred, withdrawn_at__isnull=True
        ).values_list("provider_id", "sections")
    ]
