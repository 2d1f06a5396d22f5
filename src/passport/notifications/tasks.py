"""Background work for notifications: sending one message."""

from __future__ import annotations

from django_tasks import task

from passport.notifications.services import deliver


@task()
def send_notification(notification_id: int) -> str:
    """Send one queued message; return what became of it."""
    notification = deliver(notification_id)
    return "not waiting to be sent" if notification is None else notification.status
