"""CTF upload and download over the API: who may, what they get, and problems on error."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from passport.audit.models import AuditEvent
from passport.children.models import Child
from passport.organisations.models import Setting
from passport.people.models import Role, User
from passport.testing.factories import child_on_roll, staff
from passport.transitions.ctf.parser import CtfReader
from passport.transitions.ctf.tests.conftest import ctf, pupil
from passport.transitions.models import Admission
from passport.transitions.services import record_admission

pytestmark = pytest.mark.django_db

MAYA = "M873200100001"


def upload(client: Client, content: bytes):
    return client.post(
        "/api/ctf/imports", {"file": SimpleUploadedFile("ctf.xml", content, "application/xml")}
    )


def test_the_receiving_senco_uploads_a_ctf_and_gets_the_report(
    client: Client, secondary: Setting, secondary_senco: User
) -> None:
    client.force_login(secondary_senco)

    response = upload(client, ctf(pupil(MAYA), pupil("M873200100002")))

    assert response.status_code == 200
    report = response.json()
    assert report["counts"] == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "skipped": 1,
        "pending_transfer": 0,
    }
    assert report["destination_setting_id"] == secondary.pk
    assert report["pupils"][1]["reasons"][0].startswith("UPN M873200100002 has the wrong check")
    assert report["result"] == "partly_imported"
    assert report["summary"].startswith("Some pupils were refused")
    assert report["starts_on"] == "2025-07-18"  # the file's DateTime when none is given
    assert "source_name" not in report and b"Oak Primary" not in response.content


def test_the_first_day_is_sent_beside_the_file(
    client: Client, secondary: Setting, secondary_senco: User
) -> None:
    client.force_login(secondary_senco)

    response = client.post(
        "/api/ctf/imports",
        {
            "file": SimpleUploadedFile("ctf.xml", ctf(pupil(MAYA)), "application/xml"),
            "starts_on": "2025-09-03",
        },
    )

    assert response.status_code == 200
    assert response.json()["starts_on"] == "2025-09-03"
    assert response.json()["result"] == "imported"
    assert Admission.objects.get().starts_on == dt.date(2025, 9, 3)


def test_an_implausible_first_day_is_a_422_naming_starts_on(
    client: Client, secondary: Setting, secondary_senco: User
) -> None:
    client.force_login(secondary_senco)

    response = client.post(
        "/api/ctf/imports",
        {
            "file": SimpleUploadedFile("ctf.xml", ctf(pupil(MAYA)), "application/xml"),
            "starts_on": "2099-09-03",
        },
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "starts_on"
    assert "The first day must be on or before" in response.json()["errors"][0]["message"]
    assert not Child.objects.exists()


def test_a_senco_of_another_setting_cannot_import_into_the_destination(
    client: Client, secondary: Setting, primary: Setting
) -> None:
    client.force_login(staff(Role.SENCO, primary))

    response = upload(client, ctf(pupil(MAYA)))

    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert not Child.objects.exists()


def test_a_teacher_cannot_import(client: Client, secondary: Setting) -> None:
    client.force_login(staff(Role.TEACHER, secondary))

    assert upload(client, ctf(pupil(MAYA))).status_code == 403


def test_a_hostile_file_is_a_422_problem_naming_the_file(
    client: Client, secondary: Setting, secondary_senco: User
) -> None:
    client.force_login(secondary_senco)
    hostile = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><CTfile>&a;</CTfile>'

    response = upload(client, hostile)

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "file"
    assert "DOCTYPE" in response.json()["errors"][0]["message"]


def test_an_oversized_upload_is_refused(
    client: Client, secondary: Setting, secondary_senco: User, settings
) -> None:
    settings.PASSPORT_CTF_MAX_BYTES = 500
    client.force_login(secondary_senco)

    response = upload(client, ctf(*(pupil(MAYA) for _ in range(10))))

    assert response.status_code == 422
    assert "largest CTF accepted" in response.json()["errors"][0]["message"]


@pytest.fixture
def leaver(primary: Setting, secondary: Setting) -> Child:
    child = child_on_roll(primary, upn=MAYA, date_of_birth=dt.date(2014, 3, 21))
    record_admission(child, secondary, dt.date.today() + dt.timedelta(days=7), by=None)
    return child


def test_the_sending_senco_downloads_a_ctf_for_their_leavers(
    client: Client, primary: Setting, leaver: Child
) -> None:
    senco = staff(Role.SENCO, primary)
    client.force_login(senco)

    response = client.get(f"/api/ctf/exports?setting_id={primary.pk}")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="8732001_CTF_8734001_001.xml"'
    with CtfReader(response.content) as reader:
        assert [getattr(item, "upn", None) for item in reader.read()][1:] == [MAYA]
    assert AuditEvent.objects.filter(
        action="export", child_id=leaver.pk, actor_id=senco.pk
    ).exists()


def test_one_child_can_be_downloaded(client: Client, primary: Setting, leaver: Child) -> None:
    client.force_login(staff(Role.SENCO, primary))

    response = client.get(f"/api/ctf/exports?setting_id={primary.pk}&child_id={leaver.pk}")

    assert response.status_code == 200
    assert MAYA.encode() in response.content


def test_an_unrelated_senco_gets_nothing(
    client: Client, primary: Setting, secondary: Setting, leaver: Child
) -> None:
    elsewhere = Setting.objects.create(
        name="Far Away",
        kind="primary",
        urn="999001",
        local_authority=primary.local_authority,
        estab="2999",
        phase="Primary",
    )
    client.force_login(staff(Role.SENCO, elsewhere))

    their_setting = client.get(f"/api/ctf/exports?setting_id={elsewhere.pk}&child_id={leaver.pk}")
    not_theirs = client.get(f"/api/ctf/exports?setting_id={primary.pk}")

    assert their_setting.status_code == 422
    assert their_setting.json()["errors"][0]["field"] == "child_id"
    assert not_theirs.status_code == 422
    assert not_theirs.json()["errors"][0]["field"] == "setting_id"
    assert MAYA not in their_setting.content.decode() + not_theirs.content.decode()
    assert not AuditEvent.objects.filter(action="export").exists()


def test_a_parent_cannot_download_a_ctf(client: Client, primary: Setting, leaver: Child) -> None:
    from passport.testing.factories import parent_of

    client.force_login(parent_of(leaver))

    assert (
        client.get(f"/api/ctf/exports?setting_id={primary.pk}&child_id={leaver.pk}").status_code
        == 422
    )
