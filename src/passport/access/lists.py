"""Lists of children: whom a person may read, which sections each shows them, and searches and
filters that find no one a list would not show.

`visible_children` combines every way a person reaches children as one `id IN (... UNION ...)`;
`sections_for_children` answers what `decide` would for a whole page at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.utils import timezone

from passport.access.links import active, staff_settings
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
from passport.core.identifiers import normalise
from passport.people.memberships import live_memberships
from passport.people.models import Membership, Role, User

# A queryset of children, annotated or not: narrowing keeps whatever the caller annotated.
AnyChild = TypeVar("AnyChild", bound=Child)


def _excluded_by_young_person(child_id_ref: OuterRef | int, parent: User) -> Subquery:
    return Subquery(
        ParentalAccessChoice.objects.filter(child=child_id_ref, parent=parent)
        .order_by("-decided_at", "-pk")
        .values("keeps_access")[:1]
    )


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
    by_setting: dict[int, tuple[Role, str]], relationship: Relationship, enrolments: QuerySet
) -> list[_Source]:
    """Return the enrolments at the person's settings that give `relationship`, one source per
    set of sections (a SENCO at one school and a teacher at another see different sections)."""
    readers = current_rules().roles_with(relationship, Action.READ)
    by_sections: dict[frozenset[str], list[int]] = {}
    for setting_id, (role, _) in by_setting.items():
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
    by_setting = staff_settings(memberships)
    reach = _staff_sources(
        by_setting, Relationship.ON_ROLL_AT_MY_SETTING, Enrolment.objects.live_on(on)
    ) + _staff_sources(
        by_setting,
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
        on_a_roll = Enrolment.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        reach.append(
            _Source(
                Child.objects.filter(home_local_authority_id__in=caseworker_las).exclude(
                    pk__in=on_a_roll.values("child_id")
                ),
                "pk",
                _granted(Relationship.HOME_LA_NO_SETTING, Role.LA_CASEWORKER),
            )
        )
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
    if not active(user):
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
    if not active(user):
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
    if not ids or not active(user):
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
