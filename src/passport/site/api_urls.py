"""The API's addresses, under /api/: ninja's routes, then a problem 404 for anything else."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.views.decorators.csrf import csrf_exempt

from passport.site.api import api
from passport.web.auth import session_auth
from passport.web.problems import problem_response, unsupported_media_type

NO_SUCH_ENDPOINT = (
    "There is no API endpoint at this address: check the path in /api/docs (paths have no "
    "trailing slash)"
)


@cache
def _body_types() -> list[tuple[re.Pattern[str], str, tuple[str, ...]]]:
    """Each operation that takes a body: its address, its method and the media types it takes,
    as the OpenAPI document declares them."""
    document = api.get_openapi_schema()
    return [
        (
            re.compile(re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path))),
            method.upper(),
            tuple(operation["requestBody"].get("content", {})),
        )
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
        if "requestBody" in operation
    ]


def _refuse_unsupported_body(request: HttpRequest) -> HttpResponse | None:
    """Answer 415 to a body of a type the operation does not take, before anything parses it.

    A multipart body sent to a JSON operation would otherwise be consumed by the CSRF check and
    then fail to read as JSON (a 500); a JSON body sent to the file upload would be an empty form.
    Only for a signed-in caller: anyone else hears 401 first, as from every operation.
    """
    declared = str(request.META.get("CONTENT_LENGTH") or "0")
    if not (declared.isascii() and declared.isdigit() and int(declared) > 0):
        return None
    if session_auth.authenticate(request, None) is None:
        return None
    for address, method, accepted in _body_types():
        if method == request.method and address.fullmatch(request.path):
            sent = (request.content_type or "").lower()
            if accepted and sent not in accepted:
                return unsupported_media_type(request, accepted, sent)
            return None
    return None


def _problems_outside_operations(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """Make ninja's own plain 404 (the API root) and 405 problems, keeping the Allow header, and
    refuse a body of a type the operation does not take with 415."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        refused = _refuse_unsupported_body(request)
        if refused is not None:
            return refused
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return problem_response(request, 404, NO_SUCH_ENDPOINT)
        if isinstance(response, HttpResponseNotAllowed):
            problem = problem_response(
                request, 405, f"{request.method} is not allowed here: use {response['Allow']}"
            )
            problem["Allow"] = response["Allow"]
            return problem
        return response

    return wrapped


def _with_problems(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    return [
        URLPattern(p.pattern, _problems_outside_operations(p.callback), p.default_args, p.name)
        if isinstance(p, URLPattern)
        else p
        for p in patterns
    ]


@csrf_exempt
def no_such_endpoint(request: HttpRequest) -> HttpResponse:
    """Answer any address under /api/ that names no operation."""
    return problem_response(request, 404, NO_SUCH_ENDPOINT)


def _operations() -> URLResolver:
    patterns, ninja_app_name, namespace = api.urls
    return path("", include((_with_problems(patterns), ninja_app_name), namespace=namespace))


urlpatterns = [_operations(), re_path(r"^", no_such_endpoint)]
