"""The verbs of a move: admit a child, record them leaving, confirm support in place, plan a
phase transfer."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from passport.access.policies import (
    may_decide_transfer_away,
    may_decide_transfers_away,
    visible_children,
)
from passport.audit import services as audit
from passport.audit.models import AuditAction
from passport.children.models import Child, Enrolment
from passport.core.dates import today
from passport.core.policy import current_pack
from passport.core.schooldays import calendar_for, school_year_starting
from passport.core.text import LONG_TEXT, reject_markup
from passport.organisations.models import Setting
from passport.passports import services as passport_services
from passport.passports.models import Passport, SupportItem
from passport.people.models import Role, User
from passport.transitions.models import (
    Admission,
    Leaving,
    PendingTransfer,
    SupportConfirmation,
    SupportDecision,
    TransferPlan,
)
from passport.transitions.tasks import notify_receiving_setting, notify_setting_of_admissions

__all__ = [
    "AdmissionRow",
    "AdmissionsReport",
    "ItemDecision",
    "TransferAlreadyDecided",
    "authorise_transfer_decision",
    "confirm_pending_transfer",
    "confirm_support_in_place",
    "decline_pending_transfer",
    "new_arrivals",
    "overdue_confirmations",
    "pending_transfers_to_decide",
    "record_admission",
    "record_admissions",
    "record_leaving",
    "time_to_support",
]

# Admissions are recorded up to a school year ahead (offers for September are made in spring).
ADMISSION_HORIZON = dt.timedelta(days=366)
MAIN = Enrolment.Registration.MAIN
SUBSIDIARY = Enrolment.Registration.SUBSIDIARY
REGISTRATIONS = frozenset(Enrolment.Registration.values)


def _relationship_change(
    by: User | None, child: Child, setting: Setting, reason: str, *, relationship: str
) -> audit.Entry:
    # Access follows enrolments, so a new or ended enrolment is an access decision in itself.
    return audit.Entry(
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


def _audit_relationship_change(
    by: User | None, child: Child, setting: Setting, reason: str, *, relationship: str
) -> None:
    audit.record_many([_relationship_change(by, child, setting, reason, relationship=relationship)])


def _check_arguments(registration: str, source: str) -> None:
    if registration not in Enrolment.Registration.values:
        raise ValidationError({"registration": "Choose main or subsidiary registration"})
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
    with transaction.atomic():
        # Lock the child so two admissions of one child take turns (a re-sent CTF, a double click).
        Child.objects.select_for_update().filter(pk=child.pk).first()
        existing = Admission.objects.filter(
            child=child, setting=setting, starts_on=starts_on
        ).first()
        if existing is not None:
            return existing
        problem = _date_problem(child, starts_on)
        if problem:
            raise ValidationError({"starts_on": problem})
        overlapping = (
            Enrolment.objects.filter(child=child, setting=setting)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on))
            .order_by("starts_on")
            .first()
        )
        if overlapping is not None:
            raise ValidationError({"starts_on": _overlap_problem(overlapping, setting, starts_on)})

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
                    raise ValidationError({"starts_on": _later_main_problem(enrolment)})
                enrolment.ends_on = starts_on - dt.timedelta(days=1)
                enrolment.save(update_fields=["ends_on"])
                sending = enrolment.setting
                _audit_relationship_change(
                    by,
                    child,
                    enrolment.setting,
                    _left_reason(enrolment, setting),
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
            _admitted_reason(setting, starts_on),
            relationship="admitted_to_my_setting",
        )
        # Queued in the same transaction: with the database backend the task row commits or
        # rolls back with the admission, so nobody is told of an admission that did not happen.
        notify_receiving_setting.enqueue(admission.pk)
    return admission


# Admissions written per transaction by `record_admissions`.
ADMISSIONS_CHUNK = 500


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


@dataclass
class AdmissionsReport:
    """What `record_admissions` did: counts, and each refused row's key and reasons."""

    admitted: int = 0
    unchanged: int = 0
    refused: list[tuple[Hashable, list[str]]] = field(default_factory=list)
    settings_notified: int = 0


def _lock_children(child_ids: Sequence[int]) -> None:
    # In id order, so two bulk writers over the same children cannot deadlock.
    if connection.features.has_select_for_update and child_ids:
        list(
            Child.objects.select_for_update()
            .filter(pk__in=sorted(child_ids))
            .order_by("pk")
            .values_list("pk", flat=True)
        )


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
    if source not in Admission.Source.values:
        raise ValidationError({"source": f"Unknown admission source {source!r}"})
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
        problem = (
            "Choose main or subsidiary registration"
            if row.registration not in REGISTRATIONS
            else _date_problem(child, starts_on)
        )
        held = enrolments[child.pk]
        if not problem:
            overlapping = sorted(
                (
                    e
                    for e in held
                    if e.setting_id == setting.pk and (e.ends_on is None or e.ends_on >= starts_on)
                ),
                key=lambda e: e.starts_on,
            )
            if overlapping:
                problem = _overlap_problem(overlapping[0], setting, starts_on)
        previous: list[Enrolment] = []
        if not problem and row.registration == MAIN and row.ends_previous:
            previous = [
                e
                for e in held
                if e.registration == MAIN
                and e.setting_id != setting.pk
                and (e.ends_on is None or e.ends_on >= starts_on)
            ]
            later = next((e for e in previous if e.starts_on >= starts_on), None)
            if later is not None:
                problem = _later_main_problem(later)
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
                _relationship_change(
                    by,
                    child,
                    enrolment.setting,
                    _left_reason(enrolment, setting),
                    relationship="on_roll_at_my_setting",
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
            _relationship_change(
                by,
                child,
                setting,
                _admitted_reason(setting, starts_on),
                relationship="admitted_to_my_setting",
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


def notify_settings(admissions: Iterable[Admission]) -> int:
    """Queue one notification per receiving setting for the admissions nobody was told of yet;
    return how many were queued."""
    settings = sorted({a.setting_id for a in admissions if a.notified_at is None})
    for setting_id in settings:
        notify_setting_of_admissions.enqueue(setting_id)
    return len(settings)


def _chunks(rows: Iterable[AdmissionRow], size: int) -> Iterable[list[AdmissionRow]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def record_admissions(
    rows: Iterable[AdmissionRow],
    *,
    by: User | None,
    source: str,
    chunk_size: int = ADMISSIONS_CHUNK,
    progress: Callable[[int], None] | None = None,
) -> AdmissionsReport:
    """Admit many children (the September wave), by the rules of `record_admission`, a chunk of
    rows per transaction.

    Each row is checked as `record_admission` checks it (and against the rows before it):
    a refused row is reported with its reasons and writes nothing; a row already admitted is
    left as it is, so the same rows can be run again after a failure. Previous main enrolments
    end the day before, every change of access is audited, and each receiving setting gets one
    queued notification for all its new arrivals, not one per child. `progress` is called with
    the number of rows of each chunk done.
    """
    report = AdmissionsReport()
    to_notify: dict[int, Admission] = {}
    for chunk in _chunks(rows, chunk_size):
        try:
            with transaction.atomic():
                results = admit_chunk(chunk, by=by, source=source)
        except IntegrityError:
            # Someone admitted one of these children at the same moment: go row by row, so only
            # that row is refused.
            results = [_admit_one(row, by=by, source=source) for row in chunk]
        for result in results:
            if result.problems:
                report.refused.append((result.row.key, list(result.problems)))
                continue
            if result.created:
                report.admitted += 1
            else:
                report.unchanged += 1
            assert result.admission is not None
            if result.admission.notified_at is None:
                to_notify.setdefault(result.admission.setting_id, result.admission)
        if progress is not None:
            progress(len(chunk))
    # After every chunk: a re-run after a crash queues what the crashed run did not.
    report.settings_notified = notify_settings(to_notify.values())
    return report


def _admit_one(row: AdmissionRow, *, by: User | None, source: str) -> AdmissionResult:
    try:
        with transaction.atomic():
            (result,) = admit_chunk([row], by=by, source=source)
    except IntegrityError:
        return AdmissionResult(
            row,
            None,
            problems=("This admission was recorded at the same moment by someone else",),
        )
    return result


def broad_areas_with(passport: Passport, need_types: Sequence[str]) -> list[str]:
    """Keep the passport's broad areas, adding those the need types belong to."""
    pack = current_pack()
    derived = [
        need.broad_area
        for code in need_types
        if (need := pack.need_type(code)) is not None and need.broad_area
    ]
    return list(dict.fromkeys([*passport.broad_areas, *derived]))


@dataclass(frozen=True)
class NeedsBroughtOver:
    """What `bring_over_needs` changed in the passport."""

    passport_started: bool
    needs_changed: bool


def bring_over_needs(
    child: Child,
    *,
    sen_provision: str | None,
    need_types: Sequence[str],
    needs_description: str,
    by: User | None,
) -> NeedsBroughtOver:
    """Bring the child's passport to the SEN provision and needs the sending setting recorded,
    starting the passport if there is none; its broad areas grow and its description is kept.

    With no provision (no SEN history sent) the needs are left as they are.
    """
    passport = Passport.objects.filter(child=child).first()
    started = passport is None
    if passport is None:
        passport = passport_services.start_passport(child, by)  # type: ignore[arg-type]
    held = list(passport.ranked_needs.order_by("rank").values_list("need_type", flat=True))
    if sen_provision is None or (passport.sen_provision, held) == (sen_provision, list(need_types)):
        return NeedsBroughtOver(started, False)
    passport_services.set_needs(
        passport,
        sen_provision=sen_provision,
        need_types=list(need_types),
        broad_areas=broad_areas_with(passport, need_types),
        needs_description=passport.needs_description or needs_description,
        by=by,  # type: ignore[arg-type]
    )
    return NeedsBroughtOver(started, True)


def pending_transfers_to_decide(user: User, *, on: dt.date | None = None) -> list[PendingTransfer]:
    """Return the transfers waiting for the person to confirm or decline: children on roll at a
    setting they lead, or of a local authority they are a caseworker for (for a child on no roll
    with no home LA, the LA of the last setting they attended)."""
    on = on or today()
    memberships = user.live_memberships(on)
    led = memberships.filter(role__in=[Role.SENCO, Role.SETTING_HEAD]).values("setting_id")
    las = memberships.filter(role=Role.LA_CASEWORKER).values("local_authority_id")
    candidates = (
        PendingTransfer.objects.filter(status=PendingTransfer.Status.PENDING)
        .filter(
            Q(from_setting_id__in=led)
            | Q(from_setting__local_authority_id__in=las)
            | Q(child__home_local_authority_id__in=las)
            | Q(
                Exists(
                    Enrolment.objects.filter(
                        child=OuterRef("child"), setting__local_authority_id__in=las
                    )
                ),
                from_setting__isnull=True,
                child__home_local_authority__isnull=True,
            )
        )
        .select_related("child", "from_setting", "to_setting", "requested_by")
        .order_by("requested_at", "pk")
    )
    transfers = list(candidates)
    decides = may_decide_transfers_away(user, [(p.child, p.from_setting) for p in transfers], on=on)
    return [p for p, allowed in zip(transfers, decides, strict=True) if allowed]


def _transfer_entry(
    pending: PendingTransfer, by: User, action: str, reason: str, *, allowed: bool
) -> audit.Entry:
    membership = (
        by.live_memberships(today())
        .filter(
            Q(setting_id=pending.from_setting_id, setting__isnull=False)
            | Q(
                role=Role.LA_CASEWORKER,
                local_authority_id__in=[
                    la
                    for la in (
                        pending.from_setting and pending.from_setting.local_authority_id,
                        pending.child.home_local_authority_id,
                    )
                    if la
                ],
            )
        )
        .select_related("setting", "local_authority")
        .first()
    )
    return audit.Entry(
        actor=by,
        role=membership.role if membership else "",
        relationship="",
        acting_for=str(membership.setting or membership.local_authority) if membership else "",
        setting_id=pending.from_setting_id,
        action=action,
        child_id=pending.child_id,
        reason=reason,
        allowed=allowed,
    )


def authorise_transfer_decision(pending: PendingTransfer, by: User, action: str) -> None:
    """Raise PermissionDenied, audited, unless the person may decide this transfer."""
    if may_decide_transfer_away(by, pending.child, pending.from_setting):
        return
    audit.record_many(
        [
            _transfer_entry(
                pending,
                by,
                action,
                f"Not the setting the child is on roll at, nor its local authority: the "
                f"transfer to {pending.to_setting.name} was not decided",
                allowed=False,
            )
        ]
    )
    raise PermissionDenied("Only the setting the child is on roll at, or the LA, can decide")


class TransferAlreadyDecided(ValidationError):
    """The transfer was confirmed or declined before this decision: a clash, not a bad request."""


def _locked_while_pending(pending: PendingTransfer) -> PendingTransfer:
    locked = (
        # Not from_setting: PostgreSQL cannot lock the outer-joined side (empty for a child on no
        # roll).
        PendingTransfer.objects.select_for_update(of=("self", "child", "to_setting"))
        .select_related("child", "from_setting", "to_setting")
        .get(pk=pending.pk)
    )
    if locked.status != PendingTransfer.Status.PENDING:
        raise TransferAlreadyDecided(
            {"__all__": f"This transfer has already been {locked.get_status_display().lower()}"}
        )
    return locked


def confirm_pending_transfer(pending: PendingTransfer, *, by: User) -> Admission:
    """Agree to a transfer a CTF asked for: admit the child to the setting that asked and bring
    the file's needs into the passport, as the import would have, in one transaction; audited.

    Raise PermissionDenied unless `by` may decide it (access policy), ValidationError if it is
    decided already or the admission cannot be recorded.
    """
    authorise_transfer_decision(pending, by, AuditAction.CONFIRM_TRANSFER)
    with transaction.atomic():
        pending = _locked_while_pending(pending)
        admission = record_admission(
            pending.child,
            pending.to_setting,
            pending.starts_on,
            by=by,
            source=Admission.Source.CTF,
        )
        bring_over_needs(
            pending.child,
            sen_provision=pending.sen_provision or None,
            need_types=pending.need_types,
            needs_description=pending.needs_description,
            by=by,
        )
        pending.status = PendingTransfer.Status.CONFIRMED
        pending.decided_by = by
        pending.decided_at = timezone.now()
        pending.save(update_fields=["status", "decided_by", "decided_at"])
        audit.record_many(
            [
                _transfer_entry(
                    pending,
                    by,
                    AuditAction.CONFIRM_TRANSFER,
                    f"Confirmed the move from "
                    f"{pending.from_setting.name if pending.from_setting else 'no roll'} to "
                    f"{pending.to_setting.name} from {pending.starts_on:%-d %B %Y} asked for by a "
                    "Common Transfer File",
                    allowed=True,
                )
            ]
        )
    return admission


def decline_pending_transfer(pending: PendingTransfer, *, by: User, reason: str) -> PendingTransfer:
    """Refuse a transfer a CTF asked for, recording why; nothing else changes. Audited.

    Raise PermissionDenied unless `by` may decide it (access policy), ValidationError keyed
    `reason` when no reason is given, or `__all__` if it is decided already.
    """
    # Authorised first, so someone who may not decide learns nothing from the reason's checks.
    authorise_transfer_decision(pending, by, AuditAction.DECLINE_TRANSFER)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter why you are declining the transfer"})
    if len(reason) > LONG_TEXT:
        raise ValidationError({"reason": f"The reason must be {LONG_TEXT:,} characters or fewer"})
    try:
        reject_markup(reason)
    except ValidationError as exc:
        raise ValidationError({"reason": f"The reason {exc.messages[0]}"}) from exc
    with transaction.atomic():
        pending = _locked_while_pending(pending)
        pending.status = PendingTransfer.Status.DECLINED
        pending.decided_by = by
        pending.decided_at = timezone.now()
        pending.reason = reason
        pending.save(update_fields=["status", "decided_by", "decided_at", "reason"])
        audit.record_many(
            [
                _transfer_entry(
                    pending,
                    by,
                    AuditAction.DECLINE_TRANSFER,
                    f"Declined the move to {pending.to_setting.name}: {reason}",
                    allowed=True,
                )
            ]
        )
    return pending


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


def _overdue_on(on: dt.date) -> Callable[[str, dt.date], bool]:
    """Return a test of whether support is overdue on `on` for an admission (by its LA's code
    and first day), working out each LA's calendar and each deadline once."""
    school_days = current_pack().transitions.support_confirmation_school_days
    calendars: dict[str, Any] = {}
    answers: dict[tuple[str, dt.date], bool] = {}

    def overdue(la_code: str, starts_on: dt.date) -> bool:
        key = (la_code, starts_on)
        if key not in answers:
            calendar = calendars.get(la_code) or calendars.setdefault(
                la_code, calendar_for(la_code)
            )
            first = starts_on
            while not calendar.is_school_day(first):
                first += dt.timedelta(days=1)
            answers[key] = on > calendar.add_school_days(first, school_days - 1)
        return answers[key]

    return overdue


def _unconfirmed(on: dt.date) -> QuerySet[Admission]:
    weeks = current_pack().transitions.new_arrivals_weeks
    return Admission.objects.filter(
        confirmation__isnull=True,
        starts_on__lt=on,
        starts_on__gte=on - dt.timedelta(weeks=max(weeks, 13)),
    )


def overdue_confirmations(user: User, *, on: dt.date | None = None) -> list[Admission]:
    """Return admissions in the person's local authorities whose support is unconfirmed past its
    deadline, for children they may see."""
    on = on or today()
    las = user.live_memberships(on).filter(role=Role.LA_CASEWORKER).values("local_authority_id")
    candidates = (
        _unconfirmed(on)
        .filter(setting__local_authority_id__in=las, child__in=visible_children(user, on=on))
        .select_related("child", "setting__local_authority")
        .order_by("setting__name", "starts_on", "pk")
    )
    overdue = _overdue_on(on)
    return [a for a in candidates if overdue(a.setting.local_authority.code, a.starts_on)]


def overdue_counts(on: dt.date, la_ids: list[int]) -> dict[int, int]:
    """Count overdue confirmations per setting in these LAs (numbers only, no children).

    One query counts unconfirmed admissions by setting and first day; whether a first day is
    overdue depends only on the LA's school calendar, worked out once per LA and day.
    """
    overdue = _overdue_on(on)
    counts: dict[int, int] = {}
    grouped = (
        _unconfirmed(on)
        .filter(setting__local_authority_id__in=la_ids)
        .values_list("setting_id", "setting__local_authority__code", "starts_on")
        .annotate(admissions=Count("pk"))
        .order_by()
    )
    for setting_id, la_code, starts_on, admissions in grouped:
        if overdue(la_code, starts_on):
            counts[setting_id] = counts.get(setting_id, 0) + admissions
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
