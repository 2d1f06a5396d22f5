"""Irish and other names with apostrophes (O'Neill, D'Souza) are shown as typed: escaped once in
pages, never doubled or cut, and exact in the API."""

from __future__ import annotations

import html

import pytest
from django.test import Client

from passport.people.models import Role
from passport.testing.factories import SettingFactory, child_on_roll, staff

pytestmark = pytest.mark.django_db


def test_a_name_with_an_apostrophe_reads_the_same_on_pages_and_in_the_api():
    school = SettingFactory()
    senco = staff(Role.SENCO, school, user__full_name="Niamh D'Souza")
    child = child_on_roll(school, given_name="Siobhán", family_name="O'Neill")
    client = Client()
    client.force_login(senco)

    shown_as = {"/children/": "O'Neill, Siobhán", f"/children/{child.pk}/": "Siobhán O'Neill"}
    for path, name in shown_as.items():
        page = client.get(path).content.decode()
        # Jinja writes &#39; and Django &#x27;: a browser shows either as an apostrophe.
        assert name in html.unescape(page), path
        assert "O'Neill" not in page, path  # escaped, so it cannot end an attribute early
        assert "&amp;#" not in page, path  # and escaped only once

    listed = client.get("/api/children").json()["items"]
    assert [(c["given_name"], c["family_name"]) for c in listed] == [("Siobhán", "O'Neill")]
