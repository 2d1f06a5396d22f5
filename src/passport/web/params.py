"""Parameters more than one router takes: row ids in paths, and the version a change expects."""

from __future__ import annotations

from ninja import P, PathEx

# The largest id a database row can have (a signed 64-bit key); larger ones cannot be looked up.
MAX_ID = 2**63 - 1

RowId = PathEx[int, P(ge=1, le=MAX_ID)]
