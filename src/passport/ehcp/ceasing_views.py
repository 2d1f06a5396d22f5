"""The page for ceasing a plan: consider and consult, decide and send notice, then the appeal and
the Tribunal's decision. The plan stays live until the time to appeal has passed or the appeal
is decided (Children and Families Act 2014 s45(4)); `passport ehcp_deadlines` ends it then."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from passport.access.policies import Action
from passport.core.errors import StaleVersion
from passport.core.forms import GovukForm
from passport.core.policy import current_pack
from passport.ehcp import ceasing_forms, services
from passport.ehcp.models import CeasingProposal, Plan
from passport.people.models import User
from passport.web.http import AuthenticatedRequest

# The form for the step each state of a proposal waits for; None: nothing under way.
FORMS: dict[str | None, type[GovukForm]] = {
    None: ceasing_forms.ProposeForm,
    CeasingProposal.Status.CONSULTING: ceasing_forms.DecideForm,
    CeasingProposal.Status.NOTIFIED: ceasing_forms.AppealForm,
    CeasingProposal.Status.APPEALED: ceasing_forms.OutcomeForm,
}


def _take_step(
    plan: Plan, proposal: CeasingProposal | None, user: User, data: dict[str, Any]
) -> None:
    if proposal is None:
        services.propose_ceasing(
            plan,
            user,
            reason_code=data["ceasing_reason"],
            proposed_on=data["proposed_on"],
            setting_consulted_on=data["setting_consulted_on"],
        )
    elif proposal.status == CeasingProposal.Status.CONSULTING:
        services.decide_to_cease(
            proposal,
            user,
            notice_sent_on=data["notice_sent_on"],
            setting_consulted_on=data["setting_consulted_on"],
            expected_version=data["version"],
        )
    elif proposal.status == CeasingProposal.Status.NOTIFIED:
        services.record_ceasing_appeal(
            proposal,
            user,
            registered_on=data["registered_on"],
            expected_version=data["version"],
        )
    else:
        services.record_tribunal_outcome(
            proposal,
            user,
            outcome=data["outcome"],
            decided_on=data["decided_on"],
            expected_version=data["version"],
        )


@login_required
@require_http_methods(["GET", "POST"])
def ceasing(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    """Where ceasing the child's plan stands, and the form for its next step."""
    child = services.child_with_ehcp(request.user, child_id, Action.DECIDE)
    plan = services.current_plan(child)
    if plan is None or plan.status != Plan.Status.FINAL:
        return render(request, "ehcp/ceasing.html", {"child": child, "plan": None})
    proposal = services.open_proposal(plan)
    form_class = FORMS[proposal.status if proposal else None]
    initial = {"version": proposal.version} if proposal else {}
    form = form_class(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            _take_step(plan, proposal, request.user, form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        except StaleVersion:
            return render(
                request,
                "ehcp/ceasing.html",
                {"child": child, "plan": plan, "proposal": proposal, "stale": True},
                status=409,
            )
        else:
            messages.success(request, "Ceasing the plan: step recorded")
            return redirect(reverse("ehcp-ceasing", args=[child.pk]))
    return render(
        request,
        "ehcp/ceasing.html",
        {
            "child": child,
            "plan": plan,
            "proposal": proposal,
            "form": form,
            "reasons": {r.code: r.name for r in current_pack().ehcp.ceasing_reasons},
        },
    )
