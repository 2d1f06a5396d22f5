"""Sign-in test fixtures: a setting, its SENCO, and a parent (who needs no second factor)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from passport.children.models import Child
from passport.organisations.models import Setting
from passport.people.models import Role, User
from passport.testing.factories import (
    TEST_PASSWORD,
    SettingFactory,
    child_on_roll,
    parent_of,
    staff,
)


@pytest.fixture
def setting(db: None) -> Setting:
    return SettingFactory(name="Oakfield Primary")


@pytest.fixture
def senco(setting: Setting) -> User:
    return staff(Role.SENCO, setting)


@pytest.fixture
def child(setting: Setting) -> Child:
    return child_on_roll(setting, given_name="Amara", family_name="Okafor")


@pytest.fixture
def parent(child: Child) -> User:
    return parent_of(child)


def sign_in_with_password(
    client: Client, user: User, password: str = TEST_PASSWORD, next: str = "", **environ: Any
):
    """Post the sign-in form (`environ` sets request META, like REMOTE_ADDR); return the response."""
    data = {"email": user.email, "password": password, "next": next}
    return client.post(reverse("sign-in"), data, **environ)
