"""Send reads to a read replica, and keep a person's reads on the primary after they write.

Off unless DATABASE_REPLICA_URL is set (settings.py then adds the `replica` database, sets
PASSPORT_READ_REPLICA, and installs this router and `PinToPrimaryAfterWrite`). The rules:

* Writes always go to the primary (`default`).
* In a request, reads go to the replica until the request writes; from then on, and for
  REPLICA_PIN_SECONDS afterwards in the same session, they go to the primary, so someone who
  saves a change never sees the page from before it (the replica may lag by a moment). Audit
  rows, sessions and sign-in throttling are bookkeeping: writing them does not pin, or every
  passport read (which appends an audit row) would pin its reader to the primary.
* Inside a transaction on the primary, reads stay on the primary (a replica read there could
  contradict the rows the transaction locks).
* Sessions are always read from the primary: a session made at sign-in must be found at once.
* Outside a request (commands, the task worker, tests) everything goes to the primary, unless
  the code asks for the replica with `reading_from_replica()` (long reports, exports).
* Migrations run on the primary only; the replica copies them by streaming replication.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections, models
from django.http import HttpRequest, HttpResponse

PRIMARY = "default"
REPLICA = "replica"
PIN_SESSION_KEY = "passport_primary_until"
DEFAULT_PIN_SECONDS = 10
# Whatever grants access is read from the primary: a consent withdrawn or a membership ended must
# take effect at once, not after the replica catches up.
ALWAYS_PRIMARY_APPS = frozenset({"sessions", "access", "people", "otp_totp", "otp_static", "axes"})
# Writes that do not pin: every read of a child appends an audit row, and a session or sign-in
# throttle row is bookkeeping; none of them is read back by the person on their next page.
BOOKKEEPING_APPS = frozenset({"audit", "sessions", "axes"})


@dataclass
class _Reads:
    """Where this request's (or block's) reads may go."""

    replica: bool
    wrote: bool = False


_reads: ContextVar[_Reads | None] = ContextVar("passport_db_reads", default=None)


def pin_seconds() -> int:
    return int(getattr(settings, "REPLICA_PIN_SECONDS", DEFAULT_PIN_SECONDS))


class PrimaryReplicaRouter:
    """Django database router: reads to the replica when it is safe, everything else primary."""

    def db_for_read(self, model: type[models.Model], **hints: Any) -> str:
        state = _reads.get()
        if (
            state is None
            or not state.replica
            or state.wrote
            or model._meta.app_label in ALWAYS_PRIMARY_APPS
            or not getattr(settings, "PASSPORT_READ_REPLICA", False)
            or connections[PRIMARY].in_atomic_block
        ):
            return PRIMARY
        return REPLICA

    def db_for_write(self, model: type[models.Model], **hints: Any) -> str:
        state = _reads.get()
        if state is not None and model._meta.app_label not in BOOKKEEPING_APPS:
            state.wrote = True
        return PRIMARY

    def allow_relation(self, first: models.Model, second: models.Model, **hints: Any) -> bool:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY


@contextlib.contextmanager
def reading_from_replica() -> Iterator[None]:
    """Let reads in the block go to the replica (until the block writes)."""
    token = _reads.set(_Reads(replica=True))
    try:
        yield
    finally:
        _reads.reset(token)


class PinToPrimaryAfterWrite:
    """Middleware (after SessionMiddleware): start each request reading from the replica unless
    the session wrote in the last REPLICA_PIN_SECONDS; note a write in the session."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        pinned_until = session.get(PIN_SESSION_KEY, 0) if session is not None else 0
        recently_wrote = isinstance(pinned_until, int | float) and pinned_until > time.time()
        state = _Reads(replica=not recently_wrote)
        token = _reads.set(state)
        try:
            response = self.get_response(request)
        finally:
            _reads.reset(token)
        # The session's own save happens later, in SessionMiddleware, on the primary.
        if state.wrote and session is not None:
            session[PIN_SESSION_KEY] = int(time.time()) + pin_seconds()
        return response
