"""The shapes of Open Referral UK responses the API serves (a page of services, one service),
shared by the directory's own feed and a school group's feed of commissioned services."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from ninja import Field, Schema

from passport.directory.oruk.export import DEFAULT_PER_PAGE, MAX_PER_PAGE

ORUK_PROFILE = "https://github.com/openreferral/uk-profile (HSDS 3.0 UK profile)"

_ORGANIZATION = {
    "type": "object",
    "required": ["id", "name", "description"],
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "name": {"type": "string"},
        "description": {"type": "string"},
    },
}
ORUK_SERVICE_SCHEMA = {
    "type": "object",
    "required": ["id", "name", "status"],
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "organization_id": {"type": "string", "format": "uuid"},
        "name": {"type": "string"},
        "description": {"type": "string"},
        "status": {"enum": ["active", "inactive", "defunct", "temporarily closed"]},
        "organization": _ORGANIZATION,
        "cost_options": {"type": "array", "items": {"type": "object"}},
        "attributes": {"type": "array", "items": {"type": "object"}},
    },
}
ORUK_PAGE_SCHEMA = {
    "type": "object",
    "required": ["total_items", "total_pages", "page_number", "size", "contents"],
    "properties": {
        "total_items": {"type": "integer"},
        "total_pages": {"type": "integer"},
        "page_number": {"type": "integer"},
        "size": {"type": "integer"},
        "first_page": {"type": "boolean"},
        "last_page": {"type": "boolean"},
        "empty": {"type": "boolean"},
        "contents": {"type": "array", "items": ORUK_SERVICE_SCHEMA},
    },
}


def oruk_json_200(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "responses": {
            200: {"description": description, "content": {"application/json": {"schema": schema}}}
        }
    }


def oruk_json(document: dict[str, Any]) -> HttpResponse:
    return HttpResponse(
        json.dumps(document, ensure_ascii=False), content_type="application/json; charset=utf-8"
    )


class FeedQuery(Schema):
    page: int = Field(1, ge=1, le=1_000_000, description="The page to return, from 1")
    per_page: int = Field(
        DEFAULT_PER_PAGE, ge=1, le=MAX_PER_PAGE, description="How many services a page holds"
    )


class FieldChangeOut(Schema):
    field: str = Field(description="What changed, as the directory page names it")
    before: str
    after: str


class EntryChangeOut(Schema):
    record: str = Field(description="Service or Provider")
    when: str = Field(description="When the change was saved (ISO 8601)")
    created: bool = Field(description="True when this was the record being added")
    by: str = Field(description="The person's name, or 'the system'")
    how: str = Field(description="How the change was made, e.g. 'Open Referral UK import'")
    changes: list[FieldChangeOut]
