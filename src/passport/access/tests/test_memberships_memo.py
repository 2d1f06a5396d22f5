"""Within one request a person's live memberships are read once and shared by the session check,
the navigation and every access decision; a membership changed meanwhile is seen at once, and
outside a request nothing is remembered."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from passport.access.policies import (
    Action,
    ChildNotFound,
    get_child_for,
)
from passport.core.dates import today
from passport.people.memberships import live_roles, memberships_memo
from passport.people.models import Membership, Role
from passport.testing.factories import SettingFactory, child_on_roll, staff

pytestmark = pytest.mark.django_db


def membership_reads(captured: CaptureQueriesContext) -> int:
    return sum('FROM "people_membership"' in q["sql"] for q in captured.captured_queries)


def test_a_request_reads_the_persons_memberships_once() -> None:
    school = SettingFactory()
    senco = staff(Role.SENCO, school)
    child = child_on_roll(school)
    with memberships_memo(), CaptureQueriesContext(connection) as captured:
        assert live_roles(senco) == {Role.SENCO}
        get_child_for(senco, child.pk, Action.READ)
        get_child_for(senco, child.pk, Action.WRITE)
    assert membership_reads(captured) == 1


def test_a_membership_ended_during_the_request_takes_effect_at_once() -> None:
    school = SettingFactory()
    senco = staff(Role.SENCO, school)
    child = child_on_roll(school)
    with memberships_memo():
        get_child_for(senco, child.pk, Action.READ)
        membership = Membership.objects.get(user=senco)
        membership.ends_on = today() - dt.timedelta(days=1)
        membership.save()
        with pytest.raises(ChildNotFound):
            get_child_for(senco, child.pk, Action.READ)
        assert live_roles(senco) == frozenset()


def test_outside_a_request_every_decision_reads_the_memberships_afresh() -> None:
    school = SettingFactory()
    senco = staff(Role.SENCO, school)
    child = child_on_roll(school)
    get_child_for(senco, child.pk, Action.READ)
    # A bulk update sends no signal: only the absence of a memo makes this decision right.
    Membership.objects.filter(user=senco).update(ends_on=today() - dt.timedelta(days=1))
    with pytest.raises(ChildNotFound):
        get_child_for(senco, child.pk, Action.READ)


def test_the_passport_page_reads_memberships_once_and_still_shows_the_navigation() -> None:
    school = SettingFactory()
    senco = staff(Role.SENCO, school)
    child = child_on_roll(school)
    client = Client()
    client.force_login(senco)
    client.get(reverse("passport", args=[child.pk]))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("passport", args=[child.pk]))
    assert response.status_code == 200
    assert "New arrivals" in response.content.decode()
    assert membership_reads(captured) == 1


def test_a_person_whose_last_role_ended_is_signed_out_on_their_next_page() -> None:
    school = SettingFactory()
    senco = staff(Role.SENCO, school)
    client = Client()
    client.force_login(senco)
    assert client.get(reverse("children")).status_code == 200
    Membership.objects.filter(user=senco).update(ends_on=today() - dt.timedelta(days=1))
    response = client.get(reverse("children"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("sign-in"))
