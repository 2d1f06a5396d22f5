"""Operations that name the child in the body (admissions, every EHC step) or as `{child}` in
the path refuse anyone without a relationship, the same way as for a child that does not exist,
and write nothing. `test_access.py` covers the operations under `/children/{child_id}`."""

from __future__ import annotations

import re

import pytest

from passport.children.models import Child, Enrolment
from passport.ehcp.models import AdviceRequest, AssessmentDecision, AssessmentRequest, Plan
from passport.organisations.models import Setting
from passport.people.models import User
from passport.site.tests.conftest import VALID_BODIES, Api
from passport.site.tests.operations import Operation, all_operations
from passport.testing.factories import child_on_roll, parent_of
from passport.transitions.models import Admission

OPERATIONS = all_operations()
NAMED_IN_BODY = [op for op in OPERATIONS if "child_id" in VALID_BODIES.get(op.operation_id, {})]
NAMED_IN_PATH = [op for op in OPERATIONS if "{child}" in op.path]
WRITTEN = (Enrolment, Admission, AssessmentRequest, AssessmentDecision, AdviceRequest, Plan)


def test_the_lists_are_not_empty() -> None:
    # If the operations were renamed away, the tests below would pass by testing nothing.
    assert len(NAMED_IN_BODY) >= 10 and len(NAMED_IN_PATH) >= 2


def _counts() -> list[int]:
    return [model.objects.count() for model in WRITTEN]


def _refused_as_unknown(response, child: Child) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code in (404, 422), response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.content.decode()
    assert child.given_name not in body and child.family_name not in body
    if response.status_code == 422:
        assert "child_id" in body


@pytest.mark.parametrize("operation", NAMED_IN_BODY, ids=str)
@pytest.mark.parametrize("who", ["unrelated_senco", "parent_of_another_child"])
def test_naming_a_child_you_have_no_relationship_with_is_refused_and_writes_nothing(
    api: Api,
    setting: Setting,
    unrelated_senco: User,
    child: Child,
    operation: Operation,
    who: str,
) -> None:
    stranger = unrelated_senco if who == "unrelated_senco" else parent_of(child_on_roll(setting))
    body = {**VALID_BODIES[operation.operation_id], "child_id": child.pk}
    before = _counts()
    # Any other row the path names (a consultation, a transfer) is a well-formed id: the
    # refusal must come from the child named in the body.
    path = re.sub(r"\{[a-z_]+\}", "1", operation.path)

    response = api.as_user(stranger).call(operation.method, path, body)

    _refused_as_unknown(response, child)
    assert _counts() == before
    missing = api.call(operation.method, path, {**body, "child_id": 999_999})
    assert (missing.status_code, missing.json().get("errors")) == (
        response.status_code,
        response.json().get("errors"),
    )


@pytest.mark.parametrize("operation", NAMED_IN_PATH, ids=str)
def test_reading_a_child_you_have_no_relationship_with_is_404(
    api: Api, unrelated_senco: User, child: Child, operation: Operation
) -> None:
    response = api.as_user(unrelated_senco).get(operation.path.replace("{child}", str(child.pk)))

    assert response.status_code == 404
    _refused_as_unknown(response, child)
