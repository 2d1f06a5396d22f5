"""Signing in: who needs a second factor, authenticator apps and recovery codes."""

from __future__ import annotations

import base64
import math
import re
import time
from collections.abc import Iterable

import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from passport.people.models import STAFF_ROLES, User

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_CODES_NAME = "Recovery codes"

WRONG_CODE = (
    "The code is not correct: enter the 6-digit code your authenticator app shows now, or one "
    "of your recovery codes"
)
WRONG_SETUP_CODE = (
    "The code is not correct: check the key in your authenticator app and enter the 6-digit code "
    "it shows now"
)


def needs_second_factor(roles: Iterable[str]) -> bool:
    """Say whether someone holding these roles must enter a code as well as a password."""
    return settings.PASSPORT_REQUIRE_STAFF_MFA and any(role in STAFF_ROLES for role in roles)


def authenticator_for(user: User) -> TOTPDevice | None:
    """Return the user's confirmed authenticator app, if they have set one up."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("-pk").first()


def start_authenticator_setup(user: User) -> TOTPDevice:
    """Return the authenticator the user is setting up, making a new secret key the first time."""
    pending = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("-pk").first()
    return pending or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


def secret_key_text(device: TOTPDevice) -> str:
    """Return the secret key as people type it into an app: base32 in groups of 4."""
    key = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def setup_qr_code(device: TOTPDevice) -> str:
    """Return the otpauth:// link as a QR code, an SVG data: URI for an <img>."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=4)


def current_code(device: TOTPDevice) -> tuple[str, int]:
    """Return the code an authenticator app shows now, and how many seconds it stays valid."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now = time.time()
    totp.time = now
    seconds_left = device.step - int((now - device.t0) % device.step)
    return str(totp.token()).zfill(device.digits), seconds_left


def _throttled(device: Device) -> str | None:
    allowed, detail = device.verify_is_allowed()
    if allowed:
        return None
    locked_until = (detail or {}).get("locked_until")
    seconds = (
        max(1, math.ceil((locked_until - timezone.now()).total_seconds())) if locked_until else 60
    )
    wait = "1 second" if seconds == 1 else f"{seconds} seconds"
    return f"You entered a wrong code too many times: wait {wait}, then try again"


def _normalise(code: str) -> str:
    return re.sub(r"[\s-]", "", code).lower()


def confirm_authenticator(device: TOTPDevice, code: str) -> list[str]:
    """Confirm a new authenticator with a code it shows; return new recovery codes, shown once.

    Raises ValidationError on `code` if the code is wrong.
    """
    code = _normalise(code)
    with transaction.atomic():
        pending = TOTPDevice.objects.select_for_update().filter(pk=device.pk, confirmed=False)
        device = pending.first() or device
        message = None if device.confirmed else _throttled(device)
        # A wrong code is counted (the throttle) and committed before the error is raised.
        accepted = (
            not device.confirmed
            and not message
            and code.isdigit()
            and len(code) == device.digits
            and device.verify_token(code)
        )
        if accepted:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
            return issue_recovery_codes(device.user)
    raise ValidationError({"code": message or WRONG_SETUP_CODE})


def issue_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with new ones; return them (they are shown once)."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_CODES_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user: User) -> int:
    """Count the recovery codes the user has not used."""
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def verify_second_factor(user: User, code: str) -> Device:
    """Return the device that accepts the code: the authenticator app, or a recovery code.

    Raises ValidationError on `code` if neither accepts it, or after too many wrong codes.
    """
    code = _normalise(code)
    model = TOTPDevice if code.isdigit() else StaticDevice
    with transaction.atomic():
        devices = list(
            model.objects.devices_for_user(user, confirmed=True).select_for_update().order_by("pk")
        )
        for device in devices:
            message = _throttled(device)
            if message:
                raise ValidationError({"code": message})
        for device in devices:
            if device.verify_token(code):
                return device
    raise ValidationError({"code": WRONG_CODE})
