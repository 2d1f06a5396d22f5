"""Sign-in test fixtures: a setting, its SENCO, a parent (who needs no second factor), and the
test OpenID provider as DfE Sign-in and as GOV.UK One Login."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

import pytest
import requests
from django.test import Client
from django.urls import reverse
from joserfc.jwk import ECKey

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
from passport.testing.oidc_provider import (
    RunningProvider,
    dfe_sign_in_configuration,
    dfe_sign_in_settings,
    one_login_client_key,
    one_login_configuration,
    one_login_settings,
    start_provider,
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


# Signing in with OpenID Connect: the test provider (tests/oidc/provider.mjs) configured as DfE
# Sign-in and as GOV.UK One Login, started once for the session. Django's test client is at
# http://testserver, so that is where the providers send people back to.
TEST_SERVER = "http://testserver"
OAKFIELD_URN = "900001"
ELM_TREE_URN = "900002"

DFE_ACCOUNTS = {
    "sian": {
        "email": "Sian.Patel@oakfield.example",
        "given_name": "Sian",
        "family_name": "Patel",
        "organisation": {
            "id": "a1b2c3",
            "name": "Oakfield Primary",
            "urn": OAKFIELD_URN,
            "establishmentNumber": "2001",
            "category": {"id": "001", "name": "Establishment"},
        },
    },
    "sian-at-elm-tree": {
        "email": "sian.patel@oakfield.example",
        "organisation": {
            "id": "d4e5f6",
            "name": "Elm Tree Academy",
            "urn": ELM_TREE_URN,
            "category": {"id": "001", "name": "Establishment"},
        },
    },
}
ONE_LOGIN_ACCOUNTS = {
    "ngozi": {
        "email": "ngozi@family.example",
        "email_verified": True,
    },
    "unconfirmed": {
        "email": "ngozi@family.example",
        "email_verified": False,
    },
}


@pytest.fixture(scope="session")
def dfe_provider() -> Iterator[RunningProvider]:
    running = start_provider(dfe_sign_in_configuration(TEST_SERVER, DFE_ACCOUNTS))
    yield running
    running.stop()


@pytest.fixture(scope="session")
def one_login_client_key_pair() -> ECKey:
    return one_login_client_key()


@pytest.fixture(scope="session")
def one_login_provider(one_login_client_key_pair: ECKey) -> Iterator[RunningProvider]:
    configuration = one_login_configuration(
        TEST_SERVER, ONE_LOGIN_ACCOUNTS, one_login_client_key_pair
    )
    running = start_provider(configuration)
    yield running
    running.stop()


@pytest.fixture
def oidc_providers(
    settings: Any,
    dfe_provider: RunningProvider,
    one_login_provider: RunningProvider,
    one_login_client_key_pair: ECKey,
) -> Iterator[dict[str, dict[str, Any]]]:
    """Configure both providers for this test; each behaves again afterwards."""
    settings.PASSPORT_OIDC_PROVIDERS = {
        "dfe-sign-in": dfe_sign_in_settings(dfe_provider),
        "one-login": one_login_settings(one_login_provider, one_login_client_key_pair),
    }
    yield settings.PASSPORT_OIDC_PROVIDERS
    dfe_provider.misbehave()
    one_login_provider.misbehave()


def start_at_provider(client: Client, provider: str, next: str = "") -> requests.Response | Any:
    """Press 'Sign in with ...'; return our response (a redirect to the provider, or a page)."""
    return client.get(reverse("sign-in-provider", args=[provider]), {"next": next} if next else {})


def answer_from_provider(client: Client, provider: str, login: str, *, cancel: bool = False) -> str:
    """Sign in at the provider's own login page as `login` (or cancel there); return the URL it
    sends the browser back to, on our site."""
    started = start_at_provider(client, provider)
    assert started.status_code == 302, started.content
    browser = requests.Session()
    response = browser.get(started["Location"], allow_redirects=False, timeout=10)
    while response.is_redirect and not response.headers["Location"].startswith(TEST_SERVER):
        response = browser.get(
            urljoin(response.url, response.headers["Location"]), allow_redirects=False, timeout=10
        )
    if cancel:
        abort = re.search(r'href="([^"]*/abort)"', response.text)
        assert abort, response.text
        response = browser.get(urljoin(response.url, abort.group(1)), allow_redirects=False)
    else:
        action = re.search(r'<form[^>]*action="([^"]+)"', response.text)
        assert action, response.text
        response = browser.post(
            urljoin(response.url, action.group(1)),
            {"prompt": "login", "login": login, "password": "anything"},
            allow_redirects=False,
            timeout=10,
        )
    while True:
        assert response.is_redirect, response.text
        if response.headers["Location"].startswith(TEST_SERVER):
            break
        response = browser.get(
            urljoin(response.url, response.headers["Location"]), allow_redirects=False, timeout=10
        )
    return response.headers["Location"].removeprefix(TEST_SERVER)


def sign_in_with_provider(client: Client, provider: str, login: str, **kwargs: Any) -> Any:
    """Sign in at the provider and come back to us; return our callback's response."""
    return client.get(answer_from_provider(client, provider, login, **kwargs))
