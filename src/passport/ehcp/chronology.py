"""One child's chronology: every dated event of their support, for a complaint, the Local
Government and Social Care Ombudsman or the SEND Tribunal.

The passport (started, each change, layers, reviews), moves between settings, and the EHC
journey (request, decisions, advice, exceptions, draft and final plan, annual reviews, ceasing),
with every statutory deadline and whether it was met. Each event belongs to a section of the
record, so a reader sees only the events their access allows. A fixed number of queries
whatever the length of the history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils.timezone import localdate

from passport.children.models import Child, Enrolment
from passport.core.dates import today
from passport.core.policy import current_pack
from passport.ehcp.legacy import LegacyCase, reassessment_due
from passport.ehcp.models import (
    AdviceRequest,
    AnnualReview,
    AssessmentDecision,
    AssessmentRequest,
    ClockException,
    Plan,
    StatutoryClock,
)
from passport.ehcp.services import exception_named, step_for
from passport.passports.models import LayerAssignment, Passport, Review
from passport.passports.services import passport_history

# Which section of the record each kind of event comes from (access/rules.toml).
SECTION_OF = {
    "passport": "history",
    "layer": "layer",
    "review": "reviews",
    "move": "identity",
    "ehcp": "ehcp",
    "deadline": "ehcp",
}

# A deadline's state, as the chronology says it: was the law's time limit kept?
DEADLINE_OUTCOME = {
    "done": "met",
    "done_late": "missed",
    "overdue": "missed",
    "due": "due",
    "excused": "excused",
    "stopped": "not needed",
    "closed": "ended",
}

# Passport versions already told as their own events (a layer change, a review).
_TOLD_ELSEWHERE = {("Layer", "Added"), ("Reviews", "Added")}


@dataclass(frozen=True)
class Deadline:
    """A statutory time limit: when it started, when it fell due, and whether it was met."""

    limit: str
    starts_on: dt.date
    due_on: dt.date
    met_on: dt.date | None
    outcome: str  # met, missed, due, excused, not needed, ended
    outcome_words: str
    days_late: int | None = None


@dataclass(frozen=True)
class Event:
    """One dated entry in the chronology."""

    on: dt.date
    kind: str  # passport, layer, review, move, ehcp, deadline
    title: str
    detail: str = ""
    who: str = ""
    deadline: Deadline | None = None

    @property
    def section(self) -> str:
        return SECTION_OF[self.kind]


@dataclass
class Chronology:
    """Every event for one child, oldest first."""

    child: Child
    produced_on: dt.date
    events: list[Event] = field(default_factory=list)
    hidden_sections: list[str] = field(default_factory=list)

    def deadlines(self) -> list[Event]:
        return [e for e in self.events if e.deadline is not None]

    def missed(self) -> list[Event]:
        return [e for e in self.deadlines() if e.deadline and e.deadline.outcome == "missed"]

    def as_json(self) -> dict[str, Any]:
        """Return the chronology as plain data (dates as YYYY-MM-DD)."""

        def plain(value: Any) -> Any:
            if isinstance(value, dt.date):
                return value.isoformat()
            if isinstance(value, dict):
                return {k: plain(v) for k, v in value.items()}
            return value

        return {
            "child": {
                "name": self.child.full_name,
                "date_of_birth": self.child.date_of_birth.isoformat(),
                "upn": self.child.upn or None,
            },
            "produced_on": self.produced_on.isoformat(),
            "sections_not_shown": self.hidden_sections,
            "events": [plain({**asdict(event), "section": event.section}) for event in self.events],
            "deadlines_missed": len(self.missed()),
        }


def _name(user: Any) -> str:
    return str(user) if user is not None else ""


def _passport_events(passport: Passport) -> list[Event]:
    layer_names = dict(current_pack().layer_choices())
    events = [Event(localdate(passport.created_at), "passport", "Support passport started")]
    for change in reversed(passport_history(passport, limit=10_000)):
        if (change.section, change.what) in _TOLD_ELSEWHERE:
            continue
        fields = f": {', '.join(change.fields)}" if change.fields else ""
        events.append(
            Event(
                localdate(change.when),
                "passport",
                f"Passport changed: {change.section}",
                f"{change.what}{fields}",
                change.who,
            )
        )
    for layer in LayerAssignment.objects.filter(passport=passport).select_related("recorded_by"):
        events.append(
            Event(
                layer.starts_on,
                "layer",
                f"Layer of support: {layer_names.get(layer.layer, layer.layer)}",
                layer.reason,
                _name(layer.recorded_by),
            )
        )
    for review in Review.objects.filter(passport=passport):
        events.append(
            Event(
                review.held_on,
                "review",
                "Support review meeting",
                f"Decision: {review.get_decision_display()}. "
                f"Next review by {review.next_review_on:%-d %B %Y}.",
                review.participants,
            )
        )
    return events


def _move_events(enrolments: list[Enrolment]) -> list[Event]:
    events = []
    for enrolment in enrolments:
        events.append(Event(enrolment.starts_on, "move", f"Started at {enrolment.setting.name}"))
        if enrolment.ends_on is not None:
            events.append(Event(enrolment.ends_on, "move", f"Left {enrolment.setting.name}"))
    return events


def _request_events(child: Child) -> list[Event]:
    events = []
    for request in AssessmentRequest.objects.filter(child=child).select_related(
        "requested_by", "local_authority", "setting"
    ):
        asker = request.get_requester_kind_display()
        if request.setting is not None:
            asker = request.setting.name
        events.append(
            Event(
                request.received_on,
                "ehcp",
                "Request for an EHC needs assessment received",
                f"Asked by: {asker}. Received by {request.local_authority.name}. "
                f"Reason: {request.reason} Now: {request.get_status_display()}.",
                _name(request.requested_by),
            )
        )
    for decision in AssessmentDecision.objects.filter(request__child=child).select_related(
        "decided_by"
    ):
        detail = decision.reason
        if decision.appeal_by:
            detail += f" Appeal to the SEND Tribunal by {decision.appeal_by:%-d %B %Y}."
        events.append(
            Event(
                decision.decided_on,
                "ehcp",
                f"Local authority decision: {decision.get_kind_display().lower()}",
                detail.strip(),
                _name(decision.decided_by),
            )
        )
        if decision.mediation_certificate_on:
            events.append(
                Event(decision.mediation_certificate_on, "ehcp", "Mediation certificate issued")
            )
    for advice in AdviceRequest.objects.filter(request__child=child).select_related("asked_by"):
        kind = advice.get_adviser_kind_display()
        events.append(
            Event(
                advice.asked_on,
                "ehcp",
                f"Advice asked for: {advice.adviser}",
                kind,
                _name(advice.asked_by),
            )
        )
        if advice.received_on:
            events.append(
                Event(advice.received_on, "ehcp", f"Advice received: {advice.adviser}", kind)
            )
    return events


def _plan_events(child: Child, enrolments: list[Enrolment], has_isp: bool) -> list[Event]:
    reasons = {r.code: r.name for r in current_pack().ehcp.ceasing_reasons}
    events = []
    for plan in Plan.objects.filter(child=child).select_related("placement"):
        case = LegacyCase.of(plan, child=child, enrolments=enrolments, has_isp=has_isp)
        due = reassessment_due(case)
        if due is not None:
            events.append(
                Event(
                    due,
                    "ehcp",
                    "Reassessment due at the phase transition (a plan made before the reform)",
                    "Dual running: plans made before the reform are reassessed at phase "
                    "transitions.",
                )
            )
        named = f" Setting named: {plan.placement.name}." if plan.placement else ""
        if plan.draft_issued_on:
            events.append(Event(plan.draft_issued_on, "ehcp", "Draft EHC plan issued"))
        if plan.family_responded_on:
            events.append(
                Event(plan.family_responded_on, "ehcp", "Family commented on the draft plan")
            )
        if plan.finalised_on:
            title = "Final EHC plan issued"
            if plan.route == Plan.Route.LEGACY_PRE_REFORM:
                title += " (a plan made before the reform)"
            events.append(Event(plan.finalised_on, "ehcp", title, named.strip()))
        if plan.ceased_on:
            reason = reasons.get(plan.ceasing_reason, plan.ceasing_reason)
            events.append(Event(plan.ceased_on, "ehcp", "EHC plan ceased", f"Reason: {reason}."))
    for review in AnnualReview.objects.filter(plan__child=child).select_related("recorded_by"):
        events.append(
            Event(review.meeting_on, "ehcp", "Annual review meeting", "", _name(review.recorded_by))
        )
        if review.decided_on:
            events.append(
                Event(
                    review.decided_on,
                    "ehcp",
                    f"Decision after the annual review: {review.get_outcome_display().lower()}",
                )
            )
        if review.amended_plan_issued_on:
            events.append(Event(review.amended_plan_issued_on, "ehcp", "Amended EHC plan issued"))
    for exception in ClockException.objects.filter(statutory_clock__child=child).select_related(
        "recorded_by"
    ):
        until = f" until {exception.ends_on:%-d %B %Y}" if exception.ends_on else ""
        listed = exception_named(exception.code)
        which = f"{listed.name} ({listed.law})" if listed else "recorded before the legal list"
        events.append(
            Event(
                exception.starts_on,
                "ehcp",
                f"The time limit does not apply: {which}{until}",
                exception.reason,
                _name(exception.recorded_by),
            )
        )
    return events


def _deadline_events(child: Child, on: dt.date) -> list[Event]:
    events = []
    for clock in StatutoryClock.objects.filter(child=child).select_related("advice_request"):
        step = step_for(clock, on)
        late = None
        if clock.met_on and clock.met_on > clock.due_on:
            late = (clock.met_on - clock.due_on).days
        elif step.state == "overdue":
            late = (on - clock.due_on).days
        deadline = Deadline(
            step.limit,
            clock.starts_on,
            clock.due_on,
            clock.met_on,
            DEADLINE_OUTCOME[step.state],
            step.state_words,
            late,
        )
        events.append(Event(clock.due_on, "deadline", f"Deadline: {step.title}", deadline=deadline))
    return events


def build_chronology(
    child: Child, *, sections: frozenset[str] | None = None, on: dt.date | None = None
) -> Chronology:
    """Return every event of the child's support, oldest first, limited to `sections`."""
    on = on or today()
    events: list[Event] = []
    passport = Passport.objects.filter(child=child).first()
    if passport is not None:
        events += _passport_events(passport)
    enrolments = list(Enrolment.objects.filter(child=child).select_related("setting"))
    events += _move_events(enrolments)
    events += _request_events(child)
    events += _plan_events(child, enrolments, has_isp=passport is not None)
    events += _deadline_events(child, on)
    allowed = set(SECTION_OF.values()) if sections is None else set(sections)
    # Name every section the reader cannot see, not only those with events: which sections
    # hold events would itself say something (that a plan exists).
    hidden = sorted(set(SECTION_OF.values()) - allowed)
    order = list(SECTION_OF)
    events = [e for e in events if e.section in allowed]
    events.sort(key=lambda e: (e.on, order.index(e.kind)))
    return Chronology(child, on, events, hidden)
