"""`passport otp_code EMAIL`: print the code a demo user's authenticator app would show now."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from passport.people.models import User
from passport.people.services import authenticator_for, current_code


class Command(BaseCommand):
    help = (
        "Print the current 6-digit sign-in code for a user's authenticator app, to sign in to the "
        "demo as a member of staff. Refused in production."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("email", help="The email address the user signs in with")

    def handle(self, *args: Any, **options: Any) -> None:
        # A demo aid: anyone who can run it could sign in as anyone, so never in production.
        if settings.PRODUCTION and not settings.DEBUG:
            raise CommandError(
                "passport otp_code is a demo aid and does not run in production "
                "(PASSPORT_ENV=production)"
            )
        email = options["email"].strip().lower()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"There is no user with the email address {email}")
        device = authenticator_for(user)
        if device is None:
            raise CommandError(
                f"{email} has no authenticator app yet: sign in as them to set one up"
            )
        code, seconds_left = current_code(device)
        self.stdout.write(code)
        if options["verbosity"] > 1:
            self.stderr.write(f"Valid for {seconds_left} more seconds; each code works once.")
