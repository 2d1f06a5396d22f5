"""Check documents against the Open Referral UK schemas, offline, and say what is wrong in words.

The schemas declare no dialect; they are evaluated as JSON Schema Draft 2020-12 (the dialect of
OpenAPI 3.1). Every `$ref` is resolved from the copies in `schema/`, registered under the
addresses the profile publishes them at, so nothing is ever fetched. Formats (uuid, email, uri,
date, date-time) are asserted, because ids must be UUIDs for a service to keep its identity.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
# Where the profile publishes its schemas: the ids our local copies are registered under.
PUBLISHED_AT = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/"
SERVICE = PUBLISHED_AT + "service.json"
SERVICE_LIST_ITEM = PUBLISHED_AT + "compiled/service_list.json"
OPENAPI = PUBLISHED_AT + "openapi.json"
# The `GET /services` 200 response: the Page envelope with service_list items in `contents`.
SERVICE_PAGE = OPENAPI + "#/paths/~1services/get/responses/200/content/application~1json/schema"
PAGE_ENVELOPE = OPENAPI + "#/components/schemas/Page"


@dataclass(frozen=True)
class SchemaProblem:
    """One thing wrong with a document: where (a JSON path like `$.contents[0].id`) and why."""

    path: str
    rule: str

    def __str__(self) -> str:
        return f"{self.path}: {self.rule}"


def json_path(parts: Iterable[str | int], root: str = "$") -> str:
    """Return a JSONPath for a location, like `$.contents[0].organization.id`."""
    text = root
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", part):
            text += f".{part}"
        else:
            text += f"[{json.dumps(part)}]"
    return text


def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme) and bool(parts.netloc or parts.path) and " " not in value


def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", value):
        return False
    try:
        dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _format_checker() -> FormatChecker:
    checker = FormatChecker(["uuid", "email", "date"])
    # jsonschema needs optional packages for these two; the rules here are what a service needs.
    checker.checks("uri")(_is_uri)
    checker.checks("date-time")(_is_date_time)
    return checker


@cache
def registry() -> Registry:
    """Every schema file, registered under its published address."""
    resources = []
    for path in sorted(SCHEMA_DIR.rglob("*.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        uri = PUBLISHED_AT + path.relative_to(SCHEMA_DIR).as_posix()
        resources.append((uri, Resource.from_contents(contents, default_specification=DRAFT202012)))
    return Registry().with_resources(resources).crawl()


@cache
def _validator(uri: str) -> Draft202012Validator:
    return Draft202012Validator(
        {"$ref": uri}, registry=registry(), format_checker=_format_checker()
    )


FORMAT_WORDS = {
    "uuid": "a UUID, like 3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "email": "an email address",
    "uri": "a web address, like https://example.org",
    "date": "a date, like 2026-09-01",
    "date-time": "a date and time with a time zone, like 2026-09-01T09:00:00Z",
}
TYPE_WORDS = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "array": "a list",
    "object": "an object",
    "null": "null",
}


def _in_words(error: ValidationError) -> tuple[list[str | int], str]:
    """Return where the fault is and the rule it breaks, said plainly."""
    where: list[str | int] = list(error.absolute_path)
    rule = str(error.validator)
    expected: Any = error.validator_value
    if rule == "required":
        missing = re.match(r"'(.+?)' is a required property", error.message)
        if missing:
            where.append(missing.group(1))
        return where, "is required but missing"
    if rule == "type":
        kinds = [str(k) for k in (expected if isinstance(expected, list) else [expected])]
        return where, "must be " + " or ".join(TYPE_WORDS.get(k, k) for k in kinds)
    if rule == "enum":
        return where, "must be one of: " + ", ".join(json.dumps(v) for v in expected)
    if rule == "format":
        return where, "must be " + FORMAT_WORDS.get(expected, f"in {expected} format")
    if rule == "minimum":
        return where, f"must be {expected} or more"
    if rule == "maximum":
        return where, f"must be {expected} or less"
    if rule in ("minLength", "maxLength", "minItems", "maxItems", "pattern"):
        return where, f"breaks the {rule} rule ({expected})"
    if rule == "additionalProperties":
        return where, "has properties the schema does not allow"
    return where, f"breaks the {rule} rule"


def problems_for(
    document: Any, schema_uri: str, *, at: Sequence[str | int] = ()
) -> list[SchemaProblem]:
    """Return every way `document` breaks the schema at `schema_uri`, in document order."""
    found = []
    for error in _validator(schema_uri).iter_errors(document):
        where, rule = _in_words(error)
        found.append(SchemaProblem(json_path([*at, *where]), rule))
    return sorted(set(found), key=lambda problem: (problem.path, problem.rule))


def validate_service(document: Any) -> list[SchemaProblem]:
    """Check a full service, as `GET /services/{id}` returns it."""
    return problems_for(document, SERVICE)


def validate_service_page(document: Any) -> list[SchemaProblem]:
    """Check a page of services, as `GET /services` returns it."""
    return problems_for(document, SERVICE_PAGE)


def validate_services_document(document: Any) -> list[SchemaProblem]:
    """Check a file of full services to import.

    Three shapes are accepted: a page like `GET /services` returns (`contents` holding full
    services), a list of full services, or one full service.
    """
    if isinstance(document, dict) and "contents" in document:
        found = problems_for(document, PAGE_ENVELOPE)
        contents = document["contents"]
        if not isinstance(contents, list):
            return [*found, SchemaProblem("$.contents", "must be a list")]
        for index, service in enumerate(contents):
            found += problems_for(service, SERVICE, at=["contents", index])
        return found
    if isinstance(document, list):
        found = []
        for index, service in enumerate(document):
            found += problems_for(service, SERVICE, at=[index])
        return found
    if isinstance(document, dict):
        return validate_service(document)
    return [
        SchemaProblem(
            "$", "must be a service, a list of services, or a page of services with contents"
        )
    ]
