"""Signing in in tests: staff need a second factor, so a test session records one."""

from __future__ import annotations

from django.test.client import ClientMixin
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from passport.people.memberships import live_roles
from passport.people.models import User
from passport.people.services import (
    authenticator_for,
    current_code,
    needs_second_factor,
)


def give_authenticator(user: User, key: str | None = None) -> TOTPDevice:
    """Return a confirmed authenticator app for the user (a new one, with `key` if given)."""
    extra = {"key": key} if key else {}
    return TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True, **extra)


def pass_second_factor(client: ClientMixin, user: User) -> None:
    """Record in the client's session that the user entered a code, if they need one."""
    if not needs_second_factor(live_roles(user)):
        return
    device = authenticator_for(user) or give_authenticator(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def sign_in_as(client: ClientMixin, user: User) -> None:
    """Sign the client in as the user, with the second factor done, as a real sign-in ends."""
    client.force_login(user)
    pass_second_factor(client, user)


def code_for_another_sign_in(device: TOTPDevice) -> str:
    """Return the code the authenticator shows now, accepted even if it was used a moment ago.

    django-otp refuses a code already used (replay protection), so a journey that signs the
    same person in twice within one 30-second step would be refused by chance. The test forgets
    the last code used instead of waiting for the next step.
    """
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    return current_code(device)[0]
