"""`passport check`: a Notify configuration that would fail at the first message fails here."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from passport.notifications.catalogue import current_events

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
# Notify's API key: the key's name, the service id and the secret (Notify's API documentation).
API_KEY = re.compile(rf"^.+-{_UUID}-{_UUID}$")
TEMPLATE_ID = re.compile(rf"^{_UUID}$")


@register()
def notify_is_configured(
    *,
    app_configs: Sequence[AppConfig] | None = None,
    databases: Sequence[str] | None = None,
    **kwargs: Any,
) -> list[CheckMessage]:
    """Refuse a Notify API key of the wrong shape, or an event without a Notify template."""
    key = settings.PASSPORT_NOTIFY_API_KEY
    if not key:
        return []
    problems: list[CheckMessage] = []
    if not API_KEY.match(key):
        problems.append(
            Error(
                "PASSPORT_NOTIFY_API_KEY is not a GOV.UK Notify API key.",
                hint="Copy the whole key from Notify's API integration page: its name, then two "
                "ids, joined by hyphens.",
                id="notifications.E001",
            )
        )
    for event in current_events().values():
        template_id = settings.PASSPORT_NOTIFY_TEMPLATES.get(event.name, "")
        if not TEMPLATE_ID.match(template_id):
            problems.append(
                Error(
                    f"{event.template_setting} is {'not a template id' if template_id else 'not set'}.",
                    hint=f"Set it to the id of the Notify template for {event.name} "
                    "(`passport notifications templates` prints its wording).",
                    id="notifications.E002",
                )
            )
    return problems
