"""Audit rows for a change of roll: access follows enrolments, so a new or ended enrolment is an
access decision in itself."""

from __future__ import annotations

from passport.audit import services as audit
from passport.children.models import Child
from passport.organisations.models import Setting
from passport.people.models import User

# The relationships a change of roll starts or ends (access/rules.toml).
ON_ROLL = "on_roll_at_my_setting"
ADMITTED = "admitted_to_my_setting"


def roll_change(
    by: User | None, child: Child, setting: Setting, reason: str, *, relationship: str
) -> audit.Entry:
    """Return the audit row for a setting's access to a child beginning or ending."""
    return audit.Entry(
        actor=by,
        role="",
        relationship=relationship,
        acting_for=setting.name,
        setting_id=setting.pk,
        action="write",
        child_id=child.pk,
        reason=reason,
        allowed=True,
    )
