"""Importing Open Referral UK services: all or nothing, idempotent, every fault listed."""

from __future__ import annotations

import copy
import json
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from passport.audit.models import AuditEvent
from passport.directory.models import Service
from passport.directory.oruk.mapping import SUPPORT_KIND_TAXONOMY
from passport.directory.services import (
    DirectoryImportError,
    import_services,
    read_document,
)
from passport.organisations.models import Provider
from passport.people.models import User
from passport.testing.factories import local_authority

pytestmark = pytest.mark.django_db

SLT_ID = uuid.UUID("5d1e8a47-31c2-4f0b-8e6a-7c9b2d4e6f01")
NHS_ID = uuid.UUID("0f6a3c52-8a1e-4c7b-9d55-3b1e2f7a9c01")


def state() -> list[tuple[Any, ...]]:
    """Every provider and service row, to show an import wrote nothing."""
    return list(Provider.objects.order_by("pk").values_list()) + list(
        Service.objects.order_by("pk").values_list()
    )


def test_a_page_of_services_creates_providers_and_services_with_price_and_kind(
    document: dict, administrator: User
) -> None:
    bristol = local_authority("801")

    report = import_services(document, by=administrator, local_authority=bristol)

    assert (report.services_created, report.providers_created) == (8, 5)
    slt = Service.objects.select_related("provider").get(pk=SLT_ID)
    assert slt.support_kind == "speech_and_language_therapy"
    assert (slt.unit, slt.unit_cost_pence) == ("hour", 9200)
    assert slt.provider.oruk_id == NHS_ID
    assert slt.provider.kind == Provider.Kind.NHS_TRUST
    assert slt.provider.ods_code == "RDEMO"
    assert slt.provider.local_authority == bristol
    hearing = Service.objects.get(name="Specialist teacher: hearing impairment")
    assert hearing.unit_cost_pence == 6250
    assert Service.objects.get(name="Nurture groups (paused)").status == "temporarily closed"


def test_importing_the_same_file_again_changes_nothing_and_says_so(
    document: dict, administrator: User
) -> None:
    import_services(document, by=administrator)
    before = state()
    audit_rows = AuditEvent.objects.count()

    again = import_services(document, by=administrator)

    assert not again.changed
    assert (again.services_unchanged, again.providers_unchanged) == (8, 5)
    assert again.summary().startswith("Nothing changed: the directory already matches the file.")
    assert state() == before  # not even updated_at moved
    assert AuditEvent.objects.count() == audit_rows


def test_a_changed_price_updates_only_that_service_and_is_audited(
    document: dict, administrator: User
) -> None:
    import_services(document, by=administrator)
    document["contents"][0]["cost_options"][0]["amount"] = 95.5

    report = import_services(document, by=administrator)

    assert (report.services_updated, report.services_unchanged) == (1, 7)
    assert Service.objects.get(pk=SLT_ID).unit_cost_pence == 9550
    event = AuditEvent.objects.order_by("-position").first()
    assert event is not None
    assert event.actor_id == administrator.pk and event.child_id is None
    assert "1 updated" in event.reason


def test_an_existing_provider_is_matched_by_organization_id_and_renamed(
    document: dict, administrator: User
) -> None:
    Provider.objects.create(name="Old name", kind="la_service", oruk_id=NHS_ID)
    report = import_services(document, by=administrator)

    assert (report.providers_created, report.providers_updated) == (4, 1)
    assert Provider.objects.get(oruk_id=NHS_ID).name.startswith("Avon Vale")


def test_a_file_breaking_the_schema_is_refused_with_every_fault_and_nothing_written(
    document: dict, administrator: User
) -> None:
    document["contents"][0]["status"] = "open"
    document["contents"][3]["id"] = "42"
    del document["contents"][5]["organization"]["name"]

    with pytest.raises(DirectoryImportError) as refused:
        import_services(document, by=administrator)

    assert [str(p) for p in refused.value.problems] == [
        '$.contents[0].status: must be one of: "active", "inactive", "defunct", "temporarily closed"',
        "$.contents[3].id: must be a UUID, like 3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "$.contents[5].organization.name: is required but missing",
    ]
    assert state() == []


def test_a_valid_oruk_service_without_price_or_support_kind_is_refused(
    document: dict, administrator: User
) -> None:
    document["contents"][1]["cost_options"][0]["amount_description"] = "per term"
    document["contents"][2]["attributes"] = []
    term = document["contents"][4]["attributes"][0]["taxonomy_term"]
    term["term"] = "astrology"
    document["contents"][6]["cost_options"][0]["amount"] = 12.345

    with pytest.raises(DirectoryImportError) as refused:
        import_services(document, by=administrator)

    problems = {p.path: p.rule for p in refused.value.problems}
    assert set(problems) == {
        "$.contents[1].cost_options",
        "$.contents[2].attributes",
        "$.contents[4].attributes",
        "$.contents[6].cost_options[0].amount",
    }
    assert "per session" in problems["$.contents[1].cost_options"]
    assert SUPPORT_KIND_TAXONOMY in problems["$.contents[2].attributes"]
    assert "'astrology'" in problems["$.contents[4].attributes"]
    assert state() == []


def test_a_price_not_yet_in_force_is_not_used(document: dict, administrator: User) -> None:
    service = document["contents"][0]
    service["cost_options"].append(
        {
            **service["cost_options"][0],
            "id": str(uuid.uuid4()),
            "amount": 99,
            "valid_from": "2099-04-01",
        }
    )

    import_services(document, by=administrator)

    assert Service.objects.get(pk=SLT_ID).unit_cost_pence == 9200


def test_a_service_id_given_twice_is_refused(document: dict, administrator: User) -> None:
    document["contents"][1]["id"] = document["contents"][0]["id"]

    with pytest.raises(DirectoryImportError) as refused:
        import_services(document, by=administrator)

    assert [str(p) for p in refused.value.problems] == [
        "$.contents[1].id: repeats the service id at $.contents[0]"
    ]


def test_a_service_naming_an_unknown_organization_without_describing_it_is_refused(
    document: dict, administrator: User
) -> None:
    service = document["contents"][0]
    del service["organization"]
    service["organization_id"] = str(uuid.uuid4())

    with pytest.raises(DirectoryImportError) as refused:
        import_services({"contents": [service]}, by=administrator)

    assert refused.value.problems[0].path == "$.contents[0].organization"


def test_dates_the_schema_leaves_unchecked_are_checked(document: dict, administrator: User) -> None:
    document["contents"][0]["cost_options"][0]["valid_from"] = "next April"
    document["contents"][1]["assured_date"] = "2026-02-30"

    with pytest.raises(DirectoryImportError) as refused:
        import_services(document, by=administrator)

    assert [str(p) for p in refused.value.problems] == [
        "$.contents[0].cost_options[0].valid_from: must be a date, like 2026-09-01",
        "$.contents[1].assured_date: must be a date, like 2026-09-01",
    ]


def test_a_file_with_no_services_is_refused(administrator: User) -> None:
    with pytest.raises(DirectoryImportError, match="holds no services"):
        import_services({"contents": []}, by=administrator)


def test_a_single_service_or_a_list_can_be_imported(document: dict, administrator: User) -> None:
    import_services(document["contents"][0], by=administrator)
    import_services(document["contents"][1:3], by=administrator)

    assert Service.objects.count() == 3


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "The file is empty"),
        (b"\xff\xfe{", "The file is not UTF-8 text"),
        (b'{"contents": [}', "The file is not JSON: Expecting value at line 1, column 15"),
        (b'{"amount": NaN}', "The file is not JSON"),
    ],
)
def test_a_file_that_is_not_json_is_refused_clearly(raw: bytes, message: str) -> None:
    with pytest.raises(DirectoryImportError) as refused:
        read_document(raw)

    assert refused.value.summary.startswith(message)


def test_an_oversize_file_is_refused_before_it_is_parsed() -> None:
    with pytest.raises(DirectoryImportError) as refused:
        read_document(b"[" + b" " * 2048 + b"]", max_bytes=1024)

    assert "the largest directory file accepted" in refused.value.summary


def test_a_file_of_the_wrong_shape_is_refused(administrator: User) -> None:
    for shape in ("services", 42, {"contents": "none"}):
        with pytest.raises(DirectoryImportError) as refused:
            import_services(json.loads(json.dumps(shape)), by=administrator)
        assert refused.value.problems
    assert state() == []


def test_prices_parsed_as_decimals_keep_their_pence(document: dict, administrator: User) -> None:
    raw = json.dumps(document).replace('"amount": 62.5', '"amount": 62.50').encode()

    import_services(read_document(raw), by=administrator)

    assert (
        Service.objects.get(name="Specialist teacher: hearing impairment").unit_cost_pence == 6250
    )


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=15), children, max_size=3)
    ),
    max_leaves=8,
)
SERVICE_FIELDS = st.sampled_from(
    [
        "name",
        "status",
        "organization",
        "organization_id",
        "cost_options",
        "attributes",
        "assured_date",
        "minimum_age",
        "maximum_age",
        "url",
        "email",
        "id",
    ]
)
OPTION_FIELDS = st.sampled_from(
    ["amount", "amount_description", "valid_from", "valid_to", "currency"]
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(field=SERVICE_FIELDS, option_field=OPTION_FIELDS, value=JSON, option_value=JSON)
def test_no_service_however_wrong_gets_past_without_a_clear_refusal_or_a_clean_import(
    document: dict,
    administrator: User,
    field: str,
    option_field: str,
    value: Any,
    option_value: Any,
) -> None:
    service = copy.deepcopy(document["contents"][0])
    service[field] = value
    options = service.get("cost_options")
    if isinstance(options, list) and options and isinstance(options[0], dict):
        options[0][option_field] = option_value

    try:
        import_services(service, by=administrator)
    except DirectoryImportError as refused:
        assert refused.summary
        assert all(problem.path.startswith("$") and problem.rule for problem in refused.problems)
