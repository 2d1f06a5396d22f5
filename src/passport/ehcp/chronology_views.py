"""A child's chronology as a printable page and as JSON, for a complaint, the Ombudsman or a
tribunal. Thin: authorise, build, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import render
from django.utils.text import slugify

from passport.access.policies import Action, get_child_for
from passport.ehcp.chronology import Chronology, build_chronology
from passport.web.http import AuthenticatedRequest


def _chronology_for(
    request: AuthenticatedRequest, child_id: int, action: Action
) -> Chronology | HttpResponse:
    # Authorise before anything else, so a stranger gets 404 whatever the method.
    child = get_child_for(request.user, child_id, action)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    return build_chronology(child, sections=child.access_decision.sections)


@login_required
def chronology(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    """Show every dated event of the child's support, with each statutory deadline, to print."""
    record = _chronology_for(request, child_id, Action.PRINT)
    if isinstance(record, HttpResponse):
        return record
    return render(request, "ehcp/chronology.html", {"child": record.child, "chronology": record})


@login_required
def chronology_json(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    """Give the family the chronology as JSON, to attach to a complaint or an appeal."""
    record = _chronology_for(request, child_id, Action.EXPORT)
    if isinstance(record, HttpResponse):
        return record
    response = JsonResponse(
        record.as_json(), json_dumps_params={"indent": 2, "ensure_ascii": False}
    )
    name = slugify(record.child.full_name) or "child"
    response["Content-Disposition"] = (
        f'attachment; filename="chronology-{name}-{record.produced_on.isoformat()}.json"'
    )
    return response
