"""The service directory: providers and services, imported and published as Open Referral UK.

`GET /api/oruk/services` and `GET /api/oruk/services/{id}` answer in the shapes of the ORUK
OpenAPI (a page of services; one full service). The directory holds no child's data, but like the
rest of the API it needs a signed-in session. Only an administrator or a cluster lead may import.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from passport.access.standing import Duty, holds
from passport.directory.history import service_entry_history
from passport.directory.models import Service
from passport.directory.oruk.export import export_service, services_feed
from passport.directory.ownership import publisher_for
from passport.directory.schemas import (
    ORUK_PAGE_SCHEMA,
    ORUK_PROFILE,
    ORUK_SERVICE_SCHEMA,
    EntryChangeOut,
    FeedQuery,
    FieldChangeOut,
    oruk_json,
    oruk_json_200,
)
from passport.directory.services import (
    MAX_DOCUMENT_BYTES,
    DirectoryImportError,
    import_services,
    read_document,
)
from passport.web.auth import signed_in
from passport.web.problems import (
    ERRORS_ANY,
    ERRORS_CREATE,
    ERRORS_READ,
    VALIDATION,
    FieldError,
    problem_response,
)

router = Router(tags=["Service directory (Open Referral UK)"])


@router.get(
    "/oruk/services",
    response=ERRORS_ANY,
    openapi_extra=oruk_json_200(
        f"A page of active services in the Open Referral UK list shape ({ORUK_PROFILE})",
        ORUK_PAGE_SCHEMA,
    ),
    summary="List active services as Open Referral UK",
)
def list_oruk_services(request: HttpRequest, query: Query[FeedQuery]) -> HttpResponse:
    """Return a page of the directory's active services, as ORUK `GET /services` does: each
    service's own fields and its organization. A page past the last one is empty."""
    signed_in(request)
    return oruk_json(services_feed(page=query.page, per_page=query.per_page))


@router.get(
    "/oruk/services/{service_id}",
    response=ERRORS_READ,
    openapi_extra=oruk_json_200(
        f"One service with its organization, price and support kind ({ORUK_PROFILE})",
        ORUK_SERVICE_SCHEMA,
    ),
    summary="Get one service as Open Referral UK",
)
def get_oruk_service(request: HttpRequest, service_id: uuid.UUID) -> HttpResponse:
    """Return the full service, as ORUK `GET /services/{id}` does: its organization, its price
    as a cost option and its support kind as an attribute. Any status is returned."""
    signed_in(request)
    service = (
        Service.objects.select_related("provider__local_authority").filter(pk=service_id).first()
    )
    if service is None:
        raise Http404("No service in the directory has that id")
    return oruk_json(export_service(service))


@router.get(
    "/directory/services/{service_id}/history",
    response={200: list[EntryChangeOut], **ERRORS_READ},
    summary="Who changed a service's directory entry, what and when",
)
def get_service_history(request: HttpRequest, service_id: uuid.UUID) -> list[EntryChangeOut]:
    """Every change to the service and to its provider, newest first, with who made it (by
    name) and each field's value before and after, as the directory page shows them."""
    signed_in(request)
    service = Service.objects.select_related("provider").filter(pk=service_id).first()
    if service is None:
        raise Http404("No service in the directory has that id")
    return [
        EntryChangeOut(
            record=entry.record,
            when=entry.change.when.isoformat(),
            created=entry.change.created,
            by=entry.change.who_name,
            how=entry.change.how,
            changes=[FieldChangeOut(field=f, before=b, after=a) for f, b, a in entry.rows],
        )
        for entry in service_entry_history(service)
    ]


class ImportCounts(Schema):
    created: int
    updated: int
    unchanged: int


class ImportReportOut(Schema):
    changed: bool = Field(description="false when the directory already matched the file")
    summary: str
    providers: ImportCounts
    services: ImportCounts
    service_ids: list[uuid.UUID]


_IMPORT_BODY = {
    "requestBody": {
        "required": True,
        "description": (
            "Open Referral UK JSON: a page of full services like GET /services returns "
            "(`contents`), a list of full services, or one full service. Each service needs "
            'a cost option priced "per session" or "per hour" and a support kind attribute '
            "(see docs/directory.md)."
        ),
        "content": {
            "application/json": {
                "schema": {"type": "object", "additionalProperties": True},
                "example": {
                    "contents": [
                        {
                            "id": "5d1e8a47-31c2-4f0b-8e6a-7c9b2d4e6f01",
                            "name": "Speech and language therapy for schools",
                            "status": "active",
                        }
                    ]
                },
            }
        },
    }
}


def _largest_body() -> int:
    return min(MAX_DOCUMENT_BYTES, settings.DATA_UPLOAD_MAX_MEMORY_SIZE or MAX_DOCUMENT_BYTES)


@router.post(
    "/oruk/import",
    response={200: ImportReportOut, **ERRORS_CREATE},
    openapi_extra=_IMPORT_BODY,
    summary="Import Open Referral UK services into the directory",
)
def import_oruk_services(request: HttpRequest) -> Any:
    """Upsert the organizations and services in an ORUK document, all or nothing: a file that
    breaks the schema, or lacks a price or support kind, is refused with 422 listing every fault
    by JSON path, and nothing is saved. Importing the same file again changes nothing.
    A provider or service may be changed only by its owner (the provider, or the local
    authority that published it); a file that would change someone else's is refused the same
    way, naming each such record. For administrators, cluster leads, LA caseworkers and
    providers' staff."""
    user = signed_in(request)
    if not holds(user, Duty.MANAGE_DIRECTORY) and not publisher_for(user):
        raise PermissionDenied(
            "Only an administrator, a cluster lead, or a local authority or provider publishing "
            "its own services may import services"
        )
    length = str(request.META.get("CONTENT_LENGTH") or "0")
    declared = int(length) if length.isascii() and length.isdigit() else 0
    try:
        if declared > _largest_body():
            raise DirectoryImportError(
                f"The body is {declared / 1_048_576:.1f} MB: the largest directory file accepted "
                f"here is {_largest_body() / 1_048_576:.1f} MB. Split it into smaller files"
            )
        document = read_document(request.body, max_bytes=_largest_body())
        report = import_services(document, by=user)
    except DirectoryImportError as exc:
        errors = [FieldError(field=p.path, message=p.rule) for p in exc.problems] or [
            FieldError(field=None, message=exc.summary)
        ]
        return problem_response(request, 422, exc.summary, kind=VALIDATION, errors=errors)
    return ImportReportOut(
        changed=report.changed,
        summary=report.summary(),
        providers=ImportCounts(**report.counts["providers"]),
        services=ImportCounts(**report.counts["services"]),
        service_ids=report.service_ids,
    )
