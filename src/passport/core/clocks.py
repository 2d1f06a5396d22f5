"""THE statutory clock: every legal deadline in the service is computed by `deadline`.

Each clock names the timescale in the policy pack's `[timescales]` that sets its length and the
unit the law counts in. EHC timescales are calendar weeks, days or months (SEND Regulations
2014); a school's record transfer counts school days (Education (Pupil Information) Regulations
2005), which skip weekends, bank holidays and school holidays.

A pause (an exception that stops a clock, like a setting closed for four weeks) does not count:
the deadline moves later by every paused day (for school-day clocks, every paused school day)
between the start and the deadline. Pauses that begin after the deadline change nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum

from passport.core.dates import add_months
from passport.core.policy import PolicyPack, current_pack
from passport.core.schooldays import TermCalendar, calendar_for

__all__ = ["Clock", "ClockError", "Pause", "deadline", "limit_in_words"]

Pause = tuple[dt.date, dt.date]  # first and last paused day, both inclusive
DAY = dt.timedelta(days=1)


class ClockError(ValueError):
    """A clock was asked something it cannot answer (a pause that ends before it starts)."""


class Clock(StrEnum):
    """The statutory clocks, each with what starts it."""

    DECIDE_TO_ASSESS = "decide_to_assess"  # from the request
    PROFESSIONAL_ADVICE = "professional_advice"  # from the day advice is asked for
    DECIDE_NOT_TO_ISSUE = "decide_not_to_issue"  # from the request
    DRAFT_COMMENTS = "draft_comments"  # from the day the draft plan is sent
    FINAL_PLAN = "final_plan"  # from the request
    ANNUAL_REVIEW = "annual_review"  # from the final plan, then from each review meeting
    REVIEW_DECISION = "review_decision"  # from the review meeting
    AMENDED_PLAN = "amended_plan"  # from the review meeting
    APPEAL = "appeal"  # from a refusal (later if a mediation certificate is issued)
    RECORD_TRANSFER = "record_transfer"  # from leaving the roll


# Clock -> (unit, timescale field in the pack).
_RULES: dict[Clock, tuple[str, str]] = {
    Clock.DECIDE_TO_ASSESS: ("weeks", "decide_to_assess_weeks"),
    Clock.PROFESSIONAL_ADVICE: ("weeks", "professional_advice_weeks"),
    Clock.DECIDE_NOT_TO_ISSUE: ("weeks", "decide_not_to_issue_weeks"),
    Clock.DRAFT_COMMENTS: ("days", "draft_plan_comment_days"),
    Clock.FINAL_PLAN: ("weeks", "final_plan_weeks"),
    Clock.ANNUAL_REVIEW: ("months", "annual_review_months"),
    Clock.REVIEW_DECISION: ("weeks", "review_decision_weeks"),
    Clock.AMENDED_PLAN: ("weeks", "amended_plan_weeks"),
    Clock.APPEAL: ("months", "appeal_months"),
    Clock.RECORD_TRANSFER: ("school_days", "record_transfer_school_days"),
}


def _merged(pauses: Iterable[Pause], after: dt.date) -> list[Pause]:
    """Return the pauses after `after`, sorted, clipped and with overlaps merged."""
    spans: list[Pause] = []
    for first, last in pauses:
        if last < first:
            raise ClockError(f"a pause from {first} to {last} ends before it starts")
        first = max(first, after + DAY)
        if last >= first:
            spans.append((first, last))
    spans.sort()
    merged: list[Pause] = []
    for first, last in spans:
        if merged and first <= merged[-1][1] + DAY:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def _extend_calendar(due: dt.date, pauses: list[Pause]) -> dt.date:
    for first, last in pauses:  # sorted and disjoint
        if first > due:
            break
        due += last - first + DAY
    return due


def _add_school_days(
    start: dt.date, count: int, calendar: TermCalendar, pauses: list[Pause]
) -> dt.date:
    def paused(day: dt.date) -> bool:
        return any(first <= day <= last for first, last in pauses)

    day, left = start, count
    while left > 0:
        day += DAY
        left -= calendar.is_school_day(day) and not paused(day)
    return day


def deadline(
    clock: Clock | str,
    start: dt.date,
    *,
    pauses: Iterable[Pause] = (),
    pack: PolicyPack | None = None,
    calendar: TermCalendar | None = None,
    mediation_certificate_on: dt.date | None = None,
) -> dt.date:
    """Return the last day, inclusive, on which the step the clock times is in time.

    `start` is the day the clock starts (the request received, the advice asked for...). Weeks
    and days are calendar days after `start`; months keep the day of the month (31 January + 1
    month is 28 or 29 February). School-day clocks count school days in `calendar` (England's
    defaults when not given). The appeal clock ends at the later of `appeal_months` after the
    decision and `appeal_after_mediation_months` after a mediation certificate.
    """
    clock = Clock(clock)
    timescales = (pack or current_pack()).timescales
    unit, field = _RULES[clock]
    length: int = getattr(timescales, field)
    spans = _merged(pauses, start)
    if unit == "school_days":
        return _add_school_days(start, length, calendar or calendar_for(), spans)
    if unit == "months":
        due = add_months(start, length)
    else:
        due = start + dt.timedelta(days=length * 7 if unit == "weeks" else length)
    due = _extend_calendar(due, spans)
    if clock is Clock.APPEAL and mediation_certificate_on is not None:
        if mediation_certificate_on < start:
            raise ClockError("a mediation certificate cannot come before the decision")
        due = max(
            due, add_months(mediation_certificate_on, timescales.appeal_after_mediation_months)
        )
    return due


def limit_in_words(clock: Clock | str, pack: PolicyPack | None = None) -> str:
    """Return the legal limit in plain English, like "6 weeks" or "15 school days"."""
    clock = Clock(clock)
    unit, field = _RULES[clock]
    length = getattr((pack or current_pack()).timescales, field)
    noun = {"weeks": "week", "days": "day", "months": "month", "school_days": "school day"}[unit]
    return f"{length} {noun}{'' if length == 1 else 's'}"
