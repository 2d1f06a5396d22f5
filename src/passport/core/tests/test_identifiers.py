"""UPN, ULN and NHS number checks against the published examples."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from passport.core.identifiers import (
    check_nhs_number,
    check_uln,
    check_upn,
    is_temporary_upn,
    make_upn,
)

# Copied into the repository with their sources (data/SOURCES.md): a fresh clone needs nothing else.
VECTORS = Path(__file__).resolve().parent / "data" / "upn_uln_test_vectors.csv"


def vectors() -> list[dict[str, str]]:
    with VECTORS.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("row", vectors(), ids=lambda row: f"{row['kind']}-{row['value']}")
def test_published_examples(row):
    check = check_upn if row["kind"] == "UPN" else check_uln
    result = check(row["value"])
    # The ESFA placeholder ULN 9999999999 is accepted by ILR returns only; it names no learner.
    expected_valid = row["expected"] == "valid"
    assert result.is_valid is expected_valid, row["reason"]


def test_wrong_check_letter_is_an_error_but_unknown_la_code_only_a_warning():
    assert check_upn("Z801200001001").errors
    unknown_la = check_upn("R900400001001")
    assert not unknown_la.errors and unknown_la.warnings


def test_upn_is_read_whatever_the_spacing_and_case():
    assert check_upn(" h801 2000 01001 ").is_valid


def test_temporary_upn_is_recognised():
    assert is_temporary_upn("G80120000101A")
    assert not is_temporary_upn("H801200001001")


@given(
    st.sampled_from(["801", "202", "919", "873"]),
    st.integers(0, 9999),
    st.integers(0, 999),
    st.integers(0, 99),
)
def test_every_upn_we_make_passes_the_check(la, estab, serial, year):
    assert check_upn(make_upn(la, f"{estab:04d}", serial, year=year)).is_valid


@given(st.integers(0, 999))
def test_changing_one_digit_of_a_valid_upn_is_caught(serial):
    upn = make_upn("801", "2000", serial)
    for position in range(1, 12):
        digit = str((int(upn[position]) + 1) % 10)
        assert not check_upn(upn[:position] + digit + upn[position + 1 :]).is_valid


def test_nhs_number_check_digit():
    assert check_nhs_number("943 476 5919").is_valid
    assert not check_nhs_number("9434765918").is_valid
    assert not check_nhs_number("94347659").is_valid


def test_uln_needs_ten_digits():
    assert check_uln("123456789").errors
    assert check_uln("12345678AB").errors
