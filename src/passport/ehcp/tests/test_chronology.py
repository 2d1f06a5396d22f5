"""A child's chronology for a complaint, the Ombudsman or a tribunal: every event, every deadline."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from passport.access.services import assign_to_caseload
from passport.children.models import Enrolment
from passport.ehcp.chronology import build_chronology
from passport.ehcp.models import (
    AdviceRequest,
    AnnualReview,
    AssessmentDecision,
    AssessmentRequest,
    ClockException,
    Plan,
    StatutoryClock,
)
from passport.passports.models import Review
from passport.people.models import Role
from passport.testing.factories import (
    MembershipFactory,
    SettingFactory,
    child_on_roll,
    local_authority,
    parent_of,
    put_at_layer,
    staff,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 28)
RECEIVED = dt.date(2025, 1, 6)


@pytest.fixture
def people():
    school = SettingFactory(name="Brook Lane Primary")
    child = child_on_roll(school, given_name="Amara", family_name="Okafor")
    senco = staff(Role.SENCO, school)
    caseworker = MembershipFactory(
        role=Role.LA_CASEWORKER, setting=None, local_authority=local_authority("801")
    ).user
    assign_to_caseload(caseworker, child, dt.date(2024, 9, 1))
    return {
        "child": child,
        "school": school,
        "senco": senco,
        "teacher": staff(Role.TEACHER, school),
        "parent": parent_of(child),
        "caseworker": caseworker,
        "stranger": staff(Role.SENCO, SettingFactory()),
    }


def clock(child, request, name, starts_on, due_on, met_on=None, **extra):
    return StatutoryClock.objects.create(
        child=child,
        request=request,
        clock=name,
        starts_on=starts_on,
        due_on=due_on,
        met_on=met_on,
        **extra,
    )


def ehc_journey(child, senco, caseworker, *, advisers: int = 1):
    """Request, assessment, advice, a pause, a late final plan, an annual review, ceasing."""
    put_at_layer(child.passport, "targeted", senco, dt.date(2024, 9, 2))
    put_at_layer(child.passport, "specialist", senco, dt.date(2025, 9, 1))
    Review.objects.create(
        passport=child.passport,
        held_on=dt.date(2024, 12, 2),
        participants="SENCO, parent, Amara",
        child_views="I find playtimes hard",
        progress_summary="Some progress",
        decision=Review.Decision.REQUEST_ASSESSMENT,
        next_review_on=dt.date(2025, 3, 31),
    )
    la = local_authority("801")
    request = AssessmentRequest.objects.create(
        child=child,
        local_authority=la,
        requester_kind="setting",
        setting=Enrolment.objects.get(child=child).setting,
        requested_by=senco,
        received_on=RECEIVED,
        reason="Needs are not met by the support in place.",
        status="final_issued",
    )
    AssessmentDecision.objects.create(
        request=request,
        stage="assess",
        kind="assess",
        decided_on=dt.date(2025, 2, 10),
        decided_by=caseworker,
    )
    clock(child, request, "decide_to_assess", RECEIVED, dt.date(2025, 2, 17), dt.date(2025, 2, 10))
    for number in range(advisers):
        advice = AdviceRequest.objects.create(
            request=request,
            adviser_kind="psychology",
            adviser=f"Dr Rhys Evans {number}",
            asked_on=dt.date(2025, 2, 12),
            received_on=dt.date(2025, 3, 20),
            asked_by=caseworker,
        )
        clock(
            child,
            request,
            "professional_advice",
            dt.date(2025, 2, 12),
            dt.date(2025, 3, 26),
            dt.date(2025, 3, 20),
            advice_request=advice,
        )
    final = clock(
        child, request, "final_plan", RECEIVED, dt.date(2025, 6, 23), dt.date(2025, 7, 14)
    )
    ClockException.objects.create(
        statutory_clock=final,
        kind="pause",
        starts_on=dt.date(2025, 4, 1),
        ends_on=dt.date(2025, 4, 7),
        reason="The school was closed for a week",
        recorded_by=caseworker,
    )
    AssessmentDecision.objects.create(
        request=request,
        stage="issue",
        kind="issue",
        decided_on=dt.date(2025, 5, 1),
        decided_by=caseworker,
    )
    plan = Plan.objects.create(
        child=child,
        local_authority=la,
        request=request,
        status="final",
        draft_issued_on=dt.date(2025, 5, 20),
        family_responded_on=dt.date(2025, 6, 2),
        finalised_on=dt.date(2025, 7, 14),
        placement=Enrolment.objects.get(child=child).setting,
    )
    AnnualReview.objects.create(
        plan=plan,
        meeting_on=dt.date(2026, 6, 1),
        outcome="cease",
        decided_on=dt.date(2026, 6, 15),
        recorded_by=caseworker,
    )
    Plan.objects.filter(pk=plan.pk).update(
        status="ceased", ceased_on=dt.date(2026, 8, 31), ceasing_reason="needs_met"
    )
    # A review decision still outstanding long after it was due.
    clock(child, None, "review_decision", dt.date(2026, 10, 1), dt.date(2026, 10, 29), plan=plan)
    return request, plan


def titles(chronology):
    return [event.title for event in chronology.events]


def test_every_step_appears_in_date_order_with_its_deadline(people):
    ehc_journey(people["child"], people["senco"], people["caseworker"])
    chronology = build_chronology(people["child"], on=TODAY)

    dates = [event.on for event in chronology.events]
    assert dates == sorted(dates)
    found = titles(chronology)
    for expected in (
        "Support passport started",
        "Started at Brook Lane Primary",
        "Layer of support: Targeted",
        "Layer of support: Specialist",
        "Support review meeting",
        "Request for an EHC needs assessment received",
        "Local authority decision: decided to assess",
        "Advice asked for: Dr Rhys Evans 0",
        "Advice received: Dr Rhys Evans 0",
        "The time limit does not apply: recorded before the legal list until 7 April 2025",
        "Local authority decision: decided to issue a plan",
        "Draft EHC plan issued",
        "Family commented on the draft plan",
        "Final EHC plan issued",
        "Annual review meeting",
        "Decision after the annual review: cease the plan",
        "EHC plan ceased",
    ):
        assert expected in found, expected
    assert found.index("Request for an EHC needs assessment received") < found.index(
        "Final EHC plan issued"
    )


def test_each_deadline_says_whether_it_was_met(people):
    ehc_journey(people["child"], people["senco"], people["caseworker"])
    deadlines = {
        e.title: e.deadline for e in build_chronology(people["child"], on=TODAY).deadlines()
    }
    final = deadlines["Deadline: The final plan"]
    assert (final.outcome, final.met_on, final.days_late) == ("missed", dt.date(2025, 7, 14), 21)
    assert final.limit.startswith("Within 20 weeks")
    assert (
        deadlines["Deadline: The local authority's decision after the review"].outcome == "missed"
    )
    met = [d for d in deadlines.values() if d.outcome == "met"]
    assert len(met) == 2  # the decision to assess and the advice


def test_a_reader_sees_only_the_sections_their_access_allows(people):
    ehc_journey(people["child"], people["senco"], people["caseworker"])
    teacher_sections = frozenset(
        {"identity", "about_me", "needs", "what_works", "support", "outcomes", "reviews", "layer"}
    )
    chronology = build_chronology(people["child"], sections=teacher_sections, on=TODAY)
    assert {event.kind for event in chronology.events} == {"move", "layer", "review"}
    assert chronology.hidden_sections == ["ehcp", "history"]


def test_the_family_prints_the_chronology(client, people):
    ehc_journey(people["child"], people["senco"], people["caseworker"])
    client.force_login(people["parent"])
    response = client.get(reverse("ehcp-chronology", args=[people["child"].pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Final EHC plan issued" in page and "Done late" in page
    assert "21 days late" in page
    assert reverse("ehcp-chronology-json", args=[people["child"].pk]) in page


def test_the_family_downloads_the_chronology_as_json(client, people):
    ehc_journey(people["child"], people["senco"], people["caseworker"])
    client.force_login(people["parent"])
    response = client.get(reverse("ehcp-chronology-json", args=[people["child"].pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="chronology-amara')
    data = json.loads(response.content)
    assert data["child"]["name"] == "Amara Okafor"
    final = next(e for e in data["events"] if e["title"] == "Deadline: The final plan")
    assert final["deadline"]["due_on"] == "2025-06-23"
    assert final["deadline"]["outcome"] == "missed"
    assert data["deadlines_missed"] >= 1


@pytest.mark.parametrize("who", ["senco", "caseworker"])
def test_the_senco_and_the_caseworker_print_it(client, people, who):
    ehc_journey(people["child"], people["senco"], people["caseworker"])
    client.force_login(people[who])
    response = client.get(reverse("ehcp-chronology", args=[people["child"].pk]))
    assert response.status_code == 200
    assert "Request for an EHC needs assessment received" in response.content.decode()


def test_staff_cannot_take_the_json_export(client, people):
    client.force_login(people["senco"])
    assert client.get(reverse("ehcp-chronology-json", args=[people["child"].pk])).status_code == 404


@pytest.mark.parametrize("name", ["ehcp-chronology", "ehcp-chronology-json"])
def test_a_stranger_gets_not_found(client, people, name):
    client.force_login(people["stranger"])
    assert client.get(reverse(name, args=[people["child"].pk])).status_code == 404


def test_the_teachers_page_leaves_out_the_ehc_plan(client, people):
    ehc_journey(people["child"], people["senco"], people["caseworker"])
    client.force_login(people["teacher"])
    page = client.get(reverse("ehcp-chronology", args=[people["child"].pk])).content.decode()
    assert "Layer of support: Specialist" in page
    for hidden in ("Final EHC plan issued", "Deadline:", "Local authority decision"):
        assert hidden not in page


def test_the_page_costs_the_same_queries_however_long_the_history(
    client, people, django_assert_max_num_queries
):
    ehc_journey(people["child"], people["senco"], people["caseworker"], advisers=1)
    client.force_login(people["parent"])
    url = reverse("ehcp-chronology", args=[people["child"].pk])
    with CaptureQueriesContext(connection) as short:
        client.get(url)
    other = child_on_roll(people["school"])
    assign_to_caseload(people["caseworker"], other, dt.date(2024, 9, 1))
    parent = parent_of(other)
    ehc_journey(other, people["senco"], people["caseworker"], advisers=6)
    for day in range(1, 8):
        Review.objects.create(
            passport=other.passport,
            held_on=dt.date(2023, 1, day),
            participants="SENCO",
            child_views="-",
            progress_summary="-",
            decision="continue",
            next_review_on=dt.date(2023, 5, 1),
        )
    client.force_login(parent)
    with django_assert_max_num_queries(len(short.captured_queries)):
        response = client.get(reverse("ehcp-chronology", args=[other.pk]))
    assert response.status_code == 200
    # 39 when written: about 19 build the chronology, the rest are sign-in, access and audit.
    assert len(short.captured_queries) <= 45


def test_the_chronology_is_read_only(client, people):
    client.force_login(people["parent"])
    assert client.post(reverse("ehcp-chronology", args=[people["child"].pk])).status_code == 405


def test_a_plan_from_before_the_reform_shows_when_it_is_reassessed(people):
    child = people["child"]  # born 14 March 2017: Year 7 starts on 1 September 2028
    Plan.objects.create(
        child=child,
        local_authority=local_authority("801"),
        route="legacy_pre_reform",
        status="final",
        finalised_on=dt.date(2023, 3, 1),
        placement=people["school"],
    )
    chronology = build_chronology(child, on=TODAY)
    [due] = [e for e in chronology.events if e.title.startswith("Reassessment due")]
    # Year 7 (2028) is before reassessments begin; the next transition is Year 12 in 2033.
    assert due.on == dt.date(2033, 9, 1)
