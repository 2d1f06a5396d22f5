"""The API's addresses, under /api/: ninja's routes, then a problem 404 for anything else."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.views.decorators.csrf import csrf_exempt

from passport.site.api import api
from passport.web.problems import problem_response

NO_SUCH_ENDPOINT = (
    "There is no API endpoint at this address: check the path in /api/docs (paths have no "
    "trailing slash)"
)


def _problems_outside_operations(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """Make ninja's own plain 404 (the API root) and 405 problems, keeping the Allow header."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
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
