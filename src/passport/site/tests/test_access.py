"""Who may read and change which child over the API: the access policy, and nothing else."""

from __future__ import annotations

import datetime as dt

import pytest

from passport.children.models import Child, Enrolment
from passport.core.dates import today
from passport.organisations.models import Setting
from passport.passports.models import Passport, Strategy
from passport.people.models import Role, User
from passport.site.tests.conftest import VALID_BODIES, Api
from passport.site.tests.operations import Operation, child_operations
from passport.testing.factories import child_on_roll, parent_of, staff

CHILD_OPERATIONS = child_operations()
WRITES = [operation for operation in CHILD_OPERATIONS if not operation.is_read]
READS = [operation for operation in CHILD_OPERATIONS if operation.is_read]


def call(api: Api, operation: Operation, child: Child, item_ids: dict[str, int]):
    return api.call(
        operation.method,
        operation.url(child.pk, item_ids),
        VALID_BODIES.get(operation.operation_id),
    )


def test_senco_lists_only_the_children_on_roll_at_their_setting(
    api: Api, senco: User, child: Child, other_setting: Setting
) -> None:
    child_on_roll(other_setting, given_name="Elsewhere")

    listed = api.as_user(senco).get("/api/children").json()

    assert listed["count"] == 1
    assert [item["id"] for item in listed["items"]] == [child.pk]


def test_senco_no_longer_sees_a_child_who_has_left_their_setting(
    api: Api, senco: User, child: Child
) -> None:
    Enrolment.objects.filter(child=child).update(ends_on=today() - dt.timedelta(days=1))

    assert api.as_user(senco).get("/api/children").json()["count"] == 0
    assert api.get(f"/api/children/{child.pk}/passport").status_code == 404


@pytest.mark.parametrize("operation", CHILD_OPERATIONS, ids=str)
def test_unrelated_senco_gets_404_on_every_operation_on_a_child(
    api: Api, unrelated_senco: User, child: Child, item_ids: dict[str, int], operation: Operation
) -> None:
    version_before = child.passport.version

    response = call(api.as_user(unrelated_senco), operation, child, item_ids)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert child.given_name not in response.content.decode()
    assert Passport.objects.get(child=child).version == version_before


@pytest.mark.parametrize("operation", CHILD_OPERATIONS, ids=str)
def test_parent_of_another_child_gets_404_on_every_operation_on_a_child(
    api: Api, setting: Setting, child: Child, item_ids: dict[str, int], operation: Operation
) -> None:
    their_own = child_on_roll(setting)
    parent = parent_of(their_own)

    response = call(api.as_user(parent), operation, child, item_ids)

    assert response.status_code == 404


def test_a_child_nobody_may_see_looks_the_same_as_one_that_does_not_exist(
    api: Api, unrelated_senco: User, child: Child
) -> None:
    api.as_user(unrelated_senco)

    hidden = api.get(f"/api/children/{child.pk}").json()
    missing = api.get("/api/children/999999").json()

    assert (hidden["status"], hidden["detail"]) == (missing["status"], missing["detail"])


@pytest.mark.parametrize("operation", READS, ids=str)
def test_teacher_at_the_setting_can_read_everything(
    api: Api, setting: Setting, child: Child, item_ids: dict[str, int], operation: Operation
) -> None:
    teacher = staff(Role.TEACHER, setting)

    assert call(api.as_user(teacher), operation, child, item_ids).status_code == 200


@pytest.mark.parametrize("operation", WRITES, ids=str)
def test_teacher_at_the_setting_gets_404_on_every_change(
    api: Api, setting: Setting, child: Child, item_ids: dict[str, int], operation: Operation
) -> None:
    teacher = staff(Role.TEACHER, setting)

    assert call(api.as_user(teacher), operation, child, item_ids).status_code == 404
    assert Strategy.objects.filter(pk=item_ids["strategy"]).exists()


@pytest.mark.parametrize("operation", READS, ids=str)
def test_parent_can_read_their_childs_passport(
    api: Api, child: Child, item_ids: dict[str, int], operation: Operation
) -> None:
    assert call(api.as_user(parent_of(child)), operation, child, item_ids).status_code == 200


def test_parent_can_add_their_own_words_to_about_me(api: Api, child: Child) -> None:
    parent = parent_of(child)

    response = api.as_user(parent).post(
        f"/api/children/{child.pk}/passport/about-me/contributions",
        {"voice": "parent", "text": "Loves trains"},
    )

    assert response.status_code == 201
    assert response.json()["author"] == str(parent)
    assert child.passport.about_me_contributions.get().text == "Loves trains"


@pytest.mark.parametrize(
    "operation", [w for w in WRITES if w.operation_id != "add_about_me_contribution"], ids=str
)
def test_parent_gets_404_on_every_other_change(
    api: Api, child: Child, item_ids: dict[str, int], operation: Operation
) -> None:
    assert call(api.as_user(parent_of(child)), operation, child, item_ids).status_code == 404


def test_parent_cannot_change_needs(api: Api, child: Child) -> None:
    response = api.as_user(parent_of(child)).put(
        f"/api/children/{child.pk}/passport/needs", VALID_BODIES["set_needs"]
    )

    assert response.status_code == 404
    assert not child.passport.ranked_needs.exists()


def test_item_of_another_childs_passport_is_404_even_for_a_senco_who_sees_both(
    api: Api, senco: User, setting: Setting, child: Child, item_ids: dict[str, int]
) -> None:
    sibling = child_on_roll(setting)
    url = f"/api/children/{sibling.pk}/passport/what-works/{item_ids['strategy']}"
    api.as_user(senco)

    assert api.get(url).status_code == 404
    assert api.put(url, VALID_BODIES["change_strategy"]).status_code == 404
    assert api.delete(url).status_code == 404
    assert Strategy.objects.get(pk=item_ids["strategy"]).description == "Visual timetable"


def test_parent_cannot_add_a_child_to_a_roll(api: Api, child: Child) -> None:
    response = api.as_user(parent_of(child)).post("/api/children", VALID_BODIES["add_child"])

    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


def test_teacher_cannot_add_a_child_to_a_roll(api: Api, setting: Setting) -> None:
    teacher = staff(Role.TEACHER, setting)

    assert api.as_user(teacher).post("/api/children", VALID_BODIES["add_child"]).status_code == 403


def test_senco_cannot_add_a_child_to_another_setting(
    api: Api, senco: User, other_setting: Setting
) -> None:
    body = {**VALID_BODIES["add_child"], "setting_id": other_setting.pk}

    response = api.as_user(senco).post("/api/children", body)

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "setting_id"
    assert not Child.objects.filter(family_name="Okafor").exists()
