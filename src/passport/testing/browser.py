"""Steps the Chromium journeys share (tests/browser): sign in with password and code, sign out."""

from __future__ import annotations

from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from passport.testing.factories import TEST_PASSWORD
from passport.testing.signing_in import code_for_another_sign_in


def sign_in(page: Page, base: str, email: str, device: TOTPDevice | None = None) -> None:
    """Sign in through the pages; staff with an authenticator enter a fresh code from it."""
    page.goto(f"{base}/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if device is not None:
        page.get_by_label("Enter the code from your authenticator app").fill(
            code_for_another_sign_in(device)
        )
        page.get_by_role("button", name="Continue").click()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to Support Passport")).to_be_visible()
