"""Demo EHC cases in Bristol: requests and plans at different steps, one of them overdue, so the
demo caseworker's EHC plans dashboard has something in each section.

Every row is written through the services, as people would (with dates in the past), so the
clocks, decisions and audit rows are the real ones.
"""

from __future__ import annotations

import datetime as dt

from passport.access.policies import Action, decide
from passport.access.services import assign_to_caseload
from passport.access.standing import Duty, holders
from passport.children.models import Child, Enrolment, ParentalResponsibility
from passport.core.dates import today
from passport.ehcp import services
from passport.ehcp.models import AssessmentRequest
from passport.people.models import User

REASON = (
    "Two terms of Targeted support, with the speech and language group and a visual timetable, "
    "have not closed the gap: we need the local authority to assess."
)


def _requester(child: Child, on: dt.date) -> User | None:
    """A parent who may ask, or else the SENCO of the child's setting."""
    for pr in (
        ParentalResponsibility.objects.live_on(on).filter(child=child).select_related("person")
    ):
        if decide(pr.person, child, Action.REQUEST_ASSESSMENT).allowed:
            return pr.person
    enrolment = Enrolment.objects.live_on(on).filter(child=child).select_related("setting").first()
    if enrolment is None:
        return None
    senco = holders(Duty.COORDINATE_SEN, at=enrolment.setting, on=on).order_by("pk").first()
    return senco if senco and decide(senco, child, Action.REQUEST_ASSESSMENT).allowed else None


def build_ehcp_cases(caseworker_email: str) -> int:
    """Give the caseworker six EHC cases at different steps; return how many were made."""
    caseworker = User.objects.filter(email=caseworker_email).first()
    if caseworker is None:
        return 0
    on = today()

    def ago(days: int) -> dt.date:
        return on - dt.timedelta(days=days)

    # Children on SEN support with a passport, not yet anyone's EHC case: they get requests.
    candidates = (
        Child.objects.filter(
            passport__sen_provision="K", assessment_requests__isnull=True, ehc_plans__isnull=True
        )
        .filter(pk__in=Enrolment.objects.live_on(on).values("child_id"))
        .order_by("family_name", "given_name", "pk")
    )
    made = 0
    # (days since the request, what has happened since)
    steps = [(10, "received"), (40, "received"), (50, "received"), (120, "draft"), (300, "final")]
    for child in candidates:
        if made == len(steps):
            break
        received, stage = steps[made]
        requester = _requester(child, on)
        if requester is None:
            continue
        assign_to_caseload(caseworker, child, ago(received))
        request = services.request_assessment(
            child, requester, reason=REASON, received_on=ago(received)
        )
        if stage in ("draft", "final"):
            _assess_and_draft(request, caseworker, received, final=stage == "final")
        made += 1
    return made


def _assess_and_draft(
    request: AssessmentRequest, caseworker: User, received: int, *, final: bool
) -> None:
    on = today()

    def ago(days: int) -> dt.date:
        return on - dt.timedelta(days=days)

    services.decide_whether_to_assess(
        request, caseworker, assess=True, decided_on=ago(received - 35)
    )
    advice = services.ask_for_advice(
        request,
        caseworker,
        adviser_kind="psychology",
        adviser="Bristol Educational Psychology Service",
        asked_on=ago(received - 37),
    )
    services.record_advice(
        advice,
        caseworker,
        received_on=ago(received - 70),
        text="Needs a quiet, structured space and adult help to start tasks.",
    )
    if not final:
        services.issue_draft_plan(request, caseworker, issued_on=ago(5))
        return
    plan = services.issue_draft_plan(request, caseworker, issued_on=ago(received - 120))
    services.record_family_response(
        plan,
        caseworker,
        responded_on=ago(received - 130),
        comments="We agree; please name the school they are at now.",
    )
    enrolment = Enrolment.objects.live_on(on).filter(child=request.child).first()
    services.finalise_plan(
        plan,
        caseworker,
        placement=enrolment.setting if enrolment else None,
        placement_type="" if enrolment else "Mainstream school",
        finalised_on=ago(received - 135),
    )
