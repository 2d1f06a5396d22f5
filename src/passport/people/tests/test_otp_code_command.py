"""`passport otp_code EMAIL` prints a demo user's current code, and never runs in production."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from passport.people.services import verify_second_factor
from passport.testing.signing_in import give_authenticator


def otp_code(*args: str) -> str:
    out = StringIO()
    call_command("otp_code", *args, stdout=out)
    return out.getvalue().strip()


def test_it_prints_the_code_the_authenticator_accepts_now(senco):
    device = give_authenticator(senco)

    code = otp_code(senco.email.upper())

    assert len(code) == 6 and code.isdigit()
    assert verify_second_factor(senco, code) == device


def test_it_names_an_unknown_email_address(db):
    with pytest.raises(CommandError, match=r"no user with the email address nobody@example\.org"):
        otp_code("nobody@example.org")


def test_it_says_when_the_user_has_no_authenticator(senco):
    with pytest.raises(CommandError, match="has no authenticator app yet"):
        otp_code(senco.email)


def test_it_refuses_in_production(senco, settings):
    give_authenticator(senco)
    settings.PRODUCTION = True
    settings.DEBUG = False

    with pytest.raises(CommandError, match="does not run in production"):
        otp_code(senco.email)
