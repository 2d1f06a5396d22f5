"""The demo directory: Bristol providers and services, imported from an Open Referral UK file
through the same import a local authority would use."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from django.db.models import ProtectedError

from passport.directory.models import Service
from passport.directory.services import ImportReport, import_services, read_document
from passport.organisations.models import LocalAuthority, Provider

DEMO_FILE = Path(__file__).resolve().parent / "bristol_services.json"


def _organizations() -> dict[uuid.UUID, str]:
    document = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    return {
        uuid.UUID(service["organization"]["id"]): service["organization"]["name"]
        for service in document["contents"]
    }


def build_directory(local_authority: LocalAuthority) -> ImportReport:
    """Import the demo file; providers the demo already made (same name, same LA) are matched.

    The demo makes its NHS trust and LA service before the directory, with ids of their own;
    giving them the file's organization ids lets the import update them rather than add twins.
    """
    for oruk_id, name in _organizations().items():
        Provider.objects.filter(
            name=name, local_authority=local_authority, services__isnull=True
        ).exclude(oruk_id=oruk_id).update(oruk_id=oruk_id)
    document = read_document(DEMO_FILE.read_bytes())
    return import_services(document, by=None, local_authority=local_authority)


def remove_demo_directory() -> int:
    """Delete the demo file's services and the providers it describes; return services deleted."""
    document = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    service_ids = [service["id"] for service in document["contents"]]
    deleted, _ = Service.objects.filter(id__in=service_ids).delete()
    for provider in Provider.objects.filter(oruk_id__in=list(_organizations())):
        try:
            provider.delete()
        except ProtectedError:
            continue  # still referred to (a membership, a referral): the demo removes those first
    return deleted
