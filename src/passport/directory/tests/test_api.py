"""The ORUK feed and import over the API: signed in to read, administrators and cluster leads to
import, every fault a problem detail with its JSON path."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any, cast

import pytest
from django.test import Client

from passport.access.standing import Duty, holds
from passport.directory.models import Service
from passport.directory.oruk.validation import validate_service, validate_service_page
from passport.directory.services import import_services
from passport.people.models import Role, User
from passport.testing.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

SLT_ID = "5d1e8a47-31c2-4f0b-8e6a-7c9b2d4e6f01"


def post_json(client: Client, body: object) -> Any:
    return client.post("/api/oruk/import", json.dumps(body), content_type="application/json")


def test_the_feed_needs_sign_in(client: Client) -> None:
    response = client.get("/api/oruk/services")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_anyone_signed_in_reads_the_feed_as_a_valid_oruk_page(
    client: Client, senco: User, document: dict, administrator: User
) -> None:
    import_services(document, by=administrator)
    client.force_login(senco)

    response = client.get("/api/oruk/services?per_page=5")

    assert response.status_code == 200
    page = response.json()
    assert validate_service_page(page) == []
    assert (page["total_items"], page["size"], page["total_pages"]) == (7, 5, 2)


def test_one_service_is_the_full_oruk_service(
    client: Client, senco: User, document: dict, administrator: User
) -> None:
    import_services(document, by=administrator)
    client.force_login(senco)

    response = client.get(f"/api/oruk/services/{SLT_ID}")

    assert response.status_code == 200
    assert validate_service(response.json()) == []
    assert response.json()["cost_options"][0]["amount"] == 92


def test_an_unknown_service_is_404_and_a_bad_id_422(client: Client, senco: User) -> None:
    client.force_login(senco)

    missing = client.get(f"/api/oruk/services/{uuid.uuid4()}")
    malformed = client.get("/api/oruk/services/not-a-uuid")

    assert missing.status_code == 404 and missing["Content-Type"] == "application/problem+json"
    assert malformed.status_code == 422


def test_per_page_is_bounded(client: Client, senco: User) -> None:
    client.force_login(senco)

    assert client.get("/api/oruk/services?per_page=1000").status_code == 422
    assert client.get("/api/oruk/services?page=0").status_code == 422


def test_a_senco_may_not_import(client: Client, senco: User, document: dict) -> None:
    client.force_login(senco)

    response = post_json(client, document)

    assert response.status_code == 403
    assert Service.objects.count() == 0


@pytest.mark.parametrize("who", ["administrator", "cluster_lead"])
def test_an_administrator_or_cluster_lead_imports_and_a_second_time_changes_nothing(
    client: Client, document: dict, who: str, request: pytest.FixtureRequest
) -> None:
    client.force_login(request.getfixturevalue(who))

    first = post_json(client, document)
    second = post_json(client, document)

    assert first.status_code == 200
    assert first.json()["services"] == {"created": 8, "updated": 0, "unchanged": 0}
    assert second.json()["changed"] is False
    assert second.json()["summary"].startswith("Nothing changed")


def test_a_file_breaking_the_schema_gets_422_listing_each_fault_by_json_path(
    client: Client, administrator: User, document: dict
) -> None:
    document["contents"][0]["status"] = "open"
    document["contents"][1]["organization"]["id"] = "acme"
    client.force_login(administrator)

    response = post_json(client, document)

    assert response.status_code == 422
    problem = response.json()
    assert problem["type"] == "/api/problems/validation"
    assert [error["field"] for error in problem["errors"]] == [
        "$.contents[0].status",
        "$.contents[1].organization.id",
    ]
    assert problem["errors"][1]["message"].startswith("must be a UUID")
    assert Service.objects.count() == 0


def test_a_body_that_is_not_json_or_too_large_gets_a_clear_422(
    client: Client, administrator: User, settings
) -> None:
    client.force_login(administrator)

    not_json = client.post("/api/oruk/import", "{oops", content_type="application/json")
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    too_large = client.post(
        "/api/oruk/import", json.dumps({"x": "y" * 200}), content_type="application/json"
    )

    assert not_json.status_code == 422
    assert not_json.json()["detail"].startswith("The file is not JSON")
    assert too_large.status_code == 422
    assert "Split it into smaller files" in too_large.json()["detail"]


def test_only_administrators_and_cluster_leads_manage_the_directory(
    administrator: User, cluster_lead: User, senco: User
) -> None:
    former = cast(
        User,
        MembershipFactory(
            role=Role.ADMINISTRATOR,
            setting=None,
            starts_on=dt.date(2020, 9, 1),
            ends_on=dt.date(2021, 8, 31),
        ).user,
    )
    inactive = cast(User, MembershipFactory(role=Role.ADMINISTRATOR, setting=None).user)
    inactive.is_active = False
    inactive.save()

    assert holds(administrator, Duty.MANAGE_DIRECTORY) and holds(
        cluster_lead, Duty.MANAGE_DIRECTORY
    )
    assert not holds(senco, Duty.MANAGE_DIRECTORY)
    assert not holds(cast(User, UserFactory()), Duty.MANAGE_DIRECTORY)
    assert not holds(former, Duty.MANAGE_DIRECTORY)
    assert not holds(inactive, Duty.MANAGE_DIRECTORY)
