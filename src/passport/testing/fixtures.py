"""pytest fixtures every test tree uses; each conftest.py imports the ones it wants."""

from __future__ import annotations

import pytest
from django.test.client import ClientMixin


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """Hash test passwords quickly; the real hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def force_login_passes_second_factor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make `client.force_login(user)` end where a real sign-in ends: with the code entered.

    Staff must enter a code from an authenticator app (the rule stays on in tests). Tests of
    that step sign in through the pages instead.
    """
    from passport.testing.signing_in import pass_second_factor

    original = ClientMixin.force_login

    def force_login(self: ClientMixin, user, backend=None) -> None:
        original(self, user, backend)
        pass_second_factor(self, user)

    monkeypatch.setattr(ClientMixin, "force_login", force_login)
