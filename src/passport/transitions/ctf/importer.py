"""Import a Common Transfer File: match pupils by UPN, bring their SEN data into the passport,
and admit them to the destination setting.

The whole file is read once before anything is written, so a broken, truncated or hostile file
changes nothing. Each pupil is then one transaction: a pupil with a fault is skipped with the
reason and the others go on. Importing the same file again changes nothing (no new versions).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet

from passport.children.models import Child, Enrolment
from passport.children.services import ChildDetails, checked_identifiers
from passport.core.dates import today
from passport.core.identifiers import check_upn, normalise
from passport.core.policy import current_pack
from passport.organisations.models import Setting
from passport.passports.models import Passport
from passport.passports.services import check_needs, set_needs, start_passport
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
from passport.transitions.models import Admission
from passport.transitions.services import record_admission


class Outcome(StrEnum):
    """What happened to one pupil."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"


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

    def count(self, outcome: Outcome) -> int:
        return sum(1 for pupil in self.pupils if pupil.outcome is outcome)

    @property
    def counts(self) -> dict[str, int]:
        return {outcome.value: self.count(outcome) for outcome in Outcome}


class _Skip(Exception):
    """A pupil's record cannot be imported; the message says why and how to fix it."""

    def __init__(self, *reasons: str) -> None:
        super().__init__(*reasons)
        self.reasons = list(reasons)


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


def _provision_and_needs(pupil: CtfPupil, on: dt.date) -> tuple[str | None, list[str]]:
    """Return the current SEN provision and need types in rank order, or raise _Skip."""
    reasons: list[str] = []
    dob = pupil.date_of_birth
    starts = [sen.start_date for sen in pupil.sen_history]
    if dob is not None and any(start < dob for start in starts):
        reasons.append(
            "Dates out of order: a SEN start date is before the date of birth. Correct it in the "
            "sending school's MIS and send the file again"
        )
    if any(start > on for start in starts):
        reasons.append(
            f"Dates out of order: a SEN start date is after the file's date ({on:%-d %B %Y})"
        )
    by_start: dict[dt.date, str] = {}
    for sen in pupil.sen_history:
        if by_start.setdefault(sen.start_date, sen.provision) != sen.provision:
            reasons.append(
                f"Two SEN records start on {sen.start_date:%-d %B %Y} with different provision"
            )
    ranks = [need.rank for need in pupil.needs]
    maximum = current_pack().needs.ranked_needs_max
    bad_ranks = sorted({rank for rank in ranks if not 1 <= rank <= maximum})
    if bad_ranks:
        reasons.append(
            f"Need rank {bad_ranks[0]}: a pupil has at most {maximum} ranked needs, ranked "
            f"{' and '.join(str(r) for r in range(1, maximum + 1))}"
        )
    elif len(set(ranks)) != len(ranks):
        reasons.append("Two needs have the same rank: each need must have its own rank")
    if reasons:
        raise _Skip(*reasons)
    provision = max(pupil.sen_history, key=lambda sen: sen.start_date).provision if starts else None
    need_types = [need.need_type for need in sorted(pupil.needs, key=lambda n: n.rank)]
    if provision is None and need_types:
        raise _Skip("The pupil has SEN needs but no SEN history: add the SEN provision (E or K)")
    if provision is not None:
        try:
            check_needs(provision, need_types, [])
        except ValidationError as exc:
            raise _Skip(
                *(message for messages in exc.message_dict.values() for message in messages)
            ) from exc
    return provision, need_types


def _broad_areas(passport: Passport, need_types: Sequence[str]) -> list[str]:
    """Keep the passport's broad areas, adding those the need types belong to."""
    pack = current_pack()
    derived = [
        need.broad_area
        for code in need_types
        if (need := pack.need_type(code)) is not None and need.broad_area
    ]
    return list(dict.fromkeys([*passport.broad_areas, *derived]))


def _find_or_create_child(pupil: CtfPupil, upn: str) -> tuple[Child, bool]:
    child = Child.objects.select_for_update().filter(upn=upn).first()
    if child is not None:
        if child.date_of_birth != pupil.date_of_birth:
            raise _Skip(
                "The date of birth differs from the record held for this UPN: check the UPN and "
                "date of birth with the sending school"
            )
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
    if details.date_of_birth > today():
        raise _Skip("The date of birth is in the future")
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


def _import_pupil(
    pupil: CtfPupil,
    *,
    header: CtfHeader,
    destination: Setting,
    starts_on: dt.date,
    repeated: frozenset[str],
    by: User | None,
) -> tuple[Outcome, int, list[str]]:
    if pupil.problems:
        raise _Skip(*pupil.problems)
    upn = normalise(pupil.upn)
    if upn in repeated:
        raise _Skip(
            "Duplicate pupil: this UPN appears more than once in the file. Send one record per pupil"
        )
    check = check_upn(upn)
    if check.errors:
        raise _Skip(f"Invalid UPN: the UPN {check.errors[0]}")
    assert pupil.date_of_birth is not None
    if starts_on < pupil.date_of_birth:
        raise _Skip(
            f"The admission date ({starts_on:%-d %B %Y}) is before the date of birth: check the "
            "date of birth"
        )
    provision, need_types = _provision_and_needs(pupil, header.generated_at.date())
    notes = [f"The UPN {check.warnings[0]}"] if check.warnings else []
    with transaction.atomic():
        child, created = _find_or_create_child(pupil, upn)
        changed = False
        passport = Passport.objects.filter(child=child).first()
        if passport is None:
            passport = start_passport(child, by)  # type: ignore[arg-type]
            changed = True
        current = list(passport.ranked_needs.order_by("rank").values_list("need_type", flat=True))
        if provision is not None and (passport.sen_provision, current) != (provision, need_types):
            set_needs(
                passport,
                sen_provision=provision,
                need_types=need_types,
                broad_areas=_broad_areas(passport, need_types),
                needs_description=passport.needs_description
                or (
                    f"Needs as recorded by {header.source_name or 'the sending school'} in a "
                    f"Common Transfer File on {header.generated_at:%-d %B %Y}."
                ),
                by=by,  # type: ignore[arg-type]
            )
            changed = True
            notes.append(f"SEN provision {provision}, needs {', '.join(need_types) or 'none'}")
        if not _on_roll(child, destination, starts_on):
            record_admission(child, destination, starts_on, by=by, source=Admission.Source.CTF)
            changed = True
            notes.append(f"Admitted to {destination.name} from {starts_on:%-d %B %Y}")
    if created:
        return Outcome.CREATED, child.pk, notes
    return (Outcome.UPDATED if changed else Outcome.UNCHANGED), child.pk, notes


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


def import_ctf(
    source: Source,
    *,
    by: User | None,
    starts_on: dt.date | None = None,
    allowed_settings: QuerySet[Setting] | None = None,
    progress: Callable[[PupilResult], None] | None = None,
    opened: tuple[CtfReader, Survey] | None = None,
) -> ImportReport:
    """Import every pupil of a CTF into the destination setting named in its header.

    Raise CtfError when the file as a whole cannot be imported (nothing is written), and
    PermissionDenied when `allowed_settings` is given and does not hold the destination.
    `starts_on` is the first day on roll at the destination; the file's date by default.
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
        report = ImportReport(header, destination, starts_on or header.generated_at.date())
        for item in reader.read():
            if not isinstance(item, CtfPupil):
                continue
            try:
                outcome, child_id, notes = _import_pupil(
                    item,
                    header=header,
                    destination=destination,
                    starts_on=report.starts_on,
                    repeated=found.repeated_upns,
                    by=by,
                )
                result = PupilResult(item.position, item.upn, item.name, outcome, notes, child_id)
            except _Skip as skip:
                result = PupilResult(
                    item.position, item.upn, item.name, Outcome.SKIPPED, skip.reasons
                )
            except ValidationError as exc:
                result = PupilResult(
                    item.position, item.upn, item.name, Outcome.SKIPPED, _messages(exc)
                )
            except IntegrityError:
                result = PupilResult(
                    item.position,
                    item.upn,
                    item.name,
                    Outcome.SKIPPED,
                    ["The pupil was changed by someone else at the same moment: import again"],
                )
            report.pupils.append(result)
            if progress is not None:
                progress(result)
    return report
