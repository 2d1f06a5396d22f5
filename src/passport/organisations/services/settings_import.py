"""Keep settings in step with the registers: schools and colleges from Get Information about Schools
(GIAS), early years providers from a file of the same kind (docs/settings.md).

GIAS publishes its "all establishments" extract and its links file as CSV in Windows-1252, every
field quoted, CRLF line ends and dates written dd-mm-yyyy. Columns are read by their header name
and the others (there are about 130) are ignored. A row with bad data is refused and named, the
rest load; a file that is not what it says (another encoding, not a GIAS file) is refused whole.
Loading the same file twice changes nothing the second time.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from passport.core.text import check_name
from passport.organisations.models import URN_PATTERN, LocalAuthority, Setting
from passport.organisations.reference import gias_establishment_types

# As GIAS publishes its downloads.
PUBLISHED_ENCODING = "cp1252"
# Rows written per INSERT statement.
BATCH_SIZE = 1000
# Rows per UPDATE: bulk_update writes one CASE WHEN per column listing every row of the batch,
# which the database scans for each row, so a batch costs its size squared (50,000 renamed rows
# took 13 minutes on SQLite in batches of 1,000, about one in batches of 100).
UPDATE_BATCH_SIZE = 100

GIAS_COLUMNS = (
    "URN",
    "LA (code)",
    "EstablishmentNumber",
    "EstablishmentName",
    "TypeOfEstablishment (name)",
    "PhaseOfEducation (name)",
    "StatutoryLowAge",
    "StatutoryHighAge",
    "EstablishmentStatus (name)",
    "OpenDate",
    "CloseDate",
    "UKPRN",
)
SEN_PROVISION_COLUMNS = tuple(f"SEN{number} (name)" for number in range(1, 14))
GIAS_OPTIONAL_COLUMNS = (
    "ResourcedProvisionOnRoll",
    "ResourcedProvisionCapacity",
    "SenUnitOnRoll",
    "SenUnitCapacity",
    "TypeOfResourcedProvision (name)",
    *SEN_PROVISION_COLUMNS,
)
LINK_COLUMNS = ("URN", "LinkURN", "LinkType", "LinkEstablishedDate")
EARLY_YEARS_COLUMNS = ("URN", "LA (code)", "EstablishmentName", "EstablishmentStatus (name)")
EARLY_YEARS_OPTIONAL_COLUMNS = (
    "ProviderType (name)",
    "OpenDate",
    "CloseDate",
    "StatutoryLowAge",
    "StatutoryHighAge",
    "UKPRN",
)

STATUSES = {
    "Open": Setting.Status.OPEN,
    "Open, but proposed to close": Setting.Status.OPEN_PROPOSED_TO_CLOSE,
    "Proposed to open": Setting.Status.PROPOSED_TO_OPEN,
    "Closed": Setting.Status.CLOSED,
}
PHASES = {
    "Not applicable": None,
    "Nursery": Setting.Kind.EARLY_YEARS,
    "Primary": Setting.Kind.PRIMARY,
    "Middle deemed primary": Setting.Kind.PRIMARY,
    "Secondary": Setting.Kind.SECONDARY,
    "Middle deemed secondary": Setting.Kind.SECONDARY,
    "All-through": Setting.Kind.SECONDARY,
    "16 plus": Setting.Kind.COLLEGE,
}
# Establishment type codes (data/gias_establishment_types.csv) whose kind does not depend on phase.
SPECIAL_TYPES = frozenset({7, 8, 10, 12, 33, 36, 44})
COLLEGE_TYPES = frozenset({18, 31, 32, 39, 45, 46, 57})
NURSERY_TYPES = frozenset({15})
# Higher education institutions are in GIAS but are not settings of the SEND system.
OUT_OF_SCOPE_TYPES = frozenset({29})

GIAS_URN_RULE = (re.compile(r"^\d{6,8}$", re.ASCII), "is not a GIAS URN (6 to 8 digits)")
EARLY_YEARS_URN_RULE = (
    re.compile(URN_PATTERN, re.ASCII),
    "is not an Ofsted URN (EY and 6 digits) or a local authority's reference (up to 4 letters, "
    "then digits, 6 to 8 characters in all)",
)
LA_CODE = re.compile(r"^\d{3}$", re.ASCII)
UKPRN = re.compile(r"^\d{8}$", re.ASCII)
ESTABLISHMENT_NUMBER = re.compile(r"^\d{1,4}$", re.ASCII)
# What GIAS writes in a column that has no value for this establishment.
NO_VALUE = frozenset({"", "Not applicable"})
OLDEST_AGE = 25
EARLY_YEARS_AGES = (0, 5)


class FileRefused(Exception):
    """The whole file is refused: not readable, another encoding, or not the expected CSV."""


class BadValue(Exception):
    """One field of a row is wrong: the row is refused, the others still load."""

    def __init__(self, column: str, value: str, message: str) -> None:
        super().__init__(message)
        self.column, self.value, self.message = column, value, message


@dataclass(frozen=True)
class RefusedRow:
    """A row that was not loaded, named so that someone can find and fix it."""

    line: int
    urn: str
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        urn = f"URN {self.urn}" if self.urn else "no URN"
        return f"line {self.line}, {urn}: {self.column} {self.value!r}: {self.message}"


@dataclass
class ImportReport:
    """What an import did, for the summary."""

    rows: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    closed: int = 0
    skipped: int = 0
    successors: int = 0
    links_skipped: int = 0
    refused: list[RefusedRow] = field(default_factory=list)
    # URNs whose successor is unclear (a school split in two): nobody's enrolment was moved.
    unclear_successors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Register:
    """The rows of a register file: each row's first line and its values by column name."""

    name: str
    rows: list[tuple[int, dict[str, str]]]


def read_register(
    path: Path,
    required: Sequence[str],
    optional: Sequence[str] = (),
    *,
    what: str,
    encoding: str = PUBLISHED_ENCODING,
) -> Register:
    """Read a register CSV, keeping only the columns named; raise FileRefused if the file is not
    in the encoding it is published in, or has not every required column."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FileRefused(f"Cannot read {path}: {exc.strerror or exc}") from exc
    text = _decoded(data, path, what=what, encoding=encoding)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip() for name in next(reader, [])]
        missing = [column for column in required if column not in header]
        if missing:
            raise FileRefused(
                f"{path.name} is not {what}: it has no column "
                + ", ".join(repr(column) for column in missing)
            )
        wanted = {name: header.index(name) for name in (*required, *optional) if name in header}
        rows = []
        first_line = reader.line_num + 1
        for values in reader:
            if any(value.strip() for value in values):
                if len(values) < len(header):
                    values = values + [""] * (len(header) - len(values))
                rows.append((first_line, {name: values[at].strip() for name, at in wanted.items()}))
            first_line = reader.line_num + 1
    except csv.Error as exc:
        raise FileRefused(f"{path.name} is not {what}: line {reader.line_num}: {exc}") from exc
    return Register(path.name, rows)


def _decoded(data: bytes, path: Path, *, what: str, encoding: str) -> str:
    try:
        codec = codecs.lookup(encoding).name
    except LookupError as exc:
        raise FileRefused(f"Unknown encoding {encoding!r}") from exc
    if b"\x00" in data[:4096]:
        raise FileRefused(f"{path.name} is not {what}: it is not a text file (UTF-16 or binary?)")
    if codec == codecs.lookup(PUBLISHED_ENCODING).name and not data.isascii():
        # A UTF-8 file read as Windows-1252 would turn every accented name into mojibake
        # ("AndrÃ©") without an error, so a file that is valid UTF-8 is refused outright.
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            raise FileRefused(
                f"{path.name} is in UTF-8, not Windows-1252 as GIAS publishes it (was it saved "
                "again by a spreadsheet?): download it again, or add --encoding utf-8"
            )
    try:
        return data.decode("utf-8-sig" if codec == "utf-8" else codec)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileRefused(
            f"{path.name} is not in {encoding}: byte 0x{data[exc.start]:02x} on line {line} "
            "cannot be read"
        ) from exc


# Reading one value


def _date(row: Mapping[str, str], column: str) -> dt.date | None:
    value = row.get(column, "")
    if not value:
        return None
    try:
        return dt.datetime.strptime(value, "%d-%m-%Y").date()
    except ValueError:
        raise BadValue(column, value, "is not a date written dd-mm-yyyy") from None


def _count(row: Mapping[str, str], column: str) -> int | None:
    value = row.get(column, "")
    if value in NO_VALUE:
        return None
    if not (value.isascii() and value.isdigit()):
        raise BadValue(column, value, "is not a whole number")
    return int(value)


def _age(row: Mapping[str, str], column: str, default: int) -> int:
    age = _count(row, column)
    if age is None:
        return default
    if age > OLDEST_AGE:
        raise BadValue(column, row[column], f"is older than {OLDEST_AGE}")
    return age


def _ages(row: Mapping[str, str], default: tuple[int, int]) -> tuple[int, int]:
    low = _age(row, "StatutoryLowAge", default[0])
    high = _age(row, "StatutoryHighAge", default[1])
    if low > high:
        raise BadValue("StatutoryLowAge", row.get("StatutoryLowAge", ""), "is above the high age")
    return low, high


def _matching(row: Mapping[str, str], column: str, pattern: re.Pattern[str], message: str) -> str:
    value = row.get(column, "")
    if not pattern.match(value):
        raise BadValue(column, value, message)
    return value


def _name(row: Mapping[str, str]) -> str:
    value = row["EstablishmentName"]
    if not value:
        raise BadValue("EstablishmentName", value, "is blank")
    if len(value) > Setting._meta.get_field("name").max_length:  # type: ignore[operator]
        raise BadValue("EstablishmentName", value, "is longer than 200 characters")
    try:
        check_name(value)
    except ValidationError as exc:
        raise BadValue("EstablishmentName", value, "contains markup or hidden characters") from exc
    return value


def _status(row: Mapping[str, str]) -> str:
    value = row["EstablishmentStatus (name)"]
    if value not in STATUSES:
        raise BadValue("EstablishmentStatus (name)", value, "is not a GIAS establishment status")
    return STATUSES[value]


def _ukprn(row: Mapping[str, str]) -> str:
    value = row.get("UKPRN", "")
    if value and not UKPRN.match(value):
        raise BadValue("UKPRN", value, "is not 8 digits")
    return value


def _kind(type_code: int, phase: str, ages: tuple[int, int]) -> str:
    """Say what kind of setting an establishment is: by its type where that decides, else by its
    phase of education, else (phase "Not applicable") by the ages it takes."""
    if type_code in SPECIAL_TYPES:
        return Setting.Kind.SPECIAL
    if type_code in COLLEGE_TYPES:
        return Setting.Kind.COLLEGE
    if type_code in NURSERY_TYPES:
        return Setting.Kind.EARLY_YEARS
    by_phase = PHASES[phase]
    if by_phase is not None:
        return by_phase
    low, high = ages
    if high <= EARLY_YEARS_AGES[1]:
        return Setting.Kind.EARLY_YEARS
    if low >= 16:
        return Setting.Kind.COLLEGE
    return Setting.Kind.PRIMARY if high <= 11 else Setting.Kind.SECONDARY


@cache
def _type_codes() -> dict[str, int]:
    return {name: code for code, name in gias_establishment_types().items()}


# One row of each register, as the fields of a Setting


class Skipped(Exception):
    """The row is not a setting of this service (outside England, a university): not loaded."""


def gias_values(row: Mapping[str, str], authorities: Mapping[str, int]) -> dict[str, Any]:
    """Return a GIAS row as Setting fields; raise BadValue or Skipped."""
    la_code = _matching(row, "LA (code)", LA_CODE, "is not a 3-digit DfE local authority code")
    type_name = row["TypeOfEstablishment (name)"]
    type_code = _type_codes().get(type_name)
    if type_code is None:
        raise BadValue("TypeOfEstablishment (name)", type_name, "is not a GIAS establishment type")
    if la_code not in authorities or type_code in OUT_OF_SCOPE_TYPES:
        raise Skipped
    phase = row["PhaseOfEducation (name)"]
    if phase not in PHASES:
        raise BadValue("PhaseOfEducation (name)", phase, "is not a GIAS phase of education")
    number = row["EstablishmentNumber"]
    if number and not ESTABLISHMENT_NUMBER.match(number):
        raise BadValue("EstablishmentNumber", number, "is not up to 4 digits")
    ages = _ages(row, (0, OLDEST_AGE))
    resourced_type = row.get("TypeOfResourcedProvision (name)", "")
    return {
        "name": _name(row),
        "kind": _kind(type_code, phase, ages),
        "local_authority_id": authorities[la_code],
        "estab": number.zfill(4) if number else "",
        "phase": phase,
        "gias_type_code": type_code,
        "statutory_low_age": ages[0],
        "statutory_high_age": ages[1],
        "status": _status(row),
        "opened_on": _date(row, "OpenDate"),
        "closed_on": _date(row, "CloseDate"),
        "ukprn": _ukprn(row),
        "source": Setting.Source.GIAS,
        "sen_unit_capacity": _count(row, "SenUnitCapacity"),
        "sen_unit_on_roll": _count(row, "SenUnitOnRoll"),
        "resourced_provision_capacity": _count(row, "ResourcedProvisionCapacity"),
        "resourced_provision_on_roll": _count(row, "ResourcedProvisionOnRoll"),
        "resourced_provision_type": "" if resourced_type in NO_VALUE else resourced_type[:100],
        "sen_provision_types": [
            row[column] for column in SEN_PROVISION_COLUMNS if row.get(column, "") not in NO_VALUE
        ],
    }


def early_years_values(row: Mapping[str, str], authorities: Mapping[str, int]) -> dict[str, Any]:
    """Return an early years register row as Setting fields; raise BadValue or Skipped."""
    la_code = _matching(row, "LA (code)", LA_CODE, "is not a 3-digit DfE local authority code")
    if la_code not in authorities:
        raise Skipped
    ages = _ages(row, EARLY_YEARS_AGES)
    return {
        "name": _name(row),
        "kind": Setting.Kind.EARLY_YEARS,
        "local_authority_id": authorities[la_code],
        "estab": "",
        "phase": (row.get("ProviderType (name)", "") or "Early years")[:40],
        "gias_type_code": None,
        "statutory_low_age": ages[0],
        "statutory_high_age": ages[1],
        "status": _status(row),
        "opened_on": _date(row, "OpenDate"),
        "closed_on": _date(row, "CloseDate"),
        "ukprn": _ukprn(row),
        "source": Setting.Source.EARLY_YEARS,
        "sen_unit_capacity": None,
        "sen_unit_on_roll": None,
        "resourced_provision_capacity": None,
        "resourced_provision_on_roll": None,
        "resourced_provision_type": "",
        "sen_provision_types": [],
    }


# Loading a register


def read_gias(path: Path, *, encoding: str = PUBLISHED_ENCODING) -> Register:
    """Read a GIAS all establishments extract (edubasealldataYYYYMMDD.csv)."""
    return read_register(
        path,
        GIAS_COLUMNS,
        GIAS_OPTIONAL_COLUMNS,
        what="a GIAS establishments file (edubasealldata)",
        encoding=encoding,
    )


def read_gias_links(path: Path, *, encoding: str = PUBLISHED_ENCODING) -> Register:
    """Read a GIAS links file (links_edubasealldataYYYYMMDD.csv)."""
    return read_register(
        path, LINK_COLUMNS, what="a GIAS links file (links_edubasealldata)", encoding=encoding
    )


def read_early_years(path: Path, *, encoding: str = PUBLISHED_ENCODING) -> Register:
    """Read an early years providers file (docs/settings.md)."""
    return read_register(
        path,
        EARLY_YEARS_COLUMNS,
        EARLY_YEARS_OPTIONAL_COLUMNS,
        what="an early years providers file",
        encoding=encoding,
    )


def load_gias(
    establishments: Register,
    links: Register | None = None,
    *,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Create or update a setting for every establishment in England, then record each closed
    school's successor from the links file."""
    report = ImportReport()
    _load_settings(establishments, gias_values, report, GIAS_URN_RULE, progress=progress)
    if links is not None:
        _load_successors(links, report, progress=progress)
    return report


def load_early_years(
    providers: Register, *, progress: Callable[[int], None] | None = None
) -> ImportReport:
    """Create or update a setting for every early years provider in England."""
    report = ImportReport()
    _load_settings(providers, early_years_values, report, EARLY_YEARS_URN_RULE, progress=progress)
    return report


ValuesOf = Callable[[Mapping[str, str], Mapping[str, int]], dict[str, Any]]


def _load_settings(
    register: Register,
    values_of: ValuesOf,
    report: ImportReport,
    urn_rule: tuple[re.Pattern[str], str],
    *,
    progress: Callable[[int], None] | None,
) -> None:
    authorities = dict(LocalAuthority.objects.values_list("code", "pk"))
    existing = {setting.urn: setting for setting in Setting.objects.all()}
    from_gias = values_of is gias_values
    first_seen: dict[str, int] = {}
    new: list[Setting] = []
    changed: dict[tuple[str, ...], list[Setting]] = {}
    for line, row in register.rows:
        report.rows += 1
        urn = row["URN"]
        try:
            if not urn_rule[0].match(urn):
                raise BadValue("URN", urn, urn_rule[1])
            if urn in first_seen:
                raise BadValue("URN", urn, f"is already on line {first_seen[urn]}")
            first_seen[urn] = line
            current = existing.get(urn)
            if not from_gias and current is not None and current.source == Setting.Source.GIAS:
                raise BadValue("URN", urn, "is the URN of a school or college from GIAS")
            values = values_of(row, authorities)
        except Skipped:
            report.skipped += 1
        except BadValue as bad:
            report.refused.append(RefusedRow(line, urn, bad.column, bad.value, bad.message))
        else:
            if current is None:
                new.append(Setting(urn=urn, **values))
                report.new += 1
            elif differing := tuple(
                name for name, value in values.items() if getattr(current, name) != value
            ):
                if values["status"] == Setting.Status.CLOSED != current.status:
                    report.closed += 1
                for name in differing:
                    setattr(current, name, values[name])
                changed.setdefault(differing, []).append(current)
                report.changed += 1
            else:
                report.unchanged += 1
        if progress is not None:
            progress(1)
    with transaction.atomic():
        Setting.objects.bulk_create(new, batch_size=BATCH_SIZE)
        # Each UPDATE writes only the columns that changed (a rename, a closure).
        for differing, settings in changed.items():
            fields = [name.removesuffix("_id") for name in differing]
            Setting.objects.bulk_update(settings, fields, batch_size=UPDATE_BATCH_SIZE)


def _load_successors(
    links: Register, report: ImportReport, *, progress: Callable[[int], None] | None
) -> None:
    """Record each school's successor: GIAS links a closed URN to the one that took over its
    pupils ("Successor", "Successor - merged"...) and the new URN back ("Predecessor...")."""
    ids = dict(Setting.objects.values_list("urn", "pk"))
    found: dict[str, dict[str, dt.date | None]] = {}
    for line, row in links.rows:
        urn, link_urn, link_type = row["URN"], row["LinkURN"], row["LinkType"].lower()
        if progress is not None:
            progress(1)
        if link_type.startswith("successor"):
            old, new = urn, link_urn
        elif link_type.startswith("predecessor"):
            old, new = link_urn, urn
        else:
            continue
        try:
            on = _date(row, "LinkEstablishedDate")
        except BadValue as bad:
            report.refused.append(RefusedRow(line, urn, bad.column, bad.value, bad.message))
            continue
        if old not in ids or new not in ids:
            report.links_skipped += 1
            continue
        successors = found.setdefault(old, {})
        successors[new] = successors.get(new) or on
    wanted = {ids[urn] for urn in found} | {ids[new] for news in found.values() for new in news}
    settings = Setting.objects.in_bulk(list(wanted))
    changed = []
    for old_urn, successors in sorted(found.items()):
        if len(successors) > 1:
            report.unclear_successors.append(old_urn)
            continue
        ((new_urn, on),) = successors.items()
        closed, successor = settings[ids[old_urn]], settings[ids[new_urn]]
        if on is None:
            on = successor.opened_on or (
                closed.closed_on + dt.timedelta(days=1) if closed.closed_on else None
            )
        if on is None:
            report.unclear_successors.append(old_urn)
        elif (closed.successor_id, closed.succeeded_on) != (successor.pk, on):
            closed.successor, closed.succeeded_on = successor, on
            changed.append(closed)
            report.successors += 1
    Setting.objects.bulk_update(
        changed, ["successor", "succeeded_on"], batch_size=UPDATE_BATCH_SIZE
    )


def successions() -> Iterator[tuple[int, int, dt.date]]:
    """Yield (closed setting, its successor, the day the successor took over) for every closed
    setting with a successor."""
    for closed, successor, on in Setting.objects.filter(
        status=Setting.Status.CLOSED, successor__isnull=False, succeeded_on__isnull=False
    ).values_list("pk", "successor_id", "succeeded_on"):
        assert successor is not None and on is not None
        yield closed, successor, on
