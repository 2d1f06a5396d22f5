"""The EHC plan, sections A to K, as a tagged PDF: the plan page's own template with the print
layout. A download is a read: gated, sectioned and audited as the plan page is."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseNotAllowed

from passport.access.policies import Action
from passport.core.dates import today
from passport.core.policy import current_pack
from passport.ehcp import services
from passport.passports import documents
from passport.web.http import AuthenticatedRequest


@login_required
def plan_pdf(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    """The child's newest plan, whatever its status, as the plan page shows it (a child with no
    plan gets the page's own words for that)."""
    # Authorise before anything else, so a stranger gets 404 whatever the method.
    child = services.child_with_ehcp(request.user, child_id, Action.READ)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    plan = services.current_plan(child)
    context: dict[str, Any] = {"child": child, "plan": plan, "today": today()}
    if plan is not None:
        context |= {
            "outcomes": list(plan.outcomes.all()),
            "provisions": list(plan.provisions.select_related("outcome")),
            "ceasing_reason_name": {
                reason.code: reason.name for reason in current_pack().ehcp.ceasing_reasons
            }.get(plan.ceasing_reason, plan.ceasing_reason),
        }
    status = f"{plan.get_status_display()} EHC plan" if plan else "EHC plan"
    return documents.pdf_response(
        request,
        "ehcp/plan.html",
        context,
        child=child,
        document="ehc-plan",
        title=f"{child.full_name}: {status}",
    )
