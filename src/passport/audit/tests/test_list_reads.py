"""A list or search of children records which children it showed, one audit row each, and the
family sees it on 'Who has seen this passport'."""

from __future__ import annotations

import pytest
from django.urls import reverse

from passport.audit.models import AuditAction, AuditEvent
from passport.people.models import Role
from passport.testing.factories import SettingFactory, child_on_roll, parent_of, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def school():
    return SettingFactory(name="Oakfield Primary")


@pytest.fixture
def senco(school):
    return staff(Role.SENCO, school, user__full_name="Sian Patel")


@pytest.fixture
def children(school):
    return [
        child_on_roll(school, given_name=given, family_name=family)
        for given, family in (("Amara", "Okafor"), ("Ben", "Hale"), ("Cara", "Jones"))
    ]


def listed(response) -> list[tuple[int | None, str]]:
    """Return (child id, actor) of the list rows the response's request wrote."""
    return list(
        AuditEvent.objects.filter(
            action=AuditAction.LIST, request_id=response["X-Request-ID"]
        ).values_list("child_id", "actor_name")
    )


def test_the_children_list_records_each_child_it_showed(client, senco, children):
    client.force_login(senco)
    response = client.get(reverse("children"))
    assert response.status_code == 200
    assert sorted(listed(response)) == sorted((c.pk, "Sian Patel") for c in children)


def test_a_search_records_only_the_children_it_found(client, senco, children):
    client.force_login(senco)
    response = client.get(reverse("children"), {"q": "Okafor"})
    assert response.status_code == 200
    assert [child_id for child_id, _ in listed(response)] == [children[0].pk]


def test_the_api_list_records_each_child_on_the_page_it_returned(client, senco, children):
    client.force_login(senco)
    response = client.get("/api/children", {"limit": 2, "offset": 1})
    assert response.status_code == 200
    returned = [item["id"] for item in response.json()["items"]]
    assert len(returned) == 2
    assert sorted(child_id for child_id, _ in listed(response)) == sorted(returned)


def test_a_search_that_finds_nobody_is_still_recorded(client, senco, children):
    client.force_login(senco)
    response = client.get(reverse("children"), {"q": "Nobody"})
    assert listed(response) == [(None, "Sian Patel")]


def test_the_family_sees_who_saw_their_child_in_a_list(client, senco, children):
    amara = children[0]
    client.force_login(senco)
    for _ in range(2):
        client.get(reverse("children"))
    client.get(reverse("children"), {"q": "Amara"})
    parent = parent_of(amara)
    client.force_login(parent)
    page = client.get(reverse("who-has-seen", args=[amara.pk])).content.decode()
    assert (
        "Sian Patel, SENCO at Oakfield Primary, saw Amara in a list or search of children "
        "3 times, last at" in page
    )


def test_new_arrivals_records_each_arriving_child(client, school, senco):
    from passport.core.dates import today
    from passport.transitions.services import record_admission

    arriving = [child_on_roll(SettingFactory()) for _ in range(2)]
    for child in arriving:
        record_admission(child, school, today(), by=senco)
    client.force_login(senco)

    response = client.get(reverse("new-arrivals"))

    assert response.status_code == 200
    assert sorted(child_id for child_id, _ in listed(response)) == sorted(c.pk for c in arriving)
    reasons = AuditEvent.objects.filter(request_id=response["X-Request-ID"], action="list")
    assert set(reasons.values_list("reason", flat=True)) == {"new arrivals"}


def test_the_api_new_arrivals_records_each_arriving_child(client, school, senco):
    from passport.core.dates import today
    from passport.transitions.services import record_admission

    arriving = child_on_roll(SettingFactory())
    record_admission(arriving, school, today(), by=senco)
    client.force_login(senco)

    response = client.get("/api/new-arrivals")

    assert [item["child_id"] for item in response.json()] == [arriving.pk]
    assert [child_id for child_id, _ in listed(response)] == [arriving.pk]
