"""Changing About me and My needs over the API: a stale If-Match is refused, and a change to one
section never undoes a change to the other."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from passport.children.models import Child
from passport.passports.models import Passport
from passport.people.models import User
from passport.site.tests.conftest import VALID_BODIES, Api

Url = Callable[..., str]
SECTIONS = [("/passport/about-me", "update_about_me"), ("/passport/needs", "set_needs")]
# The field each section's late, stale change would overwrite.
CHANGED_FIELD = {"update_about_me": "how_to_support_me", "set_needs": "needs_description"}


@pytest.mark.parametrize(("path", "operation"), SECTIONS)
def test_a_stale_if_match_on_a_section_is_refused_and_saves_nothing(
    api: Api, senco: User, child: Child, url_for: Url, path: str, operation: str
) -> None:
    read = api.as_user(senco).get(url_for(path))
    api.put(url_for(path), VALID_BODIES[operation], **{"If-Match": read["ETag"]})
    saved_before = Passport.objects.get(child=child)

    response = api.put(
        url_for(path),
        {**VALID_BODIES[operation], CHANGED_FIELD[operation]: "Written from a stale copy"},
        **{"If-Match": read["ETag"]},
    )

    assert response.status_code == 412
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == "/api/problems/stale-version"
    saved = Passport.objects.get(child=child)
    assert (saved.version, saved.needs_description, saved.how_to_support_me) == (
        saved_before.version,
        saved_before.needs_description,
        saved_before.how_to_support_me,
    )


@pytest.mark.parametrize(("path", "operation"), SECTIONS)
def test_the_etag_a_section_change_returns_is_the_one_the_next_change_must_send(
    api: Api, senco: User, url_for: Url, path: str, operation: str
) -> None:
    first = api.as_user(senco).put(url_for(path), VALID_BODIES[operation])

    second = api.put(url_for(path), VALID_BODIES[operation], **{"If-Match": first["ETag"]})
    read = api.get(url_for(path))

    assert second.status_code == 200
    assert read["ETag"] == second["ETag"] != first["ETag"]


def test_about_me_and_needs_without_if_match_both_keep_their_change(
    api: Api, senco: User, child: Child, url_for: Url
) -> None:
    api.as_user(senco)

    about_me = api.put(url_for("/passport/about-me"), VALID_BODIES["update_about_me"])
    needs = api.put(url_for("/passport/needs"), VALID_BODIES["set_needs"])

    assert (about_me.status_code, needs.status_code) == (200, 200)
    saved = Passport.objects.get(child=child)
    assert saved.matters_to_me == VALID_BODIES["update_about_me"]["matters_to_me"]
    assert saved.needs_description == VALID_BODIES["set_needs"]["needs_description"]
