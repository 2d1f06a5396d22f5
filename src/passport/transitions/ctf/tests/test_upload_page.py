"""The upload page: a SENCO or head imports a CTF, chooses the first day (the next school day
by default, not the file's DateTime) and sees the same outcome counts as the API and the command
line, with a reason per refused pupil and nothing of the file's free text."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from lxml import html

from passport.children.models import Child
from passport.core.dates import today
from passport.core.schooldays import calendar_for
from passport.organisations.models import Setting
from passport.people.models import Role, User
from passport.testing.factories import staff
from passport.transitions.ctf.tests.conftest import ctf, pupil
from passport.transitions.models import Admission

pytestmark = pytest.mark.django_db

PAGE = "/common-transfer-files/import/"
MAYA, BEN = "M873200100001", "B873200100002"


def post(client: Client, content: bytes, first_day: dt.date | None = dt.date(2025, 9, 3)):
    data: dict[str, object] = {"file": SimpleUploadedFile("ctf.xml", content, "application/xml")}
    if first_day is not None:
        data |= {
            "starts_on-day": str(first_day.day),
            "starts_on-month": str(first_day.month),
            "starts_on-year": str(first_day.year),
        }
    return client.post(PAGE, data)


def words(content: bytes) -> str:
    """The page's main text as a reader meets it, one space between words."""
    main = html.fromstring(content).get_element_by_id("main-content")
    return " ".join(main.text_content().split())


def test_the_first_day_offered_is_the_next_school_day_in_the_setting_s_la(
    client: Client, secondary: Setting, secondary_senco: User
) -> None:
    client.force_login(secondary_senco)
    next_school_day = calendar_for("873").add_school_days(today(), 1)

    page = client.get(PAGE).content.decode()

    assert f'name="starts_on-day" type="text" value="{next_school_day.day}"' in page
    assert f'name="starts_on-month" type="text" value="{next_school_day.month}"' in page
    assert f'name="starts_on-year" type="text" value="{next_school_day.year}"' in page
    assert 'enctype="multipart/form-data"' in page


@pytest.mark.parametrize("role", [Role.TEACHER])
def test_only_a_senco_or_head_has_the_page(client: Client, secondary: Setting, role: Role) -> None:
    client.force_login(staff(role, secondary))

    assert client.get(PAGE).status_code == 404
    assert post(client, ctf(pupil(MAYA))).status_code == 404
    assert not Child.objects.exists()


def test_an_upload_shows_the_counts_and_a_reason_per_refused_pupil(
    client: Client, secondary: Setting, secondary_senco: User
) -> None:
    client.force_login(secondary_senco)

    response = post(client, ctf(pupil(MAYA), pupil(BEN, provision="E", needs=[("NSA", 1)])))

    page = words(response.content)
    assert response.status_code == 200
    assert "Some pupils were refused: correct them and import the file again" in page
    assert "First day 3 September 2025" in page
    assert "Added 1 Updated 0 Unchanged 0 Refused 1 Waiting for confirmation 0" in page
    assert (
        "NSA is only valid with SEN support (K), not with Education, health and care plan (E)"
        in page
    )
    assert "Oak Primary" not in page  # the file's free-text SchoolName
    assert Admission.objects.get().starts_on == dt.date(2025, 9, 3)


def test_a_hostile_file_is_refused_on_the_page_and_writes_nothing(
    client: Client, secondary: Setting, secondary_senco: User
) -> None:
    client.force_login(secondary_senco)
    hostile = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><CTfile>&a;</CTfile>'

    page = post(client, hostile).content.decode()

    assert "There is a problem" in page
    assert "The file was not imported: The file has a DOCTYPE" in page
    assert 'href="#file"' in page
    assert not Child.objects.exists()


def test_no_file_and_no_first_day_are_asked_for(
    client: Client, secondary: Setting, secondary_senco: User
) -> None:
    client.force_login(secondary_senco)

    page = words(client.post(PAGE, {}).content)

    assert "Choose the Common Transfer File to import" in page
    assert "Enter the pupils' first day at your setting" in page


def test_an_implausible_first_day_is_refused_against_that_field(
    client: Client, secondary: Setting, secondary_senco: User
) -> None:
    client.force_login(secondary_senco)

    page = post(client, ctf(pupil(MAYA)), first_day=dt.date(2099, 9, 3)).content.decode()

    assert "The first day must be on or before" in page
    assert 'href="#starts_on-day"' in page
    assert not Child.objects.exists()
