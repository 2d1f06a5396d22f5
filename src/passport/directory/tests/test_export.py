"""Publishing the directory as Open Referral UK: valid documents, and a file that round-trips."""

from __future__ import annotations

import io
import json
import uuid

import pytest
from django.core.management import CommandError, call_command

from passport.directory.models import Service
from passport.directory.oruk.export import export_service, pounds, services_feed
from passport.directory.oruk.validation import (
    validate_service,
    validate_service_page,
    validate_services_document,
)
from passport.directory.services import import_services
from passport.people.models import User

pytestmark = pytest.mark.django_db

SLT_ID = uuid.UUID("5d1e8a47-31c2-4f0b-8e6a-7c9b2d4e6f01")


@pytest.fixture
def imported(document: dict, administrator: User) -> None:
    import_services(document, by=administrator)


@pytest.mark.usefixtures("imported")
def test_a_full_service_follows_the_schema_with_price_and_kind() -> None:
    exported = export_service(Service.objects.get(pk=SLT_ID))

    assert validate_service(exported) == []
    assert exported["cost_options"][0]["amount"] == 92
    assert exported["cost_options"][0]["amount_description"] == "per hour"
    term = exported["attributes"][0]["taxonomy_term"]
    assert (term["term"], term["name"]) == (
        "speech_and_language_therapy",
        "Speech and language therapy",
    )
    assert exported["organization"]["organization_identifiers"][0]["identifier"] == "RDEMO"
    assert exported["last_modified"].endswith("Z")


@pytest.mark.usefixtures("imported")
def test_the_feed_lists_active_services_only_in_the_oruk_page_shape() -> None:
    feed = services_feed(per_page=3, page=2)

    assert validate_service_page(feed) == []
    assert (feed["total_items"], feed["total_pages"], feed["size"]) == (7, 3, 3)
    assert (feed["first_page"], feed["last_page"], feed["empty"]) == (False, False, False)
    assert "cost_options" not in feed["contents"][0]  # the list shape: one-to-one fields
    names = [
        s["name"] for page in (1, 2, 3) for s in services_feed(per_page=3, page=page)["contents"]
    ]
    assert "Nurture groups (paused)" not in names and len(set(names)) == 7


@pytest.mark.usefixtures("imported")
def test_a_page_of_the_feed_costs_two_queries_however_long(django_assert_num_queries) -> None:
    with django_assert_num_queries(2):  # the count, and the page with its providers
        services_feed(per_page=100, full=True)


@pytest.mark.usefixtures("imported")
def test_a_page_past_the_end_is_empty() -> None:
    feed = services_feed(page=9)

    assert feed["contents"] == [] and feed["empty"] and feed["last_page"]
    assert validate_service_page(feed) == []


@pytest.mark.usefixtures("imported")
def test_an_exported_file_imports_again_without_changing_anything(
    tmp_path, administrator: User
) -> None:
    out = tmp_path / "directory.json"
    call_command(
        "directory", "export", "--out", str(out), stdout=io.StringIO(), stderr=io.StringIO()
    )
    document = json.loads(out.read_text(encoding="utf-8"))

    assert validate_services_document(document) == []
    assert not import_services(document, by=administrator).changed


def test_pounds_are_json_numbers_without_float_noise() -> None:
    assert [pounds(9200), pounds(6250), pounds(1), pounds(0)] == [92, 62.5, 0.01, 0]


def test_the_import_command_prints_a_summary_and_is_idempotent(tmp_path) -> None:
    from passport.directory.demo import DEMO_FILE

    first, second = io.StringIO(), io.StringIO()
    call_command(
        "directory", "import", str(DEMO_FILE), "--la", "801", stdout=first, stderr=io.StringIO()
    )
    call_command("directory", "import", str(DEMO_FILE), stdout=second, stderr=io.StringIO())

    assert first.getvalue().startswith("Services: 8 created, 0 updated, 0 unchanged.")
    assert second.getvalue().startswith("Nothing changed")


def test_the_import_command_lists_every_fault(tmp_path, document: dict) -> None:
    document["contents"][0]["status"] = "open"
    document["contents"][2]["cost_options"] = []
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document), encoding="utf-8")

    with pytest.raises(CommandError) as refused:
        call_command("directory", "import", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    message = str(refused.value)
    assert "bad.json was not imported, and nothing was changed" in message
    assert "$.contents[0].status" in message
    assert Service.objects.count() == 0


def test_the_import_command_refuses_a_file_that_is_not_json(tmp_path) -> None:
    path = tmp_path / "services.json"
    path.write_text("<services/>", encoding="utf-8")

    with pytest.raises(CommandError, match="not JSON"):
        call_command("directory", "import", str(path), stdout=io.StringIO(), stderr=io.StringIO())
