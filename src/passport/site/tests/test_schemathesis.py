"""Fuzz the API against its own OpenAPI document (schemathesis): no 5xx, every response as declared.

For every operation in /api/openapi.json, schemathesis generates requests that fit the document
and requests that break it, sent through the WSGI application as a signed-in SENCO who has
entered their code, in the test database, and aimed at one of the SENCO's children. Bounded and
derandomised, so every run sends the same requests. The multipart operation (the CTF upload) is
fuzzed as multipart; with the requests that break the document, every operation that takes a body
is also sent bodies in types it does not declare: schemathesis's own probes (text/plain, multipart
without a boundary) and the other type the API uses (a JSON operation gets a multipart form, the
upload gets JSON), which must be refused with 415.

(schemathesis's own pytest loader from a fixture does not work with pytest 9.2, so each operation
is a parametrised test that draws its cases with Hypothesis.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.generation.meta import CONTENT_TYPE_PROBES, coverage_scenario
from schemathesis.specs.openapi.checks import response_schema_conformance
from schemathesis.specs.openapi.schemas import OpenApiSchema

from passport.children.models import Child
from passport.organisations.models import Setting
from passport.people.models import User
from passport.site.tests.conftest import VALID_BODIES
from passport.site.tests.operations import Operation, all_operations
from passport.testing.factories import child_on_roll
from passport.wsgi import application

EXAMPLES_PER_OPERATION = 15
CSRF_TOKEN = "schemathesis0csrf0token000000000"
CHECKS = [not_a_server_error, response_schema_conformance]
# The body types the API uses; each operation is sent the ones it does not declare.
BODY_TYPES = ("application/json", "multipart/form-data")


@pytest.fixture
def api_schema(db: None) -> Iterator[OpenApiSchema]:
    """The OpenAPI document as the running application serves it."""
    # The WSGI handler closes old database connections before and after each request, which
    # would abandon the test's transaction; Django's own test client stops it the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def senco_browser(
    senco: User, setting: Setting, child: Child, item_ids: dict[str, int]
) -> dict[str, Any]:
    """Cookies and headers of a SENCO with children: signed in, code entered, CSRF token set."""
    child_on_roll(setting, given_name="Ben", family_name="Hughes")
    browser = Client()
    browser.force_login(senco)
    return {
        "cookies": {
            settings.SESSION_COOKIE_NAME: browser.cookies[settings.SESSION_COOKIE_NAME].value,
            settings.CSRF_COOKIE_NAME: CSRF_TOKEN,
        },
        "headers": {"X-CSRFToken": CSRF_TOKEN},
    }


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
@pytest.mark.parametrize("operation", all_operations(), ids=str)
def test_the_api_never_fails_and_answers_as_its_openapi_says(
    api_schema: OpenApiSchema,
    senco_browser: dict[str, Any],
    child: Child,
    operation: Operation,
    mode: GenerationMode,
) -> None:
    aimed = {"child_id": child.pk} if "{child_id}" in operation.path else None
    cases = api_schema.find_operation_by_id(operation.operation_id).as_strategy(
        generation_mode=mode, path_parameters=aimed
    )

    @hypothesis_settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases)
    def answers_as_documented(case: schemathesis.Case) -> None:
        case.call_and_validate(checks=CHECKS, **senco_browser)

    answers_as_documented()
    if mode == GenerationMode.NEGATIVE:
        # Here rather than in a test of its own: a test's set-up costs more than these requests.
        bodies_of_other_types_are_refused(api_schema, senco_browser, child, operation)


def bodies_of_other_types_are_refused(
    api_schema: OpenApiSchema, senco_browser: dict[str, Any], child: Child, operation: Operation
) -> None:
    """Send the operation bodies in types it does not declare: never a 5xx, and 415 for a body
    of the other type the API uses."""
    api_operation = api_schema.find_operation_by_id(operation.operation_id)
    if not api_operation.body:
        return
    probes = [
        case
        for case in api_schema.iter_coverage_cases(
            api_operation,
            generation_modes=[GenerationMode.NEGATIVE],
            generation_config=api_schema.config.generation_for(
                operation=api_operation, phase="coverage"
            ),
        )
        if coverage_scenario(case) in CONTENT_TYPE_PROBES
    ]
    for case in probes:
        case.call_and_validate(checks=CHECKS, **senco_browser)
    declared = {body.media_type for body in api_operation.body}
    aimed = {
        name: child.pk if name == "child_id" else 1
        for name in re.findall(r"{(\w+)}", operation.path)
    }
    for media_type in set(BODY_TYPES) - declared:
        case = api_operation.Case(
            media_type=media_type,
            body=VALID_BODIES[operation.operation_id],
            path_parameters=aimed,
        )
        response = case.call_and_validate(checks=CHECKS, **senco_browser)
        assert response.status_code == 415, (operation, media_type, response.text)
        assert response.headers["content-type"] == ["application/problem+json"]
        assert media_type not in response.headers["accept"][0]
