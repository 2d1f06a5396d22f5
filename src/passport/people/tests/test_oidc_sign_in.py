"""Signing in with DfE Sign-in (staff) and GOV.UK One Login (families), against a real OpenID
provider (npm oidc-provider under node), and every way it can fail."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from passport.access.policies import Action, ChildNotFound, get_child_for
from passport.audit.models import AuditAction, AuditEvent
from passport.children.models import Child
from passport.organisations.models import Setting
from passport.people.memberships import OrganisationLimit, signed_in_for
from passport.people.models import ExternalIdentity, Membership, Role, User
from passport.people.tests.conftest import (
    ELM_TREE_URN,
    OAKFIELD_URN,
    answer_from_provider,
    sign_in_with_password,
    sign_in_with_provider,
    start_at_provider,
)
from passport.testing.factories import SettingFactory, child_on_roll, parent_of, staff
from passport.testing.oidc_provider import unused_address

pytestmark = pytest.mark.usefixtures("oidc_providers")

START = dt.date(2020, 9, 1)


@pytest.fixture
def oakfield(db: None) -> Setting:
    return SettingFactory(name="Oakfield Primary", urn=OAKFIELD_URN)


@pytest.fixture
def elm_tree(db: None) -> Setting:
    return SettingFactory(name="Elm Tree Academy", urn=ELM_TREE_URN)


@pytest.fixture
def sian(oakfield: Setting) -> User:
    return staff(Role.SENCO, oakfield, user__email="sian.patel@oakfield.example")


@pytest.fixture
def amara(oakfield: Setting) -> Child:
    return child_on_roll(oakfield, given_name="Amara", family_name="Okafor")


@pytest.fixture
def ngozi(amara: Child) -> User:
    parent = parent_of(amara)
    parent.email = "ngozi@family.example"
    parent.save()
    return parent


def sign_in_audit() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=AuditAction.SIGN_IN).order_by("position"))


def test_the_sign_in_page_offers_only_the_providers_configured(client: Client, settings: Any):
    page = client.get(reverse("sign-in")).content.decode()
    assert "Sign in with DfE Sign-in" in page
    assert "Sign in with GOV.UK One Login" in page
    settings.PASSPORT_OIDC_PROVIDERS = {}
    page = client.get(reverse("sign-in")).content.decode()
    assert "Sign in with DfE Sign-in" not in page
    assert "One Login" not in page
    assert client.get(reverse("sign-in-provider", args=["dfe-sign-in"])).status_code == 404


def test_staff_sign_in_with_dfe_sign_in_and_see_their_settings_children_without_a_code(
    client: Client, sian: User, amara: Child
):
    response = sign_in_with_provider(client, "dfe-sign-in", "sian")

    assert response.status_code == 302
    children = client.get(reverse("children"))
    assert children.status_code == 200, "no authenticator-app step after DfE Sign-in"
    assert "Amara" in children.content.decode()
    identity = ExternalIdentity.objects.get(user=sian)
    assert identity.subject == "sian"
    (event,) = sign_in_audit()
    assert event.allowed and event.actor_id == sian.pk and event.acting_for == "Oakfield Primary"


def test_after_the_first_sign_in_the_provider_subject_finds_the_person(
    client: Client, sian: User, amara: Child
):
    sign_in_with_provider(client, "dfe-sign-in", "sian")
    client.logout()
    sian.email = "s.patel@oakfield.example"  # the address no longer matches the provider's
    sian.save()

    sign_in_with_provider(client, "dfe-sign-in", "sian")

    assert client.get(reverse("children")).status_code == 200


def test_a_password_session_for_staff_still_needs_the_code(client: Client, sian: User):
    sign_in_with_password(client, sian)
    assert client.get(reverse("children"))["Location"].startswith("/sign-in/")


def test_signed_in_for_another_organisation_gives_no_access_there(
    client: Client, sian: User, elm_tree: Setting
):
    response = sign_in_with_provider(client, "dfe-sign-in", "sian-at-elm-tree")

    assert response.status_code == 403
    assert "You do not have access for this organisation" in response.content.decode()
    assert "_auth_user_id" not in client.session
    (event,) = sign_in_audit()
    assert not event.allowed and event.reason.startswith("wrong_organisation")
    assert event.actor_id == sian.pk, "the audit row says who tried"


def test_a_session_for_one_organisation_cannot_see_children_at_the_persons_other_one(
    client: Client, sian: User, amara: Child, elm_tree: Setting
):
    Membership.objects.create(user=sian, role=Role.SENCO, setting=elm_tree, starts_on=START)
    ben = child_on_roll(elm_tree, given_name="Ben", family_name="Adeyemi")

    sign_in_with_provider(client, "dfe-sign-in", "sian-at-elm-tree")

    assert client.get(reverse("passport", args=[ben.pk])).status_code == 200
    assert client.get(reverse("passport", args=[amara.pk])).status_code == 404
    listed = client.get(reverse("children")).content.decode()
    assert "Ben" in listed and "Amara" not in listed


def test_signing_out_signs_out_at_dfe_sign_in_too(client: Client, sian: User, oidc_providers):
    sign_in_with_provider(client, "dfe-sign-in", "sian")
    id_token = client.session["passport_oidc_id_token"]

    response = client.post(reverse("sign-out"))

    assert "_auth_user_id" not in client.session
    assert "You have signed out of Support Passport" in response.content.decode()
    page = response.content.decode()
    there = urlsplit(
        html.unescape(re.search(r'http-equiv="refresh" content="0; url=([^"]+)"', page)[1])
    )
    assert f"{there.scheme}://{there.netloc}" == oidc_providers["dfe-sign-in"]["issuer"]
    assert there.path == "/session/end"
    query = parse_qs(there.query)
    assert query["id_token_hint"] == [id_token]
    assert query["post_logout_redirect_uri"] == ["http://testserver/sign-in/"]


def test_a_parent_signs_in_with_one_login_and_sees_their_child(
    client: Client, ngozi: User, amara: Child
):
    started = start_at_provider(client, "one-login")
    asked = parse_qs(urlsplit(started["Location"]).query)
    assert asked["vtr"] == ['["Cl.Cm"]']
    assert asked["code_challenge_method"] == ["S256"] and asked["nonce"]
    client.session.flush()

    sign_in_with_provider(client, "one-login", "ngozi")

    assert client.session["passport_sign_in_method"] == "one-login"
    assert "Amara" in client.get(reverse("home"), follow=True).content.decode()
    identity = ExternalIdentity.objects.get(user=ngozi)
    assert identity.subject.startswith("urn:fdc:gov.uk:2022:"), "One Login's pairwise subject"


def test_one_login_with_an_unconfirmed_email_address_is_refused(client: Client, ngozi: User):
    response = sign_in_with_provider(client, "one-login", "unconfirmed")

    assert response.status_code == 403
    assert "Confirm your email address first" in response.content.decode()
    assert not ExternalIdentity.objects.exists()
    (event,) = sign_in_audit()
    assert not event.allowed and event.reason.startswith("unverified_email")


def test_nobody_invited_with_that_address_is_refused(client: Client, db: None):
    response = sign_in_with_provider(client, "one-login", "ngozi")

    assert response.status_code == 403
    assert "You do not have access to Support Passport" in response.content.decode()


@pytest.mark.parametrize(
    ("misbehaviour", "failure", "heading"),
    [
        ({"iss": "https://impostor.example"}, "wrong_issuer", "The answer did not come from"),
        ({"aud": "some-other-service"}, "wrong_audience", "answered for a different service"),
        ({"nonce": "a-different-sign-in"}, "nonce_mismatch", "was for a different sign-in"),
        ({"exp": 1_600_000_000}, "expired_token", "had expired"),
        ({"foreign_key": True}, "bad_signature", "signature is not"),
        ({"vot": "Cl"}, "low_confidence", "prove your identity with 2 steps"),
    ],
    ids=lambda value: value if isinstance(value, str) and "_" in value else None,
)
def test_an_id_token_that_fails_a_check_signs_nobody_in(
    client: Client,
    ngozi: User,
    one_login_provider: Any,
    misbehaviour: dict[str, Any],
    failure: str,
    heading: str,
):
    one_login_provider.misbehave(**misbehaviour)

    response = sign_in_with_provider(client, "one-login", "ngozi")

    assert response.status_code in (400, 403)
    assert heading in response.content.decode()
    assert "_auth_user_id" not in client.session
    (event,) = sign_in_audit()
    assert not event.allowed and event.reason.startswith(failure)


def test_cancelling_at_the_provider_signs_nobody_in(client: Client, sian: User):
    response = sign_in_with_provider(client, "dfe-sign-in", "sian", cancel=True)

    assert response.status_code == 403
    assert "You have not signed in" in response.content.decode()
    (event,) = sign_in_audit()
    assert not event.allowed and event.reason.startswith("access_denied")


def test_an_answer_for_a_sign_in_started_elsewhere_is_refused(client: Client, sian: User):
    back_here = answer_from_provider(client, "dfe-sign-in", "sian")
    other_browser = Client()

    response = other_browser.get(back_here)

    assert response.status_code == 400
    assert "was not for a sign-in started in this browser" in response.content.decode()
    (event,) = sign_in_audit()
    assert not event.allowed and event.reason.startswith("state_mismatch")


def test_a_provider_that_is_down_gets_a_clear_page(
    client: Client, settings: Any, oidc_providers: dict[str, Any], db: None
):
    settings.PASSPORT_OIDC_PROVIDERS = {
        **oidc_providers,
        "dfe-sign-in": {**oidc_providers["dfe-sign-in"], "issuer": unused_address()},
    }

    response = start_at_provider(client, "dfe-sign-in")

    assert response.status_code == 503
    assert "DfE Sign-in is not available" in response.content.decode()
    (event,) = sign_in_audit()
    assert not event.allowed and event.reason.startswith("provider_down")


def test_the_access_policy_sees_only_the_organisation_the_session_is_for(
    sian: User, amara: Child, elm_tree: Setting
):
    Membership.objects.create(user=sian, role=Role.SENCO, setting=elm_tree, starts_on=START)
    ben = child_on_roll(elm_tree, given_name="Ben", family_name="Adeyemi")
    assert get_child_for(sian, amara.pk, Action.READ) == amara  # signed in with a password

    with signed_in_for(sian.pk, OrganisationLimit(setting_urn=ELM_TREE_URN)):
        assert get_child_for(sian, ben.pk, Action.READ) == ben
        with pytest.raises(ChildNotFound):
            get_child_for(sian, amara.pk, Action.READ)


def test_a_provider_is_configured_from_the_environment_or_not_at_all(
    monkeypatch: pytest.MonkeyPatch,
):
    from django.core.exceptions import ImproperlyConfigured

    from passport.settings import _oidc_provider

    assert _oidc_provider("DFE_SIGN_IN", ["issuer", "client_id", "client_secret"]) == {}
    monkeypatch.setenv("PASSPORT_DFE_SIGN_IN_ISSUER", "https://oidc.signin.example")
    with pytest.raises(ImproperlyConfigured, match="PASSPORT_DFE_SIGN_IN_CLIENT_SECRET"):
        _oidc_provider("DFE_SIGN_IN", ["issuer", "client_id", "client_secret"])
    monkeypatch.setenv("PASSPORT_DFE_SIGN_IN_CLIENT_ID", "passport")
    monkeypatch.setenv("PASSPORT_DFE_SIGN_IN_CLIENT_SECRET", "secret")
    configured = _oidc_provider("DFE_SIGN_IN", ["issuer", "client_id", "client_secret"])
    assert configured["issuer"] == "https://oidc.signin.example"
