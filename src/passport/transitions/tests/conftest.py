"""Run queued tasks at once in these tests, so a notification is sent by the time a call returns."""

from __future__ import annotations

import pytest

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def tasks_run_immediately(settings) -> None:  # type: ignore[no-untyped-def]
    settings.TASKS = IMMEDIATE
