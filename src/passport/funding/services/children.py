"""Reading about children: who needs a kind of support a group could commission, and, for one
child, what was commissioned against what their Support in place specifies and what was delivered."""

from __future__ import annotations

from collections.abc import Iterable

from passport.access.policies import children_for_commissioning
from passport.children.models import Child, Enrolment
from passport.core.dates import today
from passport.funding.models import Commission, CommissionPlace, Delivery
from passport.organisations.models import SchoolGroup
from passport.passports.models import SupportItem
from passport.people.models import User


def children_needing(
    user: User, group: SchoolGroup, support_kind: str
) -> list[tuple[Child, int, list[SupportItem]]]:
    """Return (child, setting id, support items) for children on roll at the group's settings
    whose Support in place names this kind of support today."""
    on = today()
    children = children_for_commissioning(user, group, on=on)
    items = (
        SupportItem.objects.live_on(on)
        .filter(passport__child__in=children, support_kind=support_kind)
        .select_related("passport__child")
        .order_by("passport__child__family_name", "passport__child__given_name")
    )
    by_child: dict[int, tuple[Child, list[SupportItem]]] = {}
    for item in items:
        child = item.passport.child
        by_child.setdefault(child.pk, (child, []))[1].append(item)
    settings_of = dict(
        Enrolment.objects.live_on(on)
        .filter(child_id__in=by_child, setting__in=group.settings.all())
        .values_list("child_id", "setting_id")
    )
    return [(child, settings_of[pk], found) for pk, (child, found) in by_child.items()]


def commissions_for_child(
    child: Child, support_items: Iterable[SupportItem] | None = None
) -> list[dict[str, object]]:
    """Return, for each approved or closed commission naming the child, what was commissioned,
    what their Support in place specifies, and what was delivered.

    Pass the passport's support items when the caller has them already (the passport page
    prefetches them), to save reading them again."""
    rows = []
    places = (
        CommissionPlace.objects.filter(
            child=child,
            commission__status__in=[Commission.Status.APPROVED, Commission.Status.CLOSED],
        )
        .select_related("commission__provider")
        .prefetch_related("deliveries")
    )
    support = (
        list(support_items)
        if support_items is not None
        else list(SupportItem.objects.filter(passport__child=child))
    )
    for place in places:
        commission = place.commission
        deliveries = list(place.deliveries.all())
        counts = {outcome: 0 for outcome in Delivery.Outcome.values}
        for delivery in deliveries:
            counts[delivery.outcome] += delivery.units
        specified = [item for item in support if item.support_kind == commission.support_kind]
        rows.append(
            {
                "commission": commission,
                "support_kind_name": commission.support_kind_name,
                "specified": "; ".join(item.amount for item in specified)
                or "Not in Support in place",
                "commissioned": commission.units_per_child,
                "attended": counts[Delivery.Outcome.ATTENDED],
                "missed": counts[Delivery.Outcome.MISSED],
                "cancelled": sum(
                    counts[o]
                    for o in (
                        Delivery.Outcome.CANCELLED_BY_PROVIDER,
                        Delivery.Outcome.CANCELLED_BY_SETTING,
                        Delivery.Outcome.CANCELLED_BY_FAMILY,
                    )
                ),
                "unit": commission.unit,
            }
        )
    return rows
