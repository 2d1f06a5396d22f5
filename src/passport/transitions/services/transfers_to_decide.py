"""Which transfers a Common Transfer File asked for are waiting for this person's decision, and
which declined ones they may release."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q

from passport.access.policies import may_grant_access_to_children
from passport.access.standing import Duty, scope
from passport.children.models import Enrolment
from passport.core.dates import today
from passport.people.models import User
from passport.transitions.models import PendingTransfer


def _decided_by(user: User, which: Q, on: dt.date | None) -> list[PendingTransfer]:
    """Return the transfers matching `which` of children the person may give a setting access to
    (`access.policies.may_grant_access_to_child`), in two queries however many there are."""
    on = on or today()
    led = sorted(scope(user, Duty.LEAD_SETTING, on=on).settings)
    las = sorted(scope(user, Duty.LA_CASEWORK, on=on).local_authorities)
    if not led and not las:
        return []
    # A wide net, narrowed by the access question below.
    candidates = (
        PendingTransfer.objects.filter(which)
        .filter(
            Q(from_setting_id__in=led)
            | Q(from_setting__local_authority_id__in=las)
            | Q(child__home_local_authority_id__in=las)
            | Q(
                Exists(
                    Enrolment.objects.live_on(on).filter(
                        child=OuterRef("child"), setting_id__in=led
                    )
                )
            )
            | Q(
                Exists(
                    Enrolment.objects.filter(
                        child=OuterRef("child"), setting__local_authority_id__in=las
                    )
                ),
                child__home_local_authority__isnull=True,
            )
        )
        .select_related("child", "from_setting", "to_setting", "requested_by")
        .order_by("requested_at", "pk")
    )
    transfers = list(candidates)
    decides = may_grant_access_to_children(user, [p.child for p in transfers], on=on)
    return [p for p, allowed in zip(transfers, decides, strict=True) if allowed]


def pending_transfers_to_decide(user: User, *, on: dt.date | None = None) -> list[PendingTransfer]:
    """Return the transfers waiting for the person to confirm or decline: children on roll now at
    a setting they lead, or of a local authority they are a caseworker for (for a child on no roll
    with no home LA, the LA of the last setting they attended)."""
    return _decided_by(user, Q(status=PendingTransfer.Status.PENDING), on)


def declined_transfers_to_release(
    user: User, *, on: dt.date | None = None
) -> list[PendingTransfer]:
    """Return the declined transfers still holding further requests that the person may release
    (the same people who decide a transfer)."""
    return _decided_by(
        user, Q(status=PendingTransfer.Status.DECLINED, released_at__isnull=True), on
    )
