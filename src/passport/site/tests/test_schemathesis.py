"""Fuzz the API against its own OpenAPI document (schemathesis): no 5xx, every response as declared.

For every operation in /api/openapi.json, schemathesis generates requests that fit the document
and requests that break it, sent through the WSGI application as a signed-in SENCO who has
entered their code, in the test database, and aimed at one of the SENCO's children. Bounded and
derandomised, so every run sends the same requests.

(schemathesis's own pytest loader from a fixture does not work with pytest 9.2, so each operation
is a parametrised test that draws its cases with Hypothesis.)
"""

from __future__ import annotations

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
from schemathesis.specs.openapi.checks import response_schema_conformance
from schemathesis.specs.openapi.schemas import OpenApiSchema

from passport.children.models import Child
from passport.organisations.models import Setting
from passport.people.models import User
from passport.site.tests.operations import Operation, all_operations
from passport.testing.factories import child_on_roll
from passport.wsgi import application

EXAMPLES_PER_OPERATION = 15
CSRF_TOKEN = "schemathesis0csrf0token000000000"
CHECKS = [not_a_server_error, response_schema_conformance]


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
