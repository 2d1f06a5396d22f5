"""The service directory page: who provides what kind of support, at what price."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from passport.core.policy import current_pack
from passport.directory.history import service_entry_history
from passport.directory.models import Service
from passport.directory.oruk.export import published_services
from passport.directory.ownership import owner_name
from passport.web.http import AuthenticatedRequest

PAGE_SIZE = 25


def price_text(pence: int, unit: str) -> str:
    """Say a unit price the GOV.UK way: "£92 per hour", "£62.50 per hour"."""
    pounds, pennies = divmod(pence, 100)
    amount = f"£{pounds:,}" if not pennies else f"£{pounds:,}.{pennies:02d}"
    return f"{amount} per {unit}"


@login_required
@require_GET
def directory(request: AuthenticatedRequest) -> HttpResponse:
    """List the directory's active services with their provider, kind of support and price."""
    kinds = current_pack().support_kind_choices()
    kind = request.GET.get("kind", "")
    services = published_services()
    if kind in dict(kinds):
        services = services.filter(support_kind=kind)
    else:
        kind = ""
    page = Paginator(services, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "service": service,
            "kind": current_pack().support_kind_name(service.support_kind),
            "price": price_text(service.unit_cost_pence, service.unit),
        }
        for service in page
    ]
    return render(
        request,
        "directory/directory.html",
        {"page": page, "rows": rows, "kinds": kinds, "kind": kind},
    )


@login_required
@require_GET
def directory_service(request: AuthenticatedRequest, service_id: uuid.UUID) -> HttpResponse:
    """One service: what it is, who owns its entry, and every change to it, newest first.

    Families give consent to a provider by the name shown here, so anyone signed in can see who
    changed a service's or its provider's name or price, and when.
    """
    service = Service.objects.select_related("provider").filter(pk=service_id).first()
    if service is None:
        raise Http404("No service in the directory has that id")
    return render(
        request,
        "directory/service.html",
        {
            "service": service,
            "kind": current_pack().support_kind_name(service.support_kind),
            "price": price_text(service.unit_cost_pence, service.unit),
            "owner": owner_name(service),
            "provider_owner": owner_name(service.provider),
            "changes": service_entry_history(service),
        },
    )
