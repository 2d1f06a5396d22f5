"""EHC plans that exist outside the service: a plan made before the reform, a plan transferred
in from another local authority, a plan made from birth, or a reform plan made elsewhere. The
caseworker records the plan as it stands (dates, sections, review history) and from then on it
runs like any other: the annual review clock, the passport's SEN provision, SEN2.

Also the one-off conversion of passports that only said "EHC plan" (provision E, or a layer
that needs a plan) into recorded plans, used by the data migration and the demo (issue 16).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from passport.access.standing import Duty, scope
from passport.children.models import Child
from passport.core.clocks import Clock
from passport.core.dates import add_months, today
from passport.core.policy import current_pack
from passport.ehcp.models import AnnualReview, AssessmentRequest, Plan
from passport.ehcp.services.checks import not_before, not_future, record_step
from passport.ehcp.services.clocks import due_date, start_clock
from passport.ehcp.services.plan_content import (
    OutcomeItem,
    ProvisionItem,
    Sections,
    StalePlan,
    check_sections,
    save_plan,
    write_items,
)
from passport.organisations.models import LocalAuthority, Setting
from passport.passports.services import plan_provision_changed
from passport.people.models import User

# The routes an existing plan can come by; "reform" here is a plan made elsewhere after an
# assessment under the reform's rules.
ROUTES = (Plan.Route.REFORM, Plan.Route.LEGACY_PRE_REFORM, Plan.Route.FROM_BIRTH)


@dataclass(frozen=True)
class ExistingPlan:
    """A plan as it stands when it is recorded."""

    route: str
    issued_on: dt.date
    transferred_from_la_code: str = ""
    transferred_in_on: dt.date | None = None
    review_meetings: Sequence[dt.date] = ()
    placement: Setting | None = None
    placement_type: str = ""
    sections: Sections = field(default_factory=dict)
    outcomes: Sequence[OutcomeItem] = ()
    provisions: Sequence[ProvisionItem] = ()
    details_to_confirm: bool = False


def _check(child: Child, existing: ExistingPlan, local_authority: LocalAuthority) -> None:
    errors: dict[str, str] = {}
    if existing.route not in ROUTES:
        errors["route"] = "Choose how the plan was made"
    try:
        not_future(existing.issued_on, "issued_on", "The date the plan was issued")
        not_before(
            existing.issued_on,
            child.date_of_birth,
            "issued_on",
            "The plan cannot be issued before the child was born",
        )
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    pack = current_pack()
    if existing.route == Plan.Route.FROM_BIRTH and existing.issued_on >= dt.date(
        child.date_of_birth.year + pack.ehcp.under_five_review_age,
        child.date_of_birth.month,
        min(child.date_of_birth.day, 28),
    ):
        # Plans from birth are for complex needs known in the earliest years (Schools White
        # Paper, February 2026, as reported; DOMAIN.md).
        errors["route"] = (
            f"A plan from birth is made before the child is {pack.ehcp.under_five_review_age}: "
            "choose another route"
        )
    code = existing.transferred_from_la_code.strip()
    if code:
        if not (len(code) == 3 and code.isdigit()):
            errors["transferred_from_la_code"] = "Enter the 3-digit local authority code"
        elif code == local_authority.code:
            errors["transferred_from_la_code"] = (
                "The plan came from another local authority: enter that authority's code"
            )
        if existing.transferred_in_on is None:
            errors["transferred_in_on"] = "Enter the date the plan transferred to you"
        elif existing.transferred_in_on < existing.issued_on:
            errors["transferred_in_on"] = "The plan cannot transfer before it was issued"
        elif existing.transferred_in_on > today():
            errors["transferred_in_on"] = "The date the plan transferred must be in the past"
    elif existing.transferred_in_on is not None:
        errors["transferred_from_la_code"] = "Enter the code of the authority the plan came from"
    meetings = sorted(existing.review_meetings)
    if len(set(meetings)) != len(meetings):
        errors["review_meetings"] = "Enter each review meeting once"
    elif meetings and (meetings[0] < existing.issued_on or meetings[-1] > today()):
        errors["review_meetings"] = (
            "Review meetings must fall between the date the plan was issued and today"
        )
    if errors:
        raise ValidationError(errors)


def record_existing_plan(
    child: Child, by: User, existing: ExistingPlan, *, local_authority: LocalAuthority
) -> Plan:
    """Record a plan that already exists as a final plan maintained by `local_authority`.

    Refused when the child already has a live plan or an open assessment request (one plan per
    child: CFA 2014 s37). The annual review clock runs from the last review meeting, or the
    issue date (CFA 2014 s44(1)); the passport's SEN provision becomes E from the issue date.
    """
    check_sections(dict(existing.sections))
    _check(child, existing, local_authority)
    with transaction.atomic():
        Child.objects.select_for_update().filter(pk=child.pk).first()
        if Plan.objects.filter(child=child, status__in=["draft", "final"]).exists():
            raise ValidationError(
                "The child already has an EHC plan: amend it after a review instead"
            )
        if AssessmentRequest.objects.filter(
            child=child, status__in=AssessmentRequest.OPEN
        ).exists():
            raise ValidationError(
                "The child has an assessment under way: finish it before recording another plan"
            )
        transferred = bool(existing.transferred_from_la_code.strip())
        plan = Plan(
            child=child,
            local_authority=local_authority,
            route=existing.route,
            status=Plan.Status.FINAL,
            origin=Plan.Origin.TRANSFERRED_IN if transferred else Plan.Origin.RECORDED,
            transferred_from_la_code=existing.transferred_from_la_code.strip(),
            transferred_in_on=existing.transferred_in_on,
            finalised_on=existing.issued_on,
            placement=existing.placement,
            placement_type=existing.placement_type.strip(),
            details_to_confirm=existing.details_to_confirm,
            **{name: value.strip() for name, value in existing.sections.items()},
        )
        save_plan(plan, by)
        write_items(plan, existing.outcomes, existing.provisions, by)
        for meeting_on in sorted(existing.review_meetings):
            AnnualReview.objects.create(
                plan=plan,
                meeting_on=meeting_on,
                outcome=AnnualReview.Outcome.KEEP,
                decided_on=meeting_on,
                notes="Recorded from the plan's history",
                recorded_by=by,
            )
        last = max([existing.issued_on, *existing.review_meetings])
        start_clock(Clock.ANNUAL_REVIEW, last, child=child, plan=plan)
        plan_provision_changed(child.pk, since=existing.issued_on, by=by)
        how = f"transferred in from LA {plan.transferred_from_la_code}" if transferred else ""
        record_step(
            by,
            child,
            f"Existing EHC plan recorded ({plan.get_route_display()}{', ' if how else ''}{how})",
            action="decide",
        )
    return plan


def confirm_plan_details(
    plan: Plan,
    by: User,
    *,
    sections: Sections,
    issued_on: dt.date | None = None,
    expected_version: int | None = None,
) -> Plan:
    """Fill in what was not known when an existing plan was recorded, and clear "details to
    confirm". A change made from an older version than `expected_version` is refused
    (`StalePlan`: the conflict page, or 412 in the API)."""
    check_sections(sections)
    with transaction.atomic():
        plan = Plan.objects.select_for_update(of=("self",)).select_related("child").get(pk=plan.pk)
        if expected_version is not None and plan.version != expected_version:
            raise StalePlan(plan)
        if plan.status != Plan.Status.FINAL or not plan.details_to_confirm:
            raise ValidationError("Only a recorded plan with details to confirm changes here")
        if issued_on is not None and issued_on != plan.finalised_on:
            not_future(issued_on, "issued_on", "The date the plan was issued")
            if plan.annual_reviews.filter(meeting_on__lt=issued_on).exists():
                raise ValidationError(
                    {"issued_on": "A review meeting is recorded before that date"}
                )
            plan.finalised_on = issued_on
            running = plan.clocks.filter(clock=Clock.ANNUAL_REVIEW, met_on__isnull=True).first()
            if running is not None and not plan.annual_reviews.exists():
                running.starts_on = issued_on
                running.due_on = due_date(Clock.ANNUAL_REVIEW, issued_on)
                running.missed_notice_queued_at = None
                running.save(update_fields=["starts_on", "due_on", "missed_notice_queued_at"])
        if plan.origin == Plan.Origin.FROM_FLAG:
            # The conversion held back the family's missed-review notice while the date was a
            # guess; with the details confirmed, a review still overdue is told to them.
            plan.clocks.filter(clock=Clock.ANNUAL_REVIEW, met_on__isnull=True).update(
                missed_notice_queued_at=None
            )
        for name, value in sections.items():
            setattr(plan, name, value.strip())
        plan.details_to_confirm = False
        plan.version += 1
        save_plan(plan, by)
        plan_provision_changed(plan.child_id, since=plan.finalised_on, by=by)
        record_step(by, plan.child, f"EHC plan details confirmed (version {plan.version})")
    return plan


def recommended_review_by(plan: Plan, last_reviewed_on: dt.date) -> dt.date | None:
    """The date the LA should consider reviewing a plan for a child under five by (SEND Code of
    Practice 2015 para 9.178: every three to six months; guidance beside the statutory 12
    months of CFA 2014 s44(1)). None for a child five or over on that date."""
    pack = current_pack().ehcp
    months = max(pack.under_five_review_months)
    by = add_months(last_reviewed_on, months)
    fifth = dt.date(
        plan.child.date_of_birth.year + pack.under_five_review_age,
        plan.child.date_of_birth.month,
        min(plan.child.date_of_birth.day, 28),
    )
    return by if last_reviewed_on < fifth else None


def flag_only_plan_facts(
    *,
    provision: str,
    layers: Sequence[tuple[str, dt.date]],
    provision_since: dt.date | None,
    created_on: dt.date,
    plan_layers: frozenset[str],
) -> dt.date | None:
    """Return the day a flag-only plan is taken to have started, or None when the passport
    does not say the child has a plan. `layers` is the layer history, newest first.

    The best date known: the start of the run of plan layers the child is in now, else the day
    the passport first said E, else the day the passport was opened."""
    says_plan = provision == "E" or (bool(layers) and layers[0][0] in plan_layers)
    if not says_plan:
        return None
    run = []
    for layer, starts_on in layers:
        if layer not in plan_layers:
            break
        run.append(starts_on)
    if run:
        return min(run)
    return provision_since or created_on


def convert_flag_only_plans(models: dict[str, Any], *, on: dt.date) -> int:
    """Turn every passport that says the child has an EHC plan, with no live plan record, into
    a recorded plan made before the reform ("details to confirm"), with its annual review clock,
    and point the passport at it. Works on the models given (historical models in the data
    migration, the real ones in the demo), so it touches only fields and managers. Returns how
    many plans it recorded; a child with no local authority to hold the plan is left as it was.
    """
    passport_model = models["passports.Passport"]
    plan_model = models["ehcp.Plan"]
    clock_model = models["ehcp.StatutoryClock"]
    enrolment_model = models["children.Enrolment"]
    history_model = models["passports.HistoricalPassport"]
    plan_layers = frozenset(
        layer.code for layer in current_pack().layers.layer if layer.requires_ehc_plan
    )
    live = set(
        plan_model.objects.filter(status__in=["draft", "final"]).values_list("child_id", flat=True)
    )
    recorded = 0
    for passport in passport_model.objects.select_related("child").iterator():
        if passport.child_id in live:
            continue
        layers = list(
            passport.layer_assignments.order_by("-starts_on", "-pk").values_list(
                "layer", "starts_on"
            )
        )
        first_e = (
            history_model.objects.filter(id=passport.pk, sen_provision="E")
            .order_by("history_date")
            .values_list("history_date", flat=True)
            .first()
        )
        started = flag_only_plan_facts(
            provision=passport.sen_provision,
            layers=layers,
            provision_since=first_e.date() if first_e else None,
            created_on=passport.created_at.date(),
            plan_layers=plan_layers,
        )
        if started is None:
            continue
        started = min(started, on)
        enrolments = enrolment_model.objects.filter(child_id=passport.child_id).order_by(
            "-starts_on"
        )
        enrolment = enrolments.filter(starts_on__lte=on).first() or enrolments.first()
        la_id = passport.child.home_local_authority_id or (
            enrolment.setting.local_authority_id if enrolment else None
        )
        if la_id is None:
            continue
        plan = plan_model.objects.create(
            child_id=passport.child_id,
            local_authority_id=la_id,
            route="legacy_pre_reform",
            status="final",
            origin="from_flag",
            finalised_on=started,
            # Section I: the setting the child is at, or was last at.
            placement_id=enrolment.setting_id if enrolment else None,
            details_to_confirm=True,
            section_b=passport.needs_description,
        )
        due_on = due_date(Clock.ANNUAL_REVIEW, started)
        clock_model.objects.create(
            child_id=passport.child_id,
            plan_id=plan.pk,
            clock="annual_review",
            starts_on=started,
            due_on=due_on,
            # The caseworker sees the overdue review on the dashboard; the family is not sent
            # a missed-deadline notice for a date worked out from a guess. Confirming the
            # details recomputes the date and lets the notice go.
            missed_notice_queued_at=timezone.now() if due_on < on else None,
        )
        passport_model.objects.filter(pk=passport.pk).update(
            sen_provision="E", ehc_plan_since=started
        )
        recorded += 1
    return recorded


def maintaining_authority(user: User, child: Child) -> LocalAuthority:
    """Return the local authority the caseworker records the plan for: the child's home
    authority where they work its cases, else the one authority they work for."""
    held = scope(user, Duty.LA_CASEWORK).local_authorities
    if child.home_local_authority_id in held:
        return LocalAuthority.objects.get(pk=child.home_local_authority_id)
    if len(held) == 1:
        return LocalAuthority.objects.get(pk=next(iter(held)))
    raise ValidationError(
        "Record the plan from the local authority that maintains it: you work for more than one"
    )


def route_for_new_plan(child: Child, on: dt.date) -> str:
    """A plan made for a child under five who has never been on a setting's roll is a plan from
    birth (complex needs known early; Schools White Paper, February 2026, as reported); any other
    plan made after an assessment is a reform plan."""
    age = current_pack().ehcp.under_five_review_age
    fifth = dt.date(
        child.date_of_birth.year + age, child.date_of_birth.month, min(child.date_of_birth.day, 28)
    )
    if on < fifth and not child.enrolments.exists():
        return Plan.Route.FROM_BIRTH
    return Plan.Route.REFORM


def next_recommended_review(plan: Plan) -> dt.date | None:
    """The date to consider the next review of a live plan for a child under five by, from the
    last review meeting or the issue date (SEND Code of Practice 2015 para 9.178)."""
    if plan.status != Plan.Status.FINAL or plan.finalised_on is None:
        return None
    last = plan.annual_reviews.order_by("-meeting_on").values_list("meeting_on", flat=True).first()
    return recommended_review_by(plan, max(filter(None, [plan.finalised_on, last])))
