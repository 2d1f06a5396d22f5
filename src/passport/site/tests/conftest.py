"""API test fixtures: a setting with its SENCO, a child on roll, and valid request bodies."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from passport.children.models import Child
from passport.core.dates import today
from passport.organisations.models import Setting
from passport.passports.models import Outcome, Passport, Review, Strategy, SupportItem
from passport.people.models import Role, User
from passport.testing.factories import SettingFactory, child_on_roll, staff
from passport.transitions.models import PendingTransfer

# A valid body for every operation that takes one, by operation id.
VALID_BODIES: dict[str, dict[str, Any]] = {
    "add_child": {
        "given_name": "Amara",
        "family_name": "Okafor",
        "date_of_birth": "2017-05-02",
        "upn": "",
        "starts_on": "2021-09-01",
    },
    "update_about_me": {
        "liked_about_me": "Kind and funny",
        "matters_to_me": "My dog, Biscuit",
        "how_to_support_me": "Tell me what is coming next",
    },
    "add_about_me_contribution": {"voice": "parent", "text": "She loves drawing trains"},
    "set_needs": {
        "sen_provision": "K",
        "need_types": ["SLCN", "ASD"],
        "broad_areas": ["CI"],
        "needs_description": "Finds it hard to follow spoken instructions",
    },
    "change_layer": {
        "layer": "targeted",
        "starts_on": "2025-01-06",
        "reason": "Needs are not met at Universal",
    },
    "add_strategy": {"kind": "adjustment", "description": "Sit near the front, away from the door"},
    "add_support_item": {
        "description": "Speech and language group",
        "intended_outcome": "Follow two-step instructions",
        "delivered_by": "Teaching assistant",
        "group_size": "small_group",
        "minutes_per_session": 30,
        "sessions_per_period": 2,
        "period": "week",
        "starts_on": "2025-01-06",
        "layer": "targeted",
    },
    "add_outcome": {
        "description": "Follow two-step instructions in class",
        "target_date": "2025-07-18",
        "progress": "some",
    },
    "add_review": {
        "held_on": "2025-01-10",
        "participants": "SENCO, class teacher, mother",
        "child_views": "I like the group",
        "progress_summary": "Good progress with instructions",
        "decision": "continue",
        "next_review_on": "2025-05-09",
    },
}
# Multipart in real use (see transitions/ctf/tests/test_api.py); the generic tests send JSON.
VALID_BODIES["import_common_transfer_file"] = {"file": "<CTfile/>"}
VALID_BODIES["admit_child"] = {"child_id": 1, "setting_urn": "100001", "starts_on": "2026-09-02"}
VALID_BODIES["confirm_support_in_place"] = {"admission_id": 1, "passport_read": True}
VALID_BODIES["decline_pending_transfer"] = {"reason": "The child is staying with us"}
# An Open Referral UK service with its organization, price and support kind (docs/directory.md).
VALID_BODIES["import_oruk_services"] = {
    "id": "5d1e8a47-31c2-4f0b-8e6a-7c9b2d4e6f09",
    "name": "Speech and language therapy for schools",
    "status": "active",
    "organization": {
        "id": "0f6a3c52-8a1e-4c7b-9d55-3b1e2f7a9c09",
        "name": "Avon Children's NHS Trust",
        "description": "NHS trust",
    },
    "cost_options": [
        {
            "id": "0b0c6b53-3b0b-4f43-8d7e-5f3f9e1c2a01",
            "amount": 92,
            "amount_description": "per hour",
        }
    ],
    "attributes": [
        {
            "id": "0b0c6b53-3b0b-4f43-8d7e-5f3f9e1c2a02",
            "taxonomy_term": {
                "id": "0b0c6b53-3b0b-4f43-8d7e-5f3f9e1c2a03",
                "name": "Speech and language therapy",
                "description": "Speech and language therapy",
                "taxonomy": "Support Passport support kinds",
                "term": "speech_and_language_therapy",
            },
        }
    ],
}
for _item in ("strategy", "support_item", "outcome", "review"):
    VALID_BODIES[f"change_{_item}"] = VALID_BODIES[f"add_{_item}"]
# EHC needs assessments and plans (src/passport/ehcp/api.py). Each names the child in the body.
VALID_BODIES.update(
    {
        "request_ehc_assessment": {"child_id": 1, "reason": "Needs unmet after two terms"},
        "decide_whether_to_assess": {"child_id": 1, "assess": True},
        "ask_for_advice": {"child_id": 1, "adviser_kind": "psychology", "adviser": "Dr Rees"},
        "give_advice": {"child_id": 1, "advice_request_id": 1, "advice": "A quiet space"},
        "decide_not_to_issue": {"child_id": 1, "reason": "Needs can be met at Targeted Plus"},
        "record_mediation_certificate": {
            "child_id": 1,
            "stage": "assess",
            "issued_on": "2026-01-10",
        },
        "issue_draft_plan": {"child_id": 1},
        "change_draft_plan": {"child_id": 1, "sections": {"section_c": "Asthma, with an inhaler"}},
        "record_family_response": {"child_id": 1, "comments": "We agree with the draft"},
        "issue_final_plan": {"child_id": 1, "placement_urn": "100001"},
        "record_clock_exception": {
            "child_id": 1,
            "clock_id": 1,
            "code": "absent_from_area",
            "details": "The family was abroad for five weeks",
            "starts_on": "2026-01-05",
            "ends_on": "2026-02-09",
        },
        "consult_setting": {"child_id": 1, "setting_urn": "100001"},
        "record_setting_response": {
            "child_id": 1,
            "responded_on": "2026-01-12",
            "response": "We can meet the needs in the draft",
        },
        "propose_amendment": {"child_id": 1, "proposed": "Add occupational therapy"},
        "propose_ceasing": {"child_id": 1, "ceasing_reason": "employ"},
        "decide_to_cease": {"child_id": 1, "notice_sent_on": "2026-06-12"},
        "record_ceasing_appeal": {"child_id": 1, "registered_on": "2026-08-20"},
        "record_tribunal_outcome": {
            "child_id": 1,
            "outcome": "cease_upheld",
            "decided_on": "2026-11-20",
        },
        "record_representations": {
            "child_id": 1,
            "received_on": "2026-01-12",
            "representations": "We agree",
        },
        "record_review_report": {
            "child_id": 1,
            "sent_on": "2026-01-20",
            "report": "Everyone agreed the plan works",
        },
        "record_annual_review": {"child_id": 1, "meeting_on": "2026-01-10"},
        "decide_after_review": {"child_id": 1, "outcome": "keep"},
        "issue_amended_plan": {"child_id": 1},
        "record_existing_plan": {
            "child_id": 1,
            "route": "legacy_pre_reform",
            "issued_on": "2013-06-12",
            "transferred_from_la_code": "803",
            "transferred_in_on": "2025-09-01",
            "review_meetings": ["2025-05-20"],
            "details_to_confirm": True,
        },
        "confirm_existing_plan": {
            "child_id": 1,
            "issued_on": "2013-06-12",
            "sections": {"section_c": "Asthma, with an inhaler"},
        },
    }
)
# A child recorded by the local authority before any setting has them on roll.
VALID_BODIES["add_child_without_setting_api"] = {
    "given_name": "Isla",
    "family_name": "Reid",
    "date_of_birth": "2026-03-14",
    "local_authority_code": "801",
}

# School-group funding (src/passport/funding/api.py).
VALID_BODIES.update(
    {
        "post_to_pot": {"kind": "allocation", "amount_pence": 2500000, "memo": "Spring allocation"},
        "create_commission": {
            "pot_id": 1,
            "service_id": "0b0c6b53-3b0b-4f43-8d7e-5f3f9e1c2a04",
            "description": "Speech and language therapy, spring term",
            "units_per_child": 6,
            "starts_on": "2026-04-01",
            "ends_on": "2027-03-31",
            "child_ids": [1, 2],
        },
        "record_deliveries": {
            "deliveries": [{"child_id": 1, "delivered_on": "2026-11-02", "outcome": "attended"}]
        },
    }
)


class Api:
    """A signed-in test client that speaks JSON."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def as_user(self, user: User) -> Api:
        self.client.force_login(user)
        return self

    def call(self, method: str, url: str, body: Any = None, **headers: str) -> Any:
        data = (
            body
            if isinstance(body, str | bytes)
            else (json.dumps(body) if body is not None else "")
        )
        return self.client.generic(
            method.upper(), url, data=data, content_type="application/json", headers=headers
        )

    def get(self, url: str, **headers: str) -> Any:
        return self.call("GET", url, **headers)

    def post(self, url: str, body: Any, **headers: str) -> Any:
        return self.call("POST", url, body, **headers)

    def put(self, url: str, body: Any, **headers: str) -> Any:
        return self.call("PUT", url, body, **headers)

    def delete(self, url: str, **headers: str) -> Any:
        return self.call("DELETE", url, **headers)


@pytest.fixture
def api(client: Client) -> Api:
    return Api(client)


@pytest.fixture
def setting(db: None) -> Setting:
    return SettingFactory(name="Oak Primary")


@pytest.fixture
def senco(setting: Setting) -> User:
    return staff(Role.SENCO, setting)


@pytest.fixture
def child(setting: Setting) -> Child:
    return child_on_roll(setting, given_name="Maya", family_name="Hughes")


@pytest.fixture
def other_setting(db: None) -> Setting:
    return SettingFactory(name="Elm Primary")


@pytest.fixture
def unrelated_senco(other_setting: Setting) -> User:
    return staff(Role.SENCO, other_setting)


def add_items(passport: Passport, by: User) -> dict[str, int]:
    """Give the passport one item in each list section; return their ids by item name."""
    strategy = Strategy.objects.create(passport=passport, description="Visual timetable")
    support = SupportItem.objects.create(
        passport=passport,
        description="Reading group",
        intended_outcome="Read with fluency",
        delivered_by="TA",
        group_size="small_group",
        minutes_per_session=20,
        sessions_per_period=3,
        period="week",
        starts_on=dt.date(2024, 9, 2),
        layer="targeted",
    )
    outcome = Outcome.objects.create(
        passport=passport, description="Read a book", target_date=dt.date(2025, 7, 18)
    )
    review = Review.objects.create(
        passport=passport,
        held_on=dt.date(2024, 12, 6),
        participants="SENCO",
        child_views="Fine",
        progress_summary="Some",
        decision="continue",
        next_review_on=dt.date(2025, 4, 4),
    )
    return {
        "strategy": strategy.pk,
        "support_item": support.pk,
        "outcome": outcome.pk,
        "review": review.pk,
    }


@pytest.fixture
def item_ids(child: Child, senco: User, setting: Setting) -> dict[str, int]:
    """Ids of one item in each list section, and of a transfer of the child the SENCO decides."""
    transfer = PendingTransfer.objects.create(
        child=child,
        from_setting=setting,
        to_setting=SettingFactory(name="Ash Academy"),
        starts_on=today() + dt.timedelta(days=7),
    )
    return {**add_items(child.passport, senco), "transfer": transfer.pk}


@pytest.fixture
def url_for(child: Child) -> Callable[[str], str]:
    """Return /api/children/<child>/... for a path after the child."""
    return lambda rest="": f"/api/children/{child.pk}{rest}"
