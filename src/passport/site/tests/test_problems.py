"""Every error is a problem detail saying what went wrong and how to fix it; never a 500."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from passport.children.models import Child
from passport.people.models import User
from passport.site.tests.conftest import VALID_BODIES, Api
from passport.site.tests.operations import Operation, all_operations

OPERATIONS = all_operations()
WITH_BODIES = [operation for operation in OPERATIONS if operation.operation_id in VALID_BODIES]
PROBLEM_MEMBERS = {"type", "title", "status", "detail", "instance"}


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem.keys() >= PROBLEM_MEMBERS
    assert problem["status"] == status
    assert problem["instance"] == response.wsgi_request.path
    return problem


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
def test_someone_not_signed_in_gets_401_on_every_operation(
    api: Api, child: Child, item_ids: dict, operation: Operation
) -> None:
    response = api.call(
        operation.method,
        operation.url(child.pk, item_ids),
        VALID_BODIES.get(operation.operation_id),
    )

    problem = assert_problem(response, 401)
    assert problem["detail"].startswith("Sign in")


def test_a_signed_in_change_without_the_csrf_token_is_refused_with_403(
    senco: User, child: Child
) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(senco)

    response = browser.put(
        f"/api/children/{child.pk}/passport/about-me",
        VALID_BODIES["update_about_me"],
        content_type="application/json",
    )

    assert "X-CSRFToken" in assert_problem(response, 403)["detail"]


def test_a_signed_in_change_with_the_csrf_token_is_accepted(senco: User, child: Child) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(senco)
    token = "a" * 32
    browser.cookies["csrftoken"] = token

    response = browser.put(
        f"/api/children/{child.pk}/passport/about-me",
        VALID_BODIES["update_about_me"],
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )

    assert response.status_code == 200


def test_a_read_needs_no_csrf_token(senco: User, child: Child) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(senco)

    assert browser.get(f"/api/children/{child.pk}/passport").status_code == 200


@pytest.mark.parametrize(
    "body", ["{bad json", '{"liked_about_me": "a",}', "\x00\xff", "liked_about_me=a"]
)
def test_a_body_that_is_not_json_is_refused_with_400(
    api: Api, senco: User, url_for, body: str
) -> None:
    problem = assert_problem(api.as_user(senco).put(url_for("/passport/about-me"), body), 400)

    assert "not valid JSON" in problem["detail"]


@pytest.mark.parametrize("body", ["[]", '"text"', "42", "null", "true"])
def test_a_json_body_that_is_not_an_object_is_refused_with_422(
    api: Api, senco: User, url_for, body: str
) -> None:
    problem = assert_problem(api.as_user(senco).put(url_for("/passport/about-me"), body), 422)

    assert problem["errors"][0]["field"] == "body"


def test_an_empty_body_is_refused_asking_for_one(api: Api, senco: User, url_for) -> None:
    problem = assert_problem(api.as_user(senco).put(url_for("/passport/needs"), ""), 422)

    assert problem["errors"] == [
        {
            "field": "body",
            "message": (
                "Send a JSON object in the request body, with the fields described in /api/docs"
            ),
        }
    ]


def test_an_empty_object_names_every_required_field(api: Api, senco: User, url_for) -> None:
    problem = assert_problem(api.as_user(senco).put(url_for("/passport/needs"), {}), 422)

    assert {error["field"] for error in problem["errors"]} == {
        "sen_provision",
        "need_types",
        "needs_description",
    }


def test_a_field_the_api_does_not_know_is_refused_naming_it(api: Api, senco: User, url_for) -> None:
    body = {**VALID_BODIES["set_needs"], "need_type": "SLCN"}

    problem = assert_problem(api.as_user(senco).put(url_for("/passport/needs"), body), 422)

    assert problem["errors"] == [
        {
            "field": "need_type",
            "message": "need_type is not a field of this request: remove it or check its spelling",
        }
    ]


def test_a_validation_problem_has_its_own_type_and_counts_the_errors(
    api: Api, senco: User, url_for
) -> None:
    body = {"layer": "targeted", "starts_on": "soon", "reason": ""}

    problem = assert_problem(api.as_user(senco).post(url_for("/passport/layer"), body), 422)

    assert problem["type"] == "/api/problems/validation"
    assert problem["title"] == "Your request has errors"
    assert problem["detail"].startswith("The request has 2 errors")
    assert [error["field"] for error in problem["errors"]] == ["starts_on", "reason"]


@pytest.mark.parametrize(
    "path", ["/api/children/99999999999999999999999", "/api/children/0", "/api/children/-1"]
)
def test_an_impossible_child_id_is_a_problem_not_a_crash(api: Api, senco: User, path: str) -> None:
    problem = assert_problem(api.as_user(senco).get(path), 422)

    assert problem["errors"][0]["field"] == "child_id"


def test_an_item_id_too_large_for_the_database_is_a_problem_not_a_crash(
    api: Api, senco: User, url_for
) -> None:
    response = api.as_user(senco).delete(url_for(f"/passport/what-works/{2**64}"))

    assert assert_problem(response, 422)["errors"][0]["field"] == "item_id"


def test_a_method_an_address_does_not_allow_is_405_with_allow(
    api: Api, senco: User, url_for
) -> None:
    response = api.as_user(senco).call("PATCH", url_for("/passport/needs"), {})

    assert_problem(response, 405)
    assert set(response["Allow"].split(", ")) == {"GET", "PUT"}


@pytest.mark.parametrize(
    "path", ["/api/", "/api/nothing-here", "/api/children/", "/api/children/1/passport/nope"]
)
def test_an_address_with_no_endpoint_is_a_404_problem(api: Api, senco: User, path: str) -> None:
    problem = assert_problem(api.as_user(senco).get(path), 404)

    assert "/api/docs" in problem["detail"]


def test_a_post_to_an_address_with_no_endpoint_is_404_not_a_csrf_failure(senco: User) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(senco)

    assert_problem(browser.post("/api/nothing-here", {}), 404)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=20), children, max_size=4)
    ),
    max_leaves=12,
)


def mutated_bodies(operation_id: str) -> st.SearchStrategy:
    """Valid bodies with one field replaced by any JSON, or any JSON at all."""
    valid = VALID_BODIES[operation_id]
    one_field_wrong = st.sampled_from(sorted(valid)).flatmap(
        lambda field: JSON.map(lambda value: {**valid, field: value})
    )
    return one_field_wrong | JSON


@pytest.mark.parametrize("operation", WITH_BODIES, ids=str)
def test_no_body_however_wrong_causes_a_server_error(
    api: Api, senco: User, child: Child, item_ids: dict, operation: Operation
) -> None:
    api.as_user(senco)
    url = operation.url(child.pk, item_ids)

    @settings(
        max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(body=mutated_bodies(operation.operation_id))
    def check(body: object) -> None:
        response = api.call(operation.method, url, json.dumps(body))
        assert response.status_code < 500, response.content
        if response.status_code >= 400:
            assert response["Content-Type"] == "application/problem+json"

    check()
