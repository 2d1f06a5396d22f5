"""`passport check` refuses a Notify configuration that would fail at the first message."""

from __future__ import annotations

import uuid

from passport.notifications.catalogue import current_events
from passport.notifications.checks import notify_is_configured


def test_without_notify_there_is_nothing_to_check(settings):
    settings.PASSPORT_NOTIFY_API_KEY = ""

    assert notify_is_configured() == []


def test_a_complete_notify_configuration_passes(settings):
    settings.PASSPORT_NOTIFY_API_KEY = f"live-{uuid.uuid4()}-{uuid.uuid4()}"
    settings.PASSPORT_NOTIFY_TEMPLATES = {name: str(uuid.uuid4()) for name in current_events()}

    assert notify_is_configured() == []


def test_a_key_of_the_wrong_shape_and_a_missing_template_are_named(settings):
    settings.PASSPORT_NOTIFY_API_KEY = "not-a-key"
    settings.PASSPORT_NOTIFY_TEMPLATES = {
        name: str(uuid.uuid4()) for name in current_events() if name != "missed_deadline"
    }

    problems = notify_is_configured()

    assert [(problem.id, problem.msg) for problem in problems] == [
        ("notifications.E001", "PASSPORT_NOTIFY_API_KEY is not a GOV.UK Notify API key."),
        ("notifications.E002", "PASSPORT_NOTIFY_TEMPLATE_MISSED_DEADLINE is not set."),
    ]
