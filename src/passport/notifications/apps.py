from __future__ import annotations

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "passport.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from passport.notifications import checks  # noqa: F401  (registers the system check)
