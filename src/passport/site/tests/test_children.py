"""Listing, reading and adding children over the API."""

from __future__ import annotations

import datetime as dt

import pytest

from passport.children.models import Child
from passport.core.dates import today
from passport.core.identifiers import make_upn
from passport.organisations.models import Setting
from passport.passports.models import Passport, RankedNeed
from passport.people.models import Role, User
from passport.site.tests.conftest import VALID_BODIES, Api
from passport.testing.factories import (
    MembershipFactory,
    SettingFactory,
    child_on_roll,
    put_at_layer,
    staff,
)


def test_list_shows_each_childs_current_layer_primary_need_and_provision(
    api: Api, senco: User, child: Child
) -> None:
    put_at_layer(child.passport, "universal", senco, starts_on=dt.date(2023, 9, 4))
    put_at_layer(child.passport, "targeted", senco, starts_on=dt.date(2024, 9, 2))
    RankedNeed.objects.create(passport=child.passport, need_type="SLCN", rank=1)
    RankedNeed.objects.create(passport=child.passport, need_type="ASD", rank=2)

    [summary] = api.as_user(senco).get("/api/children").json()["items"]

    assert summary["given_name"] == "Maya"
    assert summary["date_of_birth"] == "2017-03-14"
    assert summary["upn"] == child.upn
    assert summary["current_layer"] == {"code": "targeted", "name": "Targeted"}
    assert summary["primary_need"]["code"] == "SLCN"
    assert summary["sen_provision"] == {"code": "K", "name": "SEN support"}


def test_list_searches_names_and_upns(
    api: Api, senco: User, setting: Setting, child: Child
) -> None:
    child_on_roll(setting, given_name="Tom", family_name="Baker")
    api.as_user(senco)

    def found(q: str) -> list[str]:
        return [c["given_name"] for c in api.get(f"/api/children?q={q}").json()["items"]]

    assert found("hugh") == ["Maya"]
    assert found("maya%20hughes") == ["Maya"]
    assert found(child.upn.lower()) == ["Maya"]
    assert found("nobody") == []


def test_list_filters_by_current_layer_and_need_type(
    api: Api, senco: User, setting: Setting, child: Child
) -> None:
    other = child_on_roll(setting, given_name="Tom")
    put_at_layer(child.passport, "targeted", senco)
    put_at_layer(other.passport, "universal", senco)
    RankedNeed.objects.create(passport=other.passport, need_type="HI", rank=2)
    api.as_user(senco)

    assert [c["id"] for c in api.get("/api/children?layer=targeted").json()["items"]] == [child.pk]
    assert [c["id"] for c in api.get("/api/children?need_type=HI").json()["items"]] == [other.pk]


def test_list_refuses_a_layer_the_policy_pack_does_not_have(api: Api, senco: User) -> None:
    problem = api.as_user(senco).get("/api/children?layer=tier_9").json()

    assert problem["status"] == 422
    assert problem["errors"][0]["field"] == "layer"
    assert "'targeted'" in problem["errors"][0]["message"]


def test_list_pages_with_limit_and_offset_and_counts_every_match(
    api: Api, senco: User, setting: Setting
) -> None:
    for name in ["Ada", "Ben", "Cai", "Dev", "Eve"]:
        child_on_roll(setting, given_name=name, family_name="Smith")
    api.as_user(senco)

    page = api.get("/api/children?limit=2&offset=2").json()

    assert page["count"] == 5
    assert (page["limit"], page["offset"]) == (2, 2)
    assert [c["given_name"] for c in page["items"]] == ["Cai", "Dev"]


@pytest.mark.parametrize(
    "query", ["limit=101", "limit=0", "offset=-1", "limit=ten", "q=%00", "q=" + "a" * 101]
)
def test_list_refuses_a_page_size_over_100_or_a_nonsense_page(
    api: Api, senco: User, query: str
) -> None:
    response = api.as_user(senco).get(f"/api/children?{query}")

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == query.split("=")[0]


def test_child_details_include_enrolments_and_the_current_setting(
    api: Api, senco: User, setting: Setting
) -> None:
    earlier = SettingFactory(name="Ash Nursery")
    child = child_on_roll(setting)
    child.enrolments.create(
        setting=earlier, starts_on=dt.date(2020, 9, 1), ends_on=dt.date(2021, 7, 20)
    )

    details = api.as_user(senco).get(f"/api/children/{child.pk}").json()

    assert details["current_setting"]["name"] == "Oak Primary"
    assert [(e["setting"]["name"], e["current"]) for e in details["enrolments"]] == [
        ("Oak Primary", True),
        ("Ash Nursery", False),
    ]


def test_senco_adds_a_child_to_their_only_setting_and_a_passport_is_started(
    api: Api, senco: User, setting: Setting
) -> None:
    upn = make_upn("801", "2000", 321)

    response = api.as_user(senco).post(
        "/api/children", {**VALID_BODIES["add_child"], "upn": upn.lower()}
    )

    assert response.status_code == 201
    child = Child.objects.get(family_name="Okafor")
    assert response["Location"] == f"/api/children/{child.pk}"
    assert response.json()["upn"] == upn
    assert response.json()["current_setting"]["id"] == setting.pk
    assert Passport.objects.filter(child=child).exists()
    assert api.get(response["Location"]).status_code == 200


def test_senco_at_two_settings_must_say_which(
    api: Api, senco: User, other_setting: Setting
) -> None:
    MembershipFactory(user=senco, role=Role.SENCO, setting=other_setting)
    api.as_user(senco)

    unsaid = api.post("/api/children", VALID_BODIES["add_child"])
    said = api.post("/api/children", {**VALID_BODIES["add_child"], "setting_id": other_setting.pk})

    assert unsaid.status_code == 422
    assert unsaid.json()["errors"][0]["field"] == "setting_id"
    assert "Elm Primary" in unsaid.json()["errors"][0]["message"]
    assert said.status_code == 201
    assert said.json()["current_setting"]["name"] == "Elm Primary"


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"upn": "H80120000100"}, "upn", "13 characters"),
        ({"upn": "A801200001001"}, "upn", "check letter"),
        (
            {"date_of_birth": (today() + dt.timedelta(days=1)).isoformat()},
            "date_of_birth",
            "in the past",
        ),
        ({"starts_on": "2010-01-01"}, "starts_on", "after the date of birth"),
        ({"given_name": "<script>alert(1)</script>"}, "given_name", "must not contain HTML"),
        ({"given_name": "A" * 101}, "given_name", "100 characters or fewer"),
        ({"given_name": "   "}, "given_name", "Enter given_name"),
        ({"date_of_birth": "14/03/2017"}, "date_of_birth", "like 2025-09-01"),
        ({"date_of_birth": 1489449600}, "date_of_birth", "like 2025-09-01"),
        ({"setting_id": 2**70}, "setting_id", "or less"),
    ],
)
def test_adding_a_child_with_a_mistake_names_the_field_and_the_fix(
    api: Api, senco: User, change: dict, field: str, words: str
) -> None:
    response = api.as_user(senco).post("/api/children", {**VALID_BODIES["add_child"], **change})

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    messages = {error["field"]: error["message"] for error in response.json()["errors"]}
    assert words in messages[field]
    assert not Child.objects.filter(family_name="Okafor").exists()


def test_adding_a_child_without_a_required_field_names_it(api: Api, senco: User) -> None:
    body = {k: v for k, v in VALID_BODIES["add_child"].items() if k != "family_name"}

    problem = api.as_user(senco).post("/api/children", body).json()

    assert problem["errors"] == [
        {"field": "family_name", "message": "Enter family_name: it is required"}
    ]


def test_adding_a_child_whose_upn_is_already_recorded_names_the_upn(
    api: Api, senco: User, child: Child
) -> None:
    response = api.as_user(senco).post(
        "/api/children", {**VALID_BODIES["add_child"], "upn": child.upn}
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "upn"
    assert "already recorded" in response.json()["errors"][0]["message"]


def test_a_upn_with_a_non_english_la_code_is_kept_once_confirmed(api: Api, senco: User) -> None:
    welsh = make_upn("660", "2000", 1)
    api.as_user(senco)

    unconfirmed = api.post("/api/children", {**VALID_BODIES["add_child"], "upn": welsh})
    confirmed = api.post(
        "/api/children", {**VALID_BODIES["add_child"], "upn": welsh, "upn_la_code_confirmed": True}
    )

    assert unconfirmed.status_code == 422
    assert unconfirmed.json()["errors"][0]["field"] == "upn"
    assert confirmed.status_code == 201


def test_setting_head_may_add_children_too(api: Api, setting: Setting) -> None:
    head = staff(Role.SETTING_HEAD, setting)

    assert api.as_user(head).post("/api/children", VALID_BODIES["add_child"]).status_code == 201
