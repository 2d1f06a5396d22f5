"""The demo school group's money: pots for this financial year, a speech and language therapy
commission for six children across three of its settings, and sessions recorded since.

Built through the same services the pages use, so the demo's ledger balances by construction
(`passport funding check` passes on it).
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction

from passport.access.policies import may_record_delivery
from passport.access.standing import Duty, holders
from passport.children.models import Enrolment
from passport.core.dates import today
from passport.core.policy import current_pack
from passport.directory.models import Service
from passport.funding import guard, services
from passport.funding.models import (
    Commission,
    CommissionPlace,
    Delivery,
    LedgerEntry,
    OverspendApproval,
    Posting,
    Pot,
    financial_year_bounds,
    financial_year_of,
)
from passport.organisations.models import Provider, SchoolGroup
from passport.passports.models import SupportItem
from passport.people.models import User

SLT = "speech_and_language_therapy"
SESSIONS_PER_CHILD = 12
SESSION_PRICE_PENCE = 6500
# Outcomes of the weekly sessions so far, in turn: mostly attended, some missed or cancelled.
PATTERN = ["attended", "attended", "missed", "attended", "cancelled_by_provider", "attended"]


def _lead(group: SchoolGroup) -> User:
    lead = holders(Duty.MANAGE_SCHOOL_GROUP, at=group).first()
    if lead is None:
        raise LookupError(f"{group} has no cluster lead to open its pots")
    return lead


def _therapist(provider: Provider) -> User | None:
    return holders(Duty.DELIVER_FOR_PROVIDER, at=provider).first()


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def build_funding_demo(group_name: str, provider_name: str) -> Commission | None:
    """Give the demo group its pots, commission therapy and record sessions."""
    group = SchoolGroup.objects.get(name=group_name)
    provider = Provider.objects.get(name=provider_name)
    lead = _lead(group)
    therapist = _therapist(provider)
    on = today()
    year = financial_year_of(on)
    first, last = financial_year_bounds(year)
    imf = services.open_pot(group, year, "inclusive_mainstream_fund", lead)
    services.allocate(imf, 4_000_000, lead, "Inclusive Mainstream Fund allocation from the LA")
    experts = services.open_pot(group, year, "experts_at_hand", lead)
    services.allocate(experts, 1_500_000, lead, "Experts at Hand allocation")
    service = Service.objects.filter(provider=provider, support_kind=SLT).first()
    if service is None:
        service = Service.objects.create(
            provider=provider,
            name="Speech and language therapy in schools",
            description="Assessment and direct therapy in school, with a programme for staff",
            support_kind=SLT,
            unit="session",
            unit_cost_pence=SESSION_PRICE_PENCE,
        )
    # Mark the Support in place that is speech and language therapy, so the group can find it.
    at_group = Enrolment.objects.live_on(on).filter(setting__in=group.settings.all())
    speech = SupportItem.objects.live_on(on).filter(
        passport__child_id__in=list(at_group.values_list("child_id", flat=True)),
        description__icontains="speech",
    )
    SupportItem.objects.filter(pk__in=list(speech.values_list("pk", flat=True))).update(
        support_kind=SLT
    )
    candidates = services.children_needing(lead, group, SLT)
    chosen: list[int] = []
    by_setting: dict[int, int] = {}
    # Consented children first, so the therapist has sessions to record; two from each of three
    # settings.
    consented = set(
        provider.consents.filter(withdrawn_at__isnull=True).values_list("child_id", flat=True)
    )
    for child, setting_id, _ in sorted(candidates, key=lambda c: c[0].pk not in consented):
        if len(chosen) == 6:
            break
        if by_setting.get(setting_id, 0) < 2 and (len(by_setting) < 3 or setting_id in by_setting):
            by_setting[setting_id] = by_setting.get(setting_id, 0) + 1
            chosen.append(child.pk)
    if not chosen:
        return None
    starts_on = max(first, _weekday(on - dt.timedelta(weeks=8)))
    # Within what one cluster lead may approve alone (the demo group has one lead).
    threshold = current_pack().funding.approval_threshold_pence
    sessions = max(1, min(SESSIONS_PER_CHILD, threshold // (len(chosen) * service.unit_cost_pence)))
    commission = services.create_commission(
        lead,
        group,
        services.CommissionRequest(
            pot=experts,
            service=service,
            description="Speech and language therapy, direct sessions",
            units_per_child=sessions,
            starts_on=starts_on,
            ends_on=last,
            child_ids=chosen,
        ),
    )
    for place in commission.places.select_related("child", "setting"):
        recorder = therapist
        if recorder is None or not may_record_delivery(
            recorder, place.child, provider_id=provider.pk, setting_id=place.setting_id
        ):
            recorder = holders(Duty.COORDINATE_SEN, at=place.setting).first()
        if recorder is None:
            raise LookupError(f"{place.setting} has no SENCO to record its sessions")
        lines = []
        day = starts_on
        week = 0
        while day < on:
            lines.append(
                services.DeliveryLine(place.child_id, _weekday(day), PATTERN[week % len(PATTERN)])
            )
            day += dt.timedelta(weeks=1)
            week += 1
        lines = [line for line in lines if line.delivered_on >= starts_on][:sessions]
        if lines:
            services.record_deliveries(recorder, commission, lines)
    return commission


@transaction.atomic
def remove_funding_demo(group_name: str) -> None:
    """Delete the demo group's pots, commissions and ledger. The ledger is append-only, so its
    guard is lifted for this transaction alone (never used outside the demo)."""
    pots = Pot.objects.filter(school_group__name=group_name)
    if not pots.exists():
        return
    guard.remove(connection)
    Delivery.objects.filter(place__commission__pot__in=pots).delete()
    CommissionPlace.objects.filter(commission__pot__in=pots).delete()
    postings = Posting.objects.filter(pot__in=pots)
    postings._raw_delete(postings.db)
    entries = LedgerEntry.objects.filter(pot__in=pots)
    entries.filter(reverses__isnull=False)._raw_delete(entries.db)
    entries._raw_delete(entries.db)
    Commission.objects.filter(pot__in=pots).delete()
    OverspendApproval.objects.filter(pot__in=pots).delete()
    Pot.objects.filter(pk__in=pots.values("pk")).delete()
    guard.install(connection)
