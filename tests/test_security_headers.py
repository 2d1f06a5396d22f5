"""Every response carries the security headers; child data is never cached; every form has CSRF."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from django.urls import reverse

from passport.people.models import Role
from passport.testing.factories import SettingFactory, child_on_roll, staff
from passport.testing.signing_in import sign_in_as

pytestmark = pytest.mark.django_db

CSP_DIRECTIVES = {
    "default-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
    "object-src": "'none'",
}


@pytest.fixture
def school():
    return SettingFactory()


@pytest.fixture
def child(school):
    return child_on_roll(school, given_name="Amara", family_name="Okafor")


@pytest.fixture
def senco_client(client, school):
    sign_in_as(client, staff(Role.SENCO, school))
    return client


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def pages(child) -> list[str]:
    return [
        reverse("children"),
        reverse("passport", args=[child.pk]),
        reverse("edit-about-me", args=[child.pk]),
        reverse("edit-needs", args=[child.pk]),
        reverse("add-item", args=[child.pk, "support"]),
        reverse("history", args=[child.pk]),
    ]


def test_the_policy_allows_no_inline_script_or_style_but_the_nonce(client):
    response = client.get(reverse("sign-in"))

    directives = policy(response)
    assert {k: v for k, v in directives.items() if k in CSP_DIRECTIVES} == CSP_DIRECTIVES
    nonce = re.fullmatch(r"'self' 'nonce-([A-Za-z0-9_-]{24})'", directives["script-src"]).group(1)
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    scripts = re.findall(r"<script([^>]*)>", response.content.decode())
    inline = [attrs for attrs in scripts if "src=" not in attrs]
    assert inline == [f' nonce="{nonce}"']


def test_each_response_has_its_own_nonce(client):
    first = policy(client.get(reverse("sign-in")))["script-src"]
    second = policy(client.get(reverse("sign-in")))["script-src"]

    assert first != second


@pytest.mark.parametrize("path", ["/sign-in/", "/api/openapi.json", "/api/docs", "/no-such-page/"])
def test_every_response_has_the_security_headers(client, path):
    response = client.get(path)

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert policy(response)["frame-ancestors"] == "'none'"


def test_signed_in_pages_are_never_stored(senco_client, child):
    for path in pages(child):
        response = senco_client.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response["Cache-Control"], path


def test_api_responses_are_never_stored_signed_in_or_not(senco_client, child):
    paths = ["/api/children", f"/api/children/{child.pk}/passport", "/api/openapi.json"]
    for path in paths:
        assert "no-store" in senco_client.get(path)["Cache-Control"], path
    senco_client.logout()
    for path in paths:
        assert "no-store" in senco_client.get(path)["Cache-Control"], path


def test_every_form_on_the_signed_in_pages_carries_a_csrf_token(senco_client, child):
    for path in [*pages(child), reverse("add-child")]:
        page = senco_client.get(path).content.decode()
        forms = re.findall(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", page, re.S | re.I)
        assert forms, path
        for form in forms:
            assert 'name="csrfmiddlewaretoken"' in form, path


def test_production_turns_on_hsts_and_secure_cookies(tmp_path):
    env = {
        "PASSPORT_ENV": "production",
        "DEBUG": "false",
        "SECRET_KEY": "k" * 64,
        "DATABASE_URL": "postgres://passport@db.internal/passport",
        "ALLOWED_HOSTS": "passport.example.org",
        "PASSPORT_VAR_DIR": str(tmp_path),
        "PATH": "/usr/bin:/bin",
    }
    code = (
        "import passport.settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.PASSPORT_REQUIRE_STAFF_MFA)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )

    assert result.stdout.split() == ["31536000", "True", "True", "True", "True", "True"]
