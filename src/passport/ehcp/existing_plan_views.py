"""The caseworker records an EHC plan that already exists (made before the reform, transferred
in from another local authority, made from birth, or made elsewhere), and confirms the details
of one recorded with details to confirm (issue 16)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from passport.access.policies import Action
from passport.ehcp import forms, services
from passport.ehcp.services import existing_plans
from passport.ehcp.services.plan_content import ProvisionItem, StalePlan
from passport.passports.services import submit_once
from passport.web.http import AuthenticatedRequest


@login_required
@require_http_methods(["GET", "POST"])
def record_existing_plan(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    """Enter a plan as it stands; the page's one-time token records it once."""
    child = services.child_with_ehcp(request.user, child_id, Action.DECIDE)
    current = services.current_plan(child)
    live = current is not None and current.status != "ceased"
    form = forms.ExistingPlanForm(request.POST if request.method == "POST" and not live else None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data

        def record() -> str:
            existing_plans.record_existing_plan(
                child,
                request.user,
                existing_plans.ExistingPlan(
                    route=data["route"],
                    issued_on=data["issued_on"],
                    transferred_from_la_code=data["transferred_from_la_code"],
                    transferred_in_on=data["transferred_in_on"],
                    review_meetings=data["review_meetings"],
                    placement=data["placement_urn"],
                    placement_type=data["placement_type"],
                    sections=form.sections(),
                    provisions=[ProvisionItem(data["section_f"])] if data["section_f"] else [],
                    details_to_confirm=bool(data["details_to_confirm"]),
                ),
                local_authority=existing_plans.maintaining_authority(request.user, child),
            )
            return reverse("ehcp-plan", args=[child.pk])

        try:
            next_page = submit_once(request.user, data["form_token"], record)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, "EHC plan recorded")
            return redirect(next_page)
    return render(
        request,
        "ehcp/existing_plan.html",
        {"child": child, "form": form, "live_plan": current if live else None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def confirm_plan_details(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    """Fill in what was not known when the plan was recorded; a stale page is not saved."""
    child = services.child_with_ehcp(request.user, child_id, Action.DECIDE)
    plan = services.current_plan(child)
    if plan is None or not plan.details_to_confirm or plan.status != "final":
        return render(request, "ehcp/confirm_plan.html", {"child": child, "plan": None})
    initial = {
        "section_a": plan.section_a,
        "section_b": plan.section_b,
        "issued_on": plan.finalised_on,
        "version": plan.version,
    }
    form = forms.ConfirmPlanDetailsForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    if form.is_bound and form.is_valid():
        try:
            existing_plans.confirm_plan_details(
                plan,
                request.user,
                sections=form.sections(),
                issued_on=form.cleaned_data["issued_on"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        except StalePlan as stale:
            return render(
                request,
                "passports/section_conflict.html",
                {
                    "child": child,
                    "section": "the EHC plan",
                    "action": reverse("ehcp-confirm-plan", args=[child.pk]),
                    "current_version": stale.plan.version,
                    "rows": [
                        (str(form.fields[name].label or name), typed, getattr(stale.plan, name))
                        for name, typed in form.sections().items()
                        if typed != getattr(stale.plan, name)
                    ],
                    "resubmit": [
                        (name, value)
                        for name in request.POST
                        if name not in ("version", "csrfmiddlewaretoken")
                        for value in request.POST.getlist(name)
                    ],
                    "back": (reverse("ehcp-plan", args=[child.pk]), "Back to the EHC plan"),
                    "history_note": "Saving your version makes it the plan's next version. The "
                    "plan's history keeps both.",
                },
                status=409,
            )
        else:
            messages.success(request, "EHC plan details confirmed")
            return redirect("ehcp-plan", child.pk)
    return render(request, "ehcp/confirm_plan.html", {"child": child, "form": form, "plan": plan})
