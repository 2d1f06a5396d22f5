"""THE access policy: who may do what to which child, decided from live relationships.

Every page, API operation and command gets a child only through `visible_children` or
`get_child_for`. A decision is taken from relationships in the database and their dates, and the
grants in rules.toml say what each relationship gives. This module never imports the feature rooms
(passports, transitions...), so the policy can be read and tested on its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.signals import post_delete, post_save
from django.http import Http404
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
from passport.audit import services as audit
from passport.children.models import Child, Enrolment, ParentalResponsibility
from passport.core.dates import today
from passport.organisations.models import LocalAuthority, SchoolGroup, Setting
from passport.people.models import SETTING_ROLES, Membership, Role, User

__all__ = [
    "Action",
    "ChildNotFound",
    "Decision",
    "Relationship",
    "can",
    "children_for_commissioning",
    "decide",
    "get_child_for",
    "live_roles",
    "local_authorities_for_returns",
    "may_export_la_returns",
    "may_manage_directory",
    "may_manage_school_group",
    "may_record_delivery",
    "may_use_emergency_access",
    "memberships_memo",
    "school_group_share_visible",
    "school_groups_visible_to",
    "settings_where_user_adds_children",
    "visible_children",
    "works_for_provider",
]

# When a person has several relationships with a child, the decision names the first of these.
PRIORITY = list(Relationship)


@dataclass(frozen=True)
class Link:
    """One live relationship between a person and a child."""

    relationship: Relationship
    role: Role
    setting_id: int | None = None
    acting_for: str = ""
    consented_sections: frozenset[str] = frozenset()
    provider_id: int | None = None


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


# Within one request (see `memberships_memo`), each person's live memberships are read once and
# shared by the session check, the navigation and every decision the request takes.
_memberships_memo: ContextVar[dict[tuple[int, dt.date], list[Membership]] | None] = ContextVar(
    "live_memberships_memo", default=None
)


@contextmanager
def memberships_memo() -> Iterator[None]:
    """Read each person's live memberships at most once while the block runs (one request).

    Any membership saved or deleted meanwhile empties the memo, so a request that changes
    someone's roles decides from the new ones. Outside the block nothing is remembered.
    """
    token = _memberships_memo.set({})
    try:
        yield
    finally:
        _memberships_memo.reset(token)


def _forget_memberships(**kwargs: Any) -> None:
    memo = _memberships_memo.get()
    if memo:
        memo.clear()


post_save.connect(_forget_memberships, sender=Membership, dispatch_uid="access-forget-memberships")
post_delete.connect(
    _forget_memberships, sender=Membership, dispatch_uid="access-forget-memberships-deleted"
)


def _memberships(user: User, on: dt.date) -> list[Membership]:
    memo = _memberships_memo.get()
    key = (user.pk, on)
    if memo is not None and key in memo:
        return list(memo[key])
    found = list(user.live_memberships(on).select_related("setting", "local_authority", "provider"))
    if memo is not None:
        memo[key] = found
    return list(found)


def live_roles(user: User, *, on: dt.date | None = None) -> frozenset[str]:
    """Return the roles the person holds today (for the session check and the navigation)."""
    if not user.is_authenticated:
        return frozenset()
    return frozenset(m.role for m in _memberships(user, on or today()))


def _organisation(membership: Membership) -> str:
    """Name the organisation a membership is held at."""
    where = (
        membership.setting
        or membership.local_authority
        or membership.provider
        or membership.school_group
    )
    return str(where) if where else ""


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def _staff_settings(memberships: list[Membership]) -> dict[int, tuple[Role, str]]:
    """Return, per setting, the strongest setting role the person holds there."""
    order = [Role.SENCO, Role.SETTING_HEAD, Role.TEACHER, Role.DATA_PROTECTION_LEAD]
    strongest: dict[int, tuple[Role, str]] = {}
    for membership in memberships:
        role = Role(membership.role)
        if role not in SETTING_ROLES or membership.setting_id is None:
            continue
        current = strongest.get(membership.setting_id)
        if current is None or order.index(role) < order.index(current[0]):
            strongest[membership.setting_id] = (role, membership.setting.name)
    return strongest


def _excluded_by_young_person(child_id_ref: OuterRef | int, parent: User) -> Subquery:
    return Subquery(
        ParentalAccessChoice.objects.filter(child=child_id_ref, parent=parent)
        .order_by("-decided_at", "-pk")
        .values("keeps_access")[:1]
    )


def may_use_emergency_access(user: User, *, on: dt.date | None = None) -> bool:
    """Return whether the person holds a role that break-glass access is open to."""
    if not _active(user):
        return False
    roles = {Role(m.role) for m in _memberships(user, on or today())}
    return bool(roles & current_rules().roles_with(Relationship.BREAK_GLASS, Action.READ))


def links(user: User, child: Child, *, on: dt.date | None = None) -> list[Link]:
    """Return every live relationship between the person and the child."""
    if not _active(user):
        return []
    on = on or today()
    memberships = _memberships(user, on)
    roles = {Role(m.role) for m in memberships}
    found: list[Link] = []

    staff_settings = _staff_settings(memberships)
    if staff_settings:
        for enrolment in Enrolment.objects.filter(
            child=child, setting_id__in=staff_settings
        ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on)):
            role, name = staff_settings[enrolment.setting_id]
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

    caseworker_las = {
        m.local_authority_id: m.local_authority.name
        for m in memberships
        if m.role == Role.LA_CASEWORKER and m.local_authority_id
    }
    if caseworker_las:
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

    providers = {
        m.provider_id: m.provider.name
        for m in memberships
        if m.role == Role.HEALTH_PROFESSIONAL and m.provider_id
    }
    if providers:
        referred = set(
            Referral.objects.live_on(on)
            .filter(child=child, provider_id__in=providers)
            .values_list("provider_id", flat=True)
        )
        for consent in Consent.objects.filter(
            child=child, provider_id__in=referred, withdrawn_at__isnull=True
        ):
            found.append(
                Link(
                    Relationship.REFERRAL_WITH_CONSENT,
                    Role.HEALTH_PROFESSIONAL,
                    acting_for=providers[consent.provider_id],
                    consented_sections=frozenset(consent.sections),
                    provider_id=consent.provider_id,
                )
            )

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
                acting_for=_organisation(eligible[0]),
            )
        )
    return found


def decide(user: User, child: Child, action: Action, *, on: dt.date | None = None) -> Decision:
    """Decide whether the person may take the action on this child, by which relationship, and
    which sections they may see."""
    return _decision_from(links(user, child, on=on), action)


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
    flagged = all(link.relationship is Relationship.BREAK_GLASS for link, _ in allowing)
    return Decision(
        True,
        action,
        first.relationship,
        first.role,
        first.setting_id,
        first.acting_for,
        sections,
        flagged,
    )


def visible_children(user: User, *, on: dt.date | None = None) -> QuerySet[Child]:
    """Return every child the person may read today, by any live relationship."""
    if not _active(user):
        return Child.objects.none()
    on = on or today()
    rules = current_rules()
    memberships = _memberships(user, on)
    roles = {Role(m.role) for m in memberships}
    # Each source yields the ids of children reached one way. They are joined with UNION rather
    # than OR-ed IN filters, so PostgreSQL starts from the few ids and does not scan every child.
    reach: list[QuerySet[Any]] = []

    readers_on_roll = rules.roles_with(Relationship.ON_ROLL_AT_MY_SETTING, Action.READ)
    readers_admitted = rules.roles_with(Relationship.ADMITTED_TO_MY_SETTING, Action.READ)
    staff_settings = _staff_settings(memberships)
    on_roll = [s for s, (role, _) in staff_settings.items() if role in readers_on_roll]
    admitted = [s for s, (role, _) in staff_settings.items() if role in readers_admitted]
    if on_roll:
        reach.append(
            Enrolment.objects.live_on(on).filter(setting_id__in=on_roll).values("child_id")
        )
    if admitted:
        reach.append(
            Enrolment.objects.filter(setting_id__in=admitted, starts_on__gt=on).values("child_id")
        )

    if Role.PARENT_CARER in roles:
        parented = (
            Child.objects.filter(
                pk__in=ParentalResponsibility.objects.live_on(on)
                .filter(person=user)
                .values("child_id")
            )
            .annotate(keeps=_excluded_by_young_person(OuterRef("pk"), user))
            .filter(Q(keeps__isnull=True) | Q(keeps=True))
        )
        reach.append(parented.values("pk"))

    if Role.YOUNG_PERSON in roles:
        own = Child.objects.filter(own_account=user).first()
        if own is not None and own.holds_own_rights(on):
            reach.append(Child.objects.filter(pk=own.pk).values("pk"))

    caseworker_las = [m.local_authority_id for m in memberships if m.role == Role.LA_CASEWORKER]
    if caseworker_las:
        reach.append(
            CaseloadAssignment.objects.live_on(on).filter(caseworker=user).values("child_id")
        )
        wide = list(
            LocalAuthorityWideAccess.objects.live_on(on)
            .filter(user=user, local_authority_id__in=caseworker_las)
            .values_list("local_authority_id", flat=True)
        )
        if wide:
            reach.append(Child.objects.filter(home_local_authority_id__in=wide).values("pk"))
            reach.append(
                Enrolment.objects.live_on(on)
                .filter(setting__local_authority_id__in=wide)
                .values("child_id")
            )

    providers = [m.provider_id for m in memberships if m.role == Role.HEALTH_PROFESSIONAL]
    if providers:
        consented = Consent.objects.filter(
            withdrawn_at__isnull=True,
            provider_id__in=providers,
            child_id__in=Referral.objects.live_on(on)
            .filter(provider_id__in=providers)
            .values("child_id"),
        )
        reach.append(consented.values("child_id"))

    if roles & rules.roles_with(Relationship.BREAK_GLASS, Action.READ):
        reach.append(
            BreakGlass.objects.filter(user=user, expires_at__gt=timezone.now()).values("child_id")
        )
    if not reach:
        return Child.objects.filter(pk__in=[])
    # A part of a UNION may not carry its model's default ordering.
    first, *rest = (source.order_by() for source in reach)
    return Child.objects.filter(pk__in=first.union(*rest) if rest else first)


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
    child.access_decision = decision  # type: ignore[attr-defined]
    # Pages show or hide links for the other actions without looking the relationships up again.
    child.permitted_actions = _actions_from(found)  # type: ignore[attr-defined]
    return child


def _setting_of(child_id: int | None) -> int | None:
    """Return the setting whose data protection lead should hear about this child."""
    if child_id is None:
        return None
    enrolment = (
        Enrolment.objects.live_on(today()).filter(child_id=child_id).order_by("-starts_on").first()
    )
    return enrolment.setting_id if enrolment else None


def audit_decision(
    user: User, decision: Decision, *, child_id: int | None, reason: str = "", action: str = ""
) -> None:
    """Write one audit row for an access decision."""
    role: str = decision.role or ""
    if not role and _active(user):
        role = next((m.role for m in _memberships(user, today())), "")
    setting_id = decision.setting_id
    if decision.flagged or not decision.allowed:
        setting_id = _setting_of(child_id)
    if decision.flagged and not reason:
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
    roles = [m.role for m in _memberships(user, today())] if _active(user) else []
    audit.record(
        actor=user,
        role=roles[0] if roles else "",
        relationship="",
        acting_for="",
        setting_id=None,
        action="list",
        child_id=None,
        reason=f"{where}: {count} children",
        allowed=True,
    )


def can(user: User, child: Child, action: Action) -> bool:
    """Return whether the person may take the action (for showing or hiding links)."""
    return decide(user, child, action).allowed


def settings_where_user_adds_children(
    user: User, *, on: dt.date | None = None
) -> QuerySet[Setting]:
    """Return the settings where the person may put a new child on roll and start a passport."""
    if not _active(user):
        return Setting.objects.none()
    writers = current_rules().roles_with(Relationship.ON_ROLL_AT_MY_SETTING, Action.WRITE)
    settings_ids = [
        s
        for s, (role, _) in _staff_settings(_memberships(user, on or today())).items()
        if role in writers
    ]
    return Setting.objects.filter(pk__in=settings_ids)


def _actions_from(found: list[Link]) -> frozenset[Action]:
    rules = current_rules()
    actions: set[Action] = set()
    for link in found:
        grant = rules.grant_for(link.relationship, link.role)
        if grant is not None:
            actions |= grant.actions
    return frozenset(actions)


# School groups: decisions about a group's money, and about which children a commission may name.


def may_manage_school_group(user: User, group: SchoolGroup, *, on: dt.date | None = None) -> bool:
    """Return whether the person leads the group today (a cluster lead), and so manages its pots
    and commissions."""
    if not _active(user):
        return False
    return any(
        m.role == Role.CLUSTER_LEAD and m.school_group_id == group.pk
        for m in _memberships(user, on or today())
    )


def school_group_share_visible(
    user: User, group: SchoolGroup, *, on: dt.date | None = None
) -> bool:
    """Return whether the person may see the group's pots and what its settings received: its
    cluster leads, and the SENCOs and heads of its settings."""
    if may_manage_school_group(user, group, on=on):
        return True
    return bool(set(group_settings_led_by(user, group, on=on)))


def school_groups_visible_to(user: User, *, on: dt.date | None = None) -> QuerySet[SchoolGroup]:
    """Return the school groups whose pots the person may see (cluster leads; SENCOs and heads of
    a group's settings)."""
    if not _active(user):
        return SchoolGroup.objects.none()
    memberships = _memberships(user, on or today())
    led = [m.school_group_id for m in memberships if m.role == Role.CLUSTER_LEAD]
    settings_led = [
        setting_id
        for setting_id, (role, _) in _staff_settings(memberships).items()
        if role in (Role.SENCO, Role.SETTING_HEAD)
    ]
    return SchoolGroup.objects.filter(Q(pk__in=led) | Q(settings__in=settings_led)).distinct()


def group_settings_led_by(
    user: User, group: SchoolGroup, *, on: dt.date | None = None
) -> list[int]:
    """Return the ids of the group's settings where the person is SENCO or head today."""
    if not _active(user):
        return []
    led = {
        setting_id
        for setting_id, (role, _) in _staff_settings(_memberships(user, on or today())).items()
        if role in (Role.SENCO, Role.SETTING_HEAD)
    }
    return sorted(led & set(group.settings.values_list("pk", flat=True)))


def children_for_commissioning(
    user: User, group: SchoolGroup, *, on: dt.date | None = None
) -> QuerySet[Child]:
    """Return the children a cluster lead may name in a commission: those on roll today at one of
    the group's settings. The lead sees their names and Support in place only (the pages show
    nothing else), and each list shown is audited by the caller with `audit_list`."""
    on = on or today()
    if not may_manage_school_group(user, group, on=on):
        return Child.objects.none()
    return Child.objects.filter(
        pk__in=Enrolment.objects.live_on(on)
        .filter(setting__in=group.settings.all())
        .values("child_id")
    )


def works_for_provider(user: User, provider_id: int, *, on: dt.date | None = None) -> bool:
    """Return whether the person is a health or therapy professional of this provider today."""
    if not _active(user):
        return False
    return any(
        m.role == Role.HEALTH_PROFESSIONAL and m.provider_id == provider_id
        for m in _memberships(user, on or today())
    )


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


# The service directory: public information about providers and prices, no child's data.

DIRECTORY_MANAGERS = frozenset({Role.ADMINISTRATOR, Role.CLUSTER_LEAD})


def may_manage_directory(user: User, *, on: dt.date | None = None) -> bool:
    """Return whether the person may import services into the directory: an administrator or a
    cluster lead, today."""
    if not _active(user):
        return False
    return any(Role(m.role) in DIRECTORY_MANAGERS for m in _memberships(user, on or today()))


# Statutory returns (SEN2): every child with a plan in the local authority, so LA staff only.


def local_authorities_for_returns(
    user: User, *, on: dt.date | None = None
) -> QuerySet[LocalAuthority]:
    """Return the local authorities whose statutory returns (SEN2) the person may build today:
    those where they are an LA caseworker."""
    if not _active(user):
        return LocalAuthority.objects.none()
    ids = [
        m.local_authority_id
        for m in _memberships(user, on or today())
        if m.role == Role.LA_CASEWORKER and m.local_authority_id
    ]
    return LocalAuthority.objects.filter(pk__in=ids)


def may_export_la_returns(user: User, la: LocalAuthority, *, on: dt.date | None = None) -> bool:
    """Return whether the person may build this local authority's statutory returns today."""
    return local_authorities_for_returns(user, on=on).filter(pk=la.pk).exists()
