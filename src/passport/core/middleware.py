"""Cross-cutting HTTP behaviour: the Content-Security-Policy, keeping child data out of caches and
the one limit on the size of a request body."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import IO

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
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


# Room for the multipart framing around an uploaded file (boundaries, part headers, the form's
# other fields), so a file of exactly the largest size accepted still fits.
MULTIPART_FRAMING_BYTES = 64 * 1024


def body_limit(path: str) -> int:
    """Return the largest request body accepted at this address, in bytes.

    Everywhere: PASSPORT_REQUEST_MAX_BYTES. At the addresses that take a Common Transfer File
    (PASSPORT_FILE_UPLOAD_PATHS): the largest CTF accepted (PASSPORT_CTF_MAX_BYTES, the number the
    CTF parser checks the file against) plus its multipart framing.
    """
    if path in settings.PASSPORT_FILE_UPLOAD_PATHS:
        return int(settings.PASSPORT_CTF_MAX_BYTES) + MULTIPART_FRAMING_BYTES
    return int(settings.PASSPORT_REQUEST_MAX_BYTES)


class _CountedStream:
    """A request body read through a counter: reading past `limit` bytes raises RequestDataTooBig.

    For a body with no Content-Length (chunked), which only the reading can measure.
    """

    def __init__(self, stream: IO[bytes], limit: int) -> None:
        self._stream = stream
        self._limit = limit
        self._read = 0

    def _counted(self, data: bytes) -> bytes:
        self._read += len(data)
        if self._read > self._limit:
            raise RequestDataTooBig("The request body is larger than the limit for this address.")
        return data

    def _size(self, size: int | None) -> int:
        # Never ask for more than one byte past the limit: that byte is enough to refuse.
        room = self._limit - self._read + 1
        return room if size is None or size < 0 else min(size, room)

    def read(self, size: int | None = -1) -> bytes:
        return self._counted(self._stream.read(self._size(size)))

    def readline(self, size: int | None = -1) -> bytes:
        return self._counted(self._stream.readline(self._size(size)))

    def close(self) -> None:
        self._stream.close()


class RequestBodyLimit:
    """Refuse a request body over the limit for its address, whatever its type, before any view
    or middleware reads it: RequestDataTooBig, which the error handlers answer with 413 (the
    GOV.UK page, or a problem detail under /api/).

    Django's own DATA_UPLOAD_MAX_MEMORY_SIZE leaves out files in a multipart body, so without this
    a page would take a file of any size. A declared Content-Length is checked at once; a body
    without one is counted as it is read.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = body_limit(request.path_info)
        declared = str(request.META.get("CONTENT_LENGTH") or "0")
        if declared.isascii() and declared.isdigit() and int(declared) > limit:
            raise RequestDataTooBig("The request body is larger than the limit for this address.")
        request._stream = _CountedStream(request._stream, limit)  # type: ignore[assignment]
        return self.get_response(request)
