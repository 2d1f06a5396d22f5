"""Staff at a setting: who may invite and remove them, and the audit rows for every step.

The setting's SENCO or head (duty `lead_setting`) invites staff and removes leavers; what an
invitation is lives in `people.invitations`. Every step writes a `use_duty` audit row naming the
invitation or membership, so the data protection lead can see who gave or ended whose access.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from passport.access.standing import Duty, require
from passport.audit import services as audit
from passport.audit.models import AuditAction
from passport.notifications import services as notifications
from passport.organisations.models import Setting
from passport.people import invitations
from passport.people.models import Invitation, Membership, Role, User


def lead_role(user: User, setting: Setting) -> str:
    """Return the role through which the person leads the setting, or refuse (404, audited)."""
    return require(user, Duty.LEAD_SETTING, at=setting).role_at(setting)


def roles_to_offer(user: User, setting: Setting) -> tuple[Role, ...]:
    return invitations.grantable_roles(lead_role(user, setting))


def _record(actor: User, role: str, setting: Setting, reason: str, *, allowed: bool = True) -> None:
    audit.record(
        actor=actor,
        role=role,
        relationship="",
        acting_for="",
        setting_id=setting.pk,
        action=AuditAction.USE_DUTY,
        child_id=None,
        reason=reason,
        allowed=allowed,
    )


def _refuse_above(user: User, role: str, setting: Setting, wanted: str, what: str) -> None:
    """Refuse, audited, to hand on or take away a role the person may not grant."""
    if wanted not in invitations.grantable_roles(role):
        _record(
            user,
            role,
            setting,
            f"lead_setting at setting {setting.pk}: {what} {wanted}: not held",
            allowed=False,
        )
        raise ValidationError({"role": "You cannot give or remove that role"})


def invite(
    inviter: User, setting: Setting, *, email: str, full_name: str, role: str, link_for: str
) -> Invitation:
    """Invite someone to a role at the setting and email them the link.

    `link_for` is the accept page's absolute URL with `{token}` where the token goes. Raises
    ValidationError (on the form's fields) for a role the inviter may not hand on.
    """
    inviter_role = lead_role(inviter, setting)
    _refuse_above(inviter, inviter_role, setting, role, "invite as")
    with transaction.atomic():
        invitation, token = invitations.invite(
            inviter=inviter,
            inviter_role=inviter_role,
            setting=setting,
            email=email,
            full_name=full_name,
            role=role,
        )
        _record(
            inviter,
            inviter_role,
            setting,
            f"lead_setting at setting {setting.pk}: invited as {role} (invitation {invitation.pk})",
        )
        notifications.notify(
            "staff_invited",
            [invitation.email],
            setting=setting.name,
            link=link_for.replace("{token}", token),
        )
    return invitation


def withdraw(user: User, setting: Setting, invitation_id: int) -> Invitation:
    """Withdraw a pending invitation to the setting (404 for one that is not pending there)."""
    role = lead_role(user, setting)
    invitation = invitations.pending_invitations(setting).get(pk=invitation_id)
    with transaction.atomic():
        invitations.withdraw(invitation)
        _record(
            user,
            role,
            setting,
            f"lead_setting at setting {setting.pk}: withdrew invitation {invitation.pk}",
        )
    return invitation


def accept(token: str, password: str) -> Membership:
    """Accept an invitation (see `people.invitations.accept`), audited as the new member."""
    with transaction.atomic():
        invitation, membership = invitations.accept(token, password)
        _record(
            membership.user,
            membership.role,
            invitation.setting,
            f"accepted invitation {invitation.pk}: membership {membership.pk} starts",
        )
    return membership


def staff_membership(user: User, setting: Setting, membership_id: int) -> Membership:
    """Return a live membership at the setting, for someone who leads it."""
    lead_role(user, setting)
    return invitations.staff_at(setting).get(pk=membership_id)


def remove(user: User, setting: Setting, membership_id: int) -> Membership:
    """End a leaver's membership at the setting now and end their sessions everywhere."""
    role = lead_role(user, setting)
    membership = invitations.staff_at(setting).get(pk=membership_id)
    _refuse_above(user, role, setting, membership.role, "remove a")
    with transaction.atomic():
        reason = (
            f"lead_setting at setting {setting.pk}: removed person {membership.user_id} "
            f"as {membership.role} (membership {membership.pk})"
        )
        invitations.end_membership(membership)
        _record(user, role, setting, reason)
    return membership
