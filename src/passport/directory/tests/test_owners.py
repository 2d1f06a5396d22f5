"""Owners of directory records: only the provider itself or the LA that published a record may
change it; an import naming someone else's record is refused for it, and history says who."""

from __future__ import annotations

import json
import uuid
from typing import Any, cast

import pytest
from django.core.management import call_command
from django.test import Client

from passport.directory.models import Service
from passport.directory.services import DirectoryImportError, import_services
from passport.organisations.models import Provider
from passport.people.models import Role, User
from passport.testing.factories import MembershipFactory, local_authority

pytestmark = pytest.mark.django_db

SLT_ID = uuid.UUID("5d1e8a47-31c2-4f0b-8e6a-7c9b2d4e6f01")
NHS_ID = uuid.UUID("0f6a3c52-8a1e-4c7b-9d55-3b1e2f7a9c01")
NHS_NAME = "Avon Vale Children's Community Health NHS Trust"


def caseworker_at(code: str) -> User:
    return cast(
        User,
        MembershipFactory(
            role=Role.LA_CASEWORKER, setting=None, local_authority=local_authority(code)
        ).user,
    )


def post_json(client: Client, body: object) -> Any:
    return client.post("/api/oruk/import", json.dumps(body), content_type="application/json")


@pytest.fixture
def published(document: dict) -> dict:
    """The demo file, published by Bristol (801) as the demo does."""
    import_services(document, by=None, local_authority=local_authority("801"))
    return document


def test_a_cluster_lead_cannot_rename_an_nhs_trust_by_import(
    client: Client, published: dict, cluster_lead: User
) -> None:
    """The attack: a re-import renamed the trust everywhere and changed its price."""
    assert Provider.objects.get(oruk_id=NHS_ID).name == NHS_NAME
    for service in published["contents"]:
        if service["organization"]["id"] == str(NHS_ID):
            service["organization"]["name"] = "Totally Legit Therapy Ltd"
    published["contents"][0]["cost_options"][0]["amount"] = 1
    client.force_login(cluster_lead)

    response = post_json(client, published)

    assert response.status_code == 422
    messages = {error["field"]: error["message"] for error in response.json()["errors"]}
    assert messages["$.contents[0].organization"] == (
        f"Provider '{NHS_NAME}' is published by Bristol, City of: "
        "only Bristol, City of can change it"
    )
    assert messages["$.contents[0]"].startswith("Service 'Speech and language therapy")
    assert Provider.objects.get(oruk_id=NHS_ID).name == NHS_NAME
    assert Service.objects.get(pk=SLT_ID).unit_cost_pence == 9200


def test_an_unchanged_record_of_someone_else_may_be_named(
    published: dict, cluster_lead: User
) -> None:
    report = import_services(published, by=cluster_lead)
    assert not report.changed


def test_the_owning_la_changes_its_record_and_history_says_who(published: dict) -> None:
    caseworker = caseworker_at("801")
    published["contents"][0]["cost_options"][0]["amount"] = 95.5

    report = import_services(published, by=caseworker)

    assert report.services_updated == 1
    service = Service.objects.get(pk=SLT_ID)
    assert service.unit_cost_pence == 9550
    newest = service.history.first()
    assert newest is not None and newest.history_user == caseworker
    assert newest.history_change_reason == "Open Referral UK import"


def test_another_la_is_refused_and_nothing_is_written(published: dict) -> None:
    published["contents"][0]["cost_options"][0]["amount"] = 95.5
    published["contents"][1]["name"] = "A brand new name"

    with pytest.raises(DirectoryImportError) as refused:
        import_services(published, by=caseworker_at("803"))

    assert [p.path for p in refused.value.problems] == ["$.contents[0]", "$.contents[1]"]
    assert Service.objects.get(pk=SLT_ID).unit_cost_pence == 9200


def test_new_records_belong_to_the_la_of_the_person_who_published_them(document: dict) -> None:
    caseworker = caseworker_at("801")
    import_services(document, by=caseworker)
    service = Service.objects.get(pk=SLT_ID)
    assert service.owner_local_authority == local_authority("801")
    assert Provider.objects.get(oruk_id=NHS_ID).owner_local_authority == local_authority("801")


def test_a_provider_changes_its_own_services(published: dict) -> None:
    trust = Provider.objects.get(oruk_id=NHS_ID)
    Service.objects.filter(provider=trust).update(owner_local_authority=None, owner_provider=trust)
    therapist = cast(
        User,
        MembershipFactory(role=Role.HEALTH_PROFESSIONAL, setting=None, provider=trust).user,
    )
    published["contents"][0]["cost_options"][0]["amount"] = 99

    report = import_services(published, by=therapist)

    assert report.services_updated == 1


def test_the_history_command_shows_who_changed_what(published: dict, capsys: Any) -> None:
    caseworker = caseworker_at("801")
    published["contents"][0]["cost_options"][0]["amount"] = 95.5
    import_services(published, by=caseworker)

    call_command("directory", "history", str(SLT_ID))

    out = capsys.readouterr().out
    assert caseworker.email in out
    assert "unit_cost_pence: 9200 -> 9550" in out
