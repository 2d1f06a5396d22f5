"""The funding API: the same rules as the pages, errors as problem details, nothing half done."""

from __future__ import annotations

import datetime as dt

import pytest

from passport.access import services as access_services
from passport.core.dates import today
from passport.funding.models import Delivery, LedgerEntry
from passport.funding.services import balances
from passport.funding.tests.test_ledger import pot_with
from passport.funding.tests.world import build_world
from passport.site.tests.conftest import Api
from passport.testing.factories import parent_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client) -> Api:  # type: ignore[no-untyped-def]
    return Api(client)


def commission_body(world, pot, children, units=6) -> dict:
    first, last = dt.date(pot.financial_year, 4, 1), dt.date(pot.financial_year + 1, 3, 31)
    return {
        "pot_id": pot.pk,
        "service_id": str(world.service.pk),
        "description": "Speech and language therapy",
        "units_per_child": units,
        "starts_on": first.isoformat(),
        "ends_on": last.isoformat(),
        "child_ids": [c.pk for c in children],
    }


def test_cluster_lead_allocates_commissions_and_the_therapist_records(api, world):
    pot = pot_with(world, 0)
    api.as_user(world.lead)
    response = api.post(
        f"/api/funding/pots/{pot.pk}/postings", {"kind": "allocation", "amount_pence": 500_000}
    )
    assert response.status_code == 201 and response.json()["available_pence"] == 500_000
    response = api.post(
        f"/api/funding/groups/{world.group.pk}/commissions",
        commission_body(world, pot, world.children),
    )
    assert response.status_code == 201, response.json()
    commission = response.json()
    assert commission["status"] == "approved" and len(commission["places"]) == 6
    child = world.children[0]
    access_services.give_consent(child, world.provider, ["identity", "support"], parent_of(child))
    day = max(dt.date.fromisoformat(commission["starts_on"]), today() - dt.timedelta(days=2))
    response = api.as_user(world.therapist).post(
        f"/api/funding/commissions/{commission['id']}/deliveries",
        {
            "deliveries": [
                {"child_id": child.pk, "delivered_on": day.isoformat(), "outcome": "attended"}
            ]
        },
    )
    assert response.status_code == 201, response.json()
    assert response.json()[0]["charged_pence"] == 6500
    listed = api.get(f"/api/funding/commissions/{commission['id']}").json()
    assert [p["child_id"] for p in listed["places"]] == [child.pk]  # only the consented child


@pytest.mark.parametrize("amount", [-100, 0, "ten", 1.5, None])
def test_bad_amounts_are_422_and_nothing_is_posted(api, world, amount):
    pot = pot_with(world, 0)
    response = api.as_user(world.lead).post(
        f"/api/funding/pots/{pot.pk}/postings", {"kind": "allocation", "amount_pence": amount}
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert not LedgerEntry.objects.exists()


def test_commission_beyond_the_pot_is_422_naming_the_overspend(api, world):
    pot = pot_with(world, 1000)
    response = api.as_user(world.lead).post(
        f"/api/funding/groups/{world.group.pk}/commissions",
        commission_body(world, pot, world.children[:1]),
    )
    assert response.status_code == 422
    assert "overspend" in response.content.decode()
    assert balances(pot).committed == 0


def test_duplicate_import_is_refused_whole(api, world):
    pot = pot_with(world, 1_000_000)
    commission = (
        api.as_user(world.lead)
        .post(
            f"/api/funding/groups/{world.group.pk}/commissions",
            commission_body(world, pot, world.children[:2]),
        )
        .json()
    )
    child = world.children[0]
    day = max(dt.date.fromisoformat(commission["starts_on"]), today() - dt.timedelta(days=2))
    line = {"child_id": child.pk, "delivered_on": day.isoformat(), "outcome": "attended"}
    other = {
        "child_id": world.children[1].pk,
        "delivered_on": day.isoformat(),
        "outcome": "attended",
    }
    senco = world.senco_for(child)  # both children are at the first setting
    url = f"/api/funding/commissions/{commission['id']}/deliveries"
    assert api.as_user(senco).post(url, {"deliveries": [line]}).status_code == 201
    response = api.post(url, {"deliveries": [other, line]})
    assert response.status_code == 422
    assert "Line 2" in response.content.decode()
    assert Delivery.objects.count() == 1
    assert balances(pot).spent == 6500
    late = {
        **line,
        "delivered_on": (
            dt.date.fromisoformat(commission["ends_on"]) + dt.timedelta(days=1)
        ).isoformat(),
    }
    assert api.post(url, {"deliveries": [late]}).status_code == 422
    stranger = {**line, "child_id": world.children[4].pk}
    assert api.post(url, {"deliveries": [stranger]}).status_code == 422


def test_strangers_get_404(api, world):
    pot = pot_with(world, 1_000_000)
    commission = (
        api.as_user(world.lead)
        .post(
            f"/api/funding/groups/{world.group.pk}/commissions",
            commission_body(world, pot, world.children[:2]),
        )
        .json()
    )
    outsider = build_world(children_per_setting=0)
    for who in (outsider.lead, outsider.sencos[0], outsider.therapist):
        api.as_user(who)
        assert api.get(f"/api/funding/groups/{world.group.pk}/pots").status_code == 404
        assert api.get(f"/api/funding/commissions/{commission['id']}").status_code == 404
        assert (
            api.post(
                f"/api/funding/pots/{pot.pk}/postings", {"kind": "allocation", "amount_pence": 5}
            ).status_code
            == 422  # a change names the id at fault (writes declare no 404)
        )
        session = {
            "child_id": world.children[0].pk,
            "delivered_on": commission["starts_on"],
            "outcome": "attended",
        }
        url = f"/api/funding/commissions/{commission['id']}/deliveries"
        assert api.post(url, {"deliveries": [session]}).status_code == 422
    assert balances(pot).available == 1_000_000 - 2 * 6 * 6500


def test_the_groups_commissioned_services_are_a_valid_oruk_feed(api, world):
    from passport.directory.models import Service
    from passport.directory.oruk.validation import validate_service_page

    Service.objects.create(
        provider=world.provider,
        name="Occupational therapy nobody commissioned",
        support_kind="occupational_therapy",
        unit="hour",
        unit_cost_pence=8500,
    )
    pot = pot_with(world, 500_000)
    api.as_user(world.lead)
    url = f"/api/funding/groups/{world.group.pk}/oruk/services"
    assert api.get(url).json()["contents"] == []
    created = api.post(
        f"/api/funding/groups/{world.group.pk}/commissions",
        commission_body(world, pot, world.children),
    )
    assert created.status_code == 201, created.json()
    page = api.get(url).json()
    assert validate_service_page(page) == []
    assert [s["id"] for s in page["contents"]] == [str(world.service.pk)]
    senco = api.as_user(world.sencos[0]).get(url)
    assert senco.status_code == 200 and senco.json()["total_items"] == 1
    from passport.people.models import Role
    from passport.testing.factories import SettingFactory, staff

    outsider = staff(Role.SENCO, SettingFactory())
    assert api.as_user(outsider).get(url).status_code == 404
