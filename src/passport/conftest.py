"""Fixtures for every app's tests."""

from __future__ import annotations

from passport.testing.fixtures import (  # noqa: F401
    fast_password_hashing,
    force_login_passes_second_factor,
)
