"""Import a Common Transfer File: match pupils by UPN, bring their SEN data into the passport,
and admit them to the destination setting.

The whole file is read once before anything is written, so a broken, truncated or hostile file
changes nothing. Pupils are then written a chunk at a time, one transaction per chunk with a few
queries each: a pupil with a fault is skipped with the reason and the rest of its chunk is
written. A crash leaves whole pupils only, and importing the same file again changes nothing (no
new versions), so a file is finished by importing it again.

A file is only as trustworthy as whoever wrote it: a pupil on roll at another setting is not
moved, but waits as a pending transfer for that setting or the local authority to confirm; a
pupil on no roll after leaving for home education or England, or never enrolled, waits for the
local authority alone. A pupil whose last roll simply ended (a phase transfer) is admitted.

Nothing the file's header says (the sending school's name or numbers) decides what the report
says or is shown to anyone: the report's wording for a pupil never names the child's current
school, and is the same for a pupil whose date of birth does not match the record held as for one
whose transfer was declined. Every request, repeat and refusal about a known child leaves an audit
row for that child, which the family sees.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import islice

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, QuerySet

from passport.access.standing import Duty, Scope, role_at, scope
from passport.audit import services as audit
from passport.audit.models import AuditAction
from passport.children.models import Child, Enrolment
from passport.children.services import ChildDetails, checked_identifiers
from passport.children.validators import check_start_date
from passport.core.dates import today
from passport.core.identifiers import check_upn, normalise
from passport.core.policy import current_pack
from passport.core.schooldays import calendar_for
from passport.organisations.models import Setting
from passport.passports.models import Passport, RankedNeed
from passport.passports.services import check_needs, set_needs
from passport.people.models import User
from passport.transitions.ctf.parser import (
    CtfError,
    CtfHeader,
    CtfPupil,
    CtfReader,
    Source,
    Survey,
    survey,
)
from passport.transitions.models import Admission, Leaving, PendingTransfer
from passport.transitions.services import (
    AdmissionRow,
    admit_chunk,
    bring_over_needs,
    broad_areas_with,
    record_admission,
)
from passport.transitions.tasks import (
    notify_setting_of_admissions,
    notify_setting_of_pending_transfers,
)

# Pupils written per transaction: big enough that a query per chunk costs little per pupil,
# small enough that a crash or a lock wait loses little.
CHUNK_SIZE = 250


class Outcome(StrEnum):
    """What happened to one pupil."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    PENDING_TRANSFER = "pending_transfer"


@dataclass(frozen=True)
class PupilResult:
    """One pupil's line in the import report."""

    position: int
    upn: str
    name: str
    outcome: Outcome
    reasons: list[str] = field(default_factory=list)
    child_id: int | None = None


@dataclass
class ImportReport:
    """What an import did, pupil by pupil."""

    header: CtfHeader
    destination: Setting
    starts_on: dt.date
    pupils: list[PupilResult] = field(default_factory=list)

    # What was read but should be fixed at source, once each, like needs outside SENhistory.
    warnings: list[str] = field(default_factory=list)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for pupil in self.pupils if pupil.outcome is outcome)

    @property
    def counts(self) -> dict[str, int]:
        return {outcome.value: self.count(outcome) for outcome in Outcome}

    @property
    def result(self) -> Result:
        """The file's outcome: a pupil waiting for a pending transfer is not refused."""
        refused = self.count(Outcome.SKIPPED)
        if refused == len(self.pupils):
            return Result.NOT_IMPORTED
        return Result.PARTLY_IMPORTED if refused else Result.IMPORTED

    @property
    def exit_status(self) -> int:
        """0 when no pupil was refused, 1 when nothing was imported, 2 when some were refused."""
        return _EXIT_STATUS[self.result]

    @property
    def summary(self) -> str:
        """One line a school office can read: the result, then the counts."""
        counts = ", ".join(
            f"{self.count(outcome)} {outcome.value.replace('_', ' ')}" for outcome in Outcome
        )
        return f"{self.headline} ({counts})"

    @property
    def headline(self) -> str:
        """The result in words."""
        return self.result.describe(len(self.pupils), waiting=self.count(Outcome.PENDING_TRANSFER))


class Result(StrEnum):
    """What an import did as a whole."""

    IMPORTED = "imported"
    PARTLY_IMPORTED = "partly_imported"
    NOT_IMPORTED = "not_imported"

    def describe(self, pupils: int, *, waiting: int = 0) -> str:
        if self is Result.IMPORTED and waiting:
            return "No pupil was refused: some wait for their current school or the LA to confirm"
        if self is Result.IMPORTED:
            return "The pupil was imported" if pupils == 1 else f"All {pupils} pupils were imported"
        if self is Result.PARTLY_IMPORTED:
            return "Some pupils were refused: correct them and import the file again"
        if pupils == 0:
            return "Nothing was imported: the file has no pupils"
        return "Nothing was imported: every pupil was refused"


# `passport ctf import` exits with these (documented in its --help and docs/ctf.md).
_EXIT_STATUS = {Result.IMPORTED: 0, Result.NOT_IMPORTED: 1, Result.PARTLY_IMPORTED: 2}


class _Skip(Exception):
    """A pupil's record cannot be imported; the message says why and how to fix it."""

    def __init__(self, *reasons: str) -> None:
        super().__init__(*reasons)
        self.reasons = list(reasons)


# The one reply for a known UPN the import will not touch, whether the date of birth differs from
# the record held or the child's current setting declined a transfer to the uploader: it neither
# confirms nor denies a date of birth, and names nobody.
UNMATCHED = "This pupil could not be matched: ask the child's current school or the local authority"
WAITING = (
    "Pending transfer: waiting for the child's current school or the local authority to confirm. "
    "Nothing is admitted or changed until then"
)


class _Unmatched(_Skip):
    """A known UPN with a different date of birth: skipped with UNMATCHED, audited for the child."""

    def __init__(self, child_id: int) -> None:
        super().__init__(UNMATCHED)
        self.child_id = child_id


class FirstDayError(CtfError):
    """The first day asked for is not a plausible date: nothing is imported."""


def default_first_day(settings: Sequence[Setting], *, after: dt.date | None = None) -> dt.date:
    """Return the next school day after today in the LA of the first of the settings the person
    imports for (England's term dates without one): the first day the upload page offers, since
    a file's DateTime is when the sending school wrote it, often weeks before the child starts."""
    la_code = settings[0].local_authority.code if settings else None
    return calendar_for(la_code).add_school_days(after or today(), 1)


def find_setting(lea: str, estab: str) -> Setting:
    """Return the setting with this LA code and establishment number, or raise CtfError."""
    matches = list(Setting.objects.filter(local_authority__code=lea, estab=estab)[:2])
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise CtfError(
            f"No setting in this service has LA code {lea} and establishment number {estab} "
            "(the file's DestSchool): check the file is meant for a setting that uses this service"
        )
    raise CtfError(
        f"More than one setting has LA code {lea} and establishment number {estab}: "
        "ask the service desk to correct the settings' DfE numbers"
    )


def _ranks_words(maximum: int) -> str:
    if maximum == 2:
        return "ranks are 1 (primary) and 2 (secondary)"
    return f"ranks are 1 (primary) to {maximum}"


@dataclass(frozen=True)
class _SenData:
    """A pupil's current SEN provision and need types in rank order, what the file held in codes
    retired in 2014 (kept as history), and notes for the report."""

    provision: str | None
    need_types: list[str]
    history: list[str]
    notes: list[str]


def _provision_and_needs(pupil: CtfPupil, file_date: dt.date) -> _SenData:
    """Check the pupil's SENhistory against the census codes in the policy pack; raise _Skip with
    a reason per fault, each naming the element and its value.

    A SEN record or need in a code retired by the 2014 reforms (School Action, a statement, BESD)
    is kept as history, not refused: older pupils' files carry them.
    """
    pack = current_pack()
    reasons: list[str] = []
    dob = pupil.date_of_birth
    retired_provision = {code.code: code for code in pack.retired_sen_provision}
    retired_needs = {code.code: code for code in pack.needs.retired}
    by_start: dict[dt.date, str] = {}
    for sen in pupil.sen_history:
        day = sen.start_date.isoformat()
        if pack.provision(sen.provision) is None and sen.provision not in retired_provision:
            in_use = ", ".join(f"{p.code} ({p.name})" for p in pack.sen_provision)
            reasons.append(
                f"SENprovision {sen.provision} (from {day}) is not a census code: use {in_use}"
            )
        if dob is not None and sen.start_date < dob:
            reasons.append(f"SEN StartDate {day} is before the date of birth {dob.isoformat()}")
        if sen.start_date > file_date:
            reasons.append(
                f"SEN StartDate {day} is after the file's DateTime ({file_date.isoformat()})"
            )
        earlier = by_start.setdefault(sen.start_date, sen.provision)
        if earlier != sen.provision:
            reasons.append(
                f"Two SEN records start on {day}, with SENprovision {earlier} and "
                f"{sen.provision}: keep the right one"
            )
    history = [
        f"SENprovision {sen.provision} ({retired_provision[sen.provision].name}) from "
        f"{sen.start_date:%-d %B %Y}"
        for sen in pupil.sen_history
        if sen.provision in retired_provision
    ]
    latest = max(pupil.sen_history, key=lambda sen: sen.start_date, default=None)
    if latest is not None and latest.provision in retired_provision:
        # Nothing current to bring over: the child is admitted and the passport's SEN data is
        # left as it is.
        history += [f"SENtype {need.need_type}, SENtypeRank {need.rank}" for need in pupil.needs]
        if reasons:
            raise _Skip(*reasons)
        retired = retired_provision[latest.provision]
        return _SenData(
            None,
            [],
            history,
            [
                f"SEN history kept: the latest SEN record is SENprovision {latest.provision} "
                f"({retired.name}, last in the {retired.last_census} census, now "
                f"{retired.replaced_by}), so the file gives no current SEN provision and the "
                "passport's is not changed"
            ],
        )
    provision = None if latest is None else latest.provision
    notes: list[str] = []
    maximum = pack.needs.ranked_needs_max
    current = [need for need in pupil.needs if need.need_type not in retired_needs]
    for need in pupil.needs:
        if need.need_type in retired_needs:
            retired = retired_needs[need.need_type]
            history.append(f"SENtype {need.need_type} ({retired.name}), SENtypeRank {need.rank}")
            notes.append(
                f"SENtype {need.need_type} kept as history: {retired.name} was last a census "
                f"need in {retired.last_census} (now {retired.replaced_by})"
            )
        elif pack.need_type(need.need_type) is None:
            reasons.append(
                f"SENtype {need.need_type} is not a census need code: use one of "
                f"{', '.join(n.code for n in pack.needs.type)}"
            )
        if not 1 <= need.rank <= maximum:
            reasons.append(f"SENtypeRank {need.rank} for {need.need_type}: {_ranks_words(maximum)}")
    by_rank: dict[int, str] = {}
    for need in current:
        other = by_rank.setdefault(need.rank, need.need_type)
        if other != need.need_type:
            reasons.append(
                f"SENtypeRank {need.rank} is given to both {other} and {need.need_type}: each "
                f"rank is used once ({_ranks_words(maximum)})"
            )
    codes = [need.need_type for need in current]
    for code in dict.fromkeys(code for code in codes if codes.count(code) > 1):
        reasons.append(f"SENtype {code} appears more than once: list each need once")
    current.sort(key=lambda need: need.rank)
    need_types = [need.need_type for need in current]
    described = pack.provision(provision) if provision is not None else None
    if provision is None and pupil.needs:
        reasons.append(
            f"SENneeds {', '.join(n.need_type for n in pupil.needs)} but no SEN record in "
            "SENhistory: add a SEN record with its StartDate and SENprovision (K or E)"
        )
    elif described is not None and not described.allows_need_types and need_types:
        reasons.append(
            f"SENprovision {provision} ({described.name}) has SENtype {', '.join(need_types)}: "
            "remove the needs, or change SENprovision"
        )
    elif described is not None and described.allows_need_types and not current:
        replaced = [retired_needs[n.need_type] for n in pupil.needs]
        if replaced:
            reasons.append(
                f"SENtype {replaced[0].code} is no longer a census need (now "
                f"{replaced[0].replaced_by}): with SENprovision {provision} the pupil needs a "
                "current primary need, SENtypeRank 1"
            )
        else:
            reasons.append(
                f"SENprovision {provision} ({described.name}) needs a primary need: a SENneed "
                "with SENtypeRank 1"
            )
    elif current and current[0].rank != 1 and len(current) == len(pupil.needs):
        reasons.append(
            f"SENtypeRank {current[0].rank} for {current[0].need_type} has no SENtypeRank 1 "
            "beside it: the primary need is rank 1"
        )
    elif current and current[0].rank != 1:
        notes.append(
            f"{need_types[0]} is now the primary need, as the rank 1 need was a retired code: "
            "check the passport's needs"
        )
    for code in need_types:
        need_type = pack.need_type(code)
        if (
            described is not None
            and need_type is not None
            and need_type.only_with_provision
            and provision not in need_type.only_with_provision
        ):
            allowed = " or ".join(
                f"{p.name} ({p.code})"
                for p in map(pack.provision, need_type.only_with_provision)
                if p is not None
            )
            reasons.append(
                f"{code} is only valid with {allowed}, not with {described.name} ({provision})"
            )
    if reasons:
        raise _Skip(*dict.fromkeys(reasons))
    if provision is not None:
        try:
            check_needs(provision, need_types, [])
        except ValidationError as exc:
            raise _Skip(*_messages(exc)) from exc
    return _SenData(provision, need_types, history, notes)


def _find_or_create_child(pupil: CtfPupil, upn: str) -> tuple[Child, bool]:
    child = Child.objects.select_for_update().filter(upn=upn).first()
    if child is not None:
        if child.date_of_birth != pupil.date_of_birth:
            raise _Unmatched(child.pk)
        return child, False
    assert pupil.date_of_birth is not None
    details = ChildDetails(
        given_name=pupil.forename[:100],
        family_name=pupil.surname[:100],
        date_of_birth=pupil.date_of_birth,
        upn=upn,
        # The sending school's MIS issued this UPN; an LA code from outside England is expected.
        upn_la_code_confirmed=True,
    )
    identifiers = checked_identifiers(details)
    child = Child(
        given_name=details.given_name,
        family_name=details.family_name,
        date_of_birth=details.date_of_birth,
        **identifiers,
    )
    child.full_clean()
    child.save()
    return child, True


def _on_roll(child: Child, setting: Setting, on: dt.date) -> bool:
    return (
        Admission.objects.filter(child=child, setting=setting, starts_on=on).exists()
        or Enrolment.objects.filter(child=child, setting=setting, starts_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .exists()
    )


@dataclass(frozen=True)
class _HeldAt:
    """The setting a known child is on roll at, which must agree before they move, or none for a
    child on no roll whom only the local authority may move."""

    setting_id: int | None


@dataclass
class _Ready:
    """A pupil whose record passed the checks that need no database, ready to write."""

    pupil: CtfPupil
    upn: str
    provision: str | None
    need_types: list[str]
    notes: list[str]
    child: Child | None = None
    created: bool = False
    held_at: _HeldAt | None = None
    # SEN records and needs in codes retired in 2014, kept in the passport's needs description.
    history: list[str] = field(default_factory=list)

    def needs_description(self, context: _Context) -> str:
        if not self.history:
            return context.needs_description
        return (
            f"{context.needs_description} Earlier SEN history in the file, in census codes used "
            f"before the 2014 reforms: {'; '.join(self.history)}."
        )

    @property
    def position(self) -> int:
        return self.pupil.position


@dataclass(frozen=True)
class _Context:
    header: CtfHeader
    destination: Setting
    starts_on: dt.date
    repeated: frozenset[str]
    by: User | None
    # The settings whose SENCO or head is importing: a child on roll there may be moved at once.
    acting_for: frozenset[int] = frozenset()
    role: str = ""

    @property
    def needs_description(self) -> str:
        # Not the file's SchoolName: anyone can write any name there, and the family reads this.
        return (
            f"Needs as recorded in a Common Transfer File imported by {self.destination.name} "
            f"on {today():%-d %B %Y}."
        )

    @property
    def admitted_note(self) -> str:
        return f"Admitted to {self.destination.name} from {self.starts_on:%-d %B %Y}"


# Leaving for these, the child is on no roll and no setting speaks for them: the local authority
# answers for children educated at home or gone from England (Education Act 1996 s.436A).
_LEFT_FOR_THE_LA = frozenset(
    {
        Leaving.Destination.ELECTIVE_HOME_EDUCATION,
        Leaving.Destination.LEFT_ENGLAND,
        Leaving.Destination.OTHER,
    }
)


def _held_elsewhere(child_ids: Sequence[int], context: _Context) -> dict[int, _HeldAt]:
    """Return, for each known child who must not be moved on the file's word alone, the setting
    whose say is needed, in one query for the chunk: the setting they are on roll at (now or from
    a later date) if the importer does not act for it, or none, for the local authority, when they
    are on no roll after leaving for home education, England or the unknown, or were never
    enrolled.

    Anyone holding a UPN and date of birth can write a CTF, so the file alone never moves a child
    away from another setting, nor takes over a child no setting holds. A child the destination
    already holds is not held elsewhere: the move was agreed when they were admitted there. A
    child whose last roll simply ended (the July phase transfer) is admitted at once, so support
    is there on the first day.
    """
    if not child_ids:
        return {}
    # Every enrolment with its leaving: a child has a handful, and the last one says whether the
    # child left to a setting or to the local authority's care.
    rows = Enrolment.objects.filter(child_id__in=child_ids).values_list(
        "child_id", "setting_id", "registration", "ends_on", "leaving__destination"
    )
    on_roll: set[int] = set()
    at_destination: set[int] = set()
    elsewhere: dict[int, list[tuple[bool, int]]] = {}
    last_left: dict[int, tuple[dt.date, bool]] = {}
    for child_id, setting_id, registration, ends_on, left_for in rows:
        if ends_on is not None and ends_on < context.starts_on:
            # Two rolls ending the same day: either leaving to the LA's care holds the child.
            to_the_la = left_for in _LEFT_FOR_THE_LA
            latest = last_left.get(child_id)
            if latest is None or ends_on > latest[0]:
                last_left[child_id] = (ends_on, to_the_la)
            elif ends_on == latest[0] and to_the_la:
                last_left[child_id] = (ends_on, True)
            continue
        on_roll.add(child_id)
        if setting_id == context.destination.pk:
            at_destination.add(child_id)
        elif setting_id not in context.acting_for:
            subsidiary = registration != Enrolment.Registration.MAIN
            elsewhere.setdefault(child_id, []).append((subsidiary, setting_id))
    held = {}
    for child_id, settings in elsewhere.items():
        if child_id in at_destination:
            continue
        _, setting_id = min(settings)  # the main registration first
        held[child_id] = _HeldAt(setting_id)
    for child_id in child_ids:
        if child_id in on_roll:
            continue
        never_enrolled = child_id not in last_left
        if never_enrolled or last_left[child_id][1]:
            held[child_id] = _HeldAt(None)
    return held


def _hold_for_confirmation(held: Sequence[_Ready], context: _Context) -> set[int]:
    """Record a pending transfer for each pupil held elsewhere, keeping the file's SEN data to
    apply if it is confirmed; return the children whose current setting or local authority
    declined a transfer to the destination and has not released it (nothing is asked for them).

    A file sent again finds the first request waiting. Every request, repeat and refusal leaves
    an audit row for the child, in one go for the chunk.
    """
    if not held:
        return set()
    earlier = dict(
        PendingTransfer.objects.filter(
            Q(status=PendingTransfer.Status.PENDING)
            | Q(status=PendingTransfer.Status.DECLINED, released_at__isnull=True),
            child__in=[ready.child for ready in held],
            to_setting=context.destination,
        ).values_list("child_id", "status")
    )
    asked: list[PendingTransfer] = []
    entries: list[audit.Entry] = []
    refused: set[int] = set()
    for ready in held:
        assert ready.child is not None and ready.held_at is not None
        status = earlier.get(ready.child.pk)
        if status is None:
            asked.append(
                PendingTransfer(
                    child=ready.child,
                    from_setting_id=ready.held_at.setting_id,
                    to_setting=context.destination,
                    starts_on=context.starts_on,
                    requested_by=context.by,
                    sen_provision=ready.provision or "",
                    need_types=ready.need_types,
                    needs_description=ready.needs_description(context),
                )
            )
            outcome = "waiting for the child's current school, or the local authority, to confirm"
        elif status == PendingTransfer.Status.PENDING:
            outcome = "asked again while the first request is waiting: nothing changed"
        else:
            refused.add(ready.child.pk)
            outcome = (
                "refused: the child's current school or the local authority declined a transfer "
                "there, and has not released it"
            )
        entries.append(
            audit.Entry(
                actor=context.by,
                role=context.role,
                relationship="",
                acting_for=context.destination.name,
                # The data protection lead of the setting the child is on roll at answers for it.
                setting_id=ready.held_at.setting_id,
                action=AuditAction.REQUEST_TRANSFER,
                child_id=ready.child.pk,
                reason=(
                    f"A Common Transfer File asked to admit the child to "
                    f"{context.destination.name} from {context.starts_on:%-d %B %Y}: {outcome}"
                ),
                allowed=ready.child.pk not in refused,
            )
        )
    PendingTransfer.objects.bulk_create(asked)
    audit.record_many(entries)
    return refused


def _audit_unmatched(child_ids: Sequence[int], context: _Context) -> None:
    """Record, for each known child whose date of birth the file got wrong, the refused attempt,
    for the data protection lead of the setting the child is on roll at and for the family (one
    query for them all, none when there are none)."""
    if not child_ids:
        return
    answers_for = dict(
        Enrolment.objects.live_on(today())
        .filter(child_id__in=child_ids)
        .order_by("child_id", "starts_on")
        .values_list("child_id", "setting_id")
    )
    audit.record_many(
        audit.Entry(
            actor=context.by,
            role=context.role,
            relationship="",
            acting_for=context.destination.name,
            setting_id=answers_for.get(child_id),
            action=AuditAction.REQUEST_TRANSFER,
            child_id=child_id,
            reason=(
                f"A Common Transfer File imported into {context.destination.name} named the "
                "child's UPN with another date of birth: refused, nothing changed"
            ),
            allowed=False,
        )
        for child_id in dict.fromkeys(child_ids)
    )


def _needs_note(ready: _Ready) -> str:
    return f"SEN provision {ready.provision}, needs {', '.join(ready.need_types) or 'none'}"


def _checked(pupil: CtfPupil, context: _Context) -> _Ready:
    """Check what can be checked without the database; raise _Skip with the reasons.

    Nothing here depends on what the service holds, so a refusal says nothing about whether the
    child or their date of birth is on record.
    """
    if pupil.problems:
        raise _Skip(*pupil.problems)
    upn = normalise(pupil.upn)
    if upn in context.repeated:
        raise _Skip(
            f"UPN {upn[:13]} appears more than once in the file: every copy is refused, as we "
            "cannot tell which is right. Send one record per pupil"
        )
    check = check_upn(upn)
    if check.errors:
        raise _Skip(f"UPN {upn[:13]} {check.errors[0]}")
    dob = pupil.date_of_birth
    assert dob is not None
    if dob > today():
        raise _Skip(f"Date of birth {dob.isoformat()} is in the future (DOB in the file)")
    if context.starts_on < dob:
        raise _Skip(
            f"Date of birth {dob.isoformat()} is after the first day at "
            f"{context.destination.name} ({context.starts_on:%-d %B %Y}): check DOB in the "
            "sending school's MIS, or choose a later first day"
        )
    sen = _provision_and_needs(pupil, context.header.generated_at.date())
    notes = [f"The UPN {check.warnings[0]}"] if check.warnings else []
    notes += pupil.warnings + sen.notes
    return _Ready(pupil, upn, sen.provision, sen.need_types, notes, history=sen.history)


def _import_pupil(ready: _Ready, context: _Context) -> tuple[Outcome, int | None, list[str]]:
    """Import one pupil in its own transaction (the careful path, used when a chunk fails)."""
    pupil, upn, provision, need_types = ready.pupil, ready.upn, ready.provision, ready.need_types
    by, destination, starts_on = context.by, context.destination, context.starts_on
    notes = list(ready.notes)
    with transaction.atomic():
        child, created = _find_or_create_child(pupil, upn)
        held_at = None if created else _held_elsewhere([child.pk], context).get(child.pk)
        if held_at is not None:
            ready.child, ready.held_at = child, held_at
            if _hold_for_confirmation([ready], context):
                return Outcome.SKIPPED, None, [UNMATCHED]
            return Outcome.PENDING_TRANSFER, None, [WAITING]
        brought = bring_over_needs(
            child,
            sen_provision=provision,
            need_types=need_types,
            needs_description=ready.needs_description(context),
            by=by,
        )
        changed = brought.passport_started or brought.needs_changed
        if brought.needs_changed:
            notes.append(_needs_note(ready))
        if not _on_roll(child, destination, starts_on):
            record_admission(child, destination, starts_on, by=by, source=Admission.Source.CTF)
            changed = True
            notes.append(context.admitted_note)
    if created:
        return Outcome.CREATED, child.pk, notes
    return (Outcome.UPDATED if changed else Outcome.UNCHANGED), child.pk, notes


class _Refused(Exception):
    """Some pupils of a chunk cannot be written: the chunk is rolled back and done without them.
    `unmatched` names the known children among them whose date of birth the file got wrong."""

    def __init__(self, refused: dict[int, list[str]], unmatched: Sequence[int] = ()) -> None:
        super().__init__(refused)
        self.refused = refused
        self.unmatched = list(unmatched)


def _validated(instance: Child | Passport | RankedNeed, exclude: list[str]) -> None:
    # Field rules only: uniqueness is known from the chunk's lookups, and the database enforces it.
    instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


def _new_child(ready: _Ready) -> Child:
    pupil = ready.pupil
    assert pupil.date_of_birth is not None
    child = Child(
        given_name=pupil.forename[:100],
        family_name=pupil.surname[:100],
        date_of_birth=pupil.date_of_birth,
        # The sending school's MIS issued this UPN; an LA code from outside England is expected.
        upn=check_upn(ready.upn).value,
    )
    _validated(child, [])
    return child


def _passport_with_needs(ready: _Ready, child: Child, context: _Context) -> Passport:
    """A new passport as start_passport then set_needs would leave it."""
    passport = Passport(child=child, updated_by=context.by)
    if ready.provision is not None:
        passport.sen_provision = ready.provision
        passport.broad_areas = broad_areas_with(passport, ready.need_types)
        passport.needs_description = ready.needs_description(context)
        passport.version = 2
    elif ready.history:
        # No current SEN data, but the file's older SEN history is kept where the family and
        # the next school read it.
        passport.needs_description = ready.needs_description(context)
    _validated(passport, ["child", "updated_by"])
    return passport


def _write_history(model: type, objects: list, *, by: User | None, update: bool = False) -> None:
    for instance in objects:
        instance._history_user = by
    if objects:
        model.history.bulk_history_create(objects, update=update)  # type: ignore[attr-defined]


def _create_passports(passports: dict[int, Passport], by: User | None) -> None:
    """Insert new passports and their ranked needs with the history the one-by-one verbs write:
    the passport added empty, then changed to hold the needs, and each need added."""
    Passport.objects.bulk_create(list(passports.values()))
    started = [
        Passport(
            id=p.pk,
            child_id=p.child_id,
            created_at=p.created_at,
            updated_at=p.updated_at,
            updated_by_id=p.updated_by_id,
        )
        for p in passports.values()
    ]
    _write_history(Passport, started, by=by)
    with_needs = [p for p in passports.values() if p.version == 2]
    _write_history(Passport, with_needs, by=by, update=True)


def _write_chunk(
    chunk: list[_Ready], context: _Context
) -> dict[int, tuple[Outcome, int | None, list[str]]]:
    """Write a chunk of pupils with a few queries per chunk, in the caller's transaction.

    Raise _Refused naming the pupils that cannot be written (nothing is kept: the caller rolls
    back and writes the chunk again without them).
    """
    by, destination, starts_on = context.by, context.destination, context.starts_on
    refused: dict[int, list[str]] = {}
    known = Child.objects.filter(upn__in=[ready.upn for ready in chunk])
    if connection.features.has_select_for_update:
        known = known.select_for_update().order_by("pk")
    known_by_upn = {child.upn: child for child in known}
    new_children: list[Child] = []
    unmatched: list[int] = []
    for ready in chunk:
        child = known_by_upn.get(ready.upn)
        try:
            if child is None:
                child = _new_child(ready)
                new_children.append(child)
                ready.created = True
            elif child.date_of_birth != ready.pupil.date_of_birth:
                unmatched.append(child.pk)
                raise _Unmatched(child.pk)
        except _Skip as skip:
            refused[ready.position] = skip.reasons
            continue
        except ValidationError as exc:
            refused[ready.position] = _messages(exc)
            continue
        ready.child = child
    held_elsewhere = _held_elsewhere(
        [ready.child.pk for ready in chunk if ready.child is not None and not ready.created],
        context,
    )
    for ready in chunk:
        if ready.child is not None and not ready.created:
            ready.held_at = held_elsewhere.get(ready.child.pk)
    existing = [
        ready.child
        for ready in chunk
        if ready.child is not None and not ready.created and ready.held_at is None
    ]
    passports = {p.child_id: p for p in Passport.objects.filter(child__in=existing)}
    current_needs: dict[int, list[str]] = {}
    for passport_id, need_type in (
        RankedNeed.objects.filter(passport__in=list(passports.values()))
        .order_by("passport_id", "rank")
        .values_list("passport_id", "need_type")
    ):
        current_needs.setdefault(passport_id, []).append(need_type)
    on_roll = set(
        Admission.objects.filter(
            child__in=existing, setting=destination, starts_on=starts_on
        ).values_list("child_id", flat=True)
    ) | set(
        Enrolment.objects.filter(child__in=existing, setting=destination, starts_on__lte=starts_on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on))
        .values_list("child_id", flat=True)
    )

    new_passports: dict[int, tuple[_Ready, Passport]] = {}
    for ready in chunk:
        if ready.child is None or ready.position in refused or ready.held_at is not None:
            continue
        if ready.child.pk in passports and not ready.created:
            continue
        try:
            new_passports[id(ready)] = (ready, _passport_with_needs(ready, ready.child, context))
        except ValidationError as exc:
            refused[ready.position] = _messages(exc)
    if refused:
        raise _Refused(refused, unmatched)

    Child.objects.bulk_create(new_children)
    for ready, new_passport in new_passports.values():
        assert ready.child is not None
        new_passport.child = ready.child  # now saved, so the passport takes its id
    _create_passports({key: p for key, (_, p) in new_passports.items()}, by)
    needs = [
        RankedNeed(passport=new_passport, need_type=code, rank=rank)
        for ready, new_passport in new_passports.values()
        if ready.provision is not None
        for rank, code in enumerate(ready.need_types, start=1)
    ]
    RankedNeed.objects.bulk_create(needs)
    _write_history(RankedNeed, needs, by=by)

    outcomes: dict[int, tuple[Outcome, int | None, list[str]]] = {}
    admissions: list[AdmissionRow] = []
    for ready in chunk:
        child = ready.child
        assert child is not None
        if ready.held_at is not None:
            outcomes[ready.position] = (Outcome.PENDING_TRANSFER, None, [WAITING])
            continue
        notes = list(ready.notes)
        changed = id(ready) in new_passports
        if changed and ready.provision is not None:
            notes.append(_needs_note(ready))
        passport = passports.get(child.pk)
        if not changed and passport is not None and ready.provision is not None:
            held = current_needs.get(passport.pk, [])
            if (passport.sen_provision, held) != (ready.provision, ready.need_types):
                try:
                    set_needs(
                        passport,
                        sen_provision=ready.provision,
                        need_types=ready.need_types,
                        broad_areas=broad_areas_with(passport, ready.need_types),
                        needs_description=passport.needs_description
                        or ready.needs_description(context),
                        by=by,  # type: ignore[arg-type]
                    )
                except ValidationError as exc:
                    refused[ready.position] = _messages(exc)
                    continue
                changed = True
                notes.append(_needs_note(ready))
        if ready.created or child.pk not in on_roll:
            admissions.append(AdmissionRow(child, destination, starts_on, key=ready.position))
            changed = True
            notes.append(context.admitted_note)
        outcome = (
            Outcome.CREATED
            if ready.created
            else (Outcome.UPDATED if changed else Outcome.UNCHANGED)
        )
        outcomes[ready.position] = (outcome, child.pk, notes)
    declined = _hold_for_confirmation(
        [ready for ready in chunk if ready.held_at is not None], context
    )
    for ready in chunk:
        if ready.child is not None and ready.child.pk in declined:
            outcomes[ready.position] = (Outcome.SKIPPED, None, [UNMATCHED])
    for result in admit_chunk(admissions, by=by, source=Admission.Source.CTF):
        if result.problems:
            assert isinstance(result.row.key, int)
            refused[result.row.key] = list(result.problems)
    if refused:
        raise _Refused(refused)
    return outcomes


def _import_chunk(items: list[CtfPupil], context: _Context) -> list[PupilResult]:
    """Import a chunk of pupils in one transaction; a pupil that cannot be imported is skipped
    with the reasons and the others are written."""
    skipped: dict[int, list[str]] = {}
    ready: list[_Ready] = []
    for pupil in items:
        try:
            ready.append(_checked(pupil, context))
        except _Skip as skip:
            skipped[pupil.position] = skip.reasons
    written: dict[int, tuple[Outcome, int | None, list[str]]] = {}
    unmatched: list[int] = []
    while ready:
        try:
            with transaction.atomic():
                written = _write_chunk(ready, context)
            break
        except _Refused as refusal:
            skipped.update(refusal.refused)
            unmatched += refusal.unmatched
            ready = [r for r in ready if r.position not in refusal.refused]
            for r in ready:
                r.child, r.created, r.held_at = None, False, None
        except IntegrityError:
            # Someone else wrote one of these pupils at the same moment: one at a time, so only
            # that pupil is skipped.
            written = {}
            for r in ready:
                try:
                    written[r.position] = _import_pupil(r, context)
                except _Unmatched as skip:
                    skipped[r.position] = skip.reasons
                    unmatched.append(skip.child_id)
                except _Skip as skip:
                    skipped[r.position] = skip.reasons
                except ValidationError as exc:
                    skipped[r.position] = _messages(exc)
                except IntegrityError:
                    skipped[r.position] = [
                        "The pupil was changed by someone else at the same moment: import again"
                    ]
            break
    # After the chunk's transaction, so a rolled-back attempt still leaves its row.
    _audit_unmatched(unmatched, context)
    results = []
    for pupil in items:
        if pupil.position in skipped:
            results.append(
                PupilResult(
                    pupil.position,
                    pupil.upn,
                    pupil.name,
                    Outcome.SKIPPED,
                    skipped[pupil.position],
                )
            )
        else:
            outcome, child_id, notes = written[pupil.position]
            results.append(
                PupilResult(pupil.position, pupil.upn, pupil.name, outcome, notes, child_id)
            )
    return results


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [message for messages in exc.message_dict.values() for message in messages]
    return list(exc.messages)


def open_ctf(source: Source) -> tuple[CtfReader, Survey]:
    """Open a CTF and read it once through: raise CtfError if it is not a sound CTF."""
    reader = CtfReader(source)
    try:
        return reader, survey(reader)
    except CtfError:
        reader.close()
        raise


def _pupils_noting_warnings(reader: CtfReader, warnings: list[str]) -> Iterator[CtfPupil]:
    for item in reader.read():
        if isinstance(item, CtfPupil):
            warnings.extend(w for w in item.warnings if w not in warnings)
            yield item


def import_ctf(
    source: Source,
    *,
    by: User | None,
    starts_on: dt.date | None = None,
    allowed_settings: QuerySet[Setting] | None = None,
    progress: Callable[[PupilResult], None] | None = None,
    opened: tuple[CtfReader, Survey] | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> ImportReport:
    """Import every pupil of a CTF into the destination setting named in its header.

    Raise CtfError when the file as a whole cannot be imported (nothing is written), and
    PermissionDenied when `allowed_settings` is given and does not hold the destination.
    `starts_on` is the first day on roll at the destination; the file's date by default (the
    upload page offers the next school day instead).
    A pupil on roll at a setting the importer does not act for becomes a PendingTransfer, with
    nothing admitted or changed until that setting or the local authority confirms it; so does
    one on no roll who left for home education or England or was never enrolled, for the LA.
    Pupils are written `chunk_size` to a transaction: a crash leaves whole pupils, and running
    the file again finishes the job.
    """
    reader, found = opened or open_ctf(source)
    with reader:
        header = found.header
        if not header.destination_known:
            raise CtfError(
                "The file's destination is MMM/MMMM (not known): ask the sending school to "
                "address it to your school's LA code and establishment number"
            )
        destination = find_setting(header.dest_lea, header.dest_estab)
        if allowed_settings is not None and not allowed_settings.filter(pk=destination.pk).exists():
            raise PermissionDenied(
                f"The file is for {destination.name}: only its SENCO or head can import it"
            )
        if starts_on is not None:
            try:
                check_start_date(starts_on, subject="The first day")
            except ValidationError as exc:
                raise FirstDayError(exc.messages[0]) from exc
        report = ImportReport(header, destination, starts_on or header.generated_at.date())
        adds_children = scope(by, Duty.ADD_CHILDREN) if by is not None else Scope(Duty.ADD_CHILDREN)
        context = _Context(
            header,
            destination,
            report.starts_on,
            found.repeated_upns,
            by,
            acting_for=adds_children.settings,
            role=role_at(by, destination) if by is not None else "",
        )
        pupils = _pupils_noting_warnings(reader, report.warnings)
        while chunk := list(islice(pupils, chunk_size)):
            for result in _import_chunk(chunk, context):
                report.pupils.append(result)
                if progress is not None:
                    progress(result)
    # One email per import, after the chunks are committed; a re-run after a crash sends the
    # one the crashed run did not.
    if Admission.objects.filter(
        setting=destination, starts_on=report.starts_on, notified_at__isnull=True
    ).exists():
        notify_setting_of_admissions.enqueue(destination.pk)
    # A child on no roll waits for the local authority, which has no email of pending transfers
    # yet: caseworkers find them on their pending transfers page.
    untold = (
        PendingTransfer.objects.filter(
            to_setting=destination,
            status=PendingTransfer.Status.PENDING,
            notified_at__isnull=True,
            from_setting__isnull=False,
        )
        .values_list("from_setting_id", flat=True)
        .order_by("from_setting_id")
        .distinct()
    )
    for setting_id in untold:
        notify_setting_of_pending_transfers.enqueue(setting_id)
    return report
