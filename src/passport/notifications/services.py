"""The verbs of notifications: queue a message, send it once, follow it to delivery, resend it.

A message goes through GOV.UK Notify when the deployment has a Notify API key, otherwise by email
through Django's email backend (SMTP in production). Either way it is sent from a background task,
one recipient at a time, and its row records what happened.
"""

from __future__ import annotations

import datetime as dt
import smtplib
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

from passport.notifications.catalogue import Event, current_events
from passport.notifications.models import Channel, Notification, Status
from passport.people.models import User

# A failed attempt that may succeed later (Notify's 429 and 5xx, an SMTP 4xx, no connection) is
# tried again after 1, 4, 16 and 64 minutes, then recorded as a technical failure.
ATTEMPTS = 5
FIRST_RETRY = dt.timedelta(minutes=1)
# An attempt still "sending" after this long was interrupted (the worker stopped).
INTERRUPTED_AFTER = dt.timedelta(minutes=15)
# Notify keeps a message's delivery status for 7 days (its API documentation, "Get message data").
NOTIFY_KEEPS_STATUS_FOR = dt.timedelta(days=7)

_NOTIFY_STATUSES = {
    "delivered": Status.DELIVERED,
    "permanent-failure": Status.PERMANENT_FAILURE,
    "temporary-failure": Status.TEMPORARY_FAILURE,
    "technical-failure": Status.TECHNICAL_FAILURE,
}


class _TryAgainLater(Exception):
    """The provider could not take the message now; it may later."""


class _Refused(Exception):
    """The provider refused the message; sending it again unchanged would fail again."""


def _event(name: str) -> Event:
    try:
        return current_events()[name]
    except KeyError:
        raise ValueError(f"{name!r} is not an event in notifications/events.toml") from None


def _channel_for(event: Event) -> tuple[str, str]:
    if not settings.PASSPORT_NOTIFY_API_KEY:
        return Channel.EMAIL, ""
    template_id = settings.PASSPORT_NOTIFY_TEMPLATES.get(event.name, "")
    if not template_id:
        raise ImproperlyConfigured(
            f"GOV.UK Notify is on but {event.template_setting} is not set: set it to the id of "
            f"the Notify template for {event.name}."
        )
    return Channel.NOTIFY, template_id


def _queue(notification_id: int, run_after: dt.datetime | None = None) -> None:
    from passport.notifications.tasks import send_notification

    if run_after is None:
        send_notification.enqueue(notification_id)
    elif send_notification.get_backend().supports_defer:
        send_notification.using(run_after=run_after).enqueue(notification_id)
    # Otherwise `passport notifications retry` queues it once it is due.


def notify(event: str, addresses: Iterable[str], **personalisation: str | int) -> int:
    """Queue a message about the event to each address, alone; return how many were queued."""
    entry = _event(event)
    if set(personalisation) != entry.personalisation:
        raise ValueError(
            f"{event} carries exactly {sorted(entry.personalisation)}, not {sorted(personalisation)}"
        )
    values = {name: str(value) for name, value in personalisation.items()}
    channel, template_id = _channel_for(entry)
    addresses = sorted(set(addresses))
    people = {user.email: user for user in User.objects.filter(email__in=addresses)}
    for address in addresses:
        notification = Notification.objects.create(
            event=event,
            recipient=people.get(address),
            email_address=address,
            channel=channel,
            template_id=template_id,
            personalisation=values,
        )
        _queue(notification.pk)
    return len(addresses)


def notify_client() -> NotificationsAPIClient:
    """Return a client for the deployment's Notify service (refused without an API key)."""
    if not settings.PASSPORT_NOTIFY_API_KEY:
        raise ImproperlyConfigured("GOV.UK Notify is not configured: set PASSPORT_NOTIFY_API_KEY")
    return NotificationsAPIClient(
        settings.PASSPORT_NOTIFY_API_KEY,
        base_url=settings.PASSPORT_NOTIFY_BASE_URL,
        timeout=settings.PASSPORT_NOTIFY_TIMEOUT,
    )


def _explain(error: APIError) -> str:
    message = error.message
    if isinstance(message, list):
        message = "; ".join(f"{item.get('error')}: {item.get('message')}" for item in message)
    return f"GOV.UK Notify answered {error.status_code}: {message}"


def _notify_failure(error: APIError) -> Exception:
    # Notify's API documentation: 429 (rate or daily limit) and 500 may pass; 400 and 403 (a bad
    # request, a bad key) will not until someone puts them right.
    if error.status_code == 429 or error.status_code >= 500:
        return _TryAgainLater(_explain(error))
    return _Refused(_explain(error))


def _send_by_notify(notification: Notification) -> tuple[str, Status]:
    client = notify_client()
    reference = str(notification.reference)
    try:
        if notification.attempts > 1:
            # An earlier attempt may have reached Notify before it failed: never send twice.
            earlier = client.get_all_notifications(reference=reference)["notifications"]
            if earlier:
                return earlier[0]["id"], _NOTIFY_STATUSES.get(earlier[0]["status"], Status.SENT)
        response = client.send_email_notification(
            email_address=notification.email_address,
            template_id=notification.template_id,
            personalisation=notification.personalisation,
            reference=reference,
        )
    except APIError as error:
        raise _notify_failure(error) from error
    return response["id"], Status.SENT


def _send_by_email(notification: Notification) -> None:
    subject, body = _event(notification.event).render(notification.personalisation)
    try:
        EmailMessage(subject, body, None, [notification.email_address]).send()
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _ in error.recipients.values()]
        failure = _Refused if all(code >= 500 for code in codes) else _TryAgainLater
        raise failure(f"The mail server refused the address: {error.recipients}") from error
    except smtplib.SMTPResponseException as error:
        failure = _Refused if error.smtp_code >= 500 else _TryAgainLater
        raise failure(
            f"The mail server answered {error.smtp_code}: {error.smtp_error!r}"
        ) from error
    except (smtplib.SMTPException, OSError) as error:
        raise _TryAgainLater(f"The mail server could not be reached: {error}") from error


def _record(notification: Notification, status: Status, **changes: Any) -> None:
    notification.status = status
    notification.status_changed_at = timezone.now()
    for field, value in changes.items():
        setattr(notification, field, value)
    notification.save(update_fields=["status", "status_changed_at", *changes])


def _claim(notification_id: int) -> Notification | None:
    """Mark the message as being sent, if it is waiting to be; return it then."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None:
            return None
        interrupted = (
            notification.status == Status.SENDING
            and notification.status_changed_at < timezone.now() - INTERRUPTED_AFTER
        )
        if notification.status != Status.QUEUED and not interrupted:
            return None
        if interrupted and notification.channel == Channel.EMAIL:
            # SMTP cannot tell whether the message went: ask a person rather than send twice.
            _record(
                notification,
                Status.TECHNICAL_FAILURE,
                last_error="Sending was interrupted, so it may or may not have arrived. Ask the "
                "recipient before resending it.",
            )
            return None
        _record(
            notification, Status.SENDING, attempts=notification.attempts + 1, next_attempt_at=None
        )
        return notification


FORGOTTEN = "(removed once sent)"


def deliver(notification_id: int) -> Notification | None:
    """Send one queued message once; return it, or None if it was not waiting to be sent."""
    notification = _claim(notification_id)
    if notification is None:
        return None
    try:
        if notification.channel == Channel.NOTIFY:
            provider_id, status = _send_by_notify(notification)
        else:
            _send_by_email(notification)
            provider_id, status = "", Status.SENT
    except _TryAgainLater as failure:
        _try_again_later(notification, str(failure))
    except _Refused as failure:
        _record(notification, Status.PERMANENT_FAILURE, last_error=str(failure))
    else:
        kept = dict(notification.personalisation)
        for name in _event(notification.event).forget_after_sending:
            kept[name] = FORGOTTEN
        _record(
            notification,
            status,
            provider_id=provider_id,
            sent_at=timezone.now(),
            last_error="",
            personalisation=kept,
        )
    return notification


def _try_again_later(notification: Notification, error: str) -> None:
    if notification.attempts >= ATTEMPTS:
        _record(
            notification,
            Status.TECHNICAL_FAILURE,
            last_error=f"Gave up after {notification.attempts} attempts. {error}",
        )
        return
    when = timezone.now() + FIRST_RETRY * 4 ** (notification.attempts - 1)
    _record(notification, Status.QUEUED, last_error=error, next_attempt_at=when)
    _queue(notification.pk, run_after=when)


def queue_due_retries() -> int:
    """Queue every message whose retry is due or whose sending was interrupted; return how many."""
    now = timezone.now()
    due = Notification.objects.filter(
        Q(status=Status.QUEUED, next_attempt_at__lte=now)
        | Q(status=Status.SENDING, status_changed_at__lt=now - INTERRUPTED_AFTER)
    ).values_list("pk", flat=True)
    ids = list(due)
    for notification_id in ids:
        _queue(notification_id)
    return len(ids)


def awaiting_delivery_report() -> QuerySet[Notification]:
    """Return messages Notify accepted in the last 7 days whose delivery is not yet known."""
    return Notification.objects.filter(
        channel=Channel.NOTIFY,
        status=Status.SENT,
        sent_at__gte=timezone.now() - NOTIFY_KEEPS_STATUS_FOR,
    ).exclude(provider_id="")


def check_delivery(notification: Notification, client: NotificationsAPIClient) -> Status:
    """Ask Notify what became of a message it accepted, record it and return it."""
    try:
        answer = client.get_notification_by_id(notification.provider_id)
    except APIError as error:
        Notification.objects.filter(pk=notification.pk).update(last_error=_explain(error))
        return Status(notification.status)
    status = _NOTIFY_STATUSES.get(answer["status"], Status.SENT)
    if status != notification.status:
        _record(notification, status)
    return status


def failures() -> QuerySet[Notification]:
    """Return the messages that failed and were not resent, newest first."""
    return Notification.objects.filter(
        status__in=Notification.FAILURES, resent_as__isnull=True
    ).order_by("-status_changed_at")


def resend(notification_id: int) -> Notification:
    """Queue a failed message again as a new one with its own reference; return the new one."""
    with transaction.atomic():
        original = Notification.objects.select_for_update().get(pk=notification_id)
        if original.status not in Notification.FAILURES:
            raise ValueError(
                f"Message {original.pk} is {original.status}: only a failed one can be resent"
            )
        if Notification.objects.filter(resend_of=original).exists():
            raise ValueError(f"Message {original.pk} was resent already")
        channel, template_id = _channel_for(_event(original.event))
        again = Notification.objects.create(
            event=original.event,
            recipient=original.recipient,
            email_address=original.email_address,
            channel=channel,
            template_id=template_id,
            personalisation=original.personalisation,
            resend_of=original,
        )
        _queue(again.pk)
    return again
