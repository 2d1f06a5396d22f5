"""Background work for moves: telling the receiving setting a child is coming."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from passport.access.standing import Duty, holders

if TYPE_CHECKING:
    from passport.organisations.models import Setting

SUBJECT = "A child has been admitted to {setting}"
BODY = """A child has been admitted to {setting}.

Their support passport is ready for you to read before they start. Sign in to see it in New arrivals:
{link}

Then confirm the support that will be in place for them.

This email has no details of the child on purpose. Do not reply to it.
"""


def _senco_emails(setting: Setting) -> list[str]:
    """Return the addresses of the setting's SENCOs today, each once."""
    return sorted(set(holders(Duty.COORDINATE_SEN, at=setting).values_list("email", flat=True)))


def _link(page: str) -> str:
    return settings.PASSPORT_BASE_URL.rstrip("/") + reverse(page)


def _tell_each(recipients: list[str], subject: str, body: str) -> int:
    """Send the message to each recipient alone, so nobody learns who else was told."""
    for recipient in recipients:
        send_mail(subject, body, None, [recipient])
    return len(recipients)


@task()
def notify_receiving_setting(admission_id: int) -> int:
    """Email the receiving setting's SENCOs that a child has been admitted; return how many."""
    from passport.transitions.models import Admission

    admission = Admission.objects.select_related("setting").filter(pk=admission_id).first()
    if admission is None or admission.notified_at is not None:
        return 0
    told = _tell_each(
        _senco_emails(admission.setting),
        SUBJECT.format(setting=admission.setting.name),
        BODY.format(setting=admission.setting.name, link=_link("new-arrivals")),
    )
    Admission.objects.filter(pk=admission.pk).update(notified_at=timezone.now())
    return told


MANY_SUBJECT = "Children have been admitted to {setting}"
MANY_BODY = """{count} children have been admitted to {setting}.

Their support passports are ready for you to read before they start. Sign in to see them in New arrivals:
{link}

Then confirm the support that will be in place for each of them.

This email has no details of the children on purpose. Do not reply to it.
"""


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
        told = _tell_each(
            _senco_emails(setting),
            (SUBJECT if count == 1 else MANY_SUBJECT).format(setting=setting.name),
            BODY.format(setting=setting.name, link=link)
            if count == 1
            else MANY_BODY.format(count=count, setting=setting.name, link=link),
        )
        Admission.objects.filter(pk__in=waiting).update(notified_at=timezone.now())
    return told


TRANSFER_SUBJECT = "Another setting has asked to admit a child on roll at {setting}"
TRANSFER_BODY = """Another setting has imported a Common Transfer File naming {count} on roll at {setting}.

Nothing has changed: they cannot see the passport, and nobody leaves your roll, until you or the local authority confirm. Sign in to confirm or decline:
{link}

If you do not expect the move, decline it and say why.

This email has no details of the child on purpose. Do not reply to it.
"""


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
        told = _tell_each(
            _senco_emails(setting),
            TRANSFER_SUBJECT.format(setting=setting.name),
            TRANSFER_BODY.format(
                count=children, setting=setting.name, link=_link("pending-transfers")
            ),
        )
        PendingTransfer.objects.filter(pk__in=waiting).update(notified_at=timezone.now())
    return told
