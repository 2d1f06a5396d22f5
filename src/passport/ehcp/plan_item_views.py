"""Pages changing one thing at a time: an outcome (section E) or a provision item (section F)
of a draft plan, and an annual review meeting's notice and report. Each view parses, authorises
through `access`, calls one service and renders."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from passport.access.policies import Action
from passport.children.models import Child
from passport.core.errors import StaleVersion
from passport.core.policy import current_pack
from passport.ehcp import forms, services
from passport.ehcp.models import Plan, PlanOutcome, PlanProvision
from passport.ehcp.services import case_steps
from passport.ehcp.services.plan_content import (
    outcomes_with,
    outcomes_without,
    provisions_with,
)
from passport.ehcp.services.reviews import latest_review
from passport.passports.services import submit_once
from passport.web.http import AuthenticatedRequest


def _draft(request: AuthenticatedRequest, child_id: int) -> tuple[Child, Plan | None]:
    child = services.child_with_ehcp(request.user, child_id, Action.DECIDE)
    plan = services.current_plan(child)
    return child, plan if plan is not None and plan.status == Plan.Status.DRAFT else None


def _no_draft(request: AuthenticatedRequest, child: Child) -> HttpResponse:
    if request.method == "POST":
        raise Http404("No draft plan to change")
    return render(request, "ehcp/no_draft.html", {"child": child})


def _position(request: AuthenticatedRequest, count: int) -> int | None:
    """The item number the page is for (None to add one); a number the plan lacks is a 404."""
    value = request.POST.get("item") or request.GET.get("item") or ""
    if not value:
        return None
    if not (value.isascii() and value.isdigit() and len(value) < 4 and 1 <= int(value) <= count):
        raise Http404("No such item")
    return int(value)


def _here(name: str, child: Child, position: int | None) -> str:
    address = reverse(name, args=[child.pk])
    return f"{address}?item={position}" if position else address


def _item_conflict(
    request: AuthenticatedRequest,
    child: Child,
    plan: Plan,
    what: str,
    action: str,
    rows: list[tuple[str, str, str]],
) -> HttpResponse:
    """The draft plan's conflict page, for one item typed on a page that went stale."""
    return render(
        request,
        "passports/section_conflict.html",
        {
            "child": child,
            "section": what,
            "action": action,
            "current_version": plan.version,
            "rows": rows,
            "resubmit": [
                (name, value)
                for name in request.POST
                if name not in ("version", "csrfmiddlewaretoken")
                for value in request.POST.getlist(name)
            ],
            "back": (reverse("ehcp-plan", args=[child.pk]), "Back to the EHC plan"),
            "history_note": "Saving your version makes the plan's next version from the saved "
            "one. The plan's history keeps both.",
        },
        status=409,
    )


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _change(
    request: AuthenticatedRequest,
    child: Child,
    plan: Plan,
    form: forms.ItemVersionForm,
    **items: Any,
) -> StaleVersion | None:
    """Save the plan's items as given; return the refusal if the page was stale."""
    try:
        services.edit_plan(
            plan, request.user, sections={}, expected_version=form.cleaned_data["version"], **items
        )
    except services.StalePlan as stale:
        return stale
    return None


@login_required
@require_http_methods(["GET", "POST"])
def outcome(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    """Add an outcome to section E of the draft plan, or change one (`?item=N`)."""
    child, plan = _draft(request, child_id)
    if plan is None:
        return _no_draft(request, child)
    saved_items = list(plan.outcomes.all())
    position = _position(request, len(saved_items))
    saved = saved_items[position - 1] if position else None
    initial: dict[str, Any] = {"version": plan.version}
    if saved is not None:
        initial |= {
            "description": saved.description,
            "broad_area": saved.broad_area,
            "by_when": saved.by_when,
        }
    form = forms.OutcomeForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        item = services.OutcomeItem(
            form.cleaned_data["description"],
            form.cleaned_data["broad_area"] or "",
            form.cleaned_data["by_when"],
        )
        try:
            stale = _change(
                request, child, plan, form, outcomes=outcomes_with(plan, position, item)
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            if stale is not None:
                now = _saved_item(stale, "outcomes", position)
                return _item_conflict(
                    request,
                    child,
                    stale.plan,  # type: ignore[attr-defined]
                    f"outcome {position}" if position else "the draft EHC plan's outcomes",
                    _here("ehcp-plan-outcome", child, position),
                    [
                        ("Outcome", item.description, _text(getattr(now, "description", ""))),
                        ("Due by", _text(item.by_when), _text(getattr(now, "by_when", ""))),
                    ],
                )
            messages.success(request, "Outcome saved" if position else "Outcome added")
            return redirect("ehcp-plan", child.pk)
    return render(
        request,
        "ehcp/plan_outcome.html",
        {"child": child, "plan": plan, "form": form, "position": position},
    )


def _saved_item(stale: StaleVersion, kind: str, position: int | None) -> Model | None:
    """The item now at `position` of the plan that moved on, if it has one."""
    if position is None:
        return None
    plan: Plan = stale.plan  # type: ignore[attr-defined]
    return getattr(plan, kind).filter(position=position).first()


@login_required
@require_http_methods(["GET", "POST"])
def remove_outcome(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    """Confirm, then remove, one outcome; provision that served it stays, linked to none."""
    child, plan = _draft(request, child_id)
    if plan is None:
        return _no_draft(request, child)
    saved_items = list(plan.outcomes.all())
    position = _position(request, len(saved_items))
    if position is None:
        raise Http404("No outcome named")
    saved: PlanOutcome = saved_items[position - 1]
    form = forms.ItemVersionForm(
        request.POST if request.method == "POST" else None, initial={"version": plan.version}
    )
    if request.method == "POST" and form.is_valid():
        outcomes, provisions = outcomes_without(plan, position)
        stale = _change(request, child, plan, form, outcomes=outcomes, provisions=provisions)
        if stale is not None:
            now = _saved_item(stale, "outcomes", position)
            return _item_conflict(
                request,
                child,
                stale.plan,  # type: ignore[attr-defined]
                f"outcome {position}",
                _here("ehcp-plan-outcome-remove", child, position),
                [("Outcome to remove", saved.description, _text(getattr(now, "description", "")))],
            )
        messages.success(request, f"Outcome {position} removed")
        return redirect("ehcp-plan", child.pk)
    return render(
        request,
        "ehcp/plan_item_remove.html",
        {
            "child": child,
            "form": form,
            "position": position,
            "what": "outcome",
            "text": saved.description,
            "linked": saved.provisions.count(),
        },
    )


def _outcome_choices(plan: Plan) -> list[tuple[int, str]]:
    return [(o.position, o.description[:80]) for o in plan.outcomes.all()]


@login_required
@require_http_methods(["GET", "POST"])
def provision(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    """Add a provision item to section F of the draft plan, or change one (`?item=N`)."""
    child, plan = _draft(request, child_id)
    if plan is None:
        return _no_draft(request, child)
    saved_items = list(plan.provisions.select_related("outcome"))
    position = _position(request, len(saved_items))
    saved = saved_items[position - 1] if position else None
    initial: dict[str, Any] = {"version": plan.version}
    if saved is not None:
        initial |= {
            "description": saved.description,
            "delivered_by": saved.delivered_by,
            "how_often": saved.how_often,
            "outcome_position": saved.outcome.position if saved.outcome else "",
        }
    form = forms.ProvisionForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        outcomes=_outcome_choices(plan),
    )
    if request.method == "POST" and form.is_valid():
        item = services.ProvisionItem(
            form.cleaned_data["description"],
            form.cleaned_data["delivered_by"],
            form.cleaned_data["how_often"],
            form.cleaned_data["outcome_position"],
        )
        try:
            stale = _change(
                request, child, plan, form, provisions=provisions_with(plan, position, item)
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            if stale is not None:
                now = _saved_item(stale, "provisions", position)
                return _item_conflict(
                    request,
                    child,
                    stale.plan,  # type: ignore[attr-defined]
                    f"provision item {position}" if position else "the draft EHC plan's provision",
                    _here("ehcp-plan-provision", child, position),
                    [
                        ("Provision", item.description, _text(getattr(now, "description", ""))),
                        (
                            "Who delivers it",
                            item.delivered_by,
                            _text(getattr(now, "delivered_by", "")),
                        ),
                        ("How often", item.how_often, _text(getattr(now, "how_often", ""))),
                    ],
                )
            messages.success(request, "Provision saved" if position else "Provision added")
            return redirect("ehcp-plan", child.pk)
    return render(
        request,
        "ehcp/plan_provision.html",
        {"child": child, "plan": plan, "form": form, "position": position},
    )


@login_required
@require_http_methods(["GET", "POST"])
def remove_provision(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    """Confirm, then remove, one provision item."""
    child, plan = _draft(request, child_id)
    if plan is None:
        return _no_draft(request, child)
    saved_items = list(plan.provisions.all())
    position = _position(request, len(saved_items))
    if position is None:
        raise Http404("No provision item named")
    saved: PlanProvision = saved_items[position - 1]
    form = forms.ItemVersionForm(
        request.POST if request.method == "POST" else None, initial={"version": plan.version}
    )
    if request.method == "POST" and form.is_valid():
        stale = _change(
            request, child, plan, form, provisions=provisions_with(plan, position, None)
        )
        if stale is not None:
            now = _saved_item(stale, "provisions", position)
            return _item_conflict(
                request,
                child,
                stale.plan,  # type: ignore[attr-defined]
                f"provision item {position}",
                _here("ehcp-plan-provision-remove", child, position),
                [
                    (
                        "Provision to remove",
                        saved.description,
                        _text(getattr(now, "description", "")),
                    )
                ],
            )
        messages.success(request, f"Provision item {position} removed")
        return redirect("ehcp-plan", child.pk)
    return render(
        request,
        "ehcp/plan_item_remove.html",
        {
            "child": child,
            "form": form,
            "position": position,
            "what": "provision item",
            "text": saved.description,
            "linked": 0,
        },
    )


def _final_plan(child: Child) -> Plan | None:
    plan = services.current_plan(child)
    return plan if plan is not None and plan.status == Plan.Status.FINAL else None


@login_required
@require_http_methods(["GET", "POST"])
def review_meeting(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    """Record an annual review meeting with the day its invitations went out."""
    child = services.child_with_ehcp(request.user, child_id, Action.DECIDE)
    plan = _final_plan(child)
    if plan is None and request.method == "POST":
        raise Http404("No final plan to review")
    form = forms.ReviewMeetingPageForm(request.POST if request.method == "POST" else None)
    if plan is not None and request.method == "POST" and form.is_valid():

        def record() -> str:
            case_steps.record_review_meeting(child, request.user, **form.step_arguments())
            return reverse("ehcp-case", args=[child.pk])

        try:
            # The page's one-time token: sending it twice records one meeting.
            next_page = submit_once(request.user, form.cleaned_data["form_token"], record)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, "Review meeting recorded")
            review = latest_review(plan)
            if review is not None and services.notice_was_short(review):
                days = (review.meeting_on - review.invitations_sent_on).days  # type: ignore[operator]
                messages.warning(
                    request,
                    f"The invitations went out {days} days before the meeting: regulation 20 "
                    "of the SEND Regulations 2014 asks for at least 2 weeks' notice",
                )
            return redirect(next_page)
    return render(
        request,
        "ehcp/review_meeting.html",
        {
            "child": child,
            "plan": plan,
            "form": form,
            "notice_days": current_pack().ehcp.review_notice_days,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_report(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    """Record the report of the latest review meeting and the day it was sent."""
    child = services.child_with_ehcp(request.user, child_id, Action.DECIDE)
    plan = services.current_plan(child)
    review = latest_review(plan) if plan is not None else None
    if review is None and request.method == "POST":
        raise Http404("No review meeting recorded")
    initial = {"version": review.version, "report": review.report} if review else {}
    if review is not None and review.report_sent_on:
        initial["sent_on"] = review.report_sent_on
    form = forms.ReviewReportForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    if review is not None and request.method == "POST" and form.is_valid():
        try:
            saved = case_steps.record_review_report(
                child,
                request.user,
                sent_on=form.cleaned_data["sent_on"],
                report=form.cleaned_data["report"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        except StaleVersion:
            review.refresh_from_db()
            return _report_conflict(request, child, review, form)
        else:
            messages.success(request, "Report of the review meeting recorded")
            due = services.report_due_on(saved)
            if saved.report_sent_on and saved.report_sent_on > due:
                messages.warning(
                    request,
                    f"The report was due by {due:%-d %B %Y} (within 2 weeks of the meeting, "
                    "regulation 20 of the SEND Regulations 2014): it is recorded as late",
                )
            return redirect("ehcp-case", child.pk)
    return render(
        request,
        "ehcp/review_report.html",
        {
            "child": child,
            "review": review,
            "form": form,
            "due_on": services.report_due_on(review) if review else None,
        },
    )


def _report_conflict(
    request: AuthenticatedRequest, child: Child, review: Any, form: forms.ReviewReportForm
) -> HttpResponse:
    return render(
        request,
        "passports/section_conflict.html",
        {
            "child": child,
            "section": "the review report",
            "action": reverse("ehcp-review-report", args=[child.pk]),
            "current_version": review.version,
            "rows": [
                ("Report", form.cleaned_data["report"], review.report),
                (
                    "Date sent",
                    _text(form.cleaned_data["sent_on"]),
                    _text(review.report_sent_on),
                ),
            ],
            "resubmit": [
                (name, value)
                for name in request.POST
                if name not in ("version", "csrfmiddlewaretoken")
                for value in request.POST.getlist(name)
            ],
            "back": (reverse("ehcp-case", args=[child.pk]), "Back to the case"),
            "history_note": "Saving your version replaces the saved report.",
        },
        status=409,
    )
