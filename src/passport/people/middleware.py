"""The rules of a signed-in session: timeouts, live access, the second factor, and the one
organisation a DfE Sign-in session is for."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from passport.people.memberships import (
    OrganisationLimit,
    live_roles,
    memberships_memo,
    signed_in_for,
)
from passport.people.models import User
from passport.people.oidc import DFE_SIGN_IN, ONE_LOGIN
from passport.people.services import authenticator_for, needs_second_factor

SIGNED_IN_AT = "passport_signed_in_at"
SEEN_AT = "passport_seen_at"
# Note activity at most once a minute, so reading pages does not write the session every time.
SEEN_RESOLUTION = 60
# How the session was signed in: absent for a password, else the provider's slug.
SIGN_IN_METHOD = "passport_sign_in_method"
# DfE Sign-in: the organisation the person signed in for (OrganisationLimit.as_session()).
ORGANISATION_LIMIT = "passport_organisation_limit"
# These providers check a second factor themselves (DfE Sign-in's own MFA; One Login's "Cm"
# level, asked for with vtr Cl.Cm), so their sessions skip our authenticator-app step.
PROVIDERS_CHECKING_SECOND_FACTOR = frozenset({DFE_SIGN_IN, ONE_LOGIN})

SIGNED_OUT_IDLE = "You were signed out because you had not used the service for 30 minutes"
SIGNED_OUT_TOO_LONG = "You were signed out because you had been signed in for 8 hours"
SIGNED_OUT_NO_ACCESS = (
    "You were signed out because your account no longer gives you access to Support Passport. "
    "If you think this is wrong, contact the person who manages accounts at your organisation"
)


def start_session_clock(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    """Note when the session started (connected to `user_logged_in`)."""
    now = int(time.time())
    request.session[SIGNED_IN_AT] = now
    request.session[SEEN_AT] = now


def allowed_before_second_factor(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a view a signed-in member of staff may use before entering their code."""
    view.allowed_before_second_factor = True  # type: ignore[attr-defined]
    return view


def _why_session_ends(request: HttpRequest) -> str | None:
    """Return why the session must end now, or None; note the user's live roles on the request."""
    user = request.user
    if not user.is_authenticated:
        # Django no longer accepts the account behind the session: disabled or deleted.
        return SIGNED_OUT_NO_ACCESS
    now = time.time()
    session = request.session
    signed_in_at, seen_at = session.get(SIGNED_IN_AT), session.get(SEEN_AT)
    if not isinstance(signed_in_at, int) or not isinstance(seen_at, int):
        return SIGNED_OUT_TOO_LONG
    if now - signed_in_at > settings.PASSPORT_SESSION_MAX_SECONDS:
        return SIGNED_OUT_TOO_LONG
    if now - seen_at > settings.PASSPORT_SESSION_IDLE_SECONDS:
        return SIGNED_OUT_IDLE
    roles = live_roles(user)
    if not roles:
        return SIGNED_OUT_NO_ACCESS
    request.live_roles = roles  # type: ignore[attr-defined]
    if now - seen_at >= SEEN_RESOLUTION:
        session[SEEN_AT] = int(now)
    return None


class SessionRules:
    """End sessions that have timed out or lost their access; hold staff at the code step.

    A page request whose session ends is sent to sign in with a message saying why; an API
    request carries on signed out, so the API answers 401. A DfE Sign-in session counts only
    the person's memberships at the organisation they signed in for, for the whole request. A member of staff who has not yet
    entered the code from their authenticator app reaches only the views marked
    `allowed_before_second_factor`: other pages send them to that step, and the API treats
    them as signed out.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The live roles read for the check below are the ones the navigation and the access
        # policy use for the rest of this request: one query, not one per use.
        session = request.session
        limit = OrganisationLimit.from_session(session.get(ORGANISATION_LIMIT))
        with memberships_memo(), signed_in_for(session.get(SESSION_KEY), limit):
            if SESSION_KEY in request.session:
                reason = _why_session_ends(request)
                if reason is not None:
                    logout(request)
                    if not _is_api(request):
                        messages.info(request, reason)
                        return redirect(_sign_in_url(request))
            return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., HttpResponse],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or user.is_verified():  # type: ignore[attr-defined]
            return None
        if not needs_second_factor(getattr(request, "live_roles", ())):
            return None
        if request.session.get(SIGN_IN_METHOD) in PROVIDERS_CHECKING_SECOND_FACTOR:
            return None
        request.second_factor_pending = True  # type: ignore[attr-defined]
        if getattr(view, "allowed_before_second_factor", False):
            return None
        if _is_api(request):
            request.user = AnonymousUser()
            return None
        has_app = authenticator_for(user) is not None
        return redirect("sign-in-code" if has_app else "set-up-authenticator")


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def _sign_in_url(request: HttpRequest) -> str:
    url = reverse("sign-in")
    if request.method == "GET" and request.path_info != url:
        url += "?" + urlencode({"next": request.get_full_path()})
    return url
