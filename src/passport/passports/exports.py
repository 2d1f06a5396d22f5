"""Subject access: everything held about a child, and who has seen it, for the family.

UK GDPR Art. 15 gives a month; we produce it at once. The same record is offered as JSON (for
another service or an adviser) and as a readable document (for the family).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import models

from passport.access.models import Consent, ParentalAccessChoice, Referral
from passport.audit.services import events_for_child
from passport.children.models import Child
from passport.core.policy import current_pack
from passport.passports.models import Passport
from passport.passports.services import ITEM_SECTIONS, passport_history

FORMAT_VERSION = "1"


def _fields(row: models.Model, *, leave_out: tuple[str, ...] = ()) -> dict[str, Any]:
    """Return a row's own fields as JSON-ready values."""
    values: dict[str, Any] = {}
    for field in row._meta.concrete_fields:
        if field.name in leave_out or field.name == "passport":
            continue
        value = getattr(row, field.attname)
        values[field.name] = (
            value.isoformat() if isinstance(value, dt.date | dt.datetime) else value
        )
    return values


def subject_access_record(child: Child) -> dict[str, Any]:
    """Gather everything the service holds about a child into one document."""
    pack = current_pack()
    passport = Passport.objects.filter(child=child).first()
    record: dict[str, Any] = {
        "format": f"support-passport-subject-access/{FORMAT_VERSION}",
        "produced_at": dt.datetime.now(dt.UTC).isoformat(),
        "policy_pack": pack.pack.version,
        "child": _fields(child, leave_out=("own_account",)),
        "enrolments": [
            {**_fields(e, leave_out=("child",)), "setting_name": e.setting.name}
            for e in child.enrolments.select_related("setting")
        ],
        "parental_responsibility": [
            {
                "name": str(r.person),
                "email": r.person.email,
                "relationship": r.relationship,
                "starts_on": r.starts_on.isoformat(),
                "ends_on": r.ends_on.isoformat() if r.ends_on else None,
            }
            for r in child.parental_responsibilities.select_related("person")
        ],
        "passport": None,
        "professionals": [
            {
                "provider": r.provider.name,
                "service": r.service,
                "starts_on": r.starts_on.isoformat(),
                "ends_on": r.ends_on.isoformat() if r.ends_on else None,
            }
            for r in Referral.objects.filter(child=child).select_related("provider")
        ],
        "consents": [
            {
                "provider": c.provider.name,
                "sections": c.sections,
                "given_by": str(c.given_by),
                "given_at": c.given_at.isoformat(),
                "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None,
            }
            for c in Consent.objects.filter(child=child).select_related("provider", "given_by")
        ],
        "sharing_choices": [
            {
                "parent": str(c.parent),
                "keeps_access": c.keeps_access,
                "decided_at": c.decided_at.isoformat(),
            }
            for c in ParentalAccessChoice.objects.filter(child=child).select_related("parent")
        ],
        "access_history": [
            {
                "when": e.occurred_at.isoformat(),
                "who": e.actor_name,
                "role": e.role,
                "acting_for": e.acting_for,
                "relationship": e.relationship,
                "action": e.action,
                "sections": e.sections,
                "reason": e.reason,
                "allowed": e.allowed,
                "emergency": e.flagged,
            }
            for e in events_for_child(child.pk)
        ],
    }
    if passport is not None:
        record["passport"] = {
            **_fields(passport, leave_out=("child", "updated_by")),
            "ranked_needs": [_fields(n) for n in passport.ranked_needs.all()],
            "about_me_contributions": [
                {**_fields(c, leave_out=("author",)), "author": str(c.author)}
                for c in passport.about_me_contributions.select_related("author")
            ],
            "layers": [
                {
                    **_fields(a, leave_out=("recorded_by",)),
                    "layer_name": pack.layer_name(a.layer),
                    "recorded_by": str(a.recorded_by),
                }
                for a in passport.layer_assignments.select_related("recorded_by")
            ],
            **{
                section.replace("-", "_"): [
                    _fields(item) for item in model.objects.filter(passport=passport)
                ]
                for section, model in ITEM_SECTIONS.items()
            },
            "versions": [
                {
                    "when": c.when.isoformat(),
                    "who": c.who,
                    "section": c.section,
                    "change": c.what,
                    "fields": c.fields,
                }
                for c in passport_history(passport, limit=10_000)
            ],
        }
    return record


def download_name(child: Child, extension: str) -> str:
    """Return a safe file name: letters, digits and hyphens only, whatever the child is called."""
    stem = (
        re.sub(r"[^a-z0-9]+", "-", f"{child.given_name} {child.family_name}".lower()).strip("-")
        or "child"
    )
    return f"support-passport-{stem[:40]}-{dt.date.today():%Y-%m-%d}.{extension}"
