"""Error pages in the service's own words; under /api/ the same errors as problem details."""

from __future__ import annotations

import sys

from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

# A database that refuses connections, has gone away or is locked: the request can succeed if
# it is sent again shortly, so the answer is 503 with Retry-After rather than our fault's 500.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
UNAVAILABLE_DETAIL = (
    "The service cannot reach its database just now. Nothing was saved: try again in a minute"
)
TOO_LARGE = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)
TOO_LARGE_DETAIL = (
    "The request is too large: send less text (a passport section is at most a few pages) "
    "or upload the file on its own"
)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _problem(request: HttpRequest, status: int, detail: str) -> HttpResponse:
    # Imported here: the API package loads the whole domain, which error pages must not need.
    from passport.web.problems import problem_response

    return problem_response(request, status, detail)


def _page(template: str, request: HttpRequest, status: int) -> HttpResponse:
    # Rendered without trusting the request: whatever failed may be the middleware that fills it.
    body: str
    try:
        body = render_to_string(template, {"request": request})
    except Exception:
        body = "<h1>Sorry, there is a problem with the service</h1>"
    return HttpResponse(body, status=status)


def service_unavailable(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        response = _problem(request, 503, UNAVAILABLE_DETAIL)
    else:
        # The layout would look up who is signed in and their messages, both in the database.
        request.user = AnonymousUser()
        request._messages = CookieStorage(request)  # type: ignore[attr-defined]
        response = _page("errors/503.html", request, 503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def too_large(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return _problem(request, 413, TOO_LARGE_DETAIL)
    return _page("errors/413.html", request, 413)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, TOO_LARGE):
        return too_large(request)
    if _is_api(request):
        return _problem(request, 400, "The request could not be read: check it and send it again")
    return _page("errors/400.html", request, 400)


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this while handling the exception, so it is still the current one.
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return service_unavailable(request)
    if _is_api(request):
        return _problem(request, 500, "Something went wrong on our side: try again later")
    return _page("errors/500.html", request, 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "errors/403.html", {"reason": "Your form had expired."}, status=403)
