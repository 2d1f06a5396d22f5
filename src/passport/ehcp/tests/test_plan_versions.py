"""Two people (or two tabs) changing the same EHC plan: a change made from a version that has
moved on is refused (the conflict page, or 412 over the API) and the first change is kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from passport.ehcp import services
from passport.ehcp.models import Plan
from passport.ehcp.tests.conftest import Case
from passport.site.tests.conftest import Api

pytestmark = pytest.mark.django_db


def ago(days: int) -> dt.date:
    return dt.date.today() - dt.timedelta(days=days)


@pytest.fixture
def draft(case: Case) -> Plan:
    request = services.request_assessment(
        case.child, case.parent, reason="Please", received_on=ago(60)
    )
    services.decide_whether_to_assess(request, case.caseworker, assess=True, decided_on=ago(30))
    return services.issue_draft_plan(request, case.caseworker, issued_on=ago(10))


def hidden_version(page: str) -> str:
    marker = 'name="version" value="'
    assert marker in page, "the plan form carries the version it shows"
    return page.split(marker, 1)[1].split('"', 1)[0]


def test_a_second_tab_saving_the_draft_does_not_lose_section_k(client: Client, case, draft):
    url = reverse("ehcp-plan", args=[case.child.pk])
    client.force_login(case.caseworker)
    first_tab = hidden_version(client.get(url).content.decode())
    second_tab = hidden_version(client.get(url).content.decode())

    saved = client.post(
        url, {"section_k": "Advice from the educational psychologist", "version": first_tab}
    )
    stale = client.post(
        url, {"section_c": "Asthma, managed with an inhaler", "version": second_tab}
    )

    assert saved.status_code == 302
    assert stale.status_code == 409
    page = stale.content.decode()
    assert "Someone else changed the draft EHC plan while you were editing" in page
    assert "Advice from the educational psychologist" in page
    plan = Plan.objects.get(pk=draft.pk)
    assert (plan.section_k, plan.section_c, plan.version) == (
        "Advice from the educational psychologist",
        "",
        2,
    )


def test_save_my_version_on_the_plan_conflict_saves_it(client: Client, case, draft):
    url = reverse("ehcp-plan", args=[case.child.pk])
    client.force_login(case.caseworker)
    version = hidden_version(client.get(url).content.decode())
    services.edit_plan(draft, case.caseworker, sections={"section_k": "Advice"})
    conflict = client.post(url, {"section_c": "Asthma", "section_k": "", "version": version})

    response = client.post(
        url,
        {
            "section_c": "Asthma",
            "section_k": "",
            "version": hidden_version(conflict.content.decode()),
        },
    )

    assert response.status_code == 302
    plan = Plan.objects.get(pk=draft.pk)
    assert (plan.section_c, plan.section_k, plan.version) == ("Asthma", "", 3)


def test_a_stale_if_match_on_the_draft_plan_is_refused_with_412(client: Client, case, draft):
    api = Api(client).as_user(case.caseworker)
    read = api.get(f"/api/ehcp/plans/{case.child.pk}")
    body = {"child_id": case.child.pk}
    first = api.put(
        "/api/ehcp/plans",
        {**body, "sections": {"section_k": "Advice"}},
        **{"If-Match": read["ETag"]},
    )

    second = api.put(
        "/api/ehcp/plans",
        {**body, "sections": {"section_k": "Written from a stale copy"}},
        **{"If-Match": read["ETag"]},
    )

    assert read["ETag"] == '"1"'
    assert (first.status_code, first["ETag"]) == (200, '"2"')
    assert second.status_code == 412
    assert second.json()["type"] == "/api/problems/stale-version"
    plan = Plan.objects.get(pk=draft.pk)
    assert (plan.section_k, plan.version) == ("Advice", 2)


def test_expected_version_works_like_if_match_on_the_plan(client: Client, case, draft):
    api = Api(client).as_user(case.caseworker)
    body = {"child_id": case.child.pk, "sections": {"section_k": "Advice"}}

    stale = api.put("/api/ehcp/plans?expected_version=7", body)
    current = api.put("/api/ehcp/plans?expected_version=1", body)

    assert (stale.status_code, current.status_code) == (412, 200)


def test_an_amended_plan_from_a_stale_version_is_refused_and_changes_nothing(case):
    request = services.request_assessment(
        case.child, case.parent, reason="Please", received_on=ago(300)
    )
    services.decide_whether_to_assess(request, case.caseworker, assess=True, decided_on=ago(280))
    draft = services.issue_draft_plan(request, case.caseworker, issued_on=ago(200))
    services.consult_setting(draft, case.caseworker, setting=case.setting, sent_on=ago(200))
    plan = services.finalise_plan(
        draft, case.caseworker, placement=case.setting, finalised_on=ago(150)
    )
    review = services.record_review_meeting(plan, case.caseworker, meeting_on=ago(40))
    services.decide_after_review(review, case.caseworker, outcome="amend", decided_on=ago(30))
    amendment = services.propose_amendment(
        plan, case.caseworker, proposed="New advice", notice_sent_on=ago(29), review=review
    )
    read = Plan.objects.get(pk=plan.pk).version

    with pytest.raises(services.StalePlan):
        services.issue_amended_plan(
            amendment, case.caseworker, sections={"section_k": "Stale"}, expected_version=read - 1
        )
    amended = services.issue_amended_plan(
        amendment, case.caseworker, sections={"section_k": "New advice"}, expected_version=read
    )

    assert (amended.section_k, amended.version) == ("New advice", read + 1)
