"""Signing in with DfE Sign-in and GOV.UK One Login in Chromium, against a real OpenID provider
(npm oidc-provider under node, tests/oidc/provider.mjs). axe-core checks our pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from joserfc.jwk import ECKey
from playwright.sync_api import Page, expect

from passport.children.models import ParentalResponsibility
from passport.people.models import Membership, Role
from passport.testing.factories import SettingFactory, UserFactory, child_on_roll
from passport.testing.oidc_provider import (
    RunningProvider,
    dfe_sign_in_configuration,
    dfe_sign_in_settings,
    one_login_client_key,
    one_login_configuration,
    one_login_settings,
    start_provider,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OAKFIELD_URN = "900011"


@pytest.fixture(scope="module")
def client_key() -> ECKey:
    return one_login_client_key()


@pytest.fixture(scope="module")
def providers(live_server: Any, client_key: ECKey) -> Iterator[dict[str, RunningProvider]]:
    oakfield = {
        "name": "Oakfield Primary",
        "urn": OAKFIELD_URN,
        "category": {"id": "001", "name": "Establishment"},
    }
    dfe = start_provider(
        dfe_sign_in_configuration(
            live_server.url,
            {"sian": {"email": "sian.patel@oakfield.example", "organisation": oakfield}},
        )
    )
    one_login = start_provider(
        one_login_configuration(
            live_server.url,
            {"ngozi": {"email": "ngozi@family.example", "email_verified": True}},
            client_key,
        )
    )
    yield {"dfe-sign-in": dfe, "one-login": one_login}
    dfe.stop()
    one_login.stop()


@pytest.fixture
def world(transactional_db: None, settings: Any, providers: Any, client_key: ECKey) -> dict:
    settings.PASSPORT_OIDC_PROVIDERS = {
        "dfe-sign-in": dfe_sign_in_settings(providers["dfe-sign-in"]),
        "one-login": one_login_settings(providers["one-login"], client_key),
    }
    oakfield = SettingFactory(name="Oakfield Primary", urn=OAKFIELD_URN)
    amara = child_on_roll(oakfield, given_name="Amara", family_name="Okafor")
    child_on_roll(SettingFactory(), given_name="Ben", family_name="Elsewhere")
    since = dt.date(2020, 9, 1)
    senco = UserFactory(email="sian.patel@oakfield.example", full_name="Sian Patel")
    Membership.objects.create(user=senco, role=Role.SENCO, setting=oakfield, starts_on=since)
    parent = UserFactory(email="ngozi@family.example", full_name="Ngozi Okafor")
    Membership.objects.create(user=parent, role=Role.PARENT_CARER, starts_on=since)
    ParentalResponsibility.objects.create(
        child=amara, person=parent, relationship="Mother", starts_on=amara.date_of_birth
    )
    return {"amara": amara}


def sign_in_at_provider(page: Page, login: str) -> None:
    """The provider's own (development) login page: any password will do."""
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("anything")
    page.get_by_role("button", name="Sign-in").click()


def test_staff_sign_in_with_dfe_sign_in_and_see_their_settings_children(
    page: Page, live_server: Any, world: dict, assert_no_axe_violations: Any
):
    page.goto(f"{live_server.url}/sign-in/")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Sign in with DfE Sign-in").click()
    sign_in_at_provider(page, "sian")

    # No authenticator-app step: DfE Sign-in checked the second factor.
    page.goto(f"{live_server.url}/children/")
    expect(page.get_by_role("link", name="Okafor, Amara")).to_be_visible()
    expect(page.get_by_text("Elsewhere, Ben")).to_have_count(0)

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Yes, sign me out").click()
    expect(page.get_by_role("heading", name="Sign in to Support Passport")).to_be_visible()


def test_a_parent_signs_in_with_one_login_and_sees_their_child(
    page: Page, live_server: Any, world: dict, assert_no_axe_violations: Any
):
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_role("button", name="Sign in with GOV.UK One Login").click()
    sign_in_at_provider(page, "ngozi")

    expect(page.get_by_text("Amara")).not_to_have_count(0)
    assert_no_axe_violations(page)


def test_cancelling_at_the_provider_gets_a_clear_page(
    page: Page, live_server: Any, world: dict, assert_no_axe_violations: Any
):
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_role("button", name="Sign in with DfE Sign-in").click()
    page.get_by_role("link", name="Cancel").click()

    expect(page.get_by_role("heading", name="You have not signed in")).to_be_visible()
    assert_no_axe_violations(page)
