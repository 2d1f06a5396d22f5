"""Which transfers a Common Transfer File asked for are waiting for this person's decision."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q

from passport.access.policies import may_decide_transfers_away
from passport.access.standing import Duty, scope
from passport.children.models import Enrolment
from passport.core.dates import today
from passport.people.models import User
from passport.transitions.models import PendingTransfer


def pending_transfers_to_decide(user: User, *, on: dt.date | None = None) -> list[PendingTransfer]:
    """Return the transfers waiting for the person to confirm or decline: children on roll at a
    setting they lead, or of a local authority they are a caseworker for (for a child on no roll
    with no home LA, the LA of the last setting they attended)."""
    on = on or today()
    led = sorted(scope(user, Duty.LEAD_SETTING, on=on).settings)
    las = sorted(scope(user, Duty.LA_CASEWORK, on=on).local_authorities)
    if not led and not las:
        return []
    candidates = (
        PendingTransfer.objects.filter(status=PendingTransfer.Status.PENDING)
        .filter(
            Q(from_setting_id__in=led)
            | Q(from_setting__local_authority_id__in=las)
            | Q(child__home_local_authority_id__in=las)
            | Q(
                Exists(
                    Enrolment.objects.filter(
                        child=OuterRef("child"), setting__local_authority_id__in=las
                    )
                ),
                from_setting__isnull=True,
                child__home_local_authority__isnull=True,
            )
        )
        .select_related("child", "from_setting", "to_setting", "requested_by")
        .order_by("requested_at", "pk")
    )
    transfers = list(candidates)
    decides = may_decide_transfers_away(user, [(p.child, p.from_setting) for p in transfers], on=on)
    return [p for p, allowed in zip(transfers, decides, strict=True) if allowed]
