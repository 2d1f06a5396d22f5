"""The service navigation a signed-in person sees: each page's item is shown exactly when the person
holds the duty (`access.standing`) that page's own gate requires."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from passport.access.policies import (
    is_family,
    may_review_break_glass,
    may_use_emergency_access,
    school_groups_visible_to,
)
from passport.access.standing import Duty, holds
from passport.funding.standing import commissions_delivered_by
from passport.people.models import User


def navigation_items(request: HttpRequest) -> list[dict[str, object]]:
    """Return GOV.UK service navigation items for the signed-in person."""
    user = request.user
    if not isinstance(user, User) or getattr(request, "second_factor_pending", False):
        return []
    items = [("Children", reverse("children"))]
    if holds(user, Duty.LEAD_SETTING):
        items.append(("New arrivals", reverse("new-arrivals")))
        items.append(("Phase transfers", reverse("phase-transfers")))
        items.append(("Leavers", reverse("leavers")))
    if holds(user, Duty.LA_CASEWORK):
        items.append(("Overdue confirmations", reverse("overdue-confirmations")))
        items.append(("EHC plans", reverse("ehcp-dashboard")))
        items.append(("SEN2 return", reverse("sen2-return")))
        items.append(("Term dates", reverse("term-dates")))
    # Cluster leads, the SENCOs and heads of a group's settings (manage_school_group,
    # lead_setting) and professionals delivering a commission: the funding page's own test.
    if school_groups_visible_to(user).exists() or commissions_delivered_by(user).exists():
        items.append(("Funding", reverse("funding")))
    if holds(user, Duty.PROTECT_DATA):
        items.append(("Data protection", reverse("data-protection")))
    if may_review_break_glass(user):
        items.append(("Emergency access reviews", reverse("break-glass-reviews")))
    # The directory is open to everyone signed in; the menu offers it to those who commission or
    # refer, not to families.
    if not is_family(user):
        items.append(("Service directory", reverse("directory")))
    if may_use_emergency_access(user):
        items.append(("Emergency access", reverse("break-glass")))
    return [
        {"href": href, "text": text, "active": request.path.startswith(href)}
        for text, href in items
    ]
