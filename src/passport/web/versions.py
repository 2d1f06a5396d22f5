"""Versions over HTTP: the ETag a read gives and the If-Match (or `expected_version`) a change
sends back, so a change made from a stale copy is refused with 412 instead of overwriting."""

from __future__ import annotations

from ninja.errors import HttpError

# The largest number a PositiveIntegerField holds on every database.
MAX_VERSION = 2**31 - 1


def expected_version(if_match: str | None, expected: int | None) -> int | None:
    """Return the version a change expects, from If-Match or expected_version.

    No If-Match (or `*`) means "not checked" unless expected_version is given. An entity tag we
    never issued cannot match (RFC 9110 13.1.1): it reads as version 0, so the change gets 412.
    """
    if if_match is None or if_match.strip() == "*":
        return expected
    tag = if_match.strip().removeprefix("W/").strip('"')
    issued = tag.isascii() and tag.isdigit() and int(tag) <= MAX_VERSION
    version = int(tag) if issued else 0
    if expected is not None and expected != version:
        raise HttpError(400, "If-Match and expected_version name different versions: send only one")
    return version


def etag(version: int) -> str:
    """Return the ETag header value for a version."""
    return f'"{version}"'
