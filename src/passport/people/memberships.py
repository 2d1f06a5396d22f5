"""Each person's live memberships, read once per request.

The session check, the navigation and every access decision in one request ask who a person is
at which organisation; `memberships_memo` lets them share one read.

A session started with DfE Sign-in is for one organisation (the `organisation` claim): while
`signed_in_for` holds, the signed-in person's memberships elsewhere do not count, here, so no
access decision, page or list can use them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models.signals import post_delete, post_save

from passport.core.dates import today
from passport.people.models import Membership, User

# Within one request (see `memberships_memo`), each person's live memberships are read once and
# shared by the session check, the navigation and every decision the request takes.
_memberships_memo: ContextVar[dict[tuple[int, dt.date], list[Membership]] | None] = ContextVar(
    "live_memberships_memo", default=None
)


@contextmanager
def memberships_memo() -> Iterator[None]:
    """Read each person's live memberships at most once while the block runs (one request).

    Any membership saved or deleted meanwhile empties the memo, so a request that changes
    someone's roles decides from the new ones. Outside the block nothing is remembered.
    """
    token = _memberships_memo.set({})
    try:
        yield
    finally:
        _memberships_memo.reset(token)


@dataclass(frozen=True)
class OrganisationLimit:
    """The one organisation a session was signed in for: a setting's URN or an LA's code."""

    setting_urn: str = ""
    local_authority_code: str = ""

    def allows(self, membership: Membership) -> bool:
        if self.setting_urn:
            return membership.setting is not None and membership.setting.urn == self.setting_urn
        if self.local_authority_code:
            return (
                membership.local_authority is not None
                and membership.local_authority.code == self.local_authority_code
            )
        return False

    def as_session(self) -> dict[str, str]:
        return {"setting_urn": self.setting_urn, "local_authority_code": self.local_authority_code}

    @classmethod
    def from_session(cls, value: Any) -> OrganisationLimit | None:
        if not isinstance(value, dict):
            return None
        return cls(
            setting_urn=str(value.get("setting_urn", "")),
            local_authority_code=str(value.get("local_authority_code", "")),
        )


_session_limit: ContextVar[tuple[Any, OrganisationLimit] | None] = ContextVar(
    "session_organisation_limit", default=None
)


@contextmanager
def signed_in_for(user_id: Any, limit: OrganisationLimit | None) -> Iterator[None]:
    """While the block runs (one request), count only the person's memberships at `limit`."""
    token = _session_limit.set((str(user_id), limit) if limit is not None else None)
    try:
        yield
    finally:
        _session_limit.reset(token)


def _forget_memberships(**kwargs: Any) -> None:
    memo = _memberships_memo.get()
    if memo:
        memo.clear()


post_save.connect(_forget_memberships, sender=Membership, dispatch_uid="people-forget-memberships")
post_delete.connect(
    _forget_memberships, sender=Membership, dispatch_uid="people-forget-memberships-deleted"
)


def live_memberships(user: User, on: dt.date) -> list[Membership]:
    """Return the person's memberships live on the day, with their organisations."""
    memo = _memberships_memo.get()
    key = (user.pk, on)
    if memo is not None and key in memo:
        found = memo[key]
    else:
        found = list(
            user.live_memberships(on).select_related("setting", "local_authority", "provider")
        )
        if memo is not None:
            memo[key] = found
    session_limit = _session_limit.get()
    if session_limit is not None and session_limit[0] == str(user.pk):
        return [m for m in found if session_limit[1].allows(m)]
    return list(found)


def live_roles(user: User, *, on: dt.date | None = None) -> frozenset[str]:
    """Return the roles the person holds today (for the session check and the navigation)."""
    if not user.is_authenticated:
        return frozenset()
    return frozenset(m.role for m in live_memberships(user, on or today()))


def first_role(user: User | AnonymousUser, *, on: dt.date | None = None) -> str:
    """Return the role of the person's first live membership ('' for none, or a disabled or
    signed-out account): how an audit row names someone acting outside one relationship."""
    if not (user.is_authenticated and user.is_active):
        return ""
    return next((m.role for m in live_memberships(user, on or today())), "")
