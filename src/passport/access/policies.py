"""THE access policy: who may do what to which child, decided from live relationships.

Every page, API operation and command gets a child only through `visible_children` or
`get_child_for`. A decision is taken from relationships in the database and their dates, and the
grants in rules.toml say what each relationship gives. This module never imports the feature rooms
(passports, transitions...), so the policy can be read and tested on its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db.models import IntegerField, OuterRef, Q, QuerySet, Subquery, Value
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
from passport.core.identifiers import normalise
from passport.organisations.models import LocalAuthority, SchoolGroup, Setting
from passport.people.memberships import live_memberships
from passport.people.models import SETTING_ROLES, Membership, Role, User

__all__ = [
    "Action",
    "ChildNotFound",
    "Decision",
    "Relationship",
    "Reviewer",
    "break_glass_reviewer",
    "break_glass_to_review",
    "can",
    "children_for_commissioning",
    "children_showing",
    "decide",
    "get_child_for",
    "local_authorities_for_returns",
    "may_decide_transfer_away",
    "may_decide_transfers_away",
    "may_export_la_returns",
    "may_manage_directory",
    "may_manage_school_group",
    "may_record_delivery",
    "may_review_break_glass",
    "may_use_emergency_access",
    "narrowed_to_section",
    "school_group_share_visible",
    "school_groups_visible_to",
    "searched",
    "sections_for_children",
    "settings_where_user_adds_children",
    "visible_children",
    "works_for_provider",
]

# A queryset of children, annotated or not: narrowing keeps whatever the caller annotated.
AnyChild = TypeVar("AnyChild", bound=Child)

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
    roles = {Role(m.role) for m in live_memberships(user, on or today())}
    return bool(roles & current_rules().roles_with(Relationship.BREAK_GLASS, Action.READ))


def links(user: User, child: Child, *, on: dt.date | None = None) -> list[Link]:
    """Return every live relationship between the person and the child."""
    if not _active(user):
        return []
    on = on or today()
    memberships = live_memberships(user, on)
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


@dataclass(frozen=True)
class _Source:
    """The children a person reaches one way, and the sections that way shows them."""

    rows: QuerySet[Any]
    id_field: str  # the column of `rows` that holds the child's id
    sections: frozenset[str] | None  # None: the sections each family consented to


def _granted(relationship: Relationship, role: Role) -> frozenset[str]:
    grant = current_rules().grant_for(relationship, role)
    return grant.sections or frozenset() if grant is not None else frozenset()


def _staff_sources(
    staff_settings: dict[int, tuple[Role, str]], relationship: Relationship, enrolments: QuerySet
) -> list[_Source]:
    """Return the enrolments at the person's settings that give `relationship`, one source per
    set of sections (a SENCO at one school and a teacher at another see different sections)."""
    readers = current_rules().roles_with(relationship, Action.READ)
    by_sections: dict[frozenset[str], list[int]] = {}
    for setting_id, (role, _) in staff_settings.items():
        if role in readers:
            by_sections.setdefault(_granted(relationship, role), []).append(setting_id)
    return [
        _Source(enrolments.filter(setting_id__in=settings_ids), "child_id", sections)
        for sections, settings_ids in by_sections.items()
    ]


def _providers_of(memberships: list[Membership]) -> list[int]:
    """Return the providers the person works for as a health or therapy professional."""
    return [
        m.provider_id
        for m in memberships
        if m.role == Role.HEALTH_PROFESSIONAL and m.provider_id is not None
    ]


def _sources(user: User, on: dt.date) -> list[_Source]:
    """Return every way the person reaches children today (read access), with its sections."""
    rules = current_rules()
    memberships = live_memberships(user, on)
    roles = {Role(m.role) for m in memberships}
    staff_settings = _staff_settings(memberships)
    reach = _staff_sources(
        staff_settings, Relationship.ON_ROLL_AT_MY_SETTING, Enrolment.objects.live_on(on)
    ) + _staff_sources(
        staff_settings,
        Relationship.ADMITTED_TO_MY_SETTING,
        Enrolment.objects.filter(starts_on__gt=on),
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
        reach.append(
            _Source(
                parented, "pk", _granted(Relationship.PARENTAL_RESPONSIBILITY, Role.PARENT_CARER)
            )
        )

    if Role.YOUNG_PERSON in roles:
        own = Child.objects.filter(own_account=user).first()
        if own is not None and own.holds_own_rights(on):
            reach.append(
                _Source(
                    Child.objects.filter(pk=own.pk),
                    "pk",
                    _granted(Relationship.OWN_RECORD, Role.YOUNG_PERSON),
                )
            )

    caseworker_las = [m.local_authority_id for m in memberships if m.role == Role.LA_CASEWORKER]
    if caseworker_las:
        reach.append(
            _Source(
                CaseloadAssignment.objects.live_on(on).filter(caseworker=user),
                "child_id",
                _granted(Relationship.LA_CASELOAD, Role.LA_CASEWORKER),
            )
        )
        wide = list(
            LocalAuthorityWideAccess.objects.live_on(on)
            .filter(user=user, local_authority_id__in=caseworker_las)
            .values_list("local_authority_id", flat=True)
        )
        if wide:
            la_wide = _granted(Relationship.LA_WIDE, Role.LA_CASEWORKER)
            reach.append(
                _Source(Child.objects.filter(home_local_authority_id__in=wide), "pk", la_wide)
            )
            reach.append(
                _Source(
                    Enrolment.objects.live_on(on).filter(setting__local_authority_id__in=wide),
                    "child_id",
                    la_wide,
                )
            )

    providers = _providers_of(memberships)
    if providers:
        consented = Consent.objects.filter(
            withdrawn_at__isnull=True,
            provider_id__in=providers,
            child_id__in=Referral.objects.live_on(on)
            .filter(provider_id__in=providers)
            .values("child_id"),
        )
        reach.append(_Source(consented, "child_id", None))

    emergency_roles = roles & rules.roles_with(Relationship.BREAK_GLASS, Action.READ)
    if emergency_roles:
        reach.append(
            _Source(
                BreakGlass.objects.filter(user=user, expires_at__gt=timezone.now()),
                "child_id",
                frozenset().union(
                    *(_granted(Relationship.BREAK_GLASS, role) for role in emergency_roles)
                ),
            )
        )
    return reach


def visible_children(user: User, *, on: dt.date | None = None) -> QuerySet[Child]:
    """Return every child the person may read today, by any live relationship."""
    if not _active(user):
        return Child.objects.none()
    reach = _sources(user, on or today())
    if not reach:
        return Child.objects.filter(pk__in=[])
    # Each source yields the ids of children reached one way. They are joined with UNION rather
    # than OR-ed IN filters, so PostgreSQL starts from the few ids and does not scan every child.
    # A part of a UNION may not carry its model's default ordering.
    first, *rest = (source.rows.values(source.id_field).order_by() for source in reach)
    return Child.objects.filter(pk__in=first.union(*rest) if rest else first)


def children_showing(
    user: User, section: str, *, on: dt.date | None = None
) -> QuerySet[Child] | None:
    """Return the children whose record shows this section to the person, so a search or filter
    on it finds no one it would not show them; None when every child they may read shows it
    (a SENCO, a parent), and a filter needs no narrowing.

    A professional whose family consent leaves out needs must not learn a child's needs by
    filtering on them, nor a UPN by searching for it.
    """
    if not _active(user):
        return Child.objects.none()
    reach = _sources(user, on or today())
    if all(source.sections is not None and section in source.sections for source in reach):
        return None
    parts = []
    for source in reach:
        if source.sections is None:
            # The consent's JSON list of section names, matched with its quotes so that one name
            # is never found inside another.
            consented = source.rows.filter(sections__icontains=f'"{section}"')
            parts.append(consented.values(source.id_field).order_by())
        elif section in source.sections:
            parts.append(source.rows.values(source.id_field).order_by())
    if not parts:
        return Child.objects.none()
    first, *rest = parts
    return Child.objects.filter(pk__in=first.union(*rest) if rest else first)


def narrowed_to_section(
    children: QuerySet[AnyChild], user: User, section: str
) -> QuerySet[AnyChild]:
    """Keep the children whose record shows the person this section: a filter on a child's layer
    or needs must find only children whose layer or needs the person may see."""
    shown = children_showing(user, section)
    return children if shown is None else children.filter(pk__in=shown)


def searched(children: QuerySet[AnyChild], user: User, words: str) -> QuerySet[AnyChild]:
    """Keep children whose names contain every word, or whose UPN starts with it; a UPN matches
    only children whose identifiers the person may see, so a search cannot confirm a UPN."""
    upn_shown = children_showing(user, "identity")
    for word in words.split():
        by_upn = Q(upn__startswith=normalise(word))
        if upn_shown is not None:
            by_upn &= Q(pk__in=upn_shown)
        children = children.filter(
            Q(given_name__icontains=word)
            | Q(family_name__icontains=word)
            | Q(preferred_name__icontains=word)
            | by_upn
        )
    return children


def sections_for_children(
    user: User, child_ids: Iterable[int], *, on: dt.date | None = None
) -> dict[int, frozenset[str]]:
    """Return, for each of these children the person may read, the sections they may see: what
    `decide` would give for reading each one, for a whole page of a list in two or three queries.

    A child the person may not read is left out. Lists show a field only when its section is
    here (identity for date of birth and UPN, layer, needs), and the child's name always.
    """
    ids = list(child_ids)
    if not ids or not _active(user):
        return {}
    on = on or today()
    shown: dict[int, set[str]] = {}
    granted = [source for source in _sources(user, on) if source.sections is not None]
    if granted:
        tagged = [
            source.rows.filter(**{f"{source.id_field}__in": ids})
            .annotate(source_number=Value(number, output_field=IntegerField()))
            .values_list(source.id_field, "source_number")
            .order_by()
            for number, source in enumerate(granted)
        ]
        first, *rest = tagged
        for child_id, number in first.union(*rest, all=True) if rest else first:
            shown.setdefault(child_id, set()).update(granted[number].sections or ())
    providers = _providers_of(live_memberships(user, on))
    if providers:
        # As `links` does: a consent counts only while its own provider has a live referral.
        referred = set(
            Referral.objects.live_on(on)
            .filter(child_id__in=ids, provider_id__in=providers)
            .values_list("child_id", "provider_id")
        )
        for child_id, provider_id, sections in Consent.objects.filter(
            withdrawn_at__isnull=True, child_id__in=ids, provider_id__in=providers
        ).values_list("child_id", "provider_id", "sections"):
            if (child_id, provider_id) in referred:
                shown.setdefault(child_id, set()).update(sections)
    return {child_id: frozenset(sections) for child_id, sections in shown.items()}


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


@dataclass(frozen=True)
class Reviewer:
    """Who reviews an emergency opening: a setting's data protection lead, else a local
    authority, else (both None) the service's administrators."""

    setting_id: int | None = None
    local_authority_id: int | None = None


def break_glass_reviewer(child: Child) -> Reviewer:
    """Return who should review an emergency opening of this child's record today."""
    setting_id = _setting_of(child.pk)
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


def _local_authorities_reviewed(
    memberships: list[Membership], user: User, on: dt.date
) -> list[int]:
    """Return the LAs whose emergency openings the person reviews: those where they are a
    caseworker with access to every child, who learn nothing new from a reason given."""
    caseworker_las = [m.local_authority_id for m in memberships if m.role == Role.LA_CASEWORKER]
    if not caseworker_las:
        return []
    return list(
        LocalAuthorityWideAccess.objects.live_on(on)
        .filter(user=user, local_authority_id__in=caseworker_las)
        .values_list("local_authority_id", flat=True)
    )


def break_glass_to_review(user: User, *, on: dt.date | None = None) -> QuerySet[BreakGlass]:
    """Return the emergency openings of children on no roll that the person reviews, newest
    first: for LA caseworkers with access to every child of their LA, those routed to that LA;
    for administrators, those with no local authority to go to.

    Openings at a setting go to its data protection lead through the audit trail instead.
    """
    if not _active(user):
        return BreakGlass.objects.none()
    on = on or today()
    memberships = live_memberships(user, on)
    routed = Q(review_local_authority_id__in=_local_authorities_reviewed(memberships, user, on))
    if any(m.role == Role.ADMINISTRATOR for m in memberships):
        routed |= Q(review_setting__isnull=True, review_local_authority__isnull=True)
    return (
        BreakGlass.objects.filter(routed)
        .select_related("user", "review_local_authority")
        .order_by("-opened_at", "-pk")
    )


def may_review_break_glass(user: User, *, on: dt.date | None = None) -> bool:
    """Return whether the person reviews emergency openings of children on no roll."""
    if not _active(user):
        return False
    on = on or today()
    memberships = live_memberships(user, on)
    return any(m.role == Role.ADMINISTRATOR for m in memberships) or bool(
        _local_authorities_reviewed(memberships, user, on)
    )


def audit_decision(
    user: User, decision: Decision, *, child_id: int | None, reason: str = "", action: str = ""
) -> None:
    """Write one audit row for an access decision."""
    role: str = decision.role or ""
    if not role and _active(user):
        role = next((m.role for m in live_memberships(user, today())), "")
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
    roles = [m.role for m in live_memberships(user, today())] if _active(user) else []
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


def audit_children_listed(user: User, child_ids: Iterable[int], where: str) -> None:
    """Write one audit row for each child a list or search showed someone, in one go.

    The family then sees who saw their child in a list. A list that showed nobody (a search that
    found no one) still leaves one row saying so.
    """
    shown = list(dict.fromkeys(child_ids))
    if not shown:
        audit_list(user, 0, where)
        return
    memberships = live_memberships(user, today()) if _active(user) else []
    first = memberships[0] if memberships else None
    audit.record_many(
        audit.Entry(
            actor=user,
            role=first.role if first else "",
            relationship="",
            acting_for=_organisation(first) if first else "",
            setting_id=None,
            action="list",
            child_id=child_id,
            reason=where,
            allowed=True,
        )
        for child_id in shown
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
        for s, (role, _) in _staff_settings(live_memberships(user, on or today())).items()
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
        for m in live_memberships(user, on or today())
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
    memberships = live_memberships(user, on or today())
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
        for setting_id, (role, _) in _staff_settings(live_memberships(user, on or today())).items()
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
        for m in live_memberships(user, on or today())
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
    return any(Role(m.role) in DIRECTORY_MANAGERS for m in live_memberships(user, on or today()))


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
        for m in live_memberships(user, on or today())
        if m.role == Role.LA_CASEWORKER and m.local_authority_id
    ]
    return LocalAuthority.objects.filter(pk__in=ids)


def may_export_la_returns(user: User, la: LocalAuthority, *, on: dt.date | None = None) -> bool:
    """Return whether the person may build this local authority's statutory returns today."""
    return local_authorities_for_returns(user, on=on).filter(pk=la.pk).exists()


# Transfers asked for by a Common Transfer File for a child on roll elsewhere.

TRANSFER_DECIDERS_AT_SETTING = frozenset({Role.SENCO, Role.SETTING_HEAD})


def may_decide_transfer_away(
    user: User, child: Child, current_setting: Setting | None, *, on: dt.date | None = None
) -> bool:
    """Return whether the person may confirm or decline a move of the child away from the setting
    they are on roll at: its SENCO or head while the child is on its roll, or an LA caseworker of
    the child's home local authority or of the local authority that setting is in.

    A child on no roll (gone to elective home education or abroad, or never enrolled) has no
    setting to speak for them: only an LA caseworker of their home local authority decides, or,
    with no home LA recorded, of the local authority of the last setting they attended.
    """
    return may_decide_transfers_away(user, [(child, current_setting)], on=on)[0]


def may_decide_transfers_away(
    user: User,
    moves: Sequence[tuple[Child, Setting | None]],
    *,
    on: dt.date | None = None,
) -> list[bool]:
    """`may_decide_transfer_away` for many moves at once, with one query for all their children's
    enrolments (a list of pending transfers asks about each)."""
    if not _active(user):
        return [False] * len(moves)
    on = on or today()
    memberships = live_memberships(user, on)
    caseworker_for = {m.local_authority_id for m in memberships if m.role == Role.LA_CASEWORKER}
    leads = {m.setting_id for m in memberships if m.role in TRANSFER_DECIDERS_AT_SETTING}
    if not caseworker_for and not leads:
        return [False] * len(moves)
    looked_up = {
        child.pk for child, _ in moves if child.home_local_authority_id not in caseworker_for
    }
    on_roll_at: dict[int, set[int]] = {}
    # (last day, enrolment id, local authority) of each child's latest ended enrolment
    last_ended: dict[int, tuple[dt.date, int, int]] = {}
    for child_id, setting_id, ends_on, enrolment_id, la_id in Enrolment.objects.filter(
        child_id__in=looked_up
    ).values_list("child_id", "setting_id", "ends_on", "pk", "setting__local_authority_id"):
        if ends_on is None or ends_on >= on:
            on_roll_at.setdefault(child_id, set()).add(setting_id)
        elif (ends_on, enrolment_id, la_id) > last_ended.get(child_id, (dt.date.min, 0, 0)):
            last_ended[child_id] = (ends_on, enrolment_id, la_id)

    def decides(child: Child, current_setting: Setting | None) -> bool:
        home_la = child.home_local_authority_id
        if home_la is not None and home_la in caseworker_for:
            return True
        leads_current_setting = current_setting is not None and current_setting.pk in leads
        if not caseworker_for and not leads_current_setting:
            return False
        if child.pk not in on_roll_at:
            if home_la is not None:
                return False
            if current_setting is not None:
                last_la: int | None = current_setting.local_authority_id
            else:
                last_la = last_ended[child.pk][2] if child.pk in last_ended else None
            return last_la is not None and last_la in caseworker_for
        if current_setting is None:
            return False
        return current_setting.local_authority_id in caseworker_for or (
            leads_current_setting and current_setting.pk in on_roll_at[child.pk]
        )

    return [decides(child, setting) for child, setting in moves]
