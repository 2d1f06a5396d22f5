"""The page on which a local authority records a child on no setting's roll (issue 16)."""

from __future__ import annotations

from typing import cast

import pytest
from django.urls import reverse

from passport.children.models import Child
from passport.people.models import Role, User
from passport.testing.factories import MembershipFactory, SettingFactory, local_authority, staff

pytestmark = pytest.mark.django_db


def test_an_early_years_caseworker_records_a_baby_and_opens_their_passport(client):
    senco = staff(Role.SENCO, SettingFactory())
    early_years = cast(
        User,
        MembershipFactory(
            role=Role.LA_CASEWORKER, setting=None, local_authority=local_authority("801")
        ).user,
    )
    url = reverse("add-child-without-setting")
    client.force_login(senco)
    assert client.get(url).status_code == 404
    client.force_login(early_years)
    assert "Record a child not at a setting" in client.get(reverse("children")).content.decode()
    assert "Record a child who is not at a setting" in client.get(url).content.decode()
    bad = client.post(url, {"given_name": "Isla", "family_name": "Reid"})
    assert "There is a problem" in bad.content.decode()
    assert not Child.objects.filter(given_name="Isla").exists()
    done = client.post(
        url,
        {
            "given_name": "Isla",
            "family_name": "Reid",
            "date_of_birth-day": "4",
            "date_of_birth-month": "1",
            "date_of_birth-year": "2026",
        },
    )
    child = Child.objects.get(given_name="Isla")
    assert done.status_code == 302 and done["Location"] == reverse("passport", args=[child.pk])
    assert (child.home_local_authority.code, child.enrolments.count()) == ("801", 0)
    assert client.get(done["Location"]).status_code == 200
