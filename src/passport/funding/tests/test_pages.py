"""The pages: who gets in, forms that explain what is wrong, and what each person sees."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from passport.access import services as access_services
from passport.audit.models import AuditEvent
from passport.core.dates import today
from passport.funding import services
from passport.funding.models import Commission, Delivery, LedgerEntry, Pot, financial_year_bounds
from passport.funding.services import DeliveryLine
from passport.funding.tests.test_ledger import pot_with, request_for
from passport.funding.tests.world import build_world, give_support
from passport.passports.models import RankedNeed
from passport.people.models import Role
from passport.testing.factories import SettingFactory, child_on_roll, parent_of, staff

pytestmark = pytest.mark.django_db


def commissioned(world, children=None):
    pot = pot_with(world, 1_000_000)
    commission = services.create_commission(
        world.lead, world.group, request_for(world, pot, children or world.children)
    )
    return pot, commission


def test_strangers_get_404_on_every_group_page(client, world):
    pot, commission = commissioned(world)
    outsider = build_world(children_per_setting=0)
    urls = [
        reverse("funding-group", args=[world.group.pk]),
        reverse("funding-open-pot", args=[world.group.pk]),
        reverse("funding-new-commission", args=[world.group.pk]),
        reverse("funding-dashboard", args=[world.group.pk]),
        reverse("funding-plan", args=[world.group.pk]),
        reverse("funding-pot", args=[pot.pk]),
        reverse("funding-allocate", args=[pot.pk]),
        reverse("funding-overspend", args=[pot.pk]),
        reverse("funding-commission", args=[commission.pk]),
        reverse("funding-delivery", args=[commission.pk]),
    ]
    for stranger in (outsider.lead, outsider.sencos[0], staff(Role.TEACHER, SettingFactory())):
        client.force_login(stranger)
        for url in urls:
            assert client.get(url).status_code == 404, url
        assert (
            client.post(
                reverse("funding-decide", args=[commission.pk]), {"decision": "close"}
            ).status_code
            == 404
        )
    assert Commission.objects.get(pk=commission.pk).status == Commission.Status.APPROVED


def test_senco_sees_the_pots_but_cannot_manage_them(client, world):
    pot, _ = commissioned(world)
    client.force_login(world.sencos[0])
    page = client.get(reverse("funding-group", args=[world.group.pk])).content.decode()
    assert "Inclusive Mainstream Fund" in page and "Commission a service" not in page
    assert client.get(reverse("funding-allocate", args=[pot.pk])).status_code == 404
    assert client.get(reverse("funding-new-commission", args=[world.group.pk])).status_code == 404


def test_senco_sees_only_their_settings_children_in_a_commission(client, world):
    _, commission = commissioned(world)
    client.force_login(world.sencos[0])
    page = client.get(reverse("funding-commission", args=[commission.pk])).content.decode()
    assert world.children[0].full_name in page
    assert world.children[2].full_name not in page


def test_allocation_form_refuses_nonsense_clearly(client, world):
    pot = pot_with(world, 0)
    client.force_login(world.lead)
    url = reverse("funding-allocate", args=[pot.pk])
    for amount, message in (
        ("abc", "Enter an amount in pounds"),
        ("-50", "Enter an allocation more than zero"),
        ("", "Enter the amount in pounds"),
    ):
        response = client.post(url, {"kind": "allocation", "amount": amount})
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not LedgerEntry.objects.exists()
    response = client.post(url, {"kind": "allocation", "amount": "£1,250.50"})
    assert response.status_code == 302
    assert services.balances(pot).available == 125050


def test_cluster_lead_commissions_from_the_page(client, world):
    pot = pot_with(world, 1_000_000)
    client.force_login(world.lead)
    url = reverse("funding-new-commission", args=[world.group.pk])
    assert world.service.name in client.get(url).content.decode()
    page = client.get(url, {"service": str(world.service.pk)}).content.decode()
    for child in world.children:
        assert child.full_name in page
    first, last = financial_year_bounds(pot.financial_year)
    body = {
        "pot": str(pot.pk),
        "description": "Speech and language therapy",
        "units_per_child": "6",
        "starts_on-day": first.day,
        "starts_on-month": first.month,
        "starts_on-year": first.year,
        "ends_on-day": last.day,
        "ends_on-month": last.month,
        "ends_on-year": last.year,
        "children": [str(c.pk) for c in world.children],
    }
    response = client.post(url + f"?service={world.service.pk}", body)
    assert response.status_code == 302
    commission = Commission.objects.get()
    assert commission.status == Commission.Status.APPROVED
    assert services.balances(pot).committed == 6 * 6 * 6500


def test_a_commission_beyond_the_pot_is_explained_on_the_form(client, world):
    pot = pot_with(world, 100)
    client.force_login(world.lead)
    first, last = financial_year_bounds(pot.financial_year)
    response = client.post(
        reverse("funding-new-commission", args=[world.group.pk]) + f"?service={world.service.pk}",
        {
            "pot": str(pot.pk),
            "description": "SLT",
            "units_per_child": "6",
            "starts_on-day": first.day,
            "starts_on-month": first.month,
            "starts_on-year": first.year,
            "ends_on-day": last.day,
            "ends_on-month": last.month,
            "ends_on-year": last.year,
            "children": [str(world.children[0].pk)],
        },
    )
    assert response.status_code == 200
    assert "overspend" in response.content.decode()
    assert not Commission.objects.exists()


def test_therapist_with_consent_records_a_session_on_the_page(client, world):
    _, commission = commissioned(world, world.children[:2])
    child = world.children[0]
    access_services.give_consent(child, world.provider, ["identity", "support"], parent_of(child))
    client.force_login(world.therapist)
    url = reverse("funding-delivery", args=[commission.pk])
    page = client.get(url).content.decode()
    assert child.full_name in page and world.children[1].full_name not in page
    day = max(commission.starts_on, today() - dt.timedelta(days=1))
    response = client.post(
        url,
        {
            "child": str(child.pk),
            "delivered_on-day": day.day,
            "delivered_on-month": day.month,
            "delivered_on-year": day.year,
            "outcome": "attended",
        },
    )
    assert response.status_code == 302
    assert Delivery.objects.get().charge is not None
    # The child's passport shows specified against delivered to the SENCO.
    client.force_login(world.senco_for(child))
    passport = client.get(reverse("passport", args=[child.pk])).content.decode()
    assert "Specified and delivered" in passport
    assert "30 minutes, once a week" in passport


def test_dashboard_draws_each_chart_with_its_table_and_csv(client, world):
    _, commission = commissioned(world, world.children[:2])
    child = world.children[0]
    services.record_delivery(
        world.senco_for(child),
        commission,
        DeliveryLine(
            child.pk, max(commission.starts_on, today() - dt.timedelta(days=1)), "attended"
        ),
    )
    client.force_login(world.lead)
    url = reverse("funding-dashboard", args=[world.group.pk])
    page = client.get(url).content.decode()
    for title in (
        "Spend against allocation",
        "Cost per child by layer and need type",
        "Delivered against commissioned, by service",
        "Delivered against commissioned, by setting",
    ):
        assert title in page
    assert page.count("<svg") >= 4
    response = client.get(url, {"csv": "spend"})
    assert response["Content-Type"].startswith("text/csv")
    assert "£65.00" in response.content.decode("utf-8-sig")


def test_plan_shows_unmet_need_costed_at_directory_prices(client, world):
    client.force_login(world.lead)
    page = client.get(reverse("funding-plan", args=[world.group.pk])).content.decode()
    # Each setting: two children x 30 minutes a week = 1 hour a week unmet, 39 weeks at £65.
    assert "Speech and language therapy" in page
    assert "£2,535.00" in page
    assert Pot.objects.count() == 0


def test_funding_is_in_the_navigation_for_the_group_only(client, world):
    for user, shown in (
        (world.lead, True),
        (world.sencos[0], True),
        (staff(Role.TEACHER, world.settings[0]), False),
        (staff(Role.SENCO, SettingFactory()), False),
    ):
        client.force_login(user)
        page = client.get(reverse("children")).content.decode()
        assert (f'href="{reverse("funding")}"' in page) is shown, user


def test_senco_names_the_kind_of_support_on_the_passport_form(client, world):
    child = world.children[0]
    client.force_login(world.senco_for(child))
    url = reverse("add-item", args=[child.pk, "support"])
    body = {
        "description": "Occupational therapy programme",
        "intended_outcome": "Holds a pencil comfortably",
        "delivered_by": "Teaching assistant",
        "group_size": "one_to_one",
        "minutes_per_session": "20",
        "sessions_per_period": "2",
        "period": "week",
        "starts_on-day": "1",
        "starts_on-month": "9",
        "starts_on-year": "2025",
        "layer": "targeted",
        "support_kind": "astrology",
    }
    response = client.post(url, body)
    assert "Select the kind of support from the list" in response.content.decode()
    assert client.post(url, {**body, "support_kind": "occupational_therapy"}).status_code == 302
    kinds = set(child.passport.support_items.values_list("support_kind", flat=True))
    assert kinds == {"speech_and_language_therapy", "occupational_therapy"}


def test_a_therapist_sees_a_childs_name_in_a_commission_only_if_consent_covers_identity(
    client, world
):
    _, commission = commissioned(world, world.children[:2])
    named, unnamed = world.children[0], world.children[1]
    access_services.give_consent(named, world.provider, ["identity", "support"], parent_of(named))
    access_services.give_consent(unnamed, world.provider, ["support"], parent_of(unnamed))
    client.force_login(world.therapist)
    page = client.get(reverse("funding-commission", args=[commission.pk])).content.decode()
    assert named.full_name in page
    assert unnamed.full_name not in page and unnamed.family_name not in page


def test_a_therapist_finds_funding_in_the_menu_once_their_provider_delivers_a_commission(
    client, world
):
    client.force_login(world.therapist)
    assert b'href="/funding/"' not in client.get(reverse("children")).content
    assert client.get(reverse("funding")).status_code == 404
    _, commission = commissioned(world)
    assert commission.status == Commission.Status.APPROVED
    assert b'href="/funding/"' in client.get(reverse("children")).content
    assert client.get(reverse("funding")).status_code == 200


def _csv_rows(response):
    import csv
    import io

    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_a_cluster_lead_cannot_read_one_child_s_need_off_the_plan(client, world):
    """The attack: one child, one need, one setting per row named the child's primary need."""
    only_asd = world.children[0]
    RankedNeed.objects.create(passport=only_asd.passport, need_type="ASD", rank=1)
    client.force_login(world.lead)
    url = reverse("funding-plan", args=[world.group.pk])

    rows = _csv_rows(client.get(url, {"csv": "1"}))
    page = client.get(url).content.decode()

    assert not any("ASD" in cell for row in rows for cell in row)
    assert "ASD" not in page
    children = [row[3] for row in rows[1:]]
    assert children and set(children) == {"[c]"}
    assert "fewer than 5 children" in page


def test_a_need_shared_by_enough_children_is_shown_with_its_count(client, world):
    setting = world.settings[0]
    for _ in range(5):
        child = child_on_roll(setting)
        give_support(child)
        RankedNeed.objects.create(passport=child.passport, need_type="SLCN", rank=1)
    client.force_login(world.lead)
    rows = _csv_rows(client.get(reverse("funding-plan", args=[world.group.pk]), {"csv": "1"}))
    assert [setting.name, "Speech and language therapy", "SLCN", "5"] in [r[:4] for r in rows]


def test_the_cost_table_withholds_a_small_group_and_what_would_give_its_count_away(client, world):
    _, commission = commissioned(world, world.children[:1])
    child = world.children[0]
    RankedNeed.objects.create(passport=child.passport, need_type="ASD", rank=1)
    services.record_delivery(
        world.senco_for(child),
        commission,
        DeliveryLine(
            child.pk, max(commission.starts_on, today() - dt.timedelta(days=1)), "attended"
        ),
    )
    client.force_login(world.lead)
    url = reverse("funding-dashboard", args=[world.group.pk])

    rows = _csv_rows(client.get(url, {"csv": "cost"}))

    assert rows[0][:2] == ["Layer and primary need", "Children"]
    assert not any("ASD" in cell for row in rows for cell in row)
    (row,) = rows[1:]
    assert row[1] == "[c]" and row[3] == "[c]"  # per child would give the count away
    assert "ASD" not in client.get(url).content.decode()


def test_downloading_a_funding_csv_is_audited(client, world):
    client.force_login(world.lead)
    client.get(reverse("funding-plan", args=[world.group.pk]), {"csv": "1"})
    event = AuditEvent.objects.get(actor=world.lead, action="export")
    assert event.child_id is None and "commissioning plan" in event.reason
