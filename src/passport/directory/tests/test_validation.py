"""Documents are checked against the Open Referral UK schemas offline, faults said plainly."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from referencing.exceptions import Unresolvable

from passport.directory.oruk import validation
from passport.directory.oruk.validation import SchemaProblem

# The profile's own examples, copied with their licence (examples/SOURCES.md).
EXAMPLES = Path(__file__).resolve().parent / "examples"
ORUK_DIR = Path(validation.__file__).parent


def example(name: str) -> dict:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def test_the_profiles_full_service_example_is_valid() -> None:
    assert validation.validate_service(example("service_full.json")) == []


def test_the_profiles_service_list_example_is_a_valid_page() -> None:
    assert validation.validate_service_page(example("service_list.json")) == []


def test_a_broken_service_reports_each_fault_with_its_path_and_rule() -> None:
    service = example("service_full.json")
    service["status"] = "open"
    service["id"] = "not-a-uuid"
    del service["name"]
    service["cost_options"][0]["amount"] = "35 pounds"
    service["organization"]["email"] = "nobody"

    problems = validation.validate_service(service)

    assert (
        SchemaProblem(
            "$.status", 'must be one of: "active", "inactive", "defunct", "temporarily closed"'
        )
        in problems
    )
    assert (
        SchemaProblem("$.id", "must be a UUID, like 3fa85f64-5717-4562-b3fc-2c963f66afa6")
        in problems
    )
    assert SchemaProblem("$.name", "is required but missing") in problems
    assert SchemaProblem("$.cost_options[0].amount", "must be a number") in problems
    assert SchemaProblem("$.organization.email", "must be an email address") in problems
    assert len(problems) == 5


def test_faults_in_a_page_name_the_service_they_are_in() -> None:
    page = example("service_list.json")
    page["contents"].append(copy.deepcopy(page["contents"][0]))
    page["contents"][1]["last_modified"] = "yesterday"
    page["total_items"] = "ten"

    problems = validation.validate_services_document(page)

    assert [str(p) for p in problems] == [
        "$.total_items: must be a whole number",
        "$.contents[1].last_modified: must be a date and time with a time zone, "
        "like 2026-09-01T09:00:00Z",
    ]


def test_a_document_that_is_not_services_at_all_is_refused() -> None:
    assert [p.path for p in validation.validate_services_document("hello")] == ["$"]
    assert validation.validate_services_document([1])[0] == SchemaProblem(
        "$[0]", "must be an object"
    )


def test_paths_quote_keys_that_are_not_plain_names() -> None:
    assert validation.json_path(["contents", 2, "odd key"]) == '$.contents[2]["odd key"]'


def test_references_resolve_from_the_copied_files_and_nothing_is_fetched() -> None:
    registry = validation.registry()

    assert registry.contents(validation.PUBLISHED_AT + "cost_option.json")["name"] == "cost_option"
    with pytest.raises(Unresolvable):
        registry.resolver().lookup("https://example.org/not-copied.json")


def test_the_copied_schemas_keep_their_licence_and_source_note() -> None:
    assert "Attribution-ShareAlike 4.0" in (ORUK_DIR / "LICENSE").read_text(encoding="utf-8")
    sources = (ORUK_DIR / "SOURCES.md").read_text(encoding="utf-8")
    assert "ecdfabf7" in sources and "CC BY-SA 4.0" in sources
