"""Demo EHC cases in Bristol: requests and plans at different steps, one of them overdue, so the
demo caseworker's EHC plans dashboard has something in each section.

Every row is written through the services, as people would (with dates in the past), so the
clocks, decisions and audit rows are the real ones.
"""

from __future__ import annotations

import datetime as dt

from django.apps import apps

from passport.access.policies import Action, decide
from passport.access.services import assign_to_caseload
from passport.access.standing import Duty, holders, scope
from passport.children.models import Child, Enrolment, ParentalResponsibility
from passport.children.services import ChildDetails, add_child_without_setting
from passport.core.dates import today
from passport.core.policy import current_pack
from passport.ehcp import services
from passport.ehcp.models import AssessmentRequest, Plan
from passport.ehcp.services.existing_plans import (
    ExistingPlan,
    convert_flag_only_plans,
    record_existing_plan,
)
from passport.ehcp.services.plan_content import ProvisionItem
from passport.organisations.models import LocalAuthority, Setting
from passport.passports.models import Passport
from passport.passports.services import change_layer, set_needs, start_passport
from passport.people.models import Membership, Role, User

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
    if enrolment:
        # The setting is consulted on the draft before the final plan names it (CFA 2014 s39(2)).
        consultation = services.consult_setting(
            plan, caseworker, setting=enrolment.setting, sent_on=ago(received - 120)
        )
        services.record_setting_response(
            consultation,
            caseworker,
            responded_on=ago(received - 125),
            response="We can meet the needs in the draft plan.",
        )
    services.finalise_plan(
        plan,
        caseworker,
        placement=enrolment.setting if enrolment else None,
        placement_type="" if enrolment else "Mainstream school",
        finalised_on=ago(received - 135),
    )


def build_recorded_plans(caseworker_email: str) -> int:
    """Turn every demo passport that says "EHC plan" into a recorded plan, the way the data
    migration does for real data (issue 16), and add a baby on no roll with a plan from birth.
    Return how many plans were recorded.

    Plans from the flag are recorded as made before the reform, "details to confirm"; those
    that started after the White Paper are reform plans, and two in three have been confirmed,
    so the caseworker sees both kinds.
    """
    caseworker = User.objects.filter(email=caseworker_email).first()
    if caseworker is None:
        return 0
    on = today()
    names = (
        "passports.Passport",
        "passports.HistoricalPassport",
        "ehcp.Plan",
        "ehcp.StatutoryClock",
        "children.Enrolment",
    )
    recorded = convert_flag_only_plans({name: apps.get_model(name) for name in names}, on=on)
    from_flag = Plan.objects.filter(origin=Plan.Origin.FROM_FLAG).order_by("pk")
    from_flag.filter(finalised_on__gte=current_pack().legacy_plans.published_on).update(
        route=Plan.Route.REFORM
    )
    confirmed = [plan.pk for number, plan in enumerate(from_flag) if number % 3]
    Plan.objects.filter(pk__in=confirmed).update(details_to_confirm=False)
    # A plan issued in the service puts the child at the specialist layer, as the SENCO would.
    for plan in Plan.objects.filter(origin=Plan.Origin.MADE_HERE, status=Plan.Status.FINAL):
        passport = Passport.objects.get(child_id=plan.child_id)
        current = passport.current_layer()
        if plan.finalised_on and (current is None or current.layer != "specialist"):
            starts_on = max(plan.finalised_on, current.starts_on if current else plan.finalised_on)
            change_layer(
                passport,
                layer="specialist",
                starts_on=starts_on,
                reason="EHC plan issued",
                provision_package="Speech, language and communication package",
                by=caseworker,
            )
    authority = LocalAuthority.objects.filter(
        pk__in=scope(caseworker, Duty.LA_CASEWORK).local_authorities
    ).first()
    if authority is None:
        return recorded
    born = on - dt.timedelta(days=420)
    baby = add_child_without_setting(
        ChildDetails(given_name="Isla", family_name="Reid", date_of_birth=born), authority
    )
    start_passport(baby, caseworker)
    # Her mother signs in like the other demo families (and the demo's reset finds Isla by her).
    domain = caseworker_email.rpartition("@")[2].partition(".")[2] or "demo.example"
    mother = User.objects.create(
        username=f"hannah.reid@family.{domain}",
        email=f"hannah.reid@family.{domain}",
        full_name="Hannah Reid",
        first_name="Hannah",
        last_name="Reid",
        password=caseworker.password,
    )
    Membership.objects.create(user=mother, role=Role.PARENT_CARER, starts_on=born)
    ParentalResponsibility.objects.create(
        child=baby, person=mother, relationship="Mother", starts_on=born
    )
    record_existing_plan(
        baby,
        caseworker,
        ExistingPlan(
            route=Plan.Route.FROM_BIRTH,
            issued_on=born + dt.timedelta(days=120),
            review_meetings=[born + dt.timedelta(days=290)],
            # Section I names the nursery place she starts at two; until then she is at home.
            placement=Setting.objects.filter(
                local_authority=authority, kind=Setting.Kind.EARLY_YEARS
            )
            .order_by("pk")
            .first(),
            placement_type="At home with portage, then the nursery named, from age 2",
            sections={
                "section_a": "Isla's parents want her to be comfortable, to communicate what "
                "she wants and to enjoy being with other children.",
                "section_b": "Cerebral palsy (spastic quadriplegia) affecting movement, feeding "
                "and early communication.",
            },
            provisions=[
                ProvisionItem(
                    "Portage home visits to build play, attention and early communication",
                    "Bristol Portage Service",
                    "1 hour, every week",
                )
            ],
        ),
        local_authority=authority,
    )
    passport = Passport.objects.get(child=baby)
    set_needs(
        passport,
        sen_provision="E",
        need_types=["PD"],
        broad_areas=["SP"],
        needs_description="Cerebral palsy affects Isla's movement, feeding and early "
        "communication: she needs support to sit, to play and to show what she wants.",
        by=caseworker,
    )
    change_layer(
        passport,
        layer="specialist",
        starts_on=born + dt.timedelta(days=120),
        reason="EHC plan from birth",
        provision_package="Complex physical needs in the early years",
        by=caseworker,
    )
    return recorded + 1
