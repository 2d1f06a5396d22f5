"""Admitting children to a setting's roll: one child at a time (`record_admission`) or a chunk of
rows in a few queries (`admit_chunk`), by one set of rules."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q

from passport.audit import services as audit
from passport.children.models import Child, Enrolment
from passport.core.dates import today
from passport.organisations.models import Setting
from passport.people.models import User
from passport.transitions.models import Admission
from passport.transitions.services.roll_changes import ADMITTED, ON_ROLL, roll_change
from passport.transitions.tasks import notify_receiving_setting

# Admissions are recorded up to a school year ahead (offers for September are made in spring).
ADMISSION_HORIZON = dt.timedelta(days=366)
MAIN = Enrolment.Registration.MAIN
REGISTRATIONS = frozenset(Enrolment.Registration.values)
RECORDED_MEANWHILE = "This admission was recorded at the same moment by someone else"


def _check_arguments(registration: str, source: str) -> None:
    if registration not in REGISTRATIONS:
        raise ValidationError({"registration": "Choose main or subsidiary registration"})
    _check_source(source)


def _check_source(source: str) -> None:
    if source not in Admission.Source.values:
        raise ValidationError({"source": f"Unknown admission source {source!r}"})


def _date_problem(child: Child, starts_on: dt.date) -> str:
    if starts_on < child.date_of_birth:
        return "The start date must be on or after the child's date of birth"
    if starts_on > today() + ADMISSION_HORIZON:
        return "The start date must be within a year from today"
    return ""


def _overlap_problem(overlapping: Enrolment, setting: Setting, starts_on: dt.date) -> str:
    if overlapping.starts_on == starts_on:
        return f"The child is already on roll at {setting.name} from that date"
    return (
        f"The child is already on roll at {setting.name} from "
        f"{overlapping.starts_on:%-d %B %Y}. Record them leaving first, or choose a "
        "start date after they left"
    )


def _later_main_problem(enrolment: Enrolment) -> str:
    return (
        f"The child is already admitted to "
        f"{enrolment.setting.name} from {enrolment.starts_on:%-d %B %Y}. "
        "Choose a later start date, or a subsidiary registration"
    )


def _left_reason(enrolment: Enrolment, setting: Setting) -> str:
    return (
        f"Left the roll of {enrolment.setting.name} on {enrolment.ends_on} "
        f"on admission to {setting.name}"
    )


def _admitted_reason(setting: Setting, starts_on: dt.date) -> str:
    return f"Admitted to {setting.name} from {starts_on}: the setting's access begins"


@dataclass(frozen=True)
class AdmissionRow:
    """One admission for `record_admissions`; `key` names it in the report (a CSV row number,
    a pupil's place in a file)."""

    child: Child
    setting: Setting
    starts_on: dt.date
    registration: str = MAIN
    ends_previous: bool = True
    key: Hashable = None


@dataclass(frozen=True)
class AdmissionResult:
    """What happened to one row: admitted now, already admitted, or refused with the reasons."""

    row: AdmissionRow
    admission: Admission | None
    created: bool = False
    problems: tuple[str, ...] = ()


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
    `record_admissions` does the same for many children at once.
    """
    _check_arguments(registration, source)
    row = AdmissionRow(child, setting, starts_on, registration, ends_previous)
    with transaction.atomic():
        try:
            with transaction.atomic():
                (result,) = admit_chunk([row], by=by, source=source)
        except IntegrityError as error:
            raise ValidationError({"starts_on": RECORDED_MEANWHILE}) from error
        if result.problems:
            raise ValidationError({"starts_on": result.problems[0]})
        admission = result.admission
        assert admission is not None
        if result.created:
            # Queued in the same transaction: with the database backend the task row commits or
            # rolls back with the admission, so nobody is told of an admission that did not
            # happen.
            notify_receiving_setting.enqueue(admission.pk)
    return admission


def _lock_children(child_ids: Sequence[int]) -> None:
    # In id order, so two writers over the same children (a re-sent CTF, a double click, two bulk
    # runs) take turns and cannot deadlock.
    if connection.features.has_select_for_update and child_ids:
        list(
            Child.objects.select_for_update()
            .filter(pk__in=sorted(child_ids))
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def _problem(row: AdmissionRow, held: list[Enrolment]) -> tuple[str, list[Enrolment]]:
    """Return why the row cannot be admitted (or ""), and the main enrolments it ends."""
    child, setting, starts_on = row.child, row.setting, row.starts_on
    if row.registration not in REGISTRATIONS:
        return "Choose main or subsidiary registration", []
    problem = _date_problem(child, starts_on)
    if problem:
        return problem, []
    overlapping = sorted(
        (
            e
            for e in held
            if e.setting_id == setting.pk and (e.ends_on is None or e.ends_on >= starts_on)
        ),
        key=lambda e: e.starts_on,
    )
    if overlapping:
        return _overlap_problem(overlapping[0], setting, starts_on), []
    if row.registration != MAIN or not row.ends_previous:
        return "", []
    previous = [
        e
        for e in held
        if e.registration == MAIN
        and e.setting_id != setting.pk
        and (e.ends_on is None or e.ends_on >= starts_on)
    ]
    later = next((e for e in previous if e.starts_on >= starts_on), None)
    if later is not None:
        return _later_main_problem(later), []
    return "", previous


def admit_chunk(
    rows: Sequence[AdmissionRow], *, by: User | None, source: str
) -> list[AdmissionResult]:
    """Admit a chunk of rows in a few queries, by the rules of `record_admission`, in the
    caller's transaction; return a result per row, in order. Queue no notification (the caller
    queues one per receiving setting, see `notify_settings`).

    Every row is checked against the database and the rows before it, then the good rows are
    written together: a refused row writes nothing, and the others are all written. Raise
    IntegrityError if someone else wrote one of these admissions meanwhile.
    """
    _check_source(source)
    child_ids = sorted({row.child.pk for row in rows})
    _lock_children(child_ids)
    existing = {
        (a.child_id, a.setting_id, a.starts_on): a
        for a in Admission.objects.filter(
            child_id__in=child_ids,
            setting_id__in={row.setting.pk for row in rows},
            starts_on__in={row.starts_on for row in rows},
        )
    }
    earliest = min((row.starts_on for row in rows), default=today())
    enrolments: dict[int, list[Enrolment]] = defaultdict(list)
    open_enrolments = (
        Enrolment.objects.filter(child_id__in=child_ids)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=earliest))
        .select_related("setting")
        .order_by("child_id", "-starts_on", "pk")
    )
    if connection.features.has_select_for_update_of:
        open_enrolments = open_enrolments.select_for_update(of=("self",))
    for enrolment in open_enrolments:
        enrolments[enrolment.child_id].append(enrolment)

    results: list[AdmissionResult] = []
    ended: dict[int, Enrolment] = {}
    new_enrolments: list[Enrolment] = []
    new_admissions: list[Admission] = []
    entries: list[audit.Entry] = []
    for row in rows:
        child, setting, starts_on = row.child, row.setting, row.starts_on
        key = (child.pk, setting.pk, starts_on)
        if key in existing:
            results.append(AdmissionResult(row, existing[key]))
            continue
        held = enrolments[child.pk]
        problem, previous = _problem(row, held)
        if problem:
            results.append(AdmissionResult(row, None, problems=(problem,)))
            continue
        sending: Setting | None = None
        for enrolment in previous:
            enrolment.ends_on = starts_on - dt.timedelta(days=1)
            if enrolment.pk is not None:  # else one this chunk admits: created already ended
                ended[enrolment.pk] = enrolment
            sending = enrolment.setting
            entries.append(
                roll_change(
                    by,
                    child,
                    enrolment.setting,
                    _left_reason(enrolment, setting),
                    relationship=ON_ROLL,
                )
            )
        enrolment = Enrolment(
            child=child, setting=setting, starts_on=starts_on, registration=row.registration
        )
        held.append(enrolment)
        admission = Admission(
            child=child,
            setting=setting,
            enrolment=enrolment,
            starts_on=starts_on,
            registration=row.registration,
            source=source,
            sending_setting=sending,
            recorded_by=by,
        )
        existing[key] = admission
        new_enrolments.append(enrolment)
        new_admissions.append(admission)
        entries.append(
            roll_change(
                by, child, setting, _admitted_reason(setting, starts_on), relationship=ADMITTED
            )
        )
        results.append(AdmissionResult(row, admission, created=True))

    by_day: dict[dt.date, list[int]] = defaultdict(list)
    for enrolment in ended.values():
        assert enrolment.ends_on is not None
        by_day[enrolment.ends_on].append(enrolment.pk)
    # In a wave most rows share a start date: one UPDATE per day, not one per enrolment.
    for ends_on, ids in by_day.items():
        Enrolment.objects.filter(pk__in=ids).update(ends_on=ends_on)
    Enrolment.objects.bulk_create(new_enrolments)
    for admission in new_admissions:
        admission.enrolment_id = admission.enrolment.pk
    Admission.objects.bulk_create(new_admissions)
    audit.record_many(entries)
    return results
