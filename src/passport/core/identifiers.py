"""Check the national identifiers a child carries: UPN, ULN and NHS number.

Rules: DfE "Unique Pupil Numbers" guidance (UPN check letter, temporary UPNs); ESFA ULN check
digit; NHS Data Dictionary "NHS number" (modulus 11).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

UPN_CHECK_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"
_LA_CODES_FILE = (
    Path(__file__).resolve().parent.parent / "organisations" / "data" / "english_la_codes.csv"
)


@dataclass(frozen=True)
class IdentifierCheck:
    """The outcome of checking an identifier: errors block it, warnings ask the user to confirm."""

    value: str
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors and not self.warnings


def normalise(value: str) -> str:
    """Strip spaces and make letters upper case, as people type identifiers in many ways."""
    return "".join(value.split()).upper()


@cache
def known_la_codes() -> frozenset[str]:
    """Return every DfE LA code seen 2019-2025 (the file is copied from DfE SEN2 statistics)."""
    with _LA_CODES_FILE.open(encoding="utf-8") as handle:
        return frozenset(row["la_code"] for row in csv.DictReader(handle))


def upn_check_letter(stem: str) -> str:
    """Return the check letter for the 12 characters after it."""
    total = 0
    for weight, char in enumerate(stem, start=2):
        value = int(char) if char.isdigit() else UPN_CHECK_ALPHABET.index(char)
        total += weight * value
    return UPN_CHECK_ALPHABET[total % 23]


def check_upn(raw: str) -> IdentifierCheck:
    """Check a Unique Pupil Number, permanent or temporary (a letter in the last place)."""
    value = normalise(raw)
    errors: list[str] = []
    warnings: list[str] = []
    if len(value) != 13:
        errors.append("must be 13 characters, like H801200001001")
    elif value[0] not in UPN_CHECK_ALPHABET:
        errors.append("must start with a check letter (not I, O or S), like H801200001001")
    elif not value[1:12].isdigit():
        errors.append("must have numbers in characters 2 to 12, like H801200001001")
    elif not (value[12].isdigit() or value[12] in UPN_CHECK_ALPHABET):
        errors.append("must end with a number, or a letter for a temporary UPN")
    elif upn_check_letter(value[1:]) != value[0]:
        errors.append("has the wrong check letter: check each character has been typed correctly")
    elif value[1:4] not in known_la_codes():
        warnings.append(
            f"starts {value[1:4]} after the check letter, which is not an English local "
            "authority code"
        )
    return IdentifierCheck(value, errors, warnings)


def is_temporary_upn(value: str) -> bool:
    """Return whether a valid UPN is a temporary one (a letter in the last place)."""
    return normalise(value)[-1:].isalpha()


def check_uln(raw: str) -> IdentifierCheck:
    """Check a Unique Learner Number (10 digits, ESFA check digit)."""
    value = normalise(raw)
    if len(value) != 10 or not value.isdigit():
        return IdentifierCheck(value, ["must be 10 digits, like 1234567899"])
    remainder = sum(int(d) * w for d, w in zip(value[:9], range(10, 1, -1), strict=True)) % 11
    if remainder == 0 or 10 - remainder != int(value[9]):
        return IdentifierCheck(
            value, ["is not a valid ULN: check each digit has been typed correctly"]
        )
    return IdentifierCheck(value)


def check_nhs_number(raw: str) -> IdentifierCheck:
    """Check an NHS number (10 digits, modulus 11 check digit)."""
    value = normalise(raw).replace("-", "")
    if len(value) != 10 or not value.isdigit():
        return IdentifierCheck(value, ["must be 10 digits, like 943 476 5919"])
    check = 11 - sum(int(d) * w for d, w in zip(value[:9], range(10, 1, -1), strict=True)) % 11
    check = 0 if check == 11 else check
    if check == 10 or check != int(value[9]):
        return IdentifierCheck(
            value, ["is not a valid NHS number: check each digit has been typed correctly"]
        )
    return IdentifierCheck(value)


def make_upn(la_code: str, estab: str, serial: int, *, year: int = 0) -> str:
    """Build a valid permanent UPN (used by the demo and test data)."""
    stem = f"{la_code}{estab}{year % 100:02d}{serial:03d}"
    if len(stem) != 12 or not stem.isdigit():
        raise ValueError("UPN stem must be 12 digits")
    return upn_check_letter(stem) + stem
