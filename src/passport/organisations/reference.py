"""Reference lists copied from DfE into ./data (see data/SOURCES.md)."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


@cache
def gias_establishment_types() -> dict[int, str]:
    """Return GIAS establishment type names by code."""
    with (DATA_DIR / "gias_establishment_types.csv").open(encoding="utf-8") as handle:
        return {
            int(row["type-of-establishment-code"]): row["type-of-establishment-name"]
            for row in csv.DictReader(handle)
        }


def la_code_rows() -> list[dict[str, str]]:
    """Return the DfE LA code list."""
    with (DATA_DIR / "english_la_codes.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))
