"""The demo EHC cases fill every section of the caseworker's dashboard."""

from __future__ import annotations

import pytest

from passport.access.policies import visible_children
from passport.ehcp import services
from passport.ehcp.demo import build_ehcp_cases
from passport.ehcp.models import AssessmentRequest, Plan
from passport.testing.factories import child_on_roll, local_authority

pytestmark = pytest.mark.django_db


def test_demo_cases_give_the_caseworker_overdue_due_and_at_risk_steps(case):
    for _ in range(5):
        child_on_roll(case.setting, home_local_authority=local_authority())

    assert build_ehcp_cases(case.caseworker.email) == 5

    sections = services.dashboard_sections(visible_children(case.caseworker))
    assert {key: len(rows) for key, rows in sections.items()} == {
        "overdue": 1,
        "due_this_week": 1,
        "at_risk": 1,
    }
    assert Plan.objects.filter(status="final").count() == 1
    assert Plan.objects.filter(status="draft").count() == 1
    assert AssessmentRequest.objects.filter(status="received").count() == 3


def test_no_caseworker_no_cases(db):
    assert build_ehcp_cases("nobody@example.org") == 0
