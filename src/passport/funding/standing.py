"""How a person stands to a school group's money and to a commission: the object checks the
pages and the API share, built on `access.standing` duties.

A commission is seen by the commissioning group's cluster leads (every place, and the decisions),
by the SENCOs and heads of the settings of the children it names (the places at their settings),
and by the provider's professionals (the children the family's consent lets them record sessions
for). Anyone else has no standing, and the callers answer as for a missing commission.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db.models import QuerySet

from passport.access.policies import may_record_delivery
from passport.access.standing import Duty, holds, scope
from passport.funding.models import Commission, CommissionPlace
from passport.organisations.models import SchoolGroup
from passport.people.models import User


class Standing(StrEnum):
    """Why a person may see a commission (the page shows each a different part)."""

    MANAGER = "manager"
    SETTING = "setting"
    PROVIDER = "provider"


@dataclass(frozen=True)
class CommissionStanding:
    """How the person stands to a commission; `settings` are the ones they lead (SETTING only)."""

    kind: Standing
    settings: tuple[int, ...] = ()


def settings_led_in(user: User, group: SchoolGroup) -> list[int]:
    """Return the ids of the group's settings where the person is SENCO or head today."""
    led = scope(user, Duty.LEAD_SETTING).settings
    if not led:
        return []
    return sorted(led & set(group.settings.values_list("pk", flat=True)))


def group_share(user: User, group: SchoolGroup) -> list[int] | None:
    """None for a cluster lead (the whole group); else the settings whose share the person sees."""
    if holds(user, Duty.MANAGE_SCHOOL_GROUP, at=group):
        return None
    return settings_led_in(user, group)


def commission_standing(user: User, commission: Commission) -> CommissionStanding | None:
    """Return how the person stands to the commission, or None when they have no standing."""
    if holds(user, Duty.MANAGE_SCHOOL_GROUP, at=commission.school_group):
        return CommissionStanding(Standing.MANAGER)
    led = settings_led_in(user, commission.school_group)
    if led and commission.places.filter(setting_id__in=led).exists():
        return CommissionStanding(Standing.SETTING, tuple(led))
    if commission.provider_id in scope(user, Duty.DELIVER_FOR_PROVIDER).providers:
        return CommissionStanding(Standing.PROVIDER)
    return None


def recordable_places(user: User, commission: Commission) -> list[CommissionPlace]:
    """Return the commission's places whose sessions the person may record."""
    return [
        place
        for place in commission.places.select_related("child", "setting")
        if may_record_delivery(
            user, place.child, provider_id=commission.provider_id, setting_id=place.setting_id
        )
    ]


def places_seen(
    user: User, commission: Commission, standing: CommissionStanding
) -> QuerySet[CommissionPlace]:
    """Return the commission's places the person sees: all for a cluster lead, those at their
    settings for a SENCO or head, those they may record sessions for for a provider."""
    places = commission.places.all()
    if standing.kind is Standing.SETTING:
        return places.filter(setting_id__in=standing.settings)
    if standing.kind is Standing.PROVIDER:
        return places.filter(pk__in=[place.pk for place in recordable_places(user, commission)])
    return places


def commissions_delivered_by(user: User) -> QuerySet[Commission]:
    """Return the approved commissions the person's providers deliver (the funding page's list
    for health and therapy professionals, and what puts Funding in their menu)."""
    return Commission.objects.filter(
        provider_id__in=scope(user, Duty.DELIVER_FOR_PROVIDER).providers,
        status=Commission.Status.APPROVED,
    )
