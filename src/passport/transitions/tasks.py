"""Background work for moves: telling the receiving setting a child is coming."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from passport.access.standing import Duty, holders
from passport.notifications.services import notify

if TYPE_CHECKING:
    from passport.organisations.models import Setting


def _senco_emails(setting: Setting) -> list[str]:
    """Return the addresses of the setting's SENCOs today, each once."""
    return sorted(set(holders(Duty.COORDINATE_SEN, at=setting).values_list("email", flat=True)))


def _link(page: str) -> str:
    return settings.PASSPORT_BASE_URL.rstrip("/") + reverse(page)


@task()
def notify_receiving_setting(admission_id: int) -> int:
    """Email the receiving setting's SENCOs that a child has been admitted; return how many."""
    from passport.transitions.models import Admission

    admission = Admission.objects.select_related("setting").filter(pk=admission_id).first()
    if admission is None or admission.notified_at is not None:
        return 0
    told = notify(
        "child_admitted",
        _senco_emails(admission.setting),
        setting=admission.setting.name,
        link=_link("new-arrivals"),
    )
    Admission.objects.filter(pk=admission.pk).update(notified_at=timezone.now())
    return told


@task()
def notify_setting_of_admissions(setting_id: int) -> int:
    """Email a setting's SENCOs once about every admission there nobody was told of yet (a CTF
    import, the September wave); return how many messages were sent."""
    from django.db import transaction

    from passport.organisations.models import Setting
    from passport.transitions.models import Admission

    setting = Setting.objects.filter(pk=setting_id).first()
    if setting is None:
        return 0
    with transaction.atomic():
        # Locked, so two of these tasks for one setting do not both tell about the same children.
        waiting = list(
            Admission.objects.select_for_update()
            .filter(setting=setting, notified_at__isnull=True)
            .values_list("pk", flat=True)
        )
        if not waiting:
            return 0
        link = _link("new-arrivals")
        count = len(waiting)
        if count == 1:
            told = notify("child_admitted", _senco_emails(setting), setting=setting.name, link=link)
        else:
            told = notify(
                "children_admitted",
                _senco_emails(setting),
                count=count,
                setting=setting.name,
                link=link,
            )
        Admission.objects.filter(pk__in=waiting).update(notified_at=timezone.now())
    return told


@task()
def notify_setting_of_pending_transfers(setting_id: int) -> int:
    """Email a setting's SENCOs once about every transfer away from it waiting for a decision
    that nobody was told of yet; return how many messages were sent."""
    from django.db import transaction

    from passport.organisations.models import Setting
    from passport.transitions.models import PendingTransfer

    setting = Setting.objects.filter(pk=setting_id).first()
    if setting is None:
        return 0
    with transaction.atomic():
        # Locked, so two of these tasks for one setting do not both tell about the same children.
        waiting = list(
            PendingTransfer.objects.select_for_update()
            .filter(
                from_setting=setting,
                status=PendingTransfer.Status.PENDING,
                notified_at__isnull=True,
            )
            .values_list("pk", flat=True)
        )
        if not waiting:
            return 0
        children = "a child" if len(waiting) == 1 else f"{len(waiting)} children"
        told = notify(
            "transfer_requested",
            _senco_emails(setting),
            children=children,
            setting=setting.name,
            link=_link("pending-transfers"),
        )
        PendingTransfer.objects.filter(pk__in=waiting).update(notified_at=timezone.now())
    return told
