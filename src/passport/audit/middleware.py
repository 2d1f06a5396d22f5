"""A request id on every request, its response and every audit event it causes; the path and
method too.

The id is always one we make. An incoming X-Request-ID is the client's to choose: taken as ours,
it would let anyone reuse another request's id, or write whatever they like into the audit
trail, so it is ignored. Operators correlate by the id we return in X-Request-ID, which a load
balancer or proxy can log from the response.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"

_request_id: ContextVar[str] = ContextVar("passport_request_id", default="")
_request_path: ContextVar[str] = ContextVar("passport_request_path", default="")
_request_method: ContextVar[str] = ContextVar("passport_request_method", default="")


def current_request_id() -> str:
    """Return the id of the request being handled, or "" outside a request (commands, tasks)."""
    return _request_id.get()


def current_request_path() -> str:
    """Return the path (no query string) of the request being handled, or "" outside one."""
    return _request_path.get()


def current_request_is_safe() -> bool:
    """Say whether the request being handled only reads (GET, HEAD, OPTIONS): opening a form
    changes nothing, however the page is gated. False outside a request."""
    return _request_method.get() in {"GET", "HEAD", "OPTIONS"}


class RequestIdMiddleware:
    """Give each request a fresh id of our own and return it in the X-Request-ID header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = str(uuid.uuid4())
        request.request_id = request_id  # type: ignore[attr-defined]
        id_token, path_token = _request_id.set(request_id), _request_path.set(request.path)
        method_token = _request_method.set(request.method or "")
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(id_token)
            _request_path.reset(path_token)
            _request_method.reset(method_token)
        response[HEADER] = request_id
        return response
