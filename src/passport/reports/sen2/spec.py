"""The SEN2 return's field specification: each module's columns in DfE order, typed and coded.

The DfE person level SEN2 return (2023 onwards) is one XML message per local authority: Person >
Requests > Assessment > Named plan and Active plans > Placements and SEN needs. We write one CSV
per module; the nesting becomes reference columns (`PersonRef`, `RequestRef`) that are ours, not
the DfE's, and come first in every file. Every other column is a DfE element name. Sources and
licences of the code lists: SOURCES.md beside this file.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

CODES_DIR = Path(__file__).resolve().parent / "codes"


class Kind(StrEnum):
    """What a column holds, and so how it is checked."""

    REF = "ref"  # our own reference linking rows across modules
    TEXT = "text"
    DATE = "date"  # YYYY-MM-DD, the CBDS date format the SEN2 XML uses
    CODE = "code"  # one value of a code list in codes/
    UPN = "upn"
    ULN = "uln"
    URN = "urn"
    UKPRN = "ukprn"
    LA_CODE = "la_code"
    POSTCODE = "postcode"


@dataclass(frozen=True)
class Field:
    """One column: the DfE element name, its type, whether it must have a value, its code list."""

    name: str
    kind: Kind
    description: str
    item: str = ""  # the DfE item number or Standard Safeguarding Dataset item reference
    required: bool = False
    codes: str | None = None  # a file stem in codes/
    max_length: int | None = None


@dataclass(frozen=True)
class Module:
    """One SEN2 module, written as one CSV file."""

    key: str
    number: str
    title: str
    fields: tuple[Field, ...]

    @property
    def filename(self) -> str:
        return f"sen2_{self.number.replace('.', '_')}_{self.key}.csv"

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


PERSON_REF = Field("PersonRef", Kind.REF, "Our reference for the person", required=True)
REQUEST_REF = Field(
    "RequestRef", Kind.REF, "Our reference for the request the row belongs to", required=True
)

PERSON = Module(
    "person",
    "1",
    "Module 1: Person details",
    (
        PERSON_REF,
        Field("Surname", Kind.TEXT, "Legal surname", required=True, max_length=35),
        Field("Forename", Kind.TEXT, "Forename", required=True, max_length=35),
        Field("PersonBirthDate", Kind.DATE, "Date of birth", required=True),
        Field("Sex", Kind.CODE, "Sex", required=True, codes="sex"),
        Field("Ethnicity", Kind.CODE, "Ethnicity", required=True, codes="ethnicity"),
        Field(
            "PostCode",
            Kind.POSTCODE,
            "Home postcode",
        ),
        Field("UPN", Kind.UPN, "Unique pupil number", "SEND002A"),
        Field("UniqueLearnerNumber", Kind.ULN, "Unique learner number", "SEND003A"),
        Field(
            "UPNunknown",
            Kind.CODE,
            "Why neither a UPN nor a ULN is known",
            "SEND004A",
            codes="upn_unknown",
        ),
    ),
)

REQUESTS = Module(
    "requests",
    "2",
    "Module 2: Requests for EHC needs assessment",
    (
        PERSON_REF,
        REQUEST_REF,
        # Required, except for a plan made before the service that has no request recorded.
        Field("ReceivedDate", Kind.DATE, "Date the request was received", "EHCR003A"),
        Field(
            "RequestOutcomeDate",
            Kind.DATE,
            "Date the requester was told whether the LA will assess",
            "EHCR004A",
        ),
        Field(
            "RequestOutcome",
            Kind.CODE,
            "Whether the request went on to assessment",
            "EHCR005A",
            required=True,
            codes="request_outcome",
        ),
        Field("RequestMediation", Kind.CODE, "Mediation about the request", codes="flag"),
        Field("RequestTribunal", Kind.CODE, "Tribunal about the request", codes="flag"),
    ),
)

ASSESSMENT = Module(
    "assessment",
    "3",
    "Module 3: EHC needs assessments",
    (
        REQUEST_REF,
        Field(
            "AssessmentOutcome",
            Kind.CODE,
            "Whether it was decided to issue a plan",
            "EHCA004A",
            required=True,
            codes="assessment_outcome",
        ),
        Field(
            "AssessmentOutcomeDate",
            Kind.DATE,
            "Date the plan was issued, or the person told no plan would be issued",
            "EHCA003A",
        ),
        Field("AssessmentMediation", Kind.CODE, "Mediation about the decision", codes="flag"),
        Field("AssessmentTribunal", Kind.CODE, "Tribunal about the decision", codes="flag"),
        Field(
            "Week20",
            Kind.CODE,
            "Whether exceptions to the 20-week time limit apply",
            "EHCA005A",
            codes="flag",
        ),
    ),
)

NAMED_PLAN = Module(
    "named_plan",
    "4",
    "Module 4: Named plan",
    (
        REQUEST_REF,
        Field("StartDate", Kind.DATE, "Date of the current EHC plan", "EHCN003A", True),
        Field("URN", Kind.URN, "URN of the setting named in section I"),
        Field("UKPRN", Kind.UKPRN, "UKPRN of the provider named in section I"),
        Field(
            "SENsetting",
            Kind.CODE,
            "Type of setting named, where it has no URN or UKPRN",
            codes="sen_setting",
        ),
        Field("CeaseDate", Kind.DATE, "Date the plan ended or was transferred", "EHCN004A"),
        Field(
            "CeaseReason",
            Kind.CODE,
            "Why the plan ended",
            "EHCN005A",
            codes="cease_reason",
        ),
    ),
)

ACTIVE_PLANS = Module(
    "active_plans",
    "5",
    "Module 5: Active plans",
    (
        REQUEST_REF,
        Field(
            "TransferLA",
            Kind.LA_CODE,
            "LA the plan transferred in from during the year",
            "5.1",
        ),
        Field(
            "LastReview",
            Kind.DATE,
            "Date the LA wrote with its decision after the latest annual review",
            "5.4 / EHCP003A",
        ),
    ),
)

PLACEMENT = Module(
    "placement",
    "5.5",
    "Module 5: Placements (establishments attended during the year)",
    (
        REQUEST_REF,
        Field("URN", Kind.URN, "URN of the establishment", "5.5a"),
        Field("UKPRN", Kind.UKPRN, "UKPRN of the provider", "5.5b"),
        Field(
            "SENsetting",
            Kind.CODE,
            "Type of setting, where it has no URN or UKPRN",
            "5.5c",
            codes="sen_setting",
        ),
        Field("PlacementRank", Kind.CODE, "1 for the main placement", "5.5d", True, "rank"),
        Field("EntryDate", Kind.DATE, "Placement start date", "5.5e", required=True),
        Field("LeavingDate", Kind.DATE, "Placement leaving date", "5.5f"),
    ),
)

SEN_NEED = Module(
    "sen_need",
    "5.6",
    "Module 5: SEN type of need",
    (
        REQUEST_REF,
        Field("SENtype", Kind.CODE, "Type of need", "5.6 / SENN003A", True, "sen_type"),
        Field("SENtypeRank", Kind.CODE, "1 primary, 2 secondary", "5.7 / SENN004A", True, "rank"),
    ),
)

MODULES: tuple[Module, ...] = (
    PERSON,
    REQUESTS,
    ASSESSMENT,
    NAMED_PLAN,
    ACTIVE_PLANS,
    PLACEMENT,
    SEN_NEED,
)


@cache
def code_list(name: str) -> dict[str, str]:
    """Return a SEN2 code list as {code: description}, in the DfE's order."""
    with (CODES_DIR / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["description"] for row in csv.DictReader(handle)}
