"""The service navigation a signed-in person sees, from the roles they hold today."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from passport.access.policies import (
    may_review_break_glass,
    may_use_emergency_access,
    school_groups_visible_to,
)
from passport.core.dates import today
from passport.people.memberships import live_roles
from passport.people.models import STAFF_ROLES, Role


def navigation_items(request: HttpRequest) -> list[dict[str, object]]:
    """Return GOV.UK service navigation items for the signed-in person."""
    user = request.user
    if not user.is_authenticated or getattr(request, "second_factor_pending", False):
        return []
    roles = live_roles(user, on=today())
    items = [("Children", reverse("children"))]
    if roles & {Role.SENCO, Role.SETTING_HEAD}:
        items.append(("New arrivals", reverse("new-arrivals")))
        items.append(("Phase transfers", reverse("phase-transfers")))
    if Role.LA_CASEWORKER in roles:
        items.append(("Overdue confirmations", reverse("overdue-confirmations")))
        items.append(("EHC plans", reverse("ehcp-dashboard")))
        items.append(("SEN2 return", reverse("sen2-return")))
    if roles & {Role.CLUSTER_LEAD, Role.SENCO, Role.SETTING_HEAD} and (
        school_groups_visible_to(user).exists()
    ):
        items.append(("Funding", reverse("funding")))
    if Role.DATA_PROTECTION_LEAD in roles:
        items.append(("Data protection", reverse("data-protection")))
    if may_review_break_glass(user):
        items.append(("Emergency access reviews", reverse("break-glass-reviews")))
    if roles & STAFF_ROLES:
        items.append(("Service directory", reverse("directory")))
    if may_use_emergency_access(user):
        items.append(("Emergency access", reverse("break-glass")))
    return [
        {"href": href, "text": text, "active": request.path.startswith(href)}
        for text, href in items
    ]
