"""Every EHC step over the API, under the access rules, and bad input as problem details."""

from __future__ import annotations

import datetime as dt

import pytest

from passport.access.services import give_consent, record_referral
from passport.ehcp.models import AssessmentRequest, ClockException, Plan
from passport.organisations.models import Provider
from passport.people.models import Role
from passport.site.tests.conftest import Api
from passport.testing.factories import MembershipFactory, staff

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def ago(days: int) -> str:
    return (TODAY - dt.timedelta(days=days)).isoformat()


@pytest.fixture
def api(client) -> Api:  # type: ignore[no-untyped-def]
    return Api(client)


def step(api, case, path, body=None):  # type: ignore[no-untyped-def]
    """POST one EHC step for the case's child."""
    return api.post(f"/api/ehcp/{path}", {"child_id": case.child.pk, **(body or {})})


def test_the_whole_way_over_the_api(api, case):
    api.as_user(case.parent)
    made = step(api, case, "requests", {"reason": "Please assess", "received_on": ago(100)})
    assert made.status_code == 201, made.json()
    assert made.json()["requester_kind"] == "parent"

    api.as_user(case.caseworker)
    decided = step(api, case, "decisions-to-assess", {"assess": True, "decided_on": ago(70)})
    assert decided.status_code == 201
    advice = step(
        api,
        case,
        "advice-requests",
        {"adviser_kind": "health", "adviser": "Community paediatrician", "asked_on": ago(65)},
    )
    assert advice.status_code == 201
    given = step(
        api, case, "advice", {"advice_request_id": advice.json()["id"], "received_on": ago(40)}
    )
    assert given.json()["received_on"] == ago(40)
    draft = step(
        api,
        case,
        "draft-plans",
        {
            "issued_on": ago(30),
            "sections": {"section_a": "Amara loves drawing"},
            "outcomes": [{"description": "Reads a short book", "broad_area": "CL"}],
            "provisions": [
                {
                    "description": "Daily phonics",
                    "how_often": "20 minutes a day",
                    "outcome_position": 1,
                }
            ],
        },
    )
    assert draft.status_code == 201, draft.json()
    assert draft.json()["section_f"][0]["outcome_position"] == 1
    consulted = step(
        api, case, "setting-consultations", {"setting_urn": case.setting.urn, "sent_on": ago(30)}
    )
    assert consulted.status_code == 201, consulted.json()
    assert consulted.json()["respond_by"] == ago(15)
    final = step(
        api, case, "final-plans", {"placement_urn": case.setting.urn, "finalised_on": ago(10)}
    )
    assert final.status_code == 201, final.json()
    assert (final.json()["status"], final.json()["section_i_setting_id"]) == (
        "final",
        case.setting.pk,
    )

    api.as_user(case.parent)
    read = api.get(f"/api/ehcp/cases/{case.child.pk}").json()
    assert {s["step"]: s["state"] for s in read["steps"]}["final_plan"] == "done"
    plan = api.get(f"/api/ehcp/plans/{case.child.pk}").json()
    assert plan["section_e"][0]["description"] == "Reads a short book"


def test_no_standing_no_decision_for_a_parent_and_nothing_for_strangers(api, case):
    teacher = staff(Role.TEACHER, case.setting)
    refused = step(api.as_user(teacher), case, "requests", {"reason": "x"})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "child_id"
    assert api.get(f"/api/ehcp/cases/{case.child.pk}").status_code == 404  # no EHC section
    stranger = MembershipFactory(
        role=Role.LA_CASEWORKER, setting=None, local_authority=case.setting.local_authority
    ).user
    assert api.as_user(stranger).get(f"/api/ehcp/cases/{case.child.pk}").status_code == 404
    step(api.as_user(case.parent), case, "requests", {"reason": "Please"})
    assert step(api, case, "decisions-to-assess", {"assess": True}).status_code == 422
    assert AssessmentRequest.objects.get().status == "received"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("decisions-to-assess", {"assess": True, "decided_on": "2020-01-01"}, "decided_on"),
        ("decisions-to-assess", {"assess": False}, "reason"),
        ("final-plans", {"placement_urn": "100001"}, None),
        ("draft-plans", {}, None),
        (
            "clock-exceptions",
            {"clock_id": 1, "code": "Staff off sick", "starts_on": "2026-01-05"},
            "code",
        ),
    ],
)
def test_steps_out_of_order_and_bad_input_are_422_and_write_nothing(api, case, path, body, field):
    step(api.as_user(case.parent), case, "requests", {"reason": "Please", "received_on": ago(20)})
    response = step(api.as_user(case.caseworker), case, path, body)
    assert response.status_code == 422, response.json()
    assert response["Content-Type"] == "application/problem+json"
    if field:
        assert field in str(response.json())
    assert not Plan.objects.exists()
    assert AssessmentRequest.objects.get().status == "received"
    assert not ClockException.objects.exists()


def test_a_named_setting_that_does_not_exist_is_a_clear_error(api, case):
    step(api.as_user(case.parent), case, "requests", {"reason": "Please", "received_on": ago(100)})
    api.as_user(case.caseworker)
    step(api, case, "decisions-to-assess", {"assess": True, "decided_on": ago(70)})
    step(api, case, "draft-plans", {"issued_on": ago(30)})
    response = step(api, case, "final-plans", {"placement_urn": "99999999"})
    assert response.status_code == 422
    assert "No setting has the URN 99999999" in str(response.json())
    assert Plan.objects.get().status == "draft"


def test_an_exception_the_law_lists_lifts_the_time_limit_over_the_api(api, case):
    step(api.as_user(case.parent), case, "requests", {"reason": "Please", "received_on": ago(10)})
    steps = api.as_user(case.caseworker).get(f"/api/ehcp/cases/{case.child.pk}").json()["steps"]
    decide = next(s for s in steps if s["step"] == "decide_to_assess")
    response = step(
        api,
        case,
        "clock-exceptions",
        {
            "clock_id": decide["clock_id"],
            "code": "absent_from_area",
            "details": "The family is abroad until the new year",
            "starts_on": ago(9),
        },
    )
    assert response.status_code == 201, response.json()
    assert (response.json()["code"], response.json()["time_limit_applies"]) == (
        "absent_from_area",
        False,
    )
    steps = api.get(f"/api/ehcp/cases/{case.child.pk}").json()["steps"]
    assert next(s for s in steps if s["step"] == "decide_to_assess")["state"] == "excused"


def test_a_health_professional_asked_for_advice_gives_it(api, case):
    provider = Provider.objects.create(name="Avon Children's Trust", kind="nhs_trust")
    professional = MembershipFactory(
        role=Role.HEALTH_PROFESSIONAL, setting=None, provider=provider
    ).user
    record_referral(case.child, provider, "Paediatrics", dt.date(2025, 1, 1), case.senco)
    give_consent(case.child, provider, ["needs", "ehcp"], case.parent)
    step(api.as_user(case.parent), case, "requests", {"reason": "Please", "received_on": ago(30)})
    api.as_user(case.caseworker)
    step(api, case, "decisions-to-assess", {"assess": True, "decided_on": ago(20)})
    asked = step(
        api,
        case,
        "advice-requests",
        {
            "adviser_kind": "health",
            "adviser": "Avon paediatrics",
            "provider_id": provider.pk,
            "asked_on": ago(19),
        },
    ).json()
    other = step(
        api,
        case,
        "advice-requests",
        {"adviser_kind": "psychology", "adviser": "EP service", "asked_on": ago(19)},
    ).json()

    api.as_user(professional)
    assert step(api, case, "advice", {"advice_request_id": other["id"]}).status_code == 422
    given = step(
        api, case, "advice", {"advice_request_id": asked["id"], "advice": "Needs OT input"}
    )
    assert given.status_code == 201
    assert step(api, case, "decisions-to-assess", {"assess": True}).status_code == 422


def test_the_dashboard_lists_overdue_steps_for_a_caseworker_only(api, case):
    step(api.as_user(case.parent), case, "requests", {"reason": "Please", "received_on": ago(50)})
    assert api.get("/api/ehcp/dashboard").json()["overdue"] == []
    overdue = api.as_user(case.caseworker).get("/api/ehcp/dashboard").json()["overdue"]
    assert [(s["child_id"], s["step"]) for s in overdue] == [(case.child.pk, "decide_to_assess")]
