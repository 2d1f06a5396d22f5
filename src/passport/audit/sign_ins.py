"""Sign-ins through DfE Sign-in and GOV.UK One Login, allowed or refused, in the audit trail.

`people` sits below `audit` and cannot write to it: it sends `sign_in_attempted` and this
receiver (connected in AuditConfig.ready) records one row for each attempt.
"""

from __future__ import annotations

from typing import Any

from passport.audit.models import AuditAction
from passport.audit.services import record
from passport.people.memberships import first_role


def record_sign_in(
    sender: Any,
    *,
    actor: Any,
    provider: str,
    organisation: str,
    allowed: bool,
    reason: str,
    **kwargs: Any,
) -> None:
    record(
        actor=actor,
        role=first_role(actor) if actor is not None else "",
        relationship="",
        acting_for=organisation or provider,
        setting_id=None,
        action=AuditAction.SIGN_IN,
        child_id=None,
        reason=reason,
        allowed=allowed,
    )
