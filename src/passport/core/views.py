"""Error pages in the service's own words."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Render without the request: whatever failed may be in the middleware that fills it.
    try:
        body = render_to_string("errors/500.html", {"request": request})
    except Exception:
        body = "<h1>Sorry, there is a problem with the service</h1>"
    return HttpResponse(body, status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "errors/403.html", {"reason": "Your form had expired."}, status=403)
