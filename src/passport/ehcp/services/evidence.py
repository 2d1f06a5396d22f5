"""The passport read as evidence for an EHC needs assessment, and as the start of a draft plan."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from passport.children.models import Child
from passport.core.dates import today
from passport.core.policy import current_pack
from passport.ehcp.services.plan_content import OutcomeItem, ProvisionItem, Sections
from passport.passports.models import Passport


def _need_name(code: str) -> str:
    need = current_pack().need_type(code)
    return need.name if need else code


def passport_evidence(child: Child) -> tuple[dict[str, Any], int | None]:
    """Return the passport as evidence for a request: needs, what works, support and outcomes."""
    passport = Passport.objects.filter(child=child).first()
    if passport is None:
        return {}, None
    return (
        {
            "needs_description": passport.needs_description,
            "sen_provision": passport.sen_provision,
            "need_types": [_need_name(n.need_type) for n in passport.ranked_needs.order_by("rank")],
            "what_works": [s.description for s in passport.strategies.all()],
            "support": [
                {"what": s.description, "by": s.delivered_by, "amount": s.amount}
                for s in passport.support_items.filter(
                    Q(ends_on__isnull=True) | Q(ends_on__gte=today())
                )
            ],
            "outcomes": [
                {"outcome": o.description, "progress": o.get_progress_display()}
                for o in passport.outcomes.all()
            ],
            "reviews": [
                {"held_on": r.held_on.isoformat(), "decision": r.get_decision_display()}
                for r in passport.reviews.all()[:3]
            ],
        },
        passport.version,
    )


def prefill_from_passport(child: Child) -> tuple[Sections, list[OutcomeItem], list[ProvisionItem]]:
    """Return sections A and B, outcomes (E) and provision (F) drawn from the passport."""
    passport = Passport.objects.filter(child=child).first()
    if passport is None:
        return {}, [], []
    views = [
        ("What people like and admire about me", passport.liked_about_me),
        ("What is important to me", passport.matters_to_me),
        ("How best to support me", passport.how_to_support_me),
    ]
    section_a = "\n\n".join(f"{label}: {text}" for label, text in views if text)
    needs = [_need_name(n.need_type) for n in passport.ranked_needs.order_by("rank")]
    section_b = "\n\n".join(part for part in ("; ".join(needs), passport.needs_description) if part)
    # A passport target already past is not carried: an EHC plan's outcome looks ahead (SEND
    # Code of Practice 9.66), so the caseworker gives it a new date on the outcome's page.
    outcomes = [
        OutcomeItem(
            o.description,
            by_when=o.target_date if o.target_date and o.target_date >= today() else None,
        )
        for o in passport.outcomes.all()
    ]
    provisions = [
        ProvisionItem(s.description, delivered_by=s.delivered_by, how_often=s.amount)
        for s in passport.support_items.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today()))
    ]
    return {"section_a": section_a, "section_b": section_b}, outcomes, provisions
