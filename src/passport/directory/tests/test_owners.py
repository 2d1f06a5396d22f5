"""Owners of directory records: only the provider itself or the LA that published a record may
change it; an import naming someone else's record is refused for it, and history says who."""

from __future__ import annotations

import json
import uuid
from typing import Any, cast

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from passport.audit.models import AuditEvent
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


def test_the_service_page_shows_who_changed_what_in_words(
    client: Client, published: dict, senco: User
) -> None:
    caseworker = caseworker_at("801")
    caseworker.full_name = "Priya Shah"
    caseworker.save()
    published["contents"][0]["cost_options"][0]["amount"] = 95.5
    import_services(published, by=caseworker)
    client.force_login(senco)

    page = client.get(f"/directory/services/{SLT_ID}/").content.decode()

    assert "Who keeps this entry up to date" in page and "Bristol, City of" in page
    assert "Service changed by Priya Shah (Open Referral UK import)" in page
    # Before and after, in pounds, under the field's name; the email address is not shown.
    assert "£92" in page and "£95.50" in page and "Unit cost" in page
    assert caseworker.email not in page
    assert "Service added by the system" in page


def test_the_service_page_of_an_unknown_id_is_not_found(client: Client, senco: User) -> None:
    client.force_login(senco)

    assert client.get(f"/directory/services/{uuid.uuid4()}/").status_code == 404


def test_the_directory_links_each_service_to_its_page(
    client: Client, published: dict, senco: User
) -> None:
    client.force_login(senco)

    page = client.get("/directory/").content.decode()

    assert f'href="/directory/services/{SLT_ID}/"' in page


def test_the_history_api_gives_the_same_changes(
    client: Client, published: dict, senco: User
) -> None:
    caseworker = caseworker_at("801")
    caseworker.full_name = "Priya Shah"
    caseworker.save()
    published["contents"][0]["cost_options"][0]["amount"] = 95.5
    import_services(published, by=caseworker)
    client.force_login(senco)

    response = client.get(f"/api/directory/services/{SLT_ID}/history")

    assert response.status_code == 200
    newest = response.json()[0]
    assert (newest["record"], newest["by"], newest["created"]) == ("Service", "Priya Shah", False)
    assert {"field": "Unit cost", "before": "£92", "after": "£95.50"} in newest["changes"]
    assert client.get(f"/api/directory/services/{uuid.uuid4()}/history").status_code == 404


def test_an_operator_hands_a_service_over_to_its_provider(published: dict, capsys: Any) -> None:
    trust = Provider.objects.get(oruk_id=NHS_ID)

    call_command(
        "directory",
        "hand-over",
        str(SLT_ID),
        "--to-provider",
        str(NHS_ID),
        "--reason",
        "The trust keeps its own entries from April",
    )

    assert capsys.readouterr().out.strip() == (
        f"Speech and language therapy for schools: owned by {NHS_NAME} (was Bristol, City of)"
    )
    service = Service.objects.get(pk=SLT_ID)
    assert (service.owner_provider, service.owner_local_authority) == (trust, None)
    newest = service.history.first()
    # The history's reason column holds 100 characters; the audit row keeps the whole reason.
    said = f"Handed over to {NHS_NAME}: The trust keeps its own entries from April"
    assert newest is not None and newest.history_change_reason == said[:99] + "…"
    assert AuditEvent.objects.filter(
        reason=f"Service directory: {service.name} h{said[1:]}"
    ).exists()
    # The LA that published it can no longer change it; the trust's own people can.
    published["contents"][0]["cost_options"][0]["amount"] = 95.5
    with pytest.raises(DirectoryImportError):
        import_services(published, by=caseworker_at("801"))


def test_a_hand_over_needs_a_reason_and_a_known_owner(published: dict) -> None:
    with pytest.raises(CommandError, match="No local authority has the code '999'"):
        call_command("directory", "hand-over", str(SLT_ID), "--to-la", "999", "--reason", "x")
    with pytest.raises(CommandError, match="Say why"):
        call_command("directory", "hand-over", str(SLT_ID), "--to-la", "803", "--reason", " ")
    assert Service.objects.get(pk=SLT_ID).owner_local_authority == local_authority("801")
