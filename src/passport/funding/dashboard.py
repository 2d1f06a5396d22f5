"""Figures for the group's dashboard and commissioning plan, computed from the ledger and the
passports. Each function returns plain rows, so a page can draw them and a CSV can carry them."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet, Sum
from django.db.models.functions import TruncMonth

from passport.children.models import Child, Enrolment
from passport.core.dates import today
from passport.core.policy import current_pack
from passport.directory.models import Service
from passport.funding.models import (
    Commission,
    CommissionPlace,
    Delivery,
    Posting,
    Pot,
    financial_year_bounds,
)
from passport.organisations.models import SchoolGroup
from passport.passports.models import Period, SupportItem
from passport.passports.queries import current_layer_code, primary_need_code

# Roughly how many weeks each period is, to put support on one weekly scale (a school year of
# 39 weeks, 6 half terms, 3 terms).
WEEKS_PER_PERIOD = {
    Period.DAY: 0.2,
    Period.WEEK: 1.0,
    Period.HALF_TERM: 6.5,
    Period.TERM: 13.0,
    Period.YEAR: 39.0,
}


@dataclass(frozen=True)
class SpendMonth:
    month: dt.date
    spent: int  # cumulative charges to the end of the month
    committed: int  # cumulative commitments net of releases
    allocation: int  # cumulative allocation
    forecast: int | None  # spend at the current rate, for months still to come


def spend_over_year(group: SchoolGroup, year: int, on: dt.date | None = None) -> list[SpendMonth]:
    """Month by month: allocation, money committed and money spent, with spending forecast to the
    year end at the rate so far."""
    on = on or today()
    first, last = financial_year_bounds(year)
    postings = (
        Posting.objects.filter(pot__school_group=group, pot__financial_year=year)
        .annotate(month=TruncMonth("entry__posted_at"))
        .values("month", "account")
        .annotate(total=Sum("amount_pence"))
    )
    monthly: dict[tuple[dt.date, str], int] = defaultdict(int)
    for row in postings:
        month = row["month"].date() if isinstance(row["month"], dt.datetime) else row["month"]
        monthly[(month.replace(day=1), row["account"])] += int(row["total"])
    months = []
    cursor = first.replace(day=1)
    while cursor <= last:
        months.append(cursor)
        cursor = (cursor + dt.timedelta(days=32)).replace(day=1)
    spent = committed = allocation = 0
    days_so_far = max((min(on, last) - first).days + 1, 1)
    rows: list[SpendMonth] = []
    spent_to_date = sum(v for (m, a), v in monthly.items() if a == Posting.Account.SPENT)
    daily_rate = spent_to_date / days_so_far if on >= first else 0
    for month in months:
        spent += monthly[(month, Posting.Account.SPENT)]
        committed += monthly[(month, Posting.Account.COMMITTED)]
        allocation += -monthly[(month, Posting.Account.FUNDER)]
        month_end = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        forecast = None
        if month_end > on:
            forecast = round(daily_rate * ((min(month_end, last) - first).days + 1))
        rows.append(SpendMonth(month, spent, committed, allocation, forecast))
    return rows


def forecast_year_end(group: SchoolGroup, year: int, on: dt.date | None = None) -> int:
    rows = spend_over_year(group, year, on)
    last = rows[-1]
    return last.forecast if last.forecast is not None else last.spent


# Statistical disclosure control (the policy pack's `funding.fewest_children_shown`, sources
# cited there): a primary need shared by too few children is merged into this group, and a count
# still too small is withheld (None), with anything it could be worked back from.
OTHER_NEEDS = "Other primary needs"


def fewest_children_shown() -> int:
    """Return the smallest number of children a dashboard or plan figure may be about."""
    return current_pack().funding.fewest_children_shown


def _shown(count: int, fewest: int) -> int | None:
    return count if count >= fewest else None


@dataclass(frozen=True)
class CostRow:
    layer: str
    need_type: str
    children: int | None  # None: fewer than the pack's threshold, withheld
    spent: int

    @property
    def per_child(self) -> int | None:
        """Spending per child; withheld with the count, which spent / per child would give."""
        return self.spent // self.children if self.children else None


def cost_per_child(group: SchoolGroup, year: int) -> list[CostRow]:
    """Money charged for each child's sessions this year, averaged by layer and primary need."""
    pack = current_pack()
    deliveries = Delivery.objects.filter(
        place__commission__school_group=group,
        place__commission__pot__financial_year=year,
        charge__isnull=False,
    ).values("place__child_id", "units", "place__commission__unit_cost_pence")
    spent_by_child: dict[int, int] = defaultdict(int)
    for row in deliveries:
        spent_by_child[row["place__child_id"]] += (
            row["units"] * row["place__commission__unit_cost_pence"]
        )
    children = Child.objects.filter(pk__in=spent_by_child).annotate(
        layer_code=current_layer_code(), need_code=primary_need_code()
    )
    by_need: dict[tuple[str, str], list[int]] = defaultdict(list)
    for child in children:
        layer = pack.layer_name(child.layer_code) if child.layer_code else "No layer recorded"
        need = child.need_code or "No need recorded"
        by_need[(layer, need)].append(spent_by_child[child.pk])
    fewest = fewest_children_shown()
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for (layer, need), amounts in by_need.items():
        groups[(layer, need if len(amounts) >= fewest else OTHER_NEEDS)].extend(amounts)
    return [
        CostRow(layer, need, _shown(len(amounts), fewest), sum(amounts))
        for (layer, need), amounts in sorted(groups.items())
    ]


@dataclass(frozen=True)
class DeliveryRow:
    label: str
    commissioned: int
    delivered: int
    missed: int
    cancelled: int


def _delivery_rows(
    places: Iterable[CommissionPlace], key: Callable[[CommissionPlace], str]
) -> list[DeliveryRow]:
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for place in places:
        row = totals[key(place)]
        row[0] += place.commission.units_per_child
        for delivery in place.deliveries.all():
            if delivery.outcome == Delivery.Outcome.ATTENDED:
                row[1] += delivery.units
            elif delivery.outcome == Delivery.Outcome.MISSED:
                row[2] += delivery.units
            else:
                row[3] += delivery.units
    return [DeliveryRow(label, *numbers) for label, numbers in sorted(totals.items())]


def _places(
    group: SchoolGroup, year: int, setting_ids: list[int] | None
) -> QuerySet[CommissionPlace]:
    places = CommissionPlace.objects.filter(
        commission__school_group=group,
        commission__pot__financial_year=year,
        commission__status__in=[Commission.Status.APPROVED, Commission.Status.CLOSED],
    ).select_related("commission__provider", "setting")
    if setting_ids is not None:
        places = places.filter(setting_id__in=setting_ids)
    return places.prefetch_related("deliveries")


def delivered_by_service(
    group: SchoolGroup, year: int, setting_ids: list[int] | None = None
) -> list[DeliveryRow]:
    return _delivery_rows(
        _places(group, year, setting_ids),
        lambda p: f"{p.commission.description} ({p.commission.provider.name})",
    )


def delivered_by_setting(
    group: SchoolGroup, year: int, setting_ids: list[int] | None = None
) -> list[DeliveryRow]:
    return _delivery_rows(_places(group, year, setting_ids), lambda p: p.setting.name)


@dataclass(frozen=True)
class PlanRow:
    setting: str
    support_kind: str
    need_type: str
    children: int | None  # None: fewer than the pack's threshold, withheld
    hours_needed_per_week: float
    hours_commissioned_per_week: float
    unmet_hours_per_week: float
    price_per_hour_pence: int | None
    unmet_cost_per_year_pence: int | None


SCHOOL_WEEKS = 39


def _hourly_price(support_kind: str) -> int | None:
    """The directory's cheapest active price for an hour of this support (a session is taken as
    an hour when a service prices by the session)."""
    prices = [
        s.unit_cost_pence
        for s in Service.objects.filter(support_kind=support_kind, status=Service.Status.ACTIVE)
    ]
    return min(prices) if prices else None


@dataclass
class _Need:
    """Need for one kind of support at a setting for one primary need, and what meets it."""

    hours: float = 0.0
    children: set[int] = field(default_factory=set)
    commissioned: float = 0.0


def commissioning_plan(group: SchoolGroup, year: int, on: dt.date | None = None) -> list[PlanRow]:
    """What the passports of children in the group's settings say is needed, by setting, kind of
    support and primary need, against what is commissioned: the unmet need, costed at the
    directory's prices.

    A primary need shared by fewer children than the pack's threshold at a setting is merged
    into "Other primary needs" there, and a group still that small shows no count, so no row
    names one child's need.
    """
    on = on or today()
    pack = current_pack()
    first, last = financial_year_bounds(year)
    enrolments = dict(
        Enrolment.objects.live_on(on)
        .filter(setting__in=group.settings.all())
        .values_list("child_id", "setting__name")
    )
    needs = dict(
        Child.objects.filter(pk__in=enrolments)
        .annotate(need_code=primary_need_code())
        .values_list("pk", "need_code")
    )
    needed: dict[tuple[str, str, str], _Need] = defaultdict(_Need)
    items = SupportItem.objects.live_on(on).filter(
        passport__child_id__in=enrolments, support_kind__gt=""
    )
    for item in items.values(
        "passport__child_id", "support_kind", "minutes_per_session", "sessions_per_period", "period"
    ):
        child_id = item["passport__child_id"]
        key = (enrolments[child_id], item["support_kind"], needs.get(child_id) or "None recorded")
        weekly = (
            item["minutes_per_session"]
            * item["sessions_per_period"]
            / WEEKS_PER_PERIOD[item["period"]]
            / 60
        )
        needed[key].hours += weekly
        needed[key].children.add(child_id)
    weeks = max(((last - first).days + 1) / 7 * SCHOOL_WEEKS / 52, 1)
    for place in CommissionPlace.objects.filter(
        commission__school_group=group,
        commission__pot__financial_year=year,
        commission__status=Commission.Status.APPROVED,
        child_id__in=enrolments,
    ).select_related("commission"):
        commission = place.commission
        key = (
            enrolments[place.child_id],
            commission.support_kind,
            needs.get(place.child_id) or "None recorded",
        )
        if key in needed:
            needed[key].commissioned += commission.units_per_child / weeks
    fewest = fewest_children_shown()
    merged: dict[tuple[str, str, str], _Need] = defaultdict(_Need)
    for (setting, kind, need), figures in needed.items():
        into = merged[(setting, kind, need if len(figures.children) >= fewest else OTHER_NEEDS)]
        into.hours += figures.hours
        into.children |= figures.children
        into.commissioned += figures.commissioned
    rows = []
    for (setting, kind, need), figures in sorted(merged.items()):
        hours = round(float(figures.hours), 1)
        commissioned = round(float(figures.commissioned), 1)
        unmet = round(max(hours - commissioned, 0.0), 1)
        price = _hourly_price(kind)
        rows.append(
            PlanRow(
                setting=setting,
                support_kind=pack.support_kind_name(kind),
                need_type=need,
                children=_shown(len(figures.children), fewest),
                hours_needed_per_week=hours,
                hours_commissioned_per_week=commissioned,
                unmet_hours_per_week=unmet,
                price_per_hour_pence=price,
                unmet_cost_per_year_pence=round(unmet * SCHOOL_WEEKS * price)
                if price is not None
                else None,
            )
        )
    return rows


def pots_of(group: SchoolGroup, year: int) -> list[Pot]:
    return list(group.pots.filter(financial_year=year))
