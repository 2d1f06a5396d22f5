"""Reading and changing a passport over the API: every change is a new version."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from passport.children.models import Child
from passport.passports.models import (
    AboutMeContribution,
    Passport,
    RankedNeed,
    Strategy,
    SupportItem,
)
from passport.passports.services import passport_history
from passport.people.models import User
from passport.site.tests.conftest import VALID_BODIES, Api
from passport.site.tests.operations import Operation, child_operations
from passport.testing.factories import ChildFactory, EnrolmentFactory, put_at_layer

Url = Callable[..., str]
WRITES = [operation for operation in child_operations() if not operation.is_read]


def test_whole_passport_has_every_section(
    api: Api, senco: User, child: Child, item_ids: dict, url_for: Url
) -> None:
    passport = child.passport
    put_at_layer(passport, "universal", senco, starts_on=dt.date(2023, 9, 4))
    put_at_layer(passport, "targeted", senco, starts_on=dt.date(2024, 9, 2))
    RankedNeed.objects.create(passport=passport, need_type="ASD", rank=2)
    RankedNeed.objects.create(passport=passport, need_type="SLCN", rank=1)
    passport.broad_areas = ["CI"]
    passport.save()
    AboutMeContribution.objects.create(
        passport=passport, voice="child", text="I like Lego", author=senco
    )

    response = api.as_user(senco).get(url_for("/passport"))

    body = response.json()
    assert response["ETag"] == f'"{body["version"]}"'
    assert body["child_id"] == child.pk
    assert body["about_me"]["contributions"][0]["text"] == "I like Lego"
    assert body["needs"]["need_types"] == [
        {"rank": 1, "code": "SLCN", "name": "Speech, language and communication needs"},
        {"rank": 2, "code": "ASD", "name": "Autistic spectrum disorder"},
    ]
    assert body["needs"]["broad_areas"] == [{"code": "CI", "name": "Communication and interaction"}]
    assert body["layer"]["current"]["layer"]["code"] == "targeted"
    assert [h["layer"]["code"] for h in body["layer"]["history"]] == ["targeted", "universal"]
    assert body["what_works"][0]["description"] == "Visual timetable"
    assert body["support"][0]["amount"] == "20 minutes, 3 times a week"
    assert body["support"][0]["minutes_per_session"] == 20
    assert body["outcomes"][0]["target_date"] == "2025-07-18"
    assert body["reviews"][0]["decision"] == "continue"


def test_a_child_without_a_passport_answers_404_saying_so(api: Api, senco: User, setting) -> None:
    child = ChildFactory()
    EnrolmentFactory(child=child, setting=setting)

    problem = api.as_user(senco).get(f"/api/children/{child.pk}/passport").json()

    assert problem["status"] == 404
    assert problem["detail"] == "No passport has been started for this child"


def test_put_about_me_replaces_the_answers_and_returns_them(
    api: Api, senco: User, child: Child, url_for: Url
) -> None:
    response = api.as_user(senco).put(
        url_for("/passport/about-me"), VALID_BODIES["update_about_me"]
    )

    assert response.status_code == 200
    assert response.json()["matters_to_me"] == "My dog, Biscuit"
    assert response.json()["version"] == 2
    assert Passport.objects.get(child=child).how_to_support_me == "Tell me what is coming next"


def test_put_needs_ranks_need_types_in_the_order_given(
    api: Api, senco: User, child: Child, url_for: Url
) -> None:
    api.as_user(senco).put(url_for("/passport/needs"), VALID_BODIES["set_needs"])

    swapped = api.put(
        url_for("/passport/needs"), {**VALID_BODIES["set_needs"], "need_types": ["ASD", "SLCN"]}
    )

    assert swapped.status_code == 200
    assert [(n["rank"], n["code"]) for n in swapped.json()["need_types"]] == [
        (1, "ASD"),
        (2, "SLCN"),
    ]
    assert list(child.passport.ranked_needs.values_list("need_type", "rank")) == [
        ("ASD", 1),
        ("SLCN", 2),
    ]


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"need_types": ["SLCN", "ASD", "HI"]}, "need_types", "no more than 2"),
        (
            {"sen_provision": "E", "need_types": ["NSA"]},
            "need_types",
            "can only be used with SEN support",
        ),
        ({"need_types": ["SLCN", "SLCN"]}, "need_types", "different from the primary"),
        ({"need_types": ["XYZ"]}, "need_types", "not a need type"),
        ({"need_types": []}, "need_types", "Select the primary need"),
        ({"sen_provision": "Q"}, "sen_provision", "Select the SEN provision"),
        ({"broad_areas": ["NOPE"]}, "broad_areas", "from the list"),
        ({"needs_description": "x" * 3001}, "needs_description", "3000 characters or fewer"),
        (
            {"needs_description": "Fine <script>alert(1)</script>"},
            "needs_description",
            "must not contain HTML",
        ),
        ({"need_types": "SLCN"}, "need_types", "must be a list"),
    ],
)
def test_needs_with_a_mistake_are_refused_naming_the_field(
    api: Api, senco: User, child: Child, url_for: Url, change: dict, field: str, words: str
) -> None:
    response = api.as_user(senco).put(
        url_for("/passport/needs"), {**VALID_BODIES["set_needs"], **change}
    )

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    messages = {error["field"]: error["message"] for error in response.json()["errors"]}
    assert words in messages[field]
    assert Passport.objects.get(child=child).version == 1


def test_about_me_with_markup_is_refused_naming_the_field(
    api: Api, senco: User, url_for: Url
) -> None:
    body = {**VALID_BODIES["update_about_me"], "matters_to_me": "<img src=x onerror=alert(1)>"}

    problem = api.as_user(senco).put(url_for("/passport/about-me"), body).json()

    assert problem["errors"] == [
        {
            "field": "matters_to_me",
            "message": (
                "matters_to_me must not contain HTML or code such as <script>: "
                "remove the angle brackets"
            ),
        }
    ]


def test_about_me_may_say_less_than_or_heart_in_plain_text(
    api: Api, senco: User, url_for: Url
) -> None:
    body = {
        **VALID_BODIES["update_about_me"],
        "liked_about_me": "Always kind <3, and 2 < 3 in maths",
    }

    assert api.as_user(senco).put(url_for("/passport/about-me"), body).status_code == 200


def test_about_me_without_one_of_its_answers_names_the_missing_field(
    api: Api, senco: User, url_for: Url
) -> None:
    body = {k: v for k, v in VALID_BODIES["update_about_me"].items() if k != "how_to_support_me"}

    problem = api.as_user(senco).put(url_for("/passport/about-me"), body).json()

    assert problem["errors"] == [
        {"field": "how_to_support_me", "message": "Enter how_to_support_me: it is required"}
    ]


def test_about_me_with_every_answer_blank_is_refused(api: Api, senco: User, url_for: Url) -> None:
    body = {"liked_about_me": "", "matters_to_me": " ", "how_to_support_me": ""}

    problem = api.as_user(senco).put(url_for("/passport/about-me"), body).json()

    assert problem["errors"][0]["field"] == "liked_about_me"


def test_changing_the_layer_keeps_the_earlier_one_in_the_history(
    api: Api, senco: User, child: Child, url_for: Url
) -> None:
    put_at_layer(child.passport, "universal", senco, starts_on=dt.date(2024, 9, 2))

    response = api.as_user(senco).post(url_for("/passport/layer"), VALID_BODIES["change_layer"])

    assert response.status_code == 201
    assert response["Location"] == url_for("/passport/layer")
    assert response.json()["current"]["layer"] == {"code": "targeted", "name": "Targeted"}
    assert response.json()["current"]["recorded_by"] == str(senco)
    assert [h["layer"]["code"] for h in response.json()["history"]] == ["targeted", "universal"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"layer": "tier_9"}, "layer"),
        ({"starts_on": "2024-01-01"}, "starts_on"),
        ({"reason": ""}, "reason"),
    ],
)
def test_a_layer_change_with_a_mistake_names_the_field(
    api: Api, senco: User, child: Child, url_for: Url, change: dict, field: str
) -> None:
    put_at_layer(child.passport, "universal", senco, starts_on=dt.date(2024, 9, 2))

    response = api.as_user(senco).post(
        url_for("/passport/layer"), {**VALID_BODIES["change_layer"], **change}
    )

    assert response.status_code == 422
    assert field in {error["field"] for error in response.json()["errors"]}


def test_moving_to_the_layer_the_child_is_already_at_is_refused(
    api: Api, senco: User, child: Child, url_for: Url
) -> None:
    put_at_layer(child.passport, "targeted", senco, starts_on=dt.date(2024, 9, 2))

    problem = (
        api.as_user(senco).post(url_for("/passport/layer"), VALID_BODIES["change_layer"]).json()
    )

    assert problem["errors"][0]["field"] == "layer"
    assert "already at Targeted" in problem["errors"][0]["message"]


def test_a_contribution_in_staff_voice_is_refused(api: Api, senco: User, url_for: Url) -> None:
    problem = (
        api.as_user(senco)
        .post(url_for("/passport/about-me/contributions"), {"voice": "staff", "text": "Noted"})
        .json()
    )

    assert problem["errors"][0]["field"] == "voice"
    assert "'child' or 'parent'" in problem["errors"][0]["message"]


@pytest.mark.parametrize(
    ("section", "item_name"),
    [
        ("what-works", "strategy"),
        ("support", "support_item"),
        ("outcomes", "outcome"),
        ("reviews", "review"),
    ],
)
def test_items_are_added_read_changed_and_removed(
    api: Api, senco: User, url_for: Url, section: str, item_name: str
) -> None:
    body = VALID_BODIES[f"add_{item_name}"]
    api.as_user(senco)

    added = api.post(url_for(f"/passport/{section}"), body)
    location = added["Location"]
    read = api.get(location)
    changed = api.put(
        location,
        {**body, "description": "Changed"}
        if "description" in body
        else {**body, "participants": "Changed"},
    )
    removed = api.delete(location)

    assert added.status_code == 201
    assert location == url_for(f"/passport/{section}/{added.json()['id']}")
    assert read.json() == added.json()
    assert changed.status_code == 200
    assert "Changed" in changed.json().values()
    assert removed.status_code == 204
    assert api.get(location).status_code == 404
    assert api.get(url_for("/passport")).json()["version"] == 4


def test_a_strategy_is_a_strategy_unless_it_says_it_is_an_adjustment(
    api: Api, senco: User, url_for: Url
) -> None:
    added = api.as_user(senco).post(
        url_for("/passport/what-works"), {"description": "Movement breaks"}
    )

    assert added.json()["kind"] == "strategy"


def test_changing_an_item_replaces_every_field(
    api: Api, senco: User, item_ids: dict, url_for: Url
) -> None:
    url = url_for(f"/passport/support/{item_ids['support_item']}")

    api.as_user(senco).put(url, VALID_BODIES["change_support_item"])

    item = SupportItem.objects.get(pk=item_ids["support_item"])
    assert (item.description, item.minutes_per_session, item.period) == (
        "Speech and language group",
        30,
        "week",
    )


@pytest.mark.parametrize(
    ("section", "change", "field"),
    [
        ("support", {"ends_on": "2024-01-01"}, "ends_on"),
        ("support", {"layer": "tier_9"}, "layer"),
        ("support", {"minutes_per_session": 0}, "minutes_per_session"),
        ("support", {"minutes_per_session": 601}, "minutes_per_session"),
        ("support", {"group_size": "crowd"}, "group_size"),
        ("support", {"delivered_by": "x" * 201}, "delivered_by"),
        ("reviews", {"next_review_on": "2025-01-10"}, "next_review_on"),
        ("reviews", {"decision": "shrug"}, "decision"),
        ("outcomes", {"target_date": "next summer"}, "target_date"),
        ("outcomes", {"progress_notes": "<a href=x>more</a>"}, "progress_notes"),
        ("what-works", {"description": ""}, "description"),
    ],
)
def test_an_item_with_a_mistake_names_the_field(
    api: Api, senco: User, child: Child, url_for: Url, section: str, change: dict, field: str
) -> None:
    item_name = {
        "support": "support_item",
        "reviews": "review",
        "outcomes": "outcome",
        "what-works": "strategy",
    }[section]

    response = api.as_user(senco).post(
        url_for(f"/passport/{section}"), {**VALID_BODIES[f"add_{item_name}"], **change}
    )

    assert response.status_code == 422
    assert field in {error["field"] for error in response.json()["errors"]}
    assert Passport.objects.get(child=child).version == 1


@pytest.mark.parametrize("operation", WRITES, ids=str)
def test_every_change_is_a_new_version_with_history(
    api: Api, senco: User, child: Child, item_ids: dict, operation: Operation
) -> None:
    passport = child.passport
    changes_before = passport_history_count(passport)

    response = api.as_user(senco).call(
        operation.method,
        operation.url(child.pk, item_ids),
        VALID_BODIES.get(operation.operation_id),
    )

    assert response.status_code in {200, 201, 204}
    passport.refresh_from_db()
    assert passport.version == 2
    assert response["ETag"] == '"2"'
    assert passport.updated_by == senco
    assert passport_history_count(passport) > changes_before


def passport_history_count(passport: Passport) -> int:
    return len(passport_history(passport))


def test_every_put_of_about_me_adds_a_version(
    api: Api, senco: User, child: Child, url_for: Url
) -> None:
    api.as_user(senco)
    for answer in ["Kind", "Funny", "Brave"]:
        api.put(
            url_for("/passport/about-me"),
            {**VALID_BODIES["update_about_me"], "liked_about_me": answer},
        )

    passport = Passport.objects.get(child=child)
    assert passport.version == 4
    assert [h.liked_about_me for h in passport.history.order_by("history_date")][-3:] == [
        "Kind",
        "Funny",
        "Brave",
    ]


class TestOptimisticConcurrency:
    def test_a_change_made_from_the_current_version_is_saved(
        self, api: Api, senco: User, url_for: Url
    ) -> None:
        etag = api.as_user(senco).get(url_for("/passport")).headers["ETag"]

        response = api.put(
            url_for("/passport/about-me"), VALID_BODIES["update_about_me"], **{"If-Match": etag}
        )

        assert response.status_code == 200
        assert response["ETag"] == '"2"'

    def test_a_change_made_from_a_stale_version_is_refused_with_412(
        self, api: Api, senco: User, child: Child, url_for: Url
    ) -> None:
        api.as_user(senco).put(url_for("/passport/needs"), VALID_BODIES["set_needs"])

        response = api.put(
            url_for("/passport/about-me"), VALID_BODIES["update_about_me"], **{"If-Match": '"1"'}
        )

        assert response.status_code == 412
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["type"] == "/api/problems/stale-version"
        passport = Passport.objects.get(child=child)
        assert (passport.version, passport.matters_to_me) == (2, "")

    def test_expected_version_works_like_if_match(
        self, api: Api, senco: User, child: Child, url_for: Url
    ) -> None:
        api.as_user(senco)

        stale = api.put(url_for("/passport/needs?expected_version=7"), VALID_BODIES["set_needs"])
        current = api.put(url_for("/passport/needs?expected_version=1"), VALID_BODIES["set_needs"])

        assert (stale.status_code, current.status_code) == (412, 200)

    @pytest.mark.parametrize("tag", ['W/"1"', "1", "*"])
    def test_weak_bare_and_star_tags_match_the_current_version(
        self, api: Api, senco: User, url_for: Url, tag: str
    ) -> None:
        response = api.as_user(senco).put(
            url_for("/passport/about-me"), VALID_BODIES["update_about_me"], **{"If-Match": tag}
        )

        assert response.status_code == 200

    @pytest.mark.parametrize("tag", ['"abc"', '"²"', '"99999999999999999999999"', '""'])
    def test_a_tag_the_api_never_issued_is_refused_with_412(
        self, api: Api, senco: User, url_for: Url, tag: str
    ) -> None:
        response = api.as_user(senco).put(
            url_for("/passport/about-me"), VALID_BODIES["update_about_me"], **{"If-Match": tag}
        )

        assert response.status_code == 412

    def test_if_match_and_expected_version_that_disagree_are_refused_with_400(
        self, api: Api, senco: User, url_for: Url
    ) -> None:
        response = api.as_user(senco).put(
            url_for("/passport/about-me?expected_version=2"),
            VALID_BODIES["update_about_me"],
            **{"If-Match": '"1"'},
        )

        assert response.status_code == 400

    @pytest.mark.parametrize("item_name", ["strategy", "support_item", "outcome", "review"])
    def test_stale_if_match_is_refused_on_items_too(
        self, api: Api, senco: User, child: Child, item_ids: dict, url_for: Url, item_name: str
    ) -> None:
        section = {
            "strategy": "what-works",
            "support_item": "support",
            "outcome": "outcomes",
            "review": "reviews",
        }[item_name]
        url = url_for(f"/passport/{section}/{item_ids[item_name]}")
        api.as_user(senco).put(url_for("/passport/about-me"), VALID_BODIES["update_about_me"])
        stale = {"If-Match": '"1"'}

        assert (
            api.post(
                url_for(f"/passport/{section}"), VALID_BODIES[f"add_{item_name}"], **stale
            ).status_code
            == 412
        )
        assert api.put(url, VALID_BODIES[f"change_{item_name}"], **stale).status_code == 412
        assert api.delete(url, **stale).status_code == 412
        assert api.get(url).status_code == 200
        assert Passport.objects.get(child=child).version == 2

    def test_remove_with_the_current_version_removes(
        self, api: Api, senco: User, item_ids: dict, url_for: Url
    ) -> None:
        url = url_for(f"/passport/what-works/{item_ids['strategy']}")

        response = api.as_user(senco).delete(url, **{"If-Match": '"1"'})

        assert response.status_code == 204
        assert not Strategy.objects.filter(pk=item_ids["strategy"]).exists()
