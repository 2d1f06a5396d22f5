"""Pages for amending a final plan (SEND Regulations 2014 reg 22), one step per page: the notice
of proposed amendments, the family's representations, and issuing the amended plan."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from passport.access.policies import Action
from passport.children.models import Child
from passport.core.errors import StaleVersion
from passport.ehcp import forms, services
from passport.ehcp.models import Amendment, Plan, StatutoryClock
from passport.ehcp.services import case_steps
from passport.web.http import AuthenticatedRequest


def _final(child: Child) -> Plan | None:
    plan = services.current_plan(child)
    return plan if plan is not None and plan.status == Plan.Status.FINAL else None


def _open(plan: Plan | None) -> Amendment | None:
    return plan.amendments.filter(issued_on__isnull=True).first() if plan else None


def _due(amendment: Amendment | None) -> Any:
    if amendment is None:
        return None
    clock = (
        StatutoryClock.objects.filter(
            plan=amendment.plan, clock="amended_plan", starts_on=amendment.notice_sent_on
        )
        .order_by("-pk")
        .first()
    )
    return clock.due_on if clock else None


@login_required
@require_http_methods(["GET", "POST"])
def amendment(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    """The amendment under way with its dates, or the form to send notice of one."""
    child = services.child_with_ehcp(request.user, child_id, Action.DECIDE)
    plan = _final(child)
    under_way = _open(plan)
    form = forms.AmendmentNoticeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if plan is None or under_way is not None:
            raise Http404("No final plan to amend, or an amendment is under way")
        if form.is_valid():
            try:
                case_steps.propose_amendment(
                    child,
                    request.user,
                    proposed=form.cleaned_data["proposed"],
                    notice_sent_on=form.cleaned_data["notice_sent_on"],
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, "Notice of the proposed amendments recorded")
                return redirect("ehcp-amendment", child.pk)
    return render(
        request,
        "ehcp/amendment.html",
        {
            "child": child,
            "plan": plan,
            "amendment": under_way,
            "due_on": _due(under_way),
            "form": form,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def representations(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    """Record the family's representations on the amendment under way."""
    child = services.child_with_ehcp(request.user, child_id, Action.DECIDE)
    under_way = _open(_final(child))
    if under_way is None:
        if request.method == "POST":
            raise Http404("No amendment under way")
        return render(request, "ehcp/no_amendment.html", {"child": child})
    form = forms.RepresentationsForm(
        request.POST if request.method == "POST" else None,
        initial={"version": under_way.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            case_steps.record_representations(
                child,
                request.user,
                received_on=form.cleaned_data["received_on"],
                representations=form.cleaned_data["representations"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        except StaleVersion:
            under_way.refresh_from_db()
            return _conflict(
                request,
                child,
                "the family's representations",
                reverse("ehcp-amendment-representations", args=[child.pk]),
                under_way.version,
                [
                    (
                        "What the family said",
                        form.cleaned_data["representations"],
                        under_way.representations,
                    )
                ],
            )
        else:
            messages.success(request, "The family's representations recorded")
            return redirect("ehcp-amendment", child.pk)
    return render(
        request,
        "ehcp/amendment_representations.html",
        {"child": child, "amendment": under_way, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def issue(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    """Issue the amended plan: its text sections, from the version the page showed."""
    child = services.child_with_ehcp(request.user, child_id, Action.DECIDE)
    plan = _final(child)
    under_way = _open(plan)
    if plan is None or under_way is None:
        if request.method == "POST":
            raise Http404("No amendment under way")
        return render(request, "ehcp/no_amendment.html", {"child": child})
    initial = {name: getattr(plan, name) for name in forms.PlanSectionsForm.base_fields}
    form = forms.AmendedPlanForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            case_steps.issue_amended_plan(
                child,
                request.user,
                issued_on=form.cleaned_data["issued_on"],
                sections=form.sections(),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        except services.StalePlan as stale:
            typed = form.sections()
            return _conflict(
                request,
                child,
                "the EHC plan",
                reverse("ehcp-amendment-issue", args=[child.pk]),
                stale.plan.version,
                [
                    (str(form.fields[name].label), typed[name], getattr(stale.plan, name))
                    for name in typed
                    if typed[name] != getattr(stale.plan, name)
                ],
            )
        else:
            messages.success(request, "Amended plan issued")
            return redirect("ehcp-plan", child.pk)
    return render(
        request,
        "ehcp/amendment_issue.html",
        {"child": child, "amendment": under_way, "due_on": _due(under_way), "form": form},
    )


def _conflict(
    request: AuthenticatedRequest,
    child: Child,
    what: str,
    action: str,
    version: int,
    rows: list[tuple[str, str, str]],
) -> HttpResponse:
    return render(
        request,
        "passports/section_conflict.html",
        {
            "child": child,
            "section": what,
            "action": action,
            "current_version": version,
            "rows": rows,
            "resubmit": [
                (name, value)
                for name in request.POST
                if name not in ("version", "csrfmiddlewaretoken")
                for value in request.POST.getlist(name)
            ],
            "back": (reverse("ehcp-amendment", args=[child.pk]), "Back to the amendment"),
            "history_note": "Saving your version replaces the saved one.",
        },
        status=409,
    )
