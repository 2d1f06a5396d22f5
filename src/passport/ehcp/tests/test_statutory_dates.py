"""The dates families are given, worked out by hand: the SEND Tribunal appeal deadline (HESC Rules
2008 r20 and r12) for every decision that can be appealed, and the annual review (CFA 2014
s44(1)). Bank holidays are England and Wales's (core/data/bank_holidays_england_and_wales.toml)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from passport.ehcp import services
from passport.ehcp.models import AnnualReview, StatutoryClock

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.mark.parametrize(
    ("notice_sent_on", "certificate_on", "appeal_by"),
    [
        # Tue 10 Mar 2026 + 2 months = Sun 10 May 2026, not a working day: r12(2) moves it to
        # Mon 11 May 2026 (the early May bank holiday was 4 May).
        (D(2026, 3, 10), None, D(2026, 5, 11)),
        # Sat 31 Jan 2026 + 2 months = 31 Mar 2026 (no 31 in between matters), a Tuesday: stays.
        (D(2026, 1, 31), None, D(2026, 3, 31)),
        # 15 Jun 2026 + 2 months = Sat 15 Aug 2026, in August: r12(3)(a) moves it to the first
        # working day after 31 August. Mon 31 Aug 2026 is itself the summer bank holiday, so
        # Tue 1 Sep 2026.
        (D(2026, 6, 15), None, D(2026, 9, 1)),
        # 1 Jun 2026 + 2 months = Sat 1 Aug 2026: August again, so Tue 1 Sep 2026 (a working-day
        # rule alone would have said Mon 3 Aug).
        (D(2026, 6, 1), None, D(2026, 9, 1)),
        # 30 Jun 2027 + 2 months = Mon 30 Aug 2027, the summer bank holiday and in August: the
        # first working day after Tue 31 Aug 2027 is Wed 1 Sep 2027.
        (D(2027, 6, 30), None, D(2027, 9, 1)),
        # 27 Oct 2026 + 2 months = Sun 27 Dec 2026, between 25 December and 1 January: first
        # working day after Fri 1 Jan 2027 (a bank holiday) is Mon 4 Jan 2027 (2-3 Jan weekend).
        (D(2026, 10, 27), None, D(2027, 1, 4)),
        # 1 Nov 2026 + 2 months = Fri 1 Jan 2027: inside the Christmas window too, Mon 4 Jan 2027.
        (D(2026, 11, 1), None, D(2027, 1, 4)),
        # 25 Oct 2026 + 2 months = Fri 25 Dec 2026, Christmas Day: Mon 4 Jan 2027.
        (D(2026, 10, 25), None, D(2027, 1, 4)),
        # 24 Oct 2026 + 2 months = Thu 24 Dec 2026: a working day before the window; stays.
        (D(2026, 10, 24), None, D(2026, 12, 24)),
        # 26 Jan 2027 + 2 months = Fri 26 Mar 2027, Good Friday: Sat, Sun, then Easter Monday
        # 29 Mar, so Tue 30 Mar 2027.
        (D(2027, 1, 26), None, D(2027, 3, 30)),
        # Notice 1 Sep 2026 + 2 months = Sun 1 Nov 2026; a mediation certificate on 20 Nov 2026
        # + 1 month = Sun 20 Dec 2026 is later (r20(1)(b)), and not a working day: Mon 21 Dec.
        (D(2026, 9, 1), D(2026, 11, 20), D(2026, 12, 21)),
        # Notice 5 Feb 2027 + 2 months = Mon 5 Apr 2027; a certificate on 10 Feb 2027 gives only
        # 10 Mar 2027, earlier, so the 2 months stand (5 Apr 2027 is a working day).
        (D(2027, 2, 5), D(2027, 2, 10), D(2027, 4, 5)),
    ],
)
def test_the_appeal_deadline_hand_worked(notice_sent_on, certificate_on, appeal_by):
    assert services.appeal_deadline(notice_sent_on, certificate_on) == appeal_by


@pytest.mark.parametrize(
    ("issued_on", "last_day"),
    [
        # 12 months starting with Tue 10 Mar 2026 run to Tue 9 Mar 2027, the day before the
        # anniversary (the old code said 10 Mar 2027, a day late).
        (D(2026, 3, 10), D(2027, 3, 9)),
        # Starting with 1 Sep 2026: the last day is 31 Aug 2027. No working-day rule applies to
        # the LA's own duty, so a bank holiday or August changes nothing.
        (D(2026, 9, 1), D(2027, 8, 31)),
        # Starting with 1 Jan 2027: 31 Dec 2027.
        (D(2027, 1, 1), D(2027, 12, 31)),
    ],
)
def test_the_annual_review_is_due_the_day_before_the_anniversary(issued_on, last_day):
    assert services.due_date("annual_review", issued_on) == last_day


def test_the_appeal_runs_from_the_day_the_notice_was_sent_not_the_decision(case):
    request = services.request_assessment(
        case.child, case.parent, reason="Please", received_on=D(2026, 4, 20)
    )
    with pytest.raises(ValidationError, match="before the decision"):
        services.decide_whether_to_assess(
            request,
            case.caseworker,
            assess=False,
            reason="Needs met at SEN support",
            decided_on=D(2026, 5, 29),
            notice_sent_on=D(2026, 5, 28),
        )
    decision = services.decide_whether_to_assess(
        request,
        case.caseworker,
        assess=False,
        reason="Needs met at SEN support",
        decided_on=D(2026, 5, 29),
        notice_sent_on=D(2026, 6, 5),
    )
    # From the decision (29 May) it would be Wed 29 Jul 2026. From the notice (5 Jun): 5 Aug
    # 2026, in August, so the first working day after 31 August (a bank holiday): Tue 1 Sep.
    assert decision.appeal_by == D(2026, 9, 1)


def _final_plan(case, finalised_on: dt.date):
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


def test_the_family_is_told_until_when_they_can_appeal_a_final_plan(client, case):
    # Final plan sent Tue 27 Oct 2026: + 2 months = Sun 27 Dec 2026, in the Christmas window,
    # so Mon 4 Jan 2027.
    plan = _final_plan(case, D(2026, 10, 27))
    assert plan.final_appeal_by == D(2027, 1, 4)
    # And its first annual review is due by Tue 26 Oct 2027.
    review_clock = StatutoryClock.objects.get(plan=plan, clock="annual_review")
    assert review_clock.due_on == D(2027, 10, 26)
    client.force_login(case.parent)
    page = client.get(reverse("ehcp-timeline", args=[case.child.pk])).content.decode()
    assert "you can appeal to the SEND Tribunal until <strong>4 January 2027</strong>" in page


def test_a_decision_not_to_amend_and_an_amended_plan_carry_appeal_dates(client, case):
    plan = _final_plan(case, D(2026, 1, 5))
    keep = services.record_review_meeting(plan, case.caseworker, meeting_on=D(2026, 5, 20))
    keep = services.decide_after_review(
        keep, case.caseworker, outcome=AnnualReview.Outcome.KEEP, decided_on=D(2026, 6, 1)
    )
    # Not to amend, notified Mon 1 Jun 2026: + 2 months = Sat 1 Aug 2026, August: Tue 1 Sep.
    assert keep.appeal_by == D(2026, 9, 1)
    amend = services.record_review_meeting(plan, case.caseworker, meeting_on=D(2026, 9, 14))
    services.decide_after_review(
        amend, case.caseworker, outcome=AnnualReview.Outcome.AMEND, decided_on=D(2026, 9, 21)
    )
    amendment = services.propose_amendment(
        plan,
        case.caseworker,
        proposed="Name a new school",
        notice_sent_on=D(2026, 9, 22),
        review=amend,
    )
    services.issue_amended_plan(amendment, case.caseworker, issued_on=D(2026, 10, 10))
    amend.refresh_from_db()
    # Amended plan sent Sat 10 Oct 2026: + 2 months = Thu 10 Dec 2026, a working day.
    assert amend.appeal_by == D(2026, 12, 10)
    client.force_login(case.parent)
    page = client.get(reverse("ehcp-timeline", args=[case.child.pk])).content.decode()
    assert "not to amend the plan" in page and "<strong>1 September 2026</strong>" in page
    assert "sections B, F and I of it until <strong>10 December 2026</strong>" in page


def test_ceasing_counts_from_the_notice(case):
    plan = _final_plan(case, D(2026, 1, 5))
    ceased = services.cease_plan(
        plan,
        case.caseworker,
        ceased_on=D(2026, 6, 30),
        reason_code="moved_outside_eng",
        notice_sent_on=D(2026, 6, 15),
    )
    # Notice Mon 15 Jun 2026 + 2 months = Sat 15 Aug 2026, August: Tue 1 Sep 2026.
    assert ceased.cease_appeal_by == D(2026, 9, 1)


def test_free_text_pauses_become_exceptions_and_clocks_get_their_statutory_dates_back(case):
    from importlib import import_module

    from django.apps import apps

    from passport.ehcp.models import ClockException

    request = services.request_assessment(
        case.child, case.parent, reason="Please", received_on=D(2026, 3, 2)
    )
    decide = request.clocks.get(clock="decide_to_assess")
    # As the old code left it: a pause of 7 days moved the due date from 13 Apr to 20 Apr 2026.
    StatutoryClock.objects.filter(pk=decide.pk).update(due_on=D(2026, 4, 20))
    ClockException.objects.create(
        statutory_clock=decide,
        kind="pause",
        starts_on=D(2026, 3, 9),
        ends_on=D(2026, 3, 15),
        reason="School shut for a week",
        recorded_by=case.caseworker,
    )
    migration = import_module("passport.ehcp.migrations.0002_statutory_exceptions_and_appeal_dates")
    migration.exceptions_no_longer_pause(apps, None)

    decide.refresh_from_db()
    exception = ClockException.objects.get()
    # 2 Mar 2026 + 6 weeks = 13 Apr 2026, and the time limit no longer applies.
    assert (decide.due_on, decide.excused) == (D(2026, 4, 13), True)
    assert (exception.kind, exception.code, exception.reason) == (
        "excuse",
        "",
        "School shut for a week",
    )
