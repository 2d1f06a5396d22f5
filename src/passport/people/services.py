"""Signing in: who needs a second factor, authenticator apps, recovery codes, and who an
OpenID provider's verified claims belong to."""

from __future__ import annotations

import base64
import math
import re
import time
from collections.abc import Iterable
from typing import Any

import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from passport.core.dates import today
from passport.people.memberships import OrganisationLimit, live_memberships
from passport.people.models import STAFF_ROLES, ExternalIdentity, User
from passport.people.oidc import DFE_SIGN_IN, Failure, SignInFailed, VerifiedSignIn

# Sent for every sign-in through an OpenID provider, whether it started a session or not, with
# `actor` (User or None), `provider` (its name), `organisation` (the name it was for, or ''),
# `allowed` and `reason`. The audit room records each one; people sits below it and cannot.
sign_in_attempted = Signal()

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


# DfE Sign-in organisation categories (DfE Sign-in's `organisation.category.id`).
ESTABLISHMENT_CATEGORIES = frozenset({"001", "004"})  # an establishment; an early years setting
LOCAL_AUTHORITY_CATEGORY = "002"


def organisation_limit(claim: Any) -> OrganisationLimit | None:
    """Return the organisation a DfE Sign-in `organisation` claim names, or None if we cannot
    tell (no claim, a trust, a category we do not hold people at)."""
    if not isinstance(claim, dict):
        return None
    category = claim.get("category")
    category_id = str(category.get("id", "")) if isinstance(category, dict) else ""
    if category_id in ESTABLISHMENT_CATEGORIES and claim.get("urn"):
        return OrganisationLimit(setting_urn=str(claim["urn"]))
    if category_id == LOCAL_AUTHORITY_CATEGORY and claim.get("establishmentNumber"):
        # For a local authority DfE Sign-in gives its 3-digit LA code as the establishment number.
        return OrganisationLimit(local_authority_code=str(claim["establishmentNumber"]).zfill(3))
    return None


def _email_verified(provider_slug: str, claims: dict[str, Any]) -> bool:
    verified = claims.get("email_verified")
    if provider_slug == DFE_SIGN_IN:
        # DfE Sign-in checks an address before it makes an account and may not send the claim;
        # an explicit false is still refused.
        return verified is not False
    return verified is True


def person_for_identity(
    provider_slug: str, verified: VerifiedSignIn
) -> tuple[User, OrganisationLimit | None]:
    """Return the invited person a provider's checked claims belong to, and for DfE Sign-in the
    one organisation the session is for.

    The provider's subject finds the person once linked. The first time, the verified email
    address must be an active person's, who has no other account at that provider: the subject
    is then linked to them. Raises SignInFailed if nobody matches, or, for DfE Sign-in, if the
    person holds no role at the organisation they signed in for.
    """
    identity = (
        ExternalIdentity.objects.select_related("user")
        .filter(issuer=verified.issuer, subject=verified.subject)
        .first()
    )
    if identity is None:
        identity = _link(provider_slug, verified)
    user = identity.user
    if not user.is_active:
        raise SignInFailed(Failure.NO_ACCOUNT, f"account {user.pk} is disabled", user)
    limit = None
    if provider_slug == DFE_SIGN_IN:
        limit = organisation_limit(verified.claims.get("organisation"))
        held = live_memberships(user, today())
        if limit is None or not any(limit.allows(m) for m in held):
            raise SignInFailed(
                Failure.WRONG_ORGANISATION,
                f"no role at organisation {verified.claims.get('organisation')!r}",
                user,
            )
    elif not live_memberships(user, today()):
        raise SignInFailed(Failure.NO_ACCOUNT, f"account {user.pk} has no live role", user)
    ExternalIdentity.objects.filter(pk=identity.pk).update(last_signed_in_at=timezone.now())
    return user, limit


def _link(provider_slug: str, verified: VerifiedSignIn) -> ExternalIdentity:
    email = verified.claims.get("email")
    if not isinstance(email, str) or not email:
        raise SignInFailed(Failure.NO_ACCOUNT, "no email address to match")
    if not _email_verified(provider_slug, verified.claims):
        raise SignInFailed(Failure.UNVERIFIED_EMAIL, "the provider has not verified the address")
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        raise SignInFailed(Failure.NO_ACCOUNT, "nobody invited has that email address")
    try:
        with transaction.atomic():
            return ExternalIdentity.objects.create(
                user=user, issuer=verified.issuer, subject=verified.subject
            )
    except IntegrityError as error:
        # Another account at the same provider is already theirs: a second one with the same
        # address must not take it over.
        raise SignInFailed(
            Failure.NO_ACCOUNT, f"account {user.pk} is linked to another subject"
        ) from error
