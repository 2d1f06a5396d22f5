"""Commissions, approval, referrals and consent, deliveries and specified vs delivered."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from passport.access import services as access_services
from passport.access.models import Referral
from passport.access.policies import Action, decide
from passport.core.dates import today
from passport.funding import services
from passport.funding.checks import reconcile
from passport.funding.models import Commission, Delivery, LedgerEntry
from passport.funding.services import DeliveryLine, balances
from passport.funding.tests.test_ledger import pot_with, request_for
from passport.funding.tests.world import give_support
from passport.testing.factories import SettingFactory, child_on_roll, parent_of

pytestmark = pytest.mark.django_db

SIX_SESSIONS = 6 * 6500


def approved(world, children=None, units=6):
    pot = pot_with(world, 1_000_000)
    commission = services.create_commission(
        world.lead, world.group, request_for(world, pot, children or world.children, units=units)
    )
    commission.refresh_from_db()
    return pot, commission


def consent(child, world) -> None:
    access_services.give_consent(child, world.provider, ["identity", "support"], parent_of(child))


def a_past_day(commission) -> dt.date:
    return max(commission.starts_on, today() - dt.timedelta(days=3))


def test_commission_under_threshold_commits_money_and_refers_each_child(world):
    pot, commission = approved(world, world.children[:2])
    assert commission.status == Commission.Status.APPROVED
    assert balances(pot).committed == 2 * SIX_SESSIONS
    assert Referral.objects.filter(provider=world.provider).count() == 2
    referral = Referral.objects.get(child=world.children[0])
    assert referral.ends_on == commission.ends_on


def test_the_professional_reads_only_what_the_family_consented_to(world):
    approved(world, world.children[:2])
    child, other = world.children[:2]
    assert not decide(world.therapist, child, Action.READ).allowed  # referral without consent
    consent(child, world)
    decision = decide(world.therapist, child, Action.READ)
    assert decision.allowed and decision.sections == {"identity", "support"}
    assert not decide(world.therapist, other, Action.READ).allowed


def test_commission_above_threshold_waits_for_a_second_lead(world):
    pot = pot_with(world, 10_000_000)
    request = request_for(world, pot, world.children, units=20)  # 6 x 20 x £65 = £7,800
    commission = services.create_commission(world.lead, world.group, request)
    assert commission.status == Commission.Status.AWAITING_APPROVAL
    assert balances(pot).committed == 0
    assert not Referral.objects.exists()
    with pytest.raises(ValidationError, match="Someone other"):
        services.approve_commission(commission, world.lead)
    services.approve_commission(commission, world.second_lead)
    assert balances(pot).committed == 6 * 20 * 6500
    assert Referral.objects.count() == 6


def test_children_are_chosen_from_passports_naming_that_support(world):
    pot = pot_with(world, 1_000_000)
    no_slt = child_on_roll(world.settings[0])
    give_support(no_slt, kind="occupational_therapy")
    elsewhere = child_on_roll(SettingFactory())
    give_support(elsewhere)
    candidates = {
        c.pk
        for c, _, _ in services.children_needing(
            world.lead, world.group, "speech_and_language_therapy"
        )
    }
    assert candidates == {c.pk for c in world.children}
    for wrong in (no_slt, elsewhere):
        with pytest.raises(ValidationError) as raised:
            services.create_commission(world.lead, world.group, request_for(world, pot, [wrong]))
        assert "children" in raised.value.message_dict
    assert not Commission.objects.exists()


def test_senco_cannot_commission(world):
    pot = pot_with(world, 1_000_000)
    with pytest.raises(PermissionError):
        services.create_commission(
            world.sencos[0], world.group, request_for(world, pot, world.children[:1])
        )


def test_therapist_with_consent_records_sessions_and_the_charge_follows(world):
    pot, commission = approved(world, world.children[:2])
    child = world.children[0]
    consent(child, world)
    day = a_past_day(commission)
    services.record_delivery(world.therapist, commission, DeliveryLine(child.pk, day, "attended"))
    services.record_delivery(
        world.therapist,
        commission,
        DeliveryLine(child.pk, day - dt.timedelta(days=1), "cancelled_by_provider"),
    )
    now = balances(pot)
    assert now.spent == 6500
    assert now.committed == 2 * SIX_SESSIONS - 6500
    assert Delivery.objects.filter(charge__isnull=True).count() == 1  # the provider's cancellation
    rows = services.commissions_for_child(child)
    assert rows[0]["attended"] == 1 and rows[0]["cancelled"] == 1 and rows[0]["commissioned"] == 6
    assert rows[0]["specified"] == "30 minutes, once a week"
    assert reconcile().problems == []


def test_therapist_without_consent_cannot_record(world):
    _, commission = approved(world, world.children[:1])
    with pytest.raises(PermissionError):
        services.record_delivery(
            world.therapist,
            commission,
            DeliveryLine(world.children[0].pk, a_past_day(commission), "attended"),
        )
    assert not Delivery.objects.exists()


def test_senco_records_only_for_children_at_their_own_setting(world):
    _, commission = approved(world)
    here, there = world.children[0], world.children[2]  # settings 0 and 1
    day = a_past_day(commission)
    services.record_delivery(world.sencos[0], commission, DeliveryLine(here.pk, day, "missed"))
    with pytest.raises(PermissionError):
        services.record_delivery(
            world.sencos[0], commission, DeliveryLine(there.pk, day, "attended")
        )


def test_bad_deliveries_are_refused_clearly_and_nothing_is_half_posted(world):
    pot, commission = approved(world, world.children[:2])
    child, outsider = world.children[0], world.children[4]
    senco = world.senco_for(child)
    day = a_past_day(commission)
    with pytest.raises(ValidationError, match="not named in this commission"):
        services.record_delivery(
            world.senco_for(outsider), commission, DeliveryLine(outsider.pk, day, "attended")
        )
    with pytest.raises(ValidationError, match="ended on"):
        services.record_delivery(
            senco,
            commission,
            DeliveryLine(child.pk, commission.ends_on + dt.timedelta(days=1), "attended"),
        )
    # A batch with a duplicate inside it is refused whole: the first line is not kept.
    with pytest.raises(ValidationError, match="already recorded"):
        services.record_deliveries(
            senco,
            commission,
            [DeliveryLine(child.pk, day, "attended"), DeliveryLine(child.pk, day, "attended")],
        )
    assert not Delivery.objects.exists()
    assert not LedgerEntry.objects.filter(kind="delivery_charge").exists()
    services.record_delivery(senco, commission, DeliveryLine(child.pk, day, "attended"))
    with pytest.raises(ValidationError, match="already recorded"):
        services.record_delivery(senco, commission, DeliveryLine(child.pk, day, "attended"))
    assert balances(pot).spent == 6500


def test_more_sessions_than_commissioned_are_not_charged(world):
    pot, commission = approved(world, world.children[:1], units=1)
    child = world.children[0]
    senco = world.senco_for(child)
    day = a_past_day(commission)
    services.record_delivery(senco, commission, DeliveryLine(child.pk, day, "attended"))
    with pytest.raises(ValidationError, match="have been charged"):
        services.record_delivery(
            senco, commission, DeliveryLine(child.pk, day - dt.timedelta(days=1), "attended")
        )
    assert balances(pot).spent == 6500


def test_closing_releases_what_was_not_charged(world):
    pot, commission = approved(world, world.children[:2])
    child = world.children[0]
    services.record_delivery(
        world.senco_for(child),
        commission,
        DeliveryLine(child.pk, a_past_day(commission), "attended"),
    )
    services.close_commission(commission, world.lead)
    now = balances(pot)
    assert now.committed == 0
    assert now.available == 1_000_000 - 6500
    assert reconcile().problems == []


def test_a_bad_funding_section_stops_the_pack_loading(tmp_path):
    from pathlib import Path

    from passport.core.policy import PolicyPackError, load_policy_pack

    shipped = Path(__file__).resolve().parents[4] / "policy" / "england-2026.toml"
    text = shipped.read_text()
    for old, new, named in (
        (
            "approval_threshold_pence = 500000",
            "approval_threshold_pence = -1",
            "approval_threshold_pence",
        ),
        ('"attended", "missed"', '"attended", "teleported"', "teleported"),
        ('financial_year_starts = "04-01"', 'financial_year_starts = "13-01"', "not a date"),
    ):
        pack = tmp_path / "pack.toml"
        pack.write_text(text.replace(old, new))
        with pytest.raises(PolicyPackError, match=named):
            load_policy_pack(pack)


def test_a_charge_cannot_be_reversed_once_its_commission_has_closed_elsewhere(world):
    pot, commission = approved(world, world.children[:2])
    child = world.children[0]
    services.record_delivery(
        world.senco_for(child),
        commission,
        DeliveryLine(child.pk, a_past_day(commission), "attended"),
    )
    # The cluster lead opened the charge before someone else closed the commission.
    charge = LedgerEntry.objects.select_related("commission").get(kind="delivery_charge")
    services.close_commission(commission, world.lead)
    before = balances(pot)

    with pytest.raises(ValidationError, match="closed"):
        services.reverse(charge, world.lead)

    assert balances(pot) == before
    assert reconcile().problems == []


def test_a_reversed_charge_gives_the_child_their_session_back(world):
    pot, commission = approved(world, world.children[:1], units=1)
    child = world.children[0]
    senco = world.senco_for(child)
    day = a_past_day(commission)
    services.record_delivery(senco, commission, DeliveryLine(child.pk, day, "attended"))
    # Recorded against the wrong day: the cluster lead reverses the charge.
    services.reverse(LedgerEntry.objects.get(kind="delivery_charge"), world.lead)

    services.record_delivery(
        senco, commission, DeliveryLine(child.pk, day - dt.timedelta(days=1), "attended")
    )

    assert balances(pot).spent == 6500
    assert reconcile().problems == []
