"""Sessions end after 30 idle minutes, after 8 hours, and when the account or its access ends."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.urls import reverse

from passport.people.middleware import SEEN_AT, SIGNED_IN_AT
from passport.people.models import Membership


def move_clock(client, **ago: int) -> None:
    """Pretend the session started or was last used some seconds ago."""
    session = client.session
    for key, seconds in ago.items():
        session[key] = int(time.time()) - seconds
    session.save()


def signed_out_message(client, response) -> str:
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("sign-in"))
    return client.get(response["Location"]).content.decode()


@pytest.fixture
def signed_in(client, senco):
    client.force_login(senco)
    return client


def test_a_session_used_within_30_minutes_carries_on(signed_in):
    move_clock(signed_in, **{SEEN_AT: 29 * 60})

    assert signed_in.get(reverse("children")).status_code == 200


def test_each_request_counts_as_activity(signed_in):
    move_clock(signed_in, **{SEEN_AT: 20 * 60})
    signed_in.get(reverse("children"))

    assert time.time() - signed_in.session[SEEN_AT] < 5


def test_30_idle_minutes_end_the_session(signed_in, child):
    move_clock(signed_in, **{SEEN_AT: 31 * 60})
    wanted = reverse("passport", args=[child.pk])

    response = signed_in.get(wanted)

    assert response["Location"] == f"{reverse('sign-in')}?next={wanted.replace('/', '%2F')}"
    page = signed_out_message(signed_in, response)
    assert "You were signed out because you had not used the service for 30 minutes" in page
    assert signed_in.get(reverse("children"))["Location"].startswith(reverse("sign-in"))


def test_8_hours_end_the_session_however_busy(signed_in):
    move_clock(signed_in, **{SIGNED_IN_AT: 8 * 60 * 60 + 1, SEEN_AT: 0})

    page = signed_out_message(signed_in, signed_in.get(reverse("children")))

    assert "You were signed out because you had been signed in for 8 hours" in page


def test_disabling_the_account_ends_the_session(signed_in, senco):
    senco.is_active = False
    senco.save()

    page = signed_out_message(signed_in, signed_in.get(reverse("children")))

    assert "no longer gives you access" in page
    assert "_auth_user_id" not in signed_in.session


def test_the_end_of_the_last_membership_ends_the_session(signed_in, senco):
    Membership.objects.filter(user=senco).update(ends_on=dt.date.today() - dt.timedelta(days=1))

    page = signed_out_message(signed_in, signed_in.get(reverse("children")))

    assert "no longer gives you access" in page


def test_the_api_answers_401_once_the_session_has_ended(signed_in, child):
    move_clock(signed_in, **{SEEN_AT: 31 * 60})

    response = signed_in.get(f"/api/children/{child.pk}/passport")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_the_session_cookie_lasts_no_longer_than_the_absolute_timeout(settings):
    assert settings.SESSION_COOKIE_AGE == settings.PASSPORT_SESSION_MAX_SECONDS == 8 * 60 * 60
    assert settings.PASSPORT_SESSION_IDLE_SECONDS == 30 * 60
