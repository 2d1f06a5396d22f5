"""Items of the list sections over the API: two writers who read the same ETag cannot both
change an item (the second gets 412 and the first's change is kept), and an addition sent twice
with the same Idempotency-Key adds one item."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from passport.children.models import Child
from passport.passports import services
from passport.people.models import User
from passport.site.tests.conftest import VALID_BODIES, Api

Url = Callable[..., str]
SECTIONS = {
    "strategy": "what-works",
    "support_item": "support",
    "outcome": "outcomes",
    "review": "reviews",
}
# The free-text field each item's late, stale change would overwrite.
CHANGED = {
    "strategy": "description",
    "support_item": "rationale",
    "outcome": "progress_notes",
    "review": "progress_summary",
}


@pytest.mark.parametrize("item_name", list(SECTIONS))
def test_two_writers_of_one_item_from_the_same_etag_keep_the_first_change(
    api: Api, senco: User, child: Child, item_ids: dict, url_for: Url, item_name: str
) -> None:
    url = url_for(f"/passport/{SECTIONS[item_name]}/{item_ids[item_name]}")
    colleague = Api(Client()).as_user(senco)
    read = api.as_user(senco).get(url)
    body = VALID_BODIES[f"change_{item_name}"]

    first = colleague.put(
        url, {**body, CHANGED[item_name]: "Written first"}, **{"If-Match": read["ETag"]}
    )
    second = api.put(
        url, {**body, CHANGED[item_name]: "Written late"}, **{"If-Match": read["ETag"]}
    )

    assert first.status_code == 200
    assert second.status_code == 412
    assert second.json()["type"] == "/api/problems/stale-version"
    assert api.get(url).json()[CHANGED[item_name]] == "Written first"


@pytest.mark.parametrize("item_name", list(SECTIONS))
def test_an_addition_sent_twice_with_one_idempotency_key_adds_one_item(
    api: Api, senco: User, child: Child, url_for: Url, item_name: str
) -> None:
    url = url_for(f"/passport/{SECTIONS[item_name]}")
    key = {"Idempotency-Key": "7d9f6c1e-3b8a-4e52-9a41-0c2f5e8b6d13"}
    api.as_user(senco)

    first = api.post(url, VALID_BODIES[f"add_{item_name}"], **key)
    second = api.post(url, VALID_BODIES[f"add_{item_name}"], **key)

    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json()["id"] == first.json()["id"]
    assert second["Location"] == first["Location"]
    model = services.ITEM_SECTIONS[SECTIONS[item_name]]
    assert model.objects.filter(passport__child=child).count() == 1


def test_additions_with_different_keys_or_none_each_add_an_item(
    api: Api, senco: User, child: Child, url_for: Url
) -> None:
    url = url_for("/passport/what-works")
    api.as_user(senco)

    for headers in [{"Idempotency-Key": "a"}, {"Idempotency-Key": "b"}, {}, {}]:
        assert api.post(url, VALID_BODIES["add_strategy"], **headers).status_code == 201

    assert child.passport.strategies.count() == 4
