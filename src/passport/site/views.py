"""The pages every service needs, open to anyone signed in or not: they show no child.

Linked from every page's footer (jinja2/layout.html). Their words are in the templates under
jinja2/pages/; the few facts that change with policy (how long records are kept, how long a
session lasts) are read from the policy pack and settings, so the pages cannot drift from them.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from passport.core.policy import current_pack


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/accessibility.html")


def privacy(request: HttpRequest) -> HttpResponse:
    years = current_pack().retention.sen_records_years_after_birth
    return render(request, "pages/privacy.html", {"retention_years": years})


def cookies(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "pages/cookies.html",
        {
            "idle_minutes": settings.PASSPORT_SESSION_IDLE_SECONDS // 60,
            "max_hours": settings.PASSPORT_SESSION_MAX_SECONDS // 3600,
        },
    )


def help_page(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/help.html")
