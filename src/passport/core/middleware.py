"""Cross-cutting HTTP behaviour: the Content-Security-Policy and keeping child data out of caches."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

# Scripts run only from our own files or with this request's nonce (GOV.UK Frontend's one inline
# script, which adds the js-enabled class); styles only from our own files. Nothing may frame us.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
# The browser features no page needs, switched off for this origin and anything it embeds.
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), "
    "hid=(), midi=(), accelerometer=(), gyroscope=(), magnetometer=(), browsing-topics=()"
)


class ContentSecurityPolicy:
    """Give each request a fresh nonce (`request.csp_nonce`) and every response the policy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = secrets.token_urlsafe(18)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault(
            "Content-Security-Policy", CONTENT_SECURITY_POLICY.format(nonce=nonce)
        )
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class NoStoreForSignedInUsers:
    """Stop browsers and proxies keeping pages that show a child's data, and any API response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        signed_in = getattr(request, "user", None) is not None and request.user.is_authenticated
        if signed_in or request.path_info.startswith("/api/"):
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, private"
        return response
