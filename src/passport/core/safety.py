"""Guards for operator tasks that must never touch a live service's database."""

from __future__ import annotations

from django.conf import settings


class RefusedInProduction(RuntimeError):
    """The task writes made-up people, known passwords or sessions no real user made."""


def refuse_in_production(task: str, why: str) -> None:
    """Raise RefusedInProduction if this process runs with PASSPORT_ENV=production."""
    if getattr(settings, "PRODUCTION", False):
        raise RefusedInProduction(
            f"Refusing to run: `passport {task}` {why}. It is for development and test "
            "databases only: run it with PASSPORT_ENV=development against a database of its own."
        )
