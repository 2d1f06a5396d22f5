"""A family downloads everything held about their child, with who has seen it."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from passport.audit.services import record
from passport.passports.models import Strategy
from passport.people.models import Role
from passport.testing.factories import SettingFactory, child_on_roll, parent_of, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def family():
    school = SettingFactory(name="Oakfield Primary")
    child = child_on_roll(school, given_name="Amara", family_name="O'Kafor/../..")
    Strategy.objects.create(passport=child.passport, description="Short, one-step instructions")
    senco = staff(Role.SENCO, school)
    record(
        actor=senco,
        role="senco",
        relationship="on_roll_at_my_setting",
        acting_for="Oakfield Primary",
        setting_id=school.pk,
        action="read",
        child_id=child.pk,
        allowed=True,
    )
    return {"child": child, "parent": parent_of(child), "senco": senco}


def test_parent_downloads_the_whole_record_as_json(client, family):
    client.force_login(family["parent"])
    response = client.get(reverse("download-json", args=[family["child"].pk]))
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["child"]["given_name"] == "Amara"
    assert data["passport"]["what_works"][0]["description"] == "Short, one-step instructions"
    assert any(event["who"] == str(family["senco"]) for event in data["access_history"])
    assert data["parental_responsibility"][0]["email"] == family["parent"].email


def test_download_name_cannot_escape_the_downloads_folder(client, family):
    client.force_login(family["parent"])
    response = client.get(reverse("download-document", args=[family["child"].pk]))
    disposition = response["Content-Disposition"]
    assert "/" not in disposition.split("filename=")[1] and ".." not in disposition
    assert "Short, one-step instructions" in response.content.decode()


def test_staff_cannot_take_a_subject_access_download(client, family):
    client.force_login(family["senco"])
    assert client.get(reverse("download-json", args=[family["child"].pk])).status_code == 404
