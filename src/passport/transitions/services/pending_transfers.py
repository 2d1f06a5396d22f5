"""Deciding the transfers a Common Transfer File asked for: confirm one (the child is admitted and
the file's needs brought over), decline it with a reason (which holds further requests for the
child from that setting), or release a declined one. Only those who may give a setting access to
the child decide: the SENCO or head of a setting the child is on roll at now, or the child's local
authority (`access.policies.may_grant_access_to_child`)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from passport.access.policies import may_grant_access_to_child
from passport.access.standing import Duty, role_at, scope
from passport.audit import services as audit
from passport.audit.models import AuditAction
from passport.core.text import LONG_TEXT, reject_markup
from passport.people.models import User
from passport.transitions.models import Admission, PendingTransfer
from passport.transitions.services.admissions import record_admission
from passport.transitions.services.carried_needs import bring_over_needs


class TransferAlreadyDecided(ValidationError):
    """The transfer was confirmed or declined before this decision: a clash, not a bad request."""


def _acting_as(by: User, pending: PendingTransfer) -> tuple[str, str]:
    """Return the role the person decides the transfer in and whom for, as the audit row names
    them: the setting the child is on roll at, else its local authority or the child's home one."""
    if pending.from_setting is not None and (role := role_at(by, pending.from_setting)):
        return role, str(pending.from_setting)
    casework = scope(by, Duty.LA_CASEWORK)
    for local_authority in (
        pending.from_setting.local_authority if pending.from_setting is not None else None,
        pending.child.home_local_authority,
    ):
        if local_authority is not None and casework.covers(local_authority):
            return casework.role_at(local_authority), str(local_authority)
    return "", ""


def _transfer_entry(
    pending: PendingTransfer, by: User, action: str, reason: str, *, allowed: bool
) -> audit.Entry:
    role, acting_for = _acting_as(by, pending)
    return audit.Entry(
        actor=by,
        role=role,
        relationship="",
        acting_for=acting_for,
        setting_id=pending.from_setting_id,
        action=action,
        child_id=pending.child_id,
        reason=reason,
        allowed=allowed,
    )


def authorise_transfer_decision(pending: PendingTransfer, by: User, action: str) -> None:
    """Raise PermissionDenied, audited, unless the person may decide this transfer."""
    if may_grant_access_to_child(by, pending.child):
        return
    audit.record_many(
        [
            _transfer_entry(
                pending,
                by,
                action,
                f"Not the setting the child is on roll at, nor its local authority: the "
                f"transfer to {pending.to_setting.name} was not decided",
                allowed=False,
            )
        ]
    )
    raise PermissionDenied("Only the setting the child is on roll at, or the LA, can decide")


def _locked(pending: PendingTransfer) -> PendingTransfer:
    return (
        # Not from_setting: PostgreSQL cannot lock the outer-joined side (empty for a child on no
        # roll).
        PendingTransfer.objects.select_for_update(of=("self", "child", "to_setting"))
        .select_related("child", "from_setting", "to_setting")
        .get(pk=pending.pk)
    )


def _locked_while_pending(pending: PendingTransfer) -> PendingTransfer:
    locked = _locked(pending)
    if locked.status != PendingTransfer.Status.PENDING:
        raise TransferAlreadyDecided(
            {"__all__": f"This transfer has already been {locked.get_status_display().lower()}"}
        )
    return locked


def confirm_pending_transfer(pending: PendingTransfer, *, by: User) -> Admission:
    """Agree to a transfer a CTF asked for: admit the child to the setting that asked and bring
    the file's needs into the passport, as the import would have, in one transaction; audited.

    Raise PermissionDenied unless `by` may decide it (access policy), ValidationError if it is
    decided already or the admission cannot be recorded.
    """
    authorise_transfer_decision(pending, by, AuditAction.CONFIRM_TRANSFER)
    with transaction.atomic():
        pending = _locked_while_pending(pending)
        admission = record_admission(
            pending.child,
            pending.to_setting,
            pending.starts_on,
            by=by,
            source=Admission.Source.CTF,
        )
        bring_over_needs(
            pending.child,
            sen_provision=pending.sen_provision or None,
            need_types=pending.need_types,
            needs_description=pending.needs_description,
            by=by,
        )
        pending.status = PendingTransfer.Status.CONFIRMED
        pending.decided_by = by
        pending.decided_at = timezone.now()
        pending.save(update_fields=["status", "decided_by", "decided_at"])
        audit.record_many(
            [
                _transfer_entry(
                    pending,
                    by,
                    AuditAction.CONFIRM_TRANSFER,
                    f"Confirmed the move from "
                    f"{pending.from_setting.name if pending.from_setting else 'no roll'} to "
                    f"{pending.to_setting.name} from {pending.starts_on:%-d %B %Y} asked for by a "
                    "Common Transfer File",
                    allowed=True,
                )
            ]
        )
    return admission


def _checked_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter why you are declining the transfer"})
    if len(reason) > LONG_TEXT:
        raise ValidationError({"reason": f"The reason must be {LONG_TEXT:,} characters or fewer"})
    try:
        reject_markup(reason)
    except ValidationError as exc:
        raise ValidationError({"reason": f"The reason {exc.messages[0]}"}) from exc
    return reason


def decline_pending_transfer(pending: PendingTransfer, *, by: User, reason: str) -> PendingTransfer:
    """Refuse a transfer a CTF asked for, recording why; nothing else changes. Audited.

    Raise PermissionDenied unless `by` may decide it (access policy), ValidationError keyed
    `reason` when no reason is given, or `__all__` if it is decided already.
    """
    # Authorised first, so someone who may not decide learns nothing from the reason's checks.
    authorise_transfer_decision(pending, by, AuditAction.DECLINE_TRANSFER)
    reason = _checked_reason(reason)
    with transaction.atomic():
        pending = _locked_while_pending(pending)
        pending.status = PendingTransfer.Status.DECLINED
        pending.decided_by = by
        pending.decided_at = timezone.now()
        pending.reason = reason
        pending.save(update_fields=["status", "decided_by", "decided_at", "reason"])
        audit.record_many(
            [
                _transfer_entry(
                    pending,
                    by,
                    AuditAction.DECLINE_TRANSFER,
                    f"Declined the move to {pending.to_setting.name}, which cannot ask again "
                    f"until released: {reason}",
                    allowed=True,
                )
            ]
        )
    return pending


def release_declined_transfer(pending: PendingTransfer, *, by: User) -> PendingTransfer:
    """Let the setting whose transfer was declined ask again for the child (a new CTF then waits
    for a decision as before); audited.

    Raise PermissionDenied unless `by` may decide the child's transfers (access policy),
    TransferAlreadyDecided unless the transfer was declined and is not released already.
    """
    authorise_transfer_decision(pending, by, AuditAction.RELEASE_TRANSFER)
    with transaction.atomic():
        pending = _locked(pending)
        if not pending.holds_requests:
            raise TransferAlreadyDecided(
                {
                    "__all__": "This transfer is not holding further requests: "
                    + (
                        "it was released already"
                        if pending.released_at is not None
                        else f"it has been {pending.get_status_display().lower()}"
                    )
                }
            )
        pending.released_by = by
        pending.released_at = timezone.now()
        pending.save(update_fields=["released_by", "released_at"])
        audit.record_many(
            [
                _transfer_entry(
                    pending,
                    by,
                    AuditAction.RELEASE_TRANSFER,
                    f"{pending.to_setting.name} may ask again for the child to move there",
                    allowed=True,
                )
            ]
        )
    return pending
