"""The statutory clock: dates worked out by hand from the rules, and properties that must hold."""

from __future__ import annotations

import calendar as calendar_module
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from passport.core.clocks import Clock, ClockError, deadline, limit_in_words
from passport.core.policy import current_pack
from passport.core.schooldays import calendar_for

D = dt.date
CALENDAR_CLOCKS = [c for c in Clock if c is not Clock.RECORD_TRANSFER]
WEEK_CLOCKS = [
    Clock.DECIDE_TO_ASSESS,
    Clock.PROFESSIONAL_ADVICE,
    Clock.DECIDE_NOT_TO_ISSUE,
    Clock.FINAL_PLAN,
    Clock.REVIEW_DECISION,
    Clock.AMENDED_PLAN,
]
MONTH_CLOCKS = [Clock.ANNUAL_REVIEW, Clock.APPEAL]
# Inside the school years England's default term dates cover (September 2024 to July 2028).
dates = st.dates(min_value=D(2024, 9, 1), max_value=D(2027, 6, 30))


@pytest.mark.parametrize(
    ("clock", "start", "pauses", "expected"),
    [
        # Monday 5 January 2026 + 42 days: 26 days to 31 January, 16 more is 16 February.
        (Clock.DECIDE_TO_ASSESS, D(2026, 1, 5), [], D(2026, 2, 16)),
        (Clock.PROFESSIONAL_ADVICE, D(2026, 1, 5), [], D(2026, 2, 16)),
        # + 112 days: 31 Jan (26), 28 Feb (54), 31 Mar (85), 27 Apr (112).
        (Clock.DECIDE_NOT_TO_ISSUE, D(2026, 1, 5), [], D(2026, 4, 27)),
        # + 140 days: ... 30 Apr (115), 25 May (140).
        (Clock.FINAL_PLAN, D(2026, 1, 5), [], D(2026, 5, 25)),
        # 15 days for comments from Friday 20 March 2026, weekends included.
        (Clock.DRAFT_COMMENTS, D(2026, 3, 20), [], D(2026, 4, 4)),
        # A plan finalised on 29 February 2024 is reviewed by 28 February 2025.
        (Clock.ANNUAL_REVIEW, D(2024, 2, 29), [], D(2025, 2, 28)),
        # ... and one finalised on 28 February 2027 by 28 February 2028 (not the 29th).
        (Clock.ANNUAL_REVIEW, D(2027, 2, 28), [], D(2028, 2, 28)),
        (Clock.REVIEW_DECISION, D(2026, 6, 30), [], D(2026, 7, 28)),
        (Clock.AMENDED_PLAN, D(2026, 6, 30), [], D(2026, 8, 25)),
        # Two months from 31 December 2026 is the last day of February 2027.
        (Clock.APPEAL, D(2026, 12, 31), [], D(2027, 2, 28)),
        # A paused clock: 10 paused days (10 to 19 January) move 16 February to 26 February.
        (Clock.DECIDE_TO_ASSESS, D(2026, 1, 5), [(D(2026, 1, 10), D(2026, 1, 19))], D(2026, 2, 26)),
        # The first pause brings the second within reach: 26 Feb + 2 days.
        (
            Clock.DECIDE_TO_ASSESS,
            D(2026, 1, 5),
            [(D(2026, 2, 20), D(2026, 2, 21)), (D(2026, 1, 10), D(2026, 1, 19))],
            D(2026, 2, 28),
        ),
        # A pause after the deadline changes nothing.
        (Clock.DECIDE_TO_ASSESS, D(2026, 1, 5), [(D(2026, 3, 1), D(2026, 3, 10))], D(2026, 2, 16)),
        # Only the part of a pause after the start counts (6 January: one day).
        (
            Clock.DECIDE_TO_ASSESS,
            D(2026, 1, 5),
            [(D(2025, 12, 20), D(2026, 1, 6))],
            D(2026, 2, 17),
        ),
        # Overlapping pauses count each day once: 10 to 19 January is 10 days.
        (
            Clock.DECIDE_TO_ASSESS,
            D(2026, 1, 5),
            [(D(2026, 1, 10), D(2026, 1, 15)), (D(2026, 1, 12), D(2026, 1, 19))],
            D(2026, 2, 26),
        ),
        # 15 school days from Friday 11 December 2026: 14-18 Dec (5), Christmas holiday,
        # 4-8 Jan (10), 11-15 Jan (15).
        (Clock.RECORD_TRANSFER, D(2026, 12, 11), [], D(2027, 1, 15)),
        # From Thursday 30 April 2026: 1 May (1), bank holiday 4 May, 5-8 (5), 11-15 (10),
        # 18-22 (15).
        (Clock.RECORD_TRANSFER, D(2026, 4, 30), [], D(2026, 5, 22)),
        # The same with the week of 11 May paused (5 school days): half term follows 22 May,
        # so 1-5 June.
        (
            Clock.RECORD_TRANSFER,
            D(2026, 4, 30),
            [(D(2026, 5, 11), D(2026, 5, 15))],
            D(2026, 6, 5),
        ),
    ],
)
def test_deadlines_worked_out_by_hand(clock, start, pauses, expected):
    assert deadline(clock, start, pauses=pauses) == expected


@pytest.mark.parametrize(
    ("certificate", "expected"),
    [
        (None, D(2027, 2, 28)),
        # A certificate a month before the two months end changes nothing...
        (D(2027, 1, 10), D(2027, 2, 28)),
        # ... one later gives a month from the certificate.
        (D(2027, 2, 20), D(2027, 3, 20)),
    ],
)
def test_appeal_deadline_is_the_later_of_two_months_and_a_month_after_mediation(
    certificate, expected
):
    assert deadline(Clock.APPEAL, D(2026, 12, 31), mediation_certificate_on=certificate) == expected


def test_a_pause_that_ends_before_it_starts_is_refused():
    with pytest.raises(ClockError, match="ends before it starts"):
        deadline(Clock.FINAL_PLAN, D(2026, 1, 5), pauses=[(D(2026, 2, 1), D(2026, 1, 1))])


def test_a_mediation_certificate_before_the_decision_is_refused():
    with pytest.raises(ClockError, match="mediation certificate"):
        deadline(Clock.APPEAL, D(2026, 3, 1), mediation_certificate_on=D(2026, 2, 1))


def test_the_pack_sets_the_length():
    pack = current_pack()
    longer = pack.model_copy(
        update={"timescales": pack.timescales.model_copy(update={"final_plan_weeks": 18})}
    )
    assert deadline(Clock.FINAL_PLAN, D(2026, 1, 5), pack=longer) == D(2026, 5, 11)


def test_limits_in_plain_english():
    assert limit_in_words(Clock.DECIDE_TO_ASSESS) == "6 weeks"
    assert limit_in_words(Clock.DRAFT_COMMENTS) == "15 days"
    assert limit_in_words(Clock.ANNUAL_REVIEW) == "12 months"
    assert limit_in_words(Clock.RECORD_TRANSFER) == "15 school days"


pause_lists = st.lists(
    st.tuples(dates, st.integers(min_value=0, max_value=60)).map(
        lambda pair: (pair[0], pair[0] + dt.timedelta(days=pair[1]))
    ),
    max_size=4,
)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(list(Clock)), dates, dates, pause_lists)
def test_a_later_start_never_gives_an_earlier_deadline(clock, first, second, pauses):
    early, late = sorted((first, second))
    assert deadline(clock, early, pauses=pauses) <= deadline(clock, late, pauses=pauses)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(list(Clock)), dates, pause_lists, pause_lists)
def test_pauses_never_bring_a_deadline_forward(clock, start, pauses, more):
    without = deadline(clock, start)
    some = deadline(clock, start, pauses=pauses)
    assert start < without <= some <= deadline(clock, start, pauses=pauses + more)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from([*WEEK_CLOCKS, Clock.DRAFT_COMMENTS]), dates, st.data())
def test_a_pause_inside_the_clock_extends_it_by_its_length(clock, start, data):
    plain = deadline(clock, start)
    first = data.draw(st.dates(min_value=start + dt.timedelta(days=1), max_value=plain))
    length = data.draw(st.integers(min_value=1, max_value=30))
    pause = (first, first + dt.timedelta(days=length - 1))
    assert deadline(clock, start, pauses=[pause]) == plain + dt.timedelta(days=length)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(WEEK_CLOCKS), dates)
def test_week_clocks_count_calendar_days_including_weekends_and_holidays(clock, start):
    unit_field = {
        Clock.DECIDE_TO_ASSESS: "decide_to_assess_weeks",
        Clock.PROFESSIONAL_ADVICE: "professional_advice_weeks",
        Clock.DECIDE_NOT_TO_ISSUE: "decide_not_to_issue_weeks",
        Clock.FINAL_PLAN: "final_plan_weeks",
        Clock.REVIEW_DECISION: "review_decision_weeks",
        Clock.AMENDED_PLAN: "amended_plan_weeks",
    }[clock]
    weeks = getattr(current_pack().timescales, unit_field)
    assert (deadline(clock, start) - start).days == weeks * 7


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(MONTH_CLOCKS), dates)
def test_month_clocks_keep_the_day_or_take_the_last_day_of_a_short_month(clock, start):
    due = deadline(clock, start)
    months = 12 if clock is Clock.ANNUAL_REVIEW else 2
    index = start.month - 1 + months
    assert (due.year, due.month) == (start.year + index // 12, index % 12 + 1)
    last_day = calendar_module.monthrange(due.year, due.month)[1]
    assert due.day == min(start.day, last_day)


@settings(max_examples=100, deadline=None)
@given(dates, pause_lists)
def test_school_day_clocks_land_on_a_school_day_after_the_right_number(start, pauses):
    calendar = calendar_for()
    due = deadline(Clock.RECORD_TRANSFER, start, pauses=pauses)
    assert calendar.is_school_day(due)
    assert due.weekday() < 5

    def paused(day):
        return any(a <= day <= b for a, b in pauses)

    counted = 0
    day = start
    while day < due:
        day += dt.timedelta(days=1)
        counted += calendar.is_school_day(day) and not paused(day)
    assert counted == current_pack().timescales.record_transfer_school_days
    assert not paused(due)


@pytest.mark.parametrize(
    ("old", "new", "named"),
    [
        ("decide_to_assess_weeks = 6", "decide_to_assess_weeks = -6", "decide_to_assess_weeks"),
        ("at_risk_days = 28", "at_risk_days = -1", "ehcp.at_risk_days"),
        ('code = "not_rec"', 'code = "max_age"', "ceasing reason 'max_age'"),
    ],
)
def test_a_pack_with_a_bad_ehcp_value_is_refused(tmp_path, settings, old, new, named):
    from pathlib import Path

    from passport.core.policy import PolicyPackError, load_policy_pack

    text = Path(settings.POLICY_PACK).read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "pack.toml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(PolicyPackError, match=named):
        load_policy_pack(path)
