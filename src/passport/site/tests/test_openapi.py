"""The OpenAPI document: served, OpenAPI 3.1, and honest about every error an operation returns."""

from __future__ import annotations

from typing import Any

import pytest

from passport.site.tests.conftest import VALID_BODIES, Api
from passport.site.tests.operations import Operation, all_operations

OPERATIONS = all_operations()


@pytest.fixture
def document(api: Api) -> dict[str, Any]:
    response = api.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in refs(value)]
    return []


def test_openapi_is_served_to_anyone_as_openapi_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.1.")
    assert document["info"] == {**document["info"], "title": "Support Passport API", "version": "1"}


def test_every_reference_in_the_document_resolves(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]

    for ref in refs(document):
        assert ref.removeprefix("#/components/schemas/") in schemas, ref


def test_operation_ids_are_unique_and_read_as_verbs(document: dict[str, Any]) -> None:
    ids = [op["operationId"] for methods in document["paths"].values() for op in methods.values()]

    assert len(ids) == len(set(ids))
    assert "set_needs" in ids and "add_strategy" in ids and "remove_review" in ids


GRANTS_NAMING_A_CHILD_IN_THE_BODY = {"admit_child"}
# Plan changes name the plan in the body and carry its version (If-Match), like a child's page.
VERSIONED_PLANS = {
    "change_draft_plan",
    "issue_amended_plan",
    "record_setting_response",
    "record_representations",
    "record_review_report",
    "confirm_existing_plan",
    "decide_to_cease",
    "record_ceasing_appeal",
    "record_tribunal_outcome",
}


@pytest.mark.parametrize("operation", OPERATIONS, ids=str)
def test_every_operation_declares_its_errors_as_problem_json(
    document: dict[str, Any], operation: Operation
) -> None:
    responses = document["paths"][operation.path][operation.method]["responses"]
    about_a_child = "{child_id}" in operation.path
    expected = {"401", "422"}
    # A read that names a row in its path (a child, or a directory service) can answer 404, and
    # so can a decision on a transfer, to anyone who may not decide it.
    # An admission names its child in the body: refused, it answers 404 like the child door.
    if (
        about_a_child
        or ("{" in operation.path and (operation.is_read or "{transfer_id}" in operation.path))
        or operation.operation_id in GRANTS_NAMING_A_CHILD_IN_THE_BODY
    ):
        expected |= {"404"}
    if not operation.is_read:
        expected |= {"400", "403", "409", "413", "415"}
    if (about_a_child and not operation.is_read) or operation.operation_id in VERSIONED_PLANS:
        expected |= {"412"}

    assert responses.keys() - {"200", "201", "204"} == expected
    for status in responses.keys() - {"200", "201", "204"}:
        assert list(responses[status]["content"]) == ["application/problem+json"]
        assert responses[status]["content"]["application/problem+json"]["schema"] == {
            "$ref": "#/components/schemas/Problem"
        }


def test_every_operation_with_a_body_has_a_valid_example_in_these_tests(
    document: dict[str, Any],
) -> None:
    with_bodies = {
        op["operationId"]
        for methods in document["paths"].values()
        for op in methods.values()
        if "requestBody" in op
    }

    assert with_bodies == set(VALID_BODIES)


def test_request_limits_come_from_the_models(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]

    assert schemas["AboutMeIn"]["properties"]["liked_about_me"]["maxLength"] == 3000
    assert schemas["SupportItemIn"]["properties"]["delivered_by"]["maxLength"] == 200
    assert schemas["StrategyIn"]["properties"]["kind"] == {
        **schemas["StrategyIn"]["properties"]["kind"]
    }
    assert schemas["Kind"]["enum"] == ["strategy", "adjustment"]


def test_the_interactive_docs_are_served(api: Api) -> None:
    response = api.get("/api/docs")

    assert response.status_code == 200
    assert b"/api/openapi.json" in response.content
