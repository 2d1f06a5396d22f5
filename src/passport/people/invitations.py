"""Inviting staff to a setting by a one-time link, and removing leavers.

Who may invite is an access decision (`access.staff` asks `standing` and writes the audit rows);
this module holds what an invitation is: which roles a role may hand on, the link's token (only
its hash is stored), its expiry, and what accepting it or removing someone changes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from enum import StrEnum

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from passport.core.dates import today
from passport.organisations.models import Setting
from passport.people.models import Invitation, Membership, Role, User

# Nobody hands on more than they hold: a head may invite to any role at their setting; a SENCO
# leads the setting's SEN work but does not hold the head's or the data protection lead's duties.
GRANTABLE_ROLES: dict[str, tuple[Role, ...]] = {
    Role.SETTING_HEAD: (Role.SENCO, Role.TEACHER, Role.SETTING_HEAD, Role.DATA_PROTECTION_LEAD),
    Role.SENCO: (Role.SENCO, Role.TEACHER),
}


class Unusable(StrEnum):
    """Why a link cannot be used: each has its own page wording."""

    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class InvitationUnusable(Exception):
    def __init__(self, why: Unusable, invitation: Invitation | None = None) -> None:
        super().__init__(why.value)
        self.why = why
        self.invitation = invitation


def grantable_roles(inviter_role: str) -> tuple[Role, ...]:
    """Return the roles someone holding `inviter_role` at a setting may invite people to."""
    return GRANTABLE_ROLES.get(inviter_role, ())


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def invitation_days() -> int:
    return int(settings.PASSPORT_INVITATION_DAYS)


def pending_invitations(setting: Setting) -> QuerySet[Invitation]:
    """Return the setting's invitations not yet accepted, withdrawn or expired."""
    return Invitation.objects.filter(
        setting=setting,
        accepted_at__isnull=True,
        withdrawn_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).select_related("invited_by")


def staff_at(setting: Setting, *, on: dt.date | None = None) -> QuerySet[Membership]:
    """Return the live staff memberships at the setting."""
    on = on or today()
    return (
        Membership.objects.filter(setting=setting, starts_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .select_related("user")
        .order_by("user__full_name", "role")
    )


def invite(
    *,
    inviter: User,
    inviter_role: str,
    setting: Setting,
    email: str,
    full_name: str,
    role: str,
) -> tuple[Invitation, str]:
    """Make an invitation; return it and its token (the only time the token exists in clear).

    Raises ValidationError on `role` for a role the inviter may not hand on, and on `email` for
    someone already in that role at the setting or already invited to it.
    """
    if role not in grantable_roles(inviter_role):
        raise ValidationError({"role": "You cannot invite someone to that role"})
    email = User.objects.normalize_email(email.strip())
    if staff_at(setting).filter(user__email__iexact=email, role=role).exists():
        raise ValidationError({"email": "This person already has that role at your setting"})
    if pending_invitations(setting).filter(email__iexact=email).exists():
        raise ValidationError(
            {"email": "This person already has an invitation: withdraw it to send a new one"}
        )
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        setting=setting,
        email=email,
        full_name=full_name,
        role=role,
        token_hash=_hash(token),
        invited_by=inviter,
        expires_at=timezone.now() + dt.timedelta(days=invitation_days()),
    )
    return invitation, token


def usable_invitation(token: str, *, lock: bool = False) -> Invitation:
    """Return the invitation the token opens, or raise InvitationUnusable saying why not."""
    found = Invitation.objects.select_related("setting")
    if lock:
        found = found.select_for_update()
    invitation = found.filter(token_hash=_hash(token)).first()
    if invitation is None:
        raise InvitationUnusable(Unusable.UNKNOWN)
    if invitation.accepted_at is not None:
        raise InvitationUnusable(Unusable.USED, invitation)
    if invitation.withdrawn_at is not None:
        raise InvitationUnusable(Unusable.WITHDRAWN, invitation)
    if invitation.expires_at <= timezone.now():
        raise InvitationUnusable(Unusable.EXPIRED, invitation)
    return invitation


def existing_person(invitation: Invitation) -> User | None:
    """Return the account the invitation's address already belongs to, if any."""
    return User.objects.filter(email__iexact=invitation.email).first()


def accept(token: str, password: str) -> tuple[Invitation, Membership]:
    """Use the link: start the membership today, making the person's account if they are new.

    A new person sets their password (Django's validators; ValidationError on `password`); someone
    who already has an account keeps theirs. The link works once: a second use raises
    InvitationUnusable.
    """
    with transaction.atomic():
        invitation = usable_invitation(token, lock=True)
        user = existing_person(invitation)
        if user is not None and not user.is_active:
            raise ValidationError("This account is disabled: ask the person who invited you")
        if user is None:
            user = User(
                username=invitation.email,
                email=invitation.email,
                full_name=invitation.full_name,
            )
            try:
                validate_password(password, user)
            except ValidationError as error:
                raise ValidationError({"password": error.messages}) from error
            user.set_password(password)
            user.save()
        membership = Membership.objects.create(
            user=user, role=invitation.role, setting=invitation.setting, starts_on=today()
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return invitation, membership


def withdraw(invitation: Invitation) -> None:
    """Stop a pending invitation's link from working."""
    Invitation.objects.filter(pk=invitation.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )


def end_membership(membership: Membership) -> None:
    """End the membership so it gives nothing from now on, and end the person's sessions.

    A membership is live through its `ends_on` day, so it ends yesterday; one that started today
    never gave a whole day and is deleted (the audit row says who held it).
    """
    with transaction.atomic():
        yesterday = today() - dt.timedelta(days=1)
        if membership.starts_on > yesterday:
            membership.delete()
        else:
            membership.ends_on = yesterday
            membership.save(update_fields=["ends_on"])
        end_sessions(membership.user)


def end_sessions(user: User) -> int:
    """Sign the person out everywhere now (database sessions); return how many ended."""
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get(SESSION_KEY)) == str(user.pk)
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)
