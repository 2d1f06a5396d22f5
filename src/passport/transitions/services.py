"""The verbs of a move: admit a child, record them leaving, confirm support in place, plan a
phase transfer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from passport.access.policies import visible_children
from passport.audit import services as audit
from passport.children.models import Child, Enrolment
from passport.core.dates import today
from passport.core.policy import current_pack
from passport.core.schooldays import calendar_for, school_year_starting
from passport.organisations.models import Setting
from passport.passports import services as passport_services
from passport.passports.models import Passport, SupportItem
from passport.people.models import Role, User
from passport.transitions.models import (
    Admission,
    Leaving,
    SupportConfirmation,
    SupportDecision,
    TransferPlan,
)
from passport.transitions.tasks import notify_receiving_setting

__all__ = [
    "ItemDecision",
    "confirm_support_in_place",
    "new_arrivals",
    "overdue_confirmations",
    "record_admission",
    "record_leaving",
    "time_to_support",
]

# Admissions are recorded up to a school year ahead (offers for September are made in spring).
ADMISSION_HORIZON = dt.timedelta(days=366)
MAIN = Enrolment.Registration.MAIN
SUBSIDIARY = Enrolment.Registration.SUBSIDIARY


def _audit_relationship_change(
    by: User | None, child: Child, setting: Setting, reason: str, *, relationship: str
) -> None:
    # Access follows enrolments, so a new or ended enrolment is an access decision in itself.
    audit.record(
        actor=by,
        role="",
        relationship=relationship,
        acting_for=setting.name,
        setting_id=setting.pk,
        action="write",
        child_id=child.pk,
        reason=reason,
        allowed=True,
    )


def record_admission(
    child: Child,
    setting: Setting,
    starts_on: dt.date,
    *,
    by: User | None,
    source: str = "form",
    registration: str = "main",
    ends_previous: bool = True,
) -> Admission:
    """Admit a child to a setting's roll from a date, in one transaction.

    The receiving setting can read the passport from the moment this returns (access follows the
    enrolment); the sending setting's main enrolment ends the day before `starts_on` unless this
    is a subsidiary (dual) registration or `ends_previous` is false; the receiving SENCOs are
    notified by a queued task. Recording the same admission again returns the first one.
    Raise ValidationError, keyed by field, when the admission cannot be recorded.
    """
    if registration not in Enrolment.Registration.values:
        raise ValidationError({"registration": "Choose main or subsidiary registration"})
    if source not in Admission.Source.values:
        raise ValidationError({"source": f"Unknown admission source {source!r}"})
    with transaction.atomic():
        # Lock the child so two admissions of one child take turns (a re-sent CTF, a double click).
        Child.objects.select_for_update().filter(pk=child.pk).first()
        existing = Admission.objects.filter(
            child=child, setting=setting, starts_on=starts_on
        ).first()
        if existing is not None:
            return existing
        if starts_on < child.date_of_birth:
            raise ValidationError(
                {"starts_on": "The start date must be on or after the child's date of birth"}
            )
        if starts_on > today() + ADMISSION_HORIZON:
            raise ValidationError({"starts_on": "The start date must be within a year from today"})
        overlapping = (
            Enrolment.objects.filter(child=child, setting=setting)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on))
            .order_by("starts_on")
            .first()
        )
        if overlapping is not None:
            if overlapping.starts_on == starts_on:
                message = f"The child is already on roll at {setting.name} from that date"
            else:
                message = (
                    f"The child is already on roll at {setting.name} from "
                    f"{overlapping.starts_on:%-d %B %Y}. Record them leaving first, or choose a "
                    "start date after they left"
                )
            raise ValidationError({"starts_on": message})

        sending: Setting | None = None
        if registration == MAIN and ends_previous:
            previous = list(
                Enrolment.objects.select_for_update()
                .filter(child=child, registration=MAIN)
                .exclude(setting=setting)
                .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on))
                .select_related("setting")
            )
            for enrolment in previous:
                if enrolment.starts_on >= starts_on:
                    raise ValidationError(
                        {
                            "starts_on": f"The child is already admitted to "
                            f"{enrolment.setting.name} from {enrolment.starts_on:%-d %B %Y}. "
                            "Choose a later start date, or a subsidiary registration"
                        }
                    )
                enrolment.ends_on = starts_on - dt.timedelta(days=1)
                enrolment.save(update_fields=["ends_on"])
                sending = enrolment.setting
                _audit_relationship_change(
                    by,
                    child,
                    enrolment.setting,
                    f"Left the roll of {enrolment.setting.name} on {enrolment.ends_on} "
                    f"on admission to {setting.name}",
                    relationship="on_roll_at_my_setting",
                )

        enrolment = Enrolment.objects.create(
            child=child, setting=setting, starts_on=starts_on, registration=registration
        )
        try:
            with transaction.atomic():
                admission = Admission.objects.create(
                    child=child,
                    setting=setting,
                    enrolment=enrolment,
                    starts_on=starts_on,
                    registration=registration,
                    source=source,
                    sending_setting=sending,
                    recorded_by=by,
                )
        except IntegrityError as error:
            raise ValidationError(
                {"starts_on": "This admission was recorded at the same moment by someone else"}
            ) from error
        _audit_relationship_change(
            by,
            child,
            setting,
            f"Admitted to {setting.name} from {starts_on}: the setting's access begins",
            relationship="admitted_to_my_setting",
        )
        # Queued in the same transaction: with the database backend the task row commits or
        # rolls back with the admission, so nobody is told of an admission that did not happen.
        notify_receiving_setting.enqueue(admission.pk)
    return admission


def record_leaving(
    child: Child,
    setting: Setting,
    last_day: dt.date,
    destination: str,
    by: User | None,
    *,
    destination_detail: str = "",
) -> Leaving:
    """End the child's enrolment at a setting on `last_day` and record where they went.

    The setting's access ends after `last_day`. `destination` is one of Leaving.Destination
    (another setting, elective home education, left England, other).
    """
    if destination not in Leaving.Destination.values:
        raise ValidationError({"destination": "Choose where the child is going"})
    with transaction.atomic():
        enrolment = (
            Enrolment.objects.select_for_update()
            .filter(child=child, setting=setting, starts_on__lte=last_day)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=last_day))
            .order_by("-starts_on")
            .first()
        )
        if enrolment is None:
            already = Leaving.objects.filter(
                child=child, setting=setting, last_day=last_day
            ).first()
            if already is not None:
                return already
            raise ValidationError(
                {"last_day": f"The child is not on roll at {setting.name} on that day"}
            )
        enrolment.ends_on = last_day
        enrolment.save(update_fields=["ends_on"])
        leaving, _ = Leaving.objects.update_or_create(
            enrolment=enrolment,
            defaults={
                "child": child,
                "setting": setting,
                "last_day": last_day,
                "destination": destination,
                "destination_detail": destination_detail,
                "recorded_by": by,
            },
        )
        _audit_relationship_change(
            by,
            child,
            setting,
            f"Left the roll of {setting.name} on {last_day} "
            f"({leaving.get_destination_display()}): the setting's access ends",
            relationship="on_roll_at_my_setting",
        )
    return leaving


@dataclass(frozen=True)
class TimeToSupport:
    """How long a child waited from their first day on roll for support to be confirmed."""

    calendar_days: int
    school_days: int


def time_to_support(
    starts_on: dt.date, confirmed_on: dt.date, la_code: str | None
) -> TimeToSupport:
    """Measure days and school days from the first day on roll to confirmation.

    Confirming before the first day counts as 0: the support was there on day one.
    """
    if confirmed_on <= starts_on:
        return TimeToSupport(0, 0)
    school_days = calendar_for(la_code).school_days_between(starts_on, confirmed_on)
    return TimeToSupport((confirmed_on - starts_on).days, school_days)


def confirmation_due_on(admission: Admission) -> dt.date:
    """Return the last day support may be confirmed on time (the policy pack's school days)."""
    school_days = current_pack().transitions.support_confirmation_school_days
    calendar = calendar_for(admission.setting.local_authority.code)
    # Day one counts as the first of the school days, so a deadline of 5 is the end of week one.
    first = admission.starts_on
    while not calendar.is_school_day(first):
        first += dt.timedelta(days=1)
    return calendar.add_school_days(first, school_days - 1)


def is_overdue(admission: Admission, on: dt.date | None = None) -> bool:
    """Return whether support is still unconfirmed after the day it was due."""
    if getattr(admission, "confirmation", None) is not None:
        return False
    return (on or today()) > confirmation_due_on(admission)


def current_support(passport: Passport, on: dt.date | None = None) -> list[SupportItem]:
    """Return the items of Support in place that have not ended."""
    on = on or today()
    return list(
        SupportItem.objects.filter(passport=passport).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=on)
        )
    )


@dataclass(frozen=True)
class ItemDecision:
    """The receiving setting's decision on one support item."""

    support_item_id: int
    decision: str
    reason: str = ""


def confirm_support_in_place(
    admission: Admission,
    *,
    by: User,
    passport_read: bool,
    decisions: list[ItemDecision],
    on: dt.date | None = None,
) -> SupportConfirmation:
    """Record that the receiving setting read the passport and which support continues, changes
    or stops (and why), in one transaction; measure the time to support.

    A stopped item ends in the passport on the day of confirmation. Raise ValidationError keyed
    by field (`passport_read`, `item-<id>`, `reason-<id>`) when something is missing.
    """
    on = on or today()
    errors: dict[str, str] = {}
    if not passport_read:
        errors["passport_read"] = "Confirm you have read the passport"
    passport = Passport.objects.filter(child=admission.child).first()
    items = {item.pk: item for item in current_support(passport, on)} if passport else {}
    chosen = {d.support_item_id: d for d in decisions}
    for item_id in items:
        decision = chosen.get(item_id)
        if decision is None or decision.decision not in SupportDecision.Decision.values:
            errors[f"item-{item_id}"] = "Choose whether this support continues, changes or stops"
        elif decision.decision != "continue" and not decision.reason.strip():
            errors[f"reason-{item_id}"] = (
                f"Enter why this support will {'change' if decision.decision == 'change' else 'stop'}"
            )
    unknown = set(chosen) - set(items)
    if unknown:
        errors["__all__"] = (
            "The passport's support has changed since the page was loaded: reload it"
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Admission.objects.select_for_update().filter(pk=admission.pk).first()
        if SupportConfirmation.objects.filter(admission=admission).exists():
            raise ValidationError({"__all__": "Support in place has already been confirmed"})
        measured = time_to_support(admission.starts_on, on, admission.setting.local_authority.code)
        confirmation = SupportConfirmation.objects.create(
            admission=admission,
            passport_read=True,
            confirmed_on=on,
            confirmed_by=by,
            calendar_days=measured.calendar_days,
            school_days=measured.school_days,
            policy_version=current_pack().pack.version,
        )
        for item_id, item in items.items():
            decision = chosen[item_id]
            SupportDecision.objects.create(
                confirmation=confirmation,
                support_item=item,
                description=item.description,
                decision=decision.decision,
                reason=decision.reason.strip(),
            )
            if decision.decision == "stop" and passport is not None:
                item.ends_on = max(on, item.starts_on)
                passport_services.save_item(passport, item, by)
    return confirmation


def new_arrivals(user: User, *, on: dt.date | None = None) -> list[Admission]:
    """Return admissions to the settings where the person is SENCO or head, of children they may
    see: admitted in the last weeks the policy pack names, or starting later."""
    on = on or today()
    weeks = current_pack().transitions.new_arrivals_weeks
    my_settings = (
        user.live_memberships(on)
        .filter(role__in=[Role.SENCO, Role.SETTING_HEAD])
        .values("setting_id")
    )
    return list(
        Admission.objects.filter(
            setting_id__in=my_settings,
            child__in=visible_children(user, on=on),
            starts_on__gte=on - dt.timedelta(weeks=weeks),
        )
        .select_related("child", "setting__local_authority", "sending_setting", "confirmation")
        .order_by("starts_on", "child__family_name", "child__given_name", "pk")
    )


def overdue_confirmations(user: User, *, on: dt.date | None = None) -> list[Admission]:
    """Return admissions in the person's local authorities whose support is unconfirmed past its
    deadline, for children they may see."""
    on = on or today()
    las = user.live_memberships(on).filter(role=Role.LA_CASEWORKER).values("local_authority_id")
    weeks = current_pack().transitions.new_arrivals_weeks
    candidates = (
        Admission.objects.filter(
            setting__local_authority_id__in=las,
            confirmation__isnull=True,
            starts_on__lt=on,
            starts_on__gte=on - dt.timedelta(weeks=max(weeks, 13)),
            child__in=visible_children(user, on=on),
        )
        .select_related("child", "setting__local_authority")
        .order_by("setting__name", "starts_on", "pk")
    )
    return [admission for admission in candidates if is_overdue(admission, on)]


def overdue_counts(on: dt.date, la_ids: list[int]) -> dict[int, int]:
    """Count overdue confirmations per setting in these LAs (numbers only, no children)."""
    weeks = current_pack().transitions.new_arrivals_weeks
    counts: dict[int, int] = {}
    for admission in Admission.objects.filter(
        setting__local_authority_id__in=la_ids,
        confirmation__isnull=True,
        starts_on__lt=on,
        starts_on__gte=on - dt.timedelta(weeks=max(weeks, 13)),
    ).select_related("setting__local_authority"):
        if is_overdue(admission, on):
            counts[admission.setting_id] = counts.get(admission.setting_id, 0) + 1
    return counts


# Year group (Reception is 0) in the school year before a phase transfer.
TRANSFER_FROM_YEAR = {
    -1: TransferPlan.Kind.NURSERY_TO_RECEPTION,
    6: TransferPlan.Kind.YEAR_6_TO_7,
    11: TransferPlan.Kind.YEAR_11_TO_POST_16,
}


def transfer_kind(child: Child, on: dt.date | None = None) -> str | None:
    """Return the phase transfer the child makes next September, if any."""
    return TRANSFER_FROM_YEAR.get(child.year_group(on or today()))


def transfer_year(on: dt.date | None = None) -> int:
    """Return the year of the September the current school year's transfers happen in."""
    return school_year_starting(on or today()) + 1


def statutory_transfer_date(kind: str, year: int) -> dt.date:
    """Return the day an EHC plan must be amended to name the next setting (Code of Practice
    9.179: 15 February; 31 March for secondary to post-16), from the policy pack."""
    timescales = current_pack().timescales
    month_day = (
        timescales.phase_transfer_deadline_post16
        if kind == TransferPlan.Kind.YEAR_11_TO_POST_16
        else timescales.phase_transfer_deadline
    )
    month, day = (int(part) for part in month_day.split("-"))
    return dt.date(year, month, day)


@dataclass(frozen=True)
class Readiness:
    """The readiness checklist of one phase transfer."""

    passport_reviewed: bool
    destination_named: bool
    meeting_held: bool
    essentials_shared: bool

    @property
    def done(self) -> int:
        return sum(
            (
                self.passport_reviewed,
                self.destination_named,
                self.meeting_held,
                self.essentials_shared,
            )
        )


def readiness(plan: TransferPlan | None) -> Readiness:
    """Return the checklist for a plan (all outstanding when there is none yet)."""
    if plan is None:
        return Readiness(False, False, False, False)
    return Readiness(
        plan.passport_reviewed,
        plan.destination_named,
        plan.meeting_held_on is not None,
        plan.essentials_shared,
    )


def save_transfer_plan(
    child: Child,
    setting: Setting,
    *,
    by: User,
    destination_setting: Setting | None,
    destination_text: str,
    passport_reviewed: bool,
    meeting_held_on: dt.date | None,
    essentials_shared: bool,
    on: dt.date | None = None,
) -> TransferPlan:
    """Record the destination and readiness of the child's next phase transfer from a setting."""
    on = on or today()
    kind = transfer_kind(child, on)
    if kind is None:
        raise ValidationError({"__all__": "This child does not change phase next September"})
    plan, _ = TransferPlan.objects.update_or_create(
        child=child,
        setting=setting,
        transfer_year=transfer_year(on),
        defaults={
            "kind": kind,
            "destination_setting": destination_setting,
            "destination_text": destination_text,
            "passport_reviewed": passport_reviewed,
            "meeting_held_on": meeting_held_on,
            "essentials_shared": essentials_shared,
            "updated_by": by,
        },
    )
    return plan
