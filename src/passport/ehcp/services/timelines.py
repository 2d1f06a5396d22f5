"""Timelines (reads): every statutory step of a child's case in plain English, with its legal
limit and whether it was in time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from passport.children.models import Child
from passport.core.clocks import Clock, limit_in_words
from passport.core.dates import today
from passport.ehcp.models import StatutoryClock
from passport.ehcp.services.clocks import FAMILY_WINDOWS

# What the family reads for each clock, in plain English.
STEP_WORDS: dict[str, str] = {
    Clock.DECIDE_TO_ASSESS: "The local authority decides whether to assess",
    Clock.PROFESSIONAL_ADVICE: "Advice from {adviser}",
    Clock.DECIDE_NOT_TO_ISSUE: "The local authority decides whether to write a plan",
    Clock.DRAFT_COMMENTS: "Your comments on the draft plan, and the setting you would like",
    Clock.FINAL_PLAN: "The final plan",
    Clock.ANNUAL_REVIEW: "The annual review meeting",
    Clock.REVIEW_DECISION: "The local authority's decision after the review",
    Clock.AMENDED_PLAN: "The amended plan",
    Clock.APPEAL: "Your appeal",
    Clock.RECORD_TRANSFER: "The school record is sent on",
}
LIMIT_FROM: dict[str, str] = {
    Clock.DECIDE_TO_ASSESS: "of the request",
    Clock.PROFESSIONAL_ADVICE: "of being asked",
    Clock.DECIDE_NOT_TO_ISSUE: "of the request",
    Clock.DRAFT_COMMENTS: "of the draft",
    Clock.FINAL_PLAN: "of the request",
    Clock.ANNUAL_REVIEW: "of the plan or the last review",
    Clock.REVIEW_DECISION: "of the review meeting",
    Clock.AMENDED_PLAN: "of the review meeting",
    Clock.APPEAL: "of the decision",
    Clock.RECORD_TRANSFER: "of leaving",
}


@dataclass(frozen=True)
class Step:
    """One line of a timeline: what happens, its legal limit, and whether it was in time."""

    clock: StatutoryClock
    title: str
    limit: str
    state: str  # done, done_late, overdue, due, excused, stopped, closed

    @property
    def state_words(self) -> str:
        return {
            "done": "Done in time",
            "done_late": "Done late",
            "overdue": "Overdue",
            "due": "Due",
            "excused": "Time limit does not apply",
            "stopped": "No longer needed",
            "closed": "Time to comment has ended",
        }[self.state]


def step_for(clock: StatutoryClock, on: dt.date | None = None) -> Step:
    on = on or today()
    adviser = clock.advice_request.adviser if clock.advice_request else "a professional"
    title = STEP_WORDS[clock.clock].format(adviser=adviser)
    limit = f"Within {limit_in_words(clock.clock)} {LIMIT_FROM[clock.clock]}"
    if clock.excused:
        state = "excused"
    elif clock.met_on is not None:
        state = "done" if clock.met_on <= clock.due_on else "done_late"
    elif clock.stopped_on is not None:
        state = "stopped"
    elif clock.due_on >= on:
        state = "due"
    else:
        state = "closed" if clock.clock in FAMILY_WINDOWS else "overdue"
    return Step(clock, title, limit, state)


def timeline(child: Child, on: dt.date | None = None) -> list[Step]:
    """Every statutory step for the child, oldest first, with its limit and state."""
    clocks = (
        StatutoryClock.objects.filter(child=child)
        .select_related("advice_request")
        .order_by("starts_on", "due_on", "pk")
    )
    return [step_for(clock, on) for clock in clocks]
