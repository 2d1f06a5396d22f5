"""Check every field of every SEN2 row against its type and code list, and the rules across fields.

The exporter runs this before it writes, and the tests run it over the files written. A problem
names the module, the row, the column and the person, and says how to put it right.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from passport.core.identifiers import check_uln, check_upn, known_la_codes
from passport.reports.sen2.spec import (
    ACTIVE_PLANS,
    ASSESSMENT,
    MODULES,
    NAMED_PLAN,
    PERSON,
    PLACEMENT,
    REQUESTS,
    SEN_NEED,
    Field,
    Kind,
    Module,
    code_list,
)

Row = Mapping[str, str]
Tables = Mapping[str, list[dict[str, str]]]  # module key -> rows

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_URN = re.compile(r"^\d{6}$")
_UKPRN = re.compile(r"^1\d{7}$")
# The shape of a UK postcode (outward code, space, inward code).
_POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}$")
_REF = re.compile(r"^[A-Za-z0-9-]{1,40}$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the return, and where."""

    module: str  # module title
    row: int  # 1 for the first data row of the module's file
    column: str
    value: str
    message: str
    person: str = ""  # PersonRef or RequestRef, so the caseworker finds the record


def check_value(field: Field, value: str, *, census_date: dt.date) -> str | None:
    """Return what is wrong with one value of a column, or None if it is right."""
    if value == "":
        return f"Enter {field.description.lower()}" if field.required else None
    if value != value.strip():
        return "Remove the spaces at the start or end"
    if field.max_length is not None and len(value) > field.max_length:
        return f"Must be {field.max_length} characters or fewer"
    match field.kind:
        case Kind.REF:
            if not _REF.match(value):
                return "Must be letters, numbers and hyphens only"
        case Kind.TEXT:
            if any(ord(c) < 32 for c in value):
                return "Remove line breaks and control characters"
        case Kind.DATE:
            if not _DATE.match(value):
                return "Must be a date written YYYY-MM-DD, like 2026-01-15"
            try:
                day = dt.date.fromisoformat(value)
            except ValueError:
                return "Must be a real date, like 2026-01-15"
            if day > census_date:
                return f"Must be on or before the census date, {census_date.isoformat()}"
        case Kind.CODE:
            codes = code_list(field.codes or "")
            if value not in codes:
                return f"{value!r} is not in the DfE code list: use one of {', '.join(codes)}"
        case Kind.UPN:
            upn = check_upn(value)
            if upn.errors or upn.value != value:
                return f"The UPN {', '.join(upn.errors) or 'must be upper case without spaces'}"
        case Kind.ULN:
            uln = check_uln(value)
            if uln.errors:
                return f"The ULN {uln.errors[0]}"
        case Kind.URN:
            if not _URN.match(value):
                return "A GIAS URN is 6 digits, like 108931"
        case Kind.UKPRN:
            if not _UKPRN.match(value):
                return "A UKPRN is 8 digits starting with 1, like 10001234"
        case Kind.LA_CODE:
            if value not in known_la_codes():
                return f"{value!r} is not a DfE local authority code"
        case Kind.POSTCODE:
            if not _POSTCODE.match(value):
                return "Must be a full postcode in capitals with one space, like BS1 5TR"
    return None


def _row_rules(module: Module, row: Row) -> Iterable[tuple[str, str]]:
    """Yield (column, message) for rules that tie one row's columns together."""
    if module is PERSON:
        known = [c for c in ("UPN", "UniqueLearnerNumber") if row.get(c)]
        if not known and not row.get("UPNunknown"):
            yield "UPN", "Enter the UPN or ULN, or say why neither is known (UPNunknown)"
        if known and row.get("UPNunknown"):
            yield "UPNunknown", "Leave UPNunknown blank when a UPN or ULN is given"
    elif module is REQUESTS:
        outcome, date = row.get("RequestOutcome"), row.get("RequestOutcomeDate")
        if not row.get("ReceivedDate") and outcome != "H":
            yield "ReceivedDate", "Enter the date the request was received"
        if outcome in ("Y", "N") and not date:
            yield "RequestOutcomeDate", "Enter the date the requester was told the decision"
        if outcome == "A" and date:
            yield "RequestOutcomeDate", "Leave blank while the decision is yet to be made"
        if date and row.get("ReceivedDate") and date < row["ReceivedDate"]:
            yield "RequestOutcomeDate", "Must be on or after the date the request was received"
    elif module is ASSESSMENT:
        outcome, date = row.get("AssessmentOutcome"), row.get("AssessmentOutcomeDate")
        if outcome == "N" and not date:
            yield "AssessmentOutcomeDate", "Enter the date the person was told no plan would issue"
        if outcome in ("A", "W") and date:
            yield "AssessmentOutcomeDate", "Leave blank when no decision to issue was made"
        if date and outcome in ("Y", "N") and not row.get("Week20"):
            yield "Week20", "Say whether exceptions to the 20-week limit apply (1 or 0)"
    elif module in (NAMED_PLAN, PLACEMENT):
        given = [c for c in ("URN", "UKPRN", "SENsetting") if row.get(c)]
        if len(given) != 1:
            yield "URN", "Give exactly one of URN, UKPRN or SENsetting"
        if module is NAMED_PLAN:
            if bool(row.get("CeaseDate")) != bool(row.get("CeaseReason")):
                yield "CeaseReason", "Give a cease date and a cease reason together, or neither"
            if (
                row.get("CeaseDate")
                and row.get("StartDate")
                and row["CeaseDate"] < row["StartDate"]
            ):
                yield "CeaseDate", "Must be on or after the plan's start date"
        elif row.get("LeavingDate") and row["LeavingDate"] < row.get("EntryDate", ""):
            yield "LeavingDate", "Must be on or after the placement start date"


def validate_module(
    module: Module, rows: list[dict[str, str]], *, census_date: dt.date
) -> list[Problem]:
    """Check every row of one module: columns in DfE order, every value, and the row rules."""
    problems: list[Problem] = []
    expected = module.columns
    for number, row in enumerate(rows, start=1):
        who = row.get("PersonRef") or row.get("RequestRef", "")
        if list(row) != expected:
            problems.append(
                Problem(module.title, number, "", "", f"Columns must be {', '.join(expected)}", who)
            )
            continue
        for field in module.fields:
            value = row[field.name]
            message = check_value(field, value, census_date=census_date)
            if message:
                problems.append(Problem(module.title, number, field.name, value, message, who))
        for column, message in _row_rules(module, row):
            problems.append(
                Problem(module.title, number, column, row.get(column, ""), message, who)
            )
    return problems


def _ref_problems(tables: Tables) -> list[Problem]:
    """Check the references hold the modules together, and the ranks are distinct."""
    problems: list[Problem] = []
    people = {row["PersonRef"] for row in tables.get(PERSON.key, [])}
    requests = {row["RequestRef"] for row in tables.get(REQUESTS.key, [])}
    for number, row in enumerate(tables.get(REQUESTS.key, []), start=1):
        if row["PersonRef"] not in people:
            problems.append(
                Problem(
                    REQUESTS.title,
                    number,
                    "PersonRef",
                    row["PersonRef"],
                    "No person row has this reference",
                    row["RequestRef"],
                )
            )
    for module in (ASSESSMENT, NAMED_PLAN, ACTIVE_PLANS, PLACEMENT, SEN_NEED):
        for number, row in enumerate(tables.get(module.key, []), start=1):
            if row.get("RequestRef") not in requests:
                problems.append(
                    Problem(
                        module.title,
                        number,
                        "RequestRef",
                        row.get("RequestRef", ""),
                        "No request row has this reference",
                        row.get("RequestRef", ""),
                    )
                )
    ranks: dict[str, list[str]] = defaultdict(list)
    for row in tables.get(SEN_NEED.key, []):
        ranks[row["RequestRef"]].append(row["SENtypeRank"])
    for ref, found in ranks.items():
        if sorted(found) not in (["1"], ["1", "2"]):
            problems.append(
                Problem(
                    SEN_NEED.title,
                    0,
                    "SENtypeRank",
                    ",".join(found),
                    "Give one need ranked 1, and at most one ranked 2",
                    ref,
                )
            )
    return problems


def validate_return(tables: Tables, *, census_date: dt.date) -> list[Problem]:
    """Check a whole return: every module's rows, then the references between modules."""
    problems: list[Problem] = []
    for module in MODULES:
        problems += validate_module(module, tables.get(module.key, []), census_date=census_date)
    return problems + _ref_problems(tables)
