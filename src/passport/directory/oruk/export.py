"""Publish directory services as Open Referral UK: one full service, or a page of services."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from passport.core.policy import current_pack
from passport.directory.models import Service
from passport.directory.oruk.mapping import (
    COST_OPTION_CONDITION,
    ODS_IDENTIFIER_TYPE,
    PROVIDER_KIND_TAXONOMY,
    SUPPORT_KIND_TAXONOMY,
    UNIT_WORDS,
    derived_id,
    taxonomy_id,
    term_id,
)
from passport.organisations.models import Provider

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100


def pounds(pence: int) -> int | float:
    """Return an amount in pence as a JSON number of pounds: 9550 -> 95.5, 12000 -> 120."""
    value = Decimal(pence) / 100
    return int(value) if value == value.to_integral_value() else float(value)


def _timestamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _term(taxonomy: str, code: str, name: str) -> dict[str, Any]:
    return {
        "id": str(term_id(taxonomy, code)),
        "name": name,
        "description": name,
        "taxonomy": taxonomy,
        "taxonomy_id": str(taxonomy_id(taxonomy)),
        "term": code,
    }


def _attribute(owner: Any, link_type: str, taxonomy: str, code: str, name: str) -> dict[str, Any]:
    term = _term(taxonomy, code, name)
    return {
        "id": str(derived_id(owner, f"attribute:{taxonomy}")),
        "link_id": str(owner),
        "link_type": link_type,
        "taxonomy_term_id": term["id"],
        "taxonomy_term": term,
    }


def organization_description(provider: Provider) -> str:
    """Say what the provider is; the directory keeps no free-text description of its own."""
    where = f" for {provider.local_authority.name}" if provider.local_authority else ""
    return f"{provider.get_kind_display()}{where}"


def export_organization(provider: Provider, *, full: bool = True) -> dict[str, Any]:
    """Return the provider as an ORUK organization (the one-to-one fields unless `full`)."""
    organization: dict[str, Any] = {
        "id": str(provider.oruk_id),
        "name": provider.name,
        "description": organization_description(provider),
    }
    if full:
        organization["organization_identifiers"] = (
            [
                {
                    "id": str(derived_id(provider.oruk_id, "identifier:ods")),
                    "organization_id": str(provider.oruk_id),
                    "identifier_type": ODS_IDENTIFIER_TYPE,
                    "identifier": provider.ods_code,
                }
            ]
            if provider.ods_code
            else []
        )
        organization["attributes"] = [
            _attribute(
                provider.oruk_id,
                "organization",
                PROVIDER_KIND_TAXONOMY,
                provider.kind,
                provider.get_kind_display(),
            )
        ]
    return organization


def _one_to_one(service: Service) -> dict[str, Any]:
    document: dict[str, Any] = {
        "id": str(service.id),
        "organization_id": str(service.provider.oruk_id),
        "name": service.name,
        "description": service.description,
        "status": service.status,
        "last_modified": _timestamp(service.updated_at),
    }
    if service.url:
        document["url"] = service.url
    if service.email:
        document["email"] = service.email
    if service.minimum_age is not None:
        document["minimum_age"] = service.minimum_age
    if service.maximum_age is not None:
        document["maximum_age"] = service.maximum_age
    if service.assured_date is not None:
        document["assured_date"] = service.assured_date.isoformat()
    return document


def export_service(service: Service) -> dict[str, Any]:
    """Return the full service with its organization, as ORUK `GET /services/{id}` does."""
    document = _one_to_one(service)
    document["organization"] = export_organization(service.provider)
    document["cost_options"] = [
        {
            "id": str(derived_id(service.id, "cost_option:unit")),
            "service_id": str(service.id),
            "option": COST_OPTION_CONDITION,
            "amount": pounds(service.unit_cost_pence),
            "amount_description": UNIT_WORDS[service.unit],
        }
    ]
    document["attributes"] = [
        _attribute(
            service.id,
            "service",
            SUPPORT_KIND_TAXONOMY,
            service.support_kind,
            current_pack().support_kind_name(service.support_kind),
        )
    ]
    return document


def export_list_item(service: Service) -> dict[str, Any]:
    """Return a service as one item of ORUK `GET /services`: its one-to-one fields and
    organization."""
    document = _one_to_one(service)
    document["organization"] = export_organization(service.provider, full=False)
    return document


def published_services() -> QuerySet[Service]:
    """Services the feed lists: active ones, in name order."""
    return (
        Service.objects.filter(status=Service.Status.ACTIVE)
        .select_related("provider__local_authority")
        .order_by("name", "id")
    )


def services_feed(
    services: QuerySet[Service] | None = None,
    *,
    page: int = 1,
    per_page: int = DEFAULT_PER_PAGE,
    full: bool = False,
) -> dict[str, Any]:
    """Return one page of services in the ORUK `GET /services` shape.

    Items are the list shape (one-to-one fields and organization) unless `full`, when each is the
    whole service: an export file is full, so importing it again loses nothing.
    """
    if page < 1:
        raise ValueError("page must be 1 or more")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise ValueError(f"per_page must be 1 to {MAX_PER_PAGE}")
    services = published_services() if services is None else services
    total = services.count()
    total_pages = max(1, math.ceil(total / per_page))
    start = (page - 1) * per_page
    rows = list(services[start : start + per_page])
    item = export_service if full else export_list_item
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(rows),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": not rows,
        "contents": [item(service) for service in rows],
    }
