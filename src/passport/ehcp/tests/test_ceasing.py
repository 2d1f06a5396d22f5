"""Ceasing a plan (issue 16): the family is told and consulted, the decision's notice gives them
the time to appeal, and the plan stays live until that time passes or an appeal is decided
(SEND Regulations 2014 reg 31; Children and Families Act 2014 s45(4), s46; HESC Rules 2008 r20,
r12). Dates are worked out by hand; bank holidays are England and Wales's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from passport.children.models import Child
from passport.core.errors import StaleVersion
from passport.ehcp import services
from passport.ehcp.models import CeasingProposal, Plan
from passport.ehcp.services.plans import end_of_max_age_year
from passport.ehcp.tests.test_pages import date_fields
from passport.site.tests.conftest import Api

pytestmark = pytest.mark.django_db

D = dt.date


def _final_plan(case, finalised_on: dt.date) -> Plan:
    request = services.request_assessment(
        case.child, case.parent, reason="Please", received_on=finalised_on - dt.timedelta(140)
    )
    services.decide_whether_to_assess(
        request, case.caseworker, assess=True, decided_on=finalised_on - dt.timedelta(100)
    )
    plan = services.issue_draft_plan(
        request, case.caseworker, issued_on=finalised_on - dt.timedelta(30)
    )
    services.record_family_response(
        plan, case.caseworker, responded_on=finalised_on - dt.timedelta(20)
    )
    services.consult_setting(
        plan, case.caseworker, setting=case.setting, sent_on=finalised_on - dt.timedelta(30)
    )
    return services.finalise_plan(
        plan, case.caseworker, placement=case.setting, finalised_on=finalised_on
    )


def _notified(case) -> CeasingProposal:
    plan = _final_plan(case, D(2026, 1, 5))
    proposal = services.propose_ceasing(
        plan,
        case.caseworker,
        reason_code="employ",
        proposed_on=D(2026, 6, 1),
        setting_consulted_on=D(2026, 6, 2),
    )
    # Notice sent Fri 12 Jun 2026 + 2 months = Wed 12 Aug 2026, in August: r12(3)(a) moves it to
    # the first working day after 31 August. Mon 31 Aug 2026 is the summer bank holiday, so the
    # family may appeal until Tue 1 Sep 2026.
    return services.decide_to_cease(proposal, case.caseworker, notice_sent_on=D(2026, 6, 12))


def test_the_notice_gives_the_appeal_date_and_the_plan_stays_live(case):
    proposal = _notified(case)
    assert proposal.appeal_by == D(2026, 9, 1)
    plan = Plan.objects.get(pk=proposal.plan_id)
    assert (plan.status, plan.cease_appeal_by) == ("final", D(2026, 9, 1))
    case.child.passport.refresh_from_db()
    assert case.child.passport.sen_provision == "E"


def test_the_family_sees_until_when_they_can_appeal_while_the_plan_stays(client, case):
    _notified(case)
    client.force_login(case.parent)
    page = client.get(reverse("ehcp-timeline", args=[case.child.pk])).content.decode()
    assert "You can appeal until <strong>1 September 2026</strong>. The plan stays" in page


def test_the_plan_ends_the_day_after_the_last_day_to_appeal(case):
    proposal = _notified(case)
    # 1 Sep 2026 is still in time: nothing ends.
    assert services.end_plans_after_appeal_window(D(2026, 9, 1)) == 0
    assert Plan.objects.get(pk=proposal.plan_id).status == "final"
    assert services.end_plans_after_appeal_window(D(2026, 9, 2)) == 1
    plan = Plan.objects.get(pk=proposal.plan_id)
    assert (plan.status, plan.ceased_on, plan.ceasing_reason) == ("ceased", D(2026, 9, 2), "employ")
    case.child.passport.refresh_from_db()
    assert case.child.passport.sen_provision != "E"
    # A second run finds nothing to do.
    assert services.end_plans_after_appeal_window(D(2026, 9, 3)) == 0


def test_the_daily_command_ends_plans_whose_time_to_appeal_has_passed(case):
    proposal = _notified(case)
    call_command("ehcp_deadlines")
    assert Plan.objects.get(pk=proposal.plan_id).ceased_on == D(2026, 9, 2)


def test_an_appeal_keeps_the_plan_until_the_tribunal_upholds_ceasing(case):
    proposal = _notified(case)
    proposal = services.record_ceasing_appeal(
        proposal, case.caseworker, registered_on=D(2026, 8, 20), expected_version=2
    )
    assert services.end_plans_after_appeal_window(D(2026, 10, 1)) == 0
    assert Plan.objects.get(pk=proposal.plan_id).status == "final"
    services.record_tribunal_outcome(
        proposal, case.caseworker, outcome="cease_upheld", decided_on=D(2026, 11, 20)
    )
    plan = Plan.objects.get(pk=proposal.plan_id)
    assert (plan.status, plan.ceased_on) == ("ceased", D(2026, 11, 20))


def test_when_the_tribunal_orders_the_plan_to_continue_it_continues(case):
    proposal = _notified(case)
    proposal = services.record_ceasing_appeal(
        proposal, case.caseworker, registered_on=D(2026, 8, 20)
    )
    services.record_tribunal_outcome(
        proposal, case.caseworker, outcome="plan_continues", decided_on=D(2026, 11, 20)
    )
    plan = Plan.objects.get(pk=proposal.plan_id)
    assert (plan.status, plan.cease_notice_sent_on, plan.cease_appeal_by) == ("final", None, None)
    assert services.end_plans_after_appeal_window(D(2026, 12, 1)) == 0
    # The LA may consider ceasing again later.
    services.propose_ceasing(
        plan, case.caseworker, reason_code="employ", proposed_on=D(2026, 12, 1)
    )


def test_the_head_of_the_named_setting_is_consulted_before_the_decision(case):
    plan = _final_plan(case, D(2026, 1, 5))
    proposal = services.propose_ceasing(
        plan, case.caseworker, reason_code="employ", proposed_on=D(2026, 6, 1)
    )
    with pytest.raises(ValidationError, match="reg 31"):
        services.decide_to_cease(proposal, case.caseworker, notice_sent_on=D(2026, 6, 12))
    with pytest.raises(ValidationError, match="cannot come before"):
        services.decide_to_cease(
            proposal,
            case.caseworker,
            notice_sent_on=D(2026, 6, 12),
            setting_consulted_on=D(2026, 6, 15),
        )
    assert CeasingProposal.objects.get(pk=proposal.pk).status == "consulting"


def test_a_stale_change_is_refused(case):
    proposal = _notified(case)
    with pytest.raises(StaleVersion):
        services.record_ceasing_appeal(
            proposal, case.caseworker, registered_on=D(2026, 8, 20), expected_version=1
        )
    assert CeasingProposal.objects.get(pk=proposal.pk).appeal_registered_on is None


def test_only_one_proposal_at_a_time_and_a_death_ends_the_plan_at_once(case):
    proposal = _notified(case)
    plan = proposal.plan
    with pytest.raises(ValidationError, match="already considering"):
        services.propose_ceasing(plan, case.caseworker, reason_code="he")
    with pytest.raises(ValidationError, match="at once"):
        services.propose_ceasing(plan, case.caseworker, reason_code="deceased")


@pytest.mark.parametrize(
    ("born_on", "last_day"),
    [
        # Turns 25 on Tue 1 Sep 2026, in the academic year 2026/27: kept to 31 Jul 2027.
        (D(2001, 9, 1), D(2027, 7, 31)),
        # Turns 25 on Mon 31 Aug 2026: August is after the year ending 31 July 2026, so also
        # 2026/27, to 31 Jul 2027.
        (D(2001, 8, 31), D(2027, 7, 31)),
        # Turns 25 on Fri 31 Jul 2026, the last day of 2025/26: the plan may end after that day.
        (D(2001, 7, 31), D(2026, 7, 31)),
        # Born 29 Feb 2000: 25 on 1 Mar 2025 (no 29 Feb in 2025), in 2024/25.
        (D(2000, 2, 29), D(2025, 7, 31)),
    ],
)
def test_the_last_academic_year_a_plan_may_run(born_on, last_day):
    assert end_of_max_age_year(born_on) == last_day


def test_maximum_age_is_refused_before_the_end_of_the_year_they_turn_25(case):
    plan = _final_plan(case, D(2026, 1, 5))
    Child.objects.filter(pk=case.child.pk).update(date_of_birth=D(2001, 8, 31))
    with pytest.raises(ValidationError, match="31 July 2027"):
        services.propose_ceasing(
            plan, case.caseworker, reason_code="max_age", proposed_on=D(2026, 9, 1)
        )
    with pytest.raises(ValidationError, match="31 July 2027"):
        services.cease_plan(plan, case.caseworker, ceased_on=D(2026, 9, 1), reason_code="max_age")
    Child.objects.filter(pk=case.child.pk).update(date_of_birth=D(2001, 7, 31))
    with pytest.raises(ValidationError, match="31 July 2026"):
        services.cease_plan(plan, case.caseworker, ceased_on=D(2026, 7, 31), reason_code="max_age")
    ceased = services.cease_plan(
        plan, case.caseworker, ceased_on=D(2026, 8, 1), reason_code="max_age"
    )
    assert ceased.status == "ceased"


def test_the_caseworker_takes_each_step_on_the_page(client, case):
    plan = _final_plan(case, D(2026, 1, 5))
    client.force_login(case.caseworker)
    url = reverse("ehcp-ceasing", args=[case.child.pk])
    assert "Consider ceasing the plan" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "ceasing_reason": "employ",
            **date_fields("proposed_on", D(2026, 6, 1)),
            **date_fields("setting_consulted_on", D(2026, 6, 2)),
        },
    )
    assert response.status_code == 302
    # Notice Fri 12 Jun 2026: the family may appeal until Tue 1 Sep 2026 (see above).
    decision = {"version": "1", **date_fields("notice_sent_on", D(2026, 6, 12))}
    assert client.post(url, decision).status_code == 302
    page = client.get(url).content.decode()
    assert "appeal until <strong>1 September 2026</strong>" in page
    assert Plan.objects.get(pk=plan.pk).status == "final"
    # The same decision sent again from the old page changes nothing.
    stale = client.post(url, {"version": "1", **date_fields("registered_on", D(2026, 8, 20))})
    assert stale.status_code == 409
    assert "Nothing was saved" in stale.content.decode()
    assert CeasingProposal.objects.get().appeal_registered_on is None
    bad = client.post(url, {"version": "2", **date_fields("registered_on", D(2026, 6, 1))})
    assert "An appeal cannot come before the notice" in bad.content.decode()


def test_the_page_is_refused_to_the_family(client, case):
    _final_plan(case, D(2026, 1, 5))
    client.force_login(case.parent)
    assert client.get(reverse("ehcp-ceasing", args=[case.child.pk])).status_code == 404


def test_each_step_over_the_api_with_if_match(client, case):
    plan = _final_plan(case, D(2026, 1, 5))
    api = Api(client).as_user(case.caseworker)
    child = {"child_id": case.child.pk}
    made = api.post(
        "/api/ehcp/ceasing-proposals",
        {**child, "ceasing_reason": "employ", "proposed_on": "2026-06-01"},
    )
    assert made.status_code == 201, made.json()
    decision = {**child, "notice_sent_on": "2026-06-12", "setting_consulted_on": "2026-06-02"}
    assert (
        api.put("/api/ehcp/ceasing-proposals/decision", decision, **{"If-Match": '"7"'})
    ).status_code == 412
    decided = api.put("/api/ehcp/ceasing-proposals/decision", decision, **{"If-Match": '"1"'})
    assert decided.status_code == 200, decided.json()
    assert decided.json()["appeal_by"] == "2026-09-01"
    assert Plan.objects.get(pk=plan.pk).status == "final"
    appeal = {**child, "registered_on": "2026-08-20"}
    stale = api.put("/api/ehcp/ceasing-proposals/appeal", appeal, **{"If-Match": '"1"'})
    assert stale.status_code == 412
    assert api.put("/api/ehcp/ceasing-proposals/appeal", appeal).status_code == 200
    outcome = {**child, "outcome": "cease_upheld", "decided_on": "2026-11-20"}
    done = api.put("/api/ehcp/ceasing-proposals/tribunal-outcome", outcome, **{"If-Match": '"3"'})
    assert (done.status_code, done.json()["status"]) == (200, "ceased")
    assert Plan.objects.get(pk=plan.pk).ceased_on == D(2026, 11, 20)
    # Nothing more is under way: a further step is a clear 422, not a 500.
    again = api.put("/api/ehcp/ceasing-proposals/appeal", appeal)
    assert again.status_code == 422
