"""Pages for EHC needs assessments and plans. Each view parses, authorises through `access`,
calls one service and renders."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from passport.access.policies import Action, audit_children_listed, visible_children
from passport.access.standing import Duty, require
from passport.children.models import Child
from passport.core.clocks import Clock, deadline, limit_in_words
from passport.core.dates import today
from passport.core.policy import current_pack
from passport.ehcp import forms, services
from passport.ehcp.models import AdviceRequest, AssessmentRequest, Plan
from passport.ehcp.services import case_steps, existing_plans
from passport.passports.models import Review
from passport.passports.services import submit_once
from passport.web.http import AuthenticatedRequest

PAGE_SIZE = 25


def _plan_context(plan: Plan | None) -> dict[str, Any]:
    if plan is None:
        return {}
    return {
        "plan": plan,
        "outcomes": list(plan.outcomes.all()),
        "provisions": list(plan.provisions.select_related("outcome")),
        "ceasing_reason_name": {r.code: r.name for r in current_pack().ehcp.ceasing_reasons}.get(
            plan.ceasing_reason, plan.ceasing_reason
        ),
        "under_five_review_by": existing_plans.next_recommended_review(plan),
    }


@login_required
@require_http_methods(["GET", "POST"])
def request_assessment(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    """A parent, young person or SENCO asks the LA for an EHC needs assessment."""
    child = services.child_with_ehcp(request.user, child_id, Action.REQUEST_ASSESSMENT)
    review_id = request.POST.get("review") or request.GET.get("review") or ""
    review = (
        Review.objects.filter(pk=int(review_id), passport__child=child).first()
        if review_id.isascii() and review_id.isdigit() and len(review_id) < 12
        else None
    )
    form = forms.RequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():

        def send() -> str:
            services.request_assessment(
                child, request.user, reason=form.cleaned_data["reason"], source_review=review
            )
            return reverse("ehcp-timeline", args=[child.pk])

        try:
            # The page's one-time token: sending it twice sends one request.
            next_page = submit_once(request.user, form.cleaned_data["form_token"], send)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, "Request for an EHC needs assessment sent")
            return redirect(next_page)
    evidence, _ = services.passport_evidence(child)
    return render(
        request,
        "ehcp/request.html",
        {
            "child": child,
            "form": form,
            "review": review,
            "evidence": evidence,
            "open_request": services.current_request(child)
            if AssessmentRequest.objects.filter(
                child=child, status__in=AssessmentRequest.OPEN
            ).exists()
            else None,
            "decide_by": deadline(Clock.DECIDE_TO_ASSESS, today()),
            "limit": limit_in_words(Clock.DECIDE_TO_ASSESS),
        },
    )


@login_required
def timeline(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    """The family's (and everyone's) plain-English timeline: each step and its legal limit."""
    child = services.child_with_ehcp(request.user, child_id, Action.READ)
    request_row = services.current_request(child)
    plan = services.current_plan(child)
    actions = child.permitted_actions
    return render(
        request,
        "ehcp/timeline.html",
        {
            "child": child,
            "assessment": request_row,
            "decisions": list(request_row.decisions.all()) if request_row else [],
            "steps": services.timeline(child),
            "reviews": list(plan.annual_reviews.order_by("meeting_on")) if plan else [],
            "may_request": Action.REQUEST_ASSESSMENT in actions
            and not (request_row and request_row.is_open)
            and not (plan and plan.status == Plan.Status.FINAL),
            "may_decide": Action.DECIDE in actions,
            **_plan_context(plan),
        },
    )


# The case page's forms, by the `step` each POST names (`services.case_steps.STEPS`).
CASE_FORMS: dict[str, type[forms.CaseStepForm]] = {
    "decide": forms.DecideToAssessForm,
    "advice": forms.AdviceForm,
    "advice_received": forms.AdviceReceivedForm,
    "not_to_issue": forms.NotToIssueForm,
    "draft": forms.DraftForm,
    "family_response": forms.FamilyResponseForm,
    "finalise": forms.FinaliseForm,
    "review_meeting": forms.ReviewMeetingForm,
    "review_decision": forms.ReviewDecisionForm,
}
# What to tell the caseworker once a step is recorded.
DONE = {
    "decide": "Decision whether to assess recorded",
    "advice": "Advice asked for",
    "advice_received": "Advice recorded as received",
    "not_to_issue": "Decision not to issue a plan recorded",
    "draft": "Draft plan issued",
    "family_response": "The family's response recorded",
    "finalise": "Final plan issued",
    "review_meeting": "Review meeting recorded",
    "review_decision": "Decision after the review recorded",
    "exception": "Exception recorded",
}


def _open_advice(child: Child) -> list[tuple[int, str]]:
    return [
        (a.pk, f"{a.adviser} (asked {a.asked_on:%-d %B %Y})")
        for a in AdviceRequest.objects.filter(request__child=child, received_on__isnull=True)
    ]


def _case_form(step: str, child: Child, data: Any = None) -> forms.CaseStepForm:
    if step == "exception":
        return _exception_form(child, data)
    if step == "advice_received":
        return forms.AdviceReceivedForm(data, advice=_open_advice(child))
    return CASE_FORMS[step](data)


def _exception_form(child: Child, data: Any = None) -> forms.ExceptionForm:
    running = [
        (step.clock.pk, f"{step.title} (due {step.clock.due_on:%-d %B %Y})")
        for step in services.timeline(child)
        if step.clock.is_running and services.exceptions_for(step.clock.clock)
    ]
    return forms.ExceptionForm(data, clocks=running)


@login_required
@require_http_methods(["GET", "POST"])
def case(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    """The LA caseworker's case page: the next step, its legal date, and the forms to record it."""
    child = services.child_with_ehcp(request.user, child_id, Action.DECIDE)
    failed: forms.CaseStepForm | None = None
    step = request.POST.get("step", "")
    if request.method == "POST":
        if step != "exception" and step not in CASE_FORMS:
            raise Http404("No such step")
        form = _case_form(step, child, request.POST)
        if form.is_valid():

            def take() -> str:
                case_steps.take(step, child, request.user, **form.step_arguments())
                return reverse("ehcp-case", args=[child.pk])

            try:
                # Each form's one-time token: sending it twice takes the step once.
                next_page = submit_once(request.user, form.cleaned_data["form_token"], take)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, DONE[step])
                return redirect(next_page)
        failed = form
    assessment = services.current_request(child)
    plan = services.current_plan(child)

    def bound(name: str) -> forms.CaseStepForm:
        if failed is not None and step == name:
            return failed
        return _case_form(name, child)

    steps = services.timeline(child)
    running = [s for s in steps if s.clock.is_running]
    open_review = services.open_review(child) if plan and plan.status == Plan.Status.FINAL else None
    return render(
        request,
        "ehcp/case.html",
        {
            "child": child,
            "assessment": assessment,
            "steps": steps,
            "next_steps": running,
            "form": failed,
            "forms": {name: bound(name) for name in CASE_FORMS},
            "exception_form": failed if step == "exception" and failed else _exception_form(child),
            "open_advice": _open_advice(child),
            "advice": list(assessment.advice_requests.all()) if assessment else [],
            "open_review": open_review,
            "today": today(),
            **_plan_context(plan),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    """The plan, sections A to K; the caseworker edits a draft's text sections here."""
    child = services.child_with_ehcp(request.user, child_id, Action.READ)
    current = services.current_plan(child)
    if current is None:
        return render(request, "ehcp/plan.html", {"child": child, "plan": None})
    may_edit = Action.DECIDE in child.permitted_actions and current.status == Plan.Status.DRAFT
    form = None
    if may_edit:
        initial = {name: getattr(current, name) for name in forms.PlanSectionsForm.base_fields}
        form = forms.PlanSectionsForm(
            request.POST if request.method == "POST" else None, initial=initial
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.edit_plan(
                    current,
                    request.user,
                    sections=form.sections(),
                    expected_version=form.cleaned_data["version"],
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            except services.StalePlan as stale:
                return _plan_conflict(request, child, form, stale.plan)
            else:
                messages.success(request, "Draft plan saved")
                return redirect("ehcp-plan", child.pk)
    elif request.method == "POST":
        raise Http404("This plan cannot be changed here")
    return render(
        request,
        "ehcp/plan.html",
        {"child": child, "form": form, "may_edit": may_edit, **_plan_context(current)},
    )


def _plan_conflict(
    request: AuthenticatedRequest, child: Child, form: forms.PlanSectionsForm, saved: Plan
) -> HttpResponse:
    """Show the sections typed on a stale page beside the saved plan, to choose which to keep."""
    typed = form.sections()
    return render(
        request,
        "passports/section_conflict.html",
        {
            "child": child,
            "section": "the draft EHC plan",
            "action": reverse("ehcp-plan", args=[child.pk]),
            "current_version": saved.version,
            # The sections where the two versions differ.
            "rows": [
                (str(form.fields[name].label), typed[name], getattr(saved, name))
                for name in typed
                if typed[name] != getattr(saved, name)
            ],
            "resubmit": [
                (name, value)
                for name in request.POST
                if name not in ("version", "csrfmiddlewaretoken")
                for value in request.POST.getlist(name)
            ],
            "back": (reverse("ehcp-plan", args=[child.pk]), "Back to the EHC plan"),
            "history_note": "Saving your version replaces the saved version as the plan's "
            "next version. The plan's history keeps both.",
        },
        status=409,
    )


def _page(queryset: Any, number: int) -> tuple[list[Any], bool]:
    """Return one page of rows and whether there is another, in one query (no count)."""
    start = (number - 1) * PAGE_SIZE
    rows = list(queryset[start : start + PAGE_SIZE + 1])
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def _page_number(value: str | None) -> int:
    if not (value and value.isascii() and value.isdigit() and len(value) < 5):
        return 1
    return max(int(value), 1)


@login_required
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    """The LA caseworker's EHC caseload: overdue, due this week and at risk."""
    require(request.user, Duty.LA_CASEWORK)
    sections = services.dashboard_sections(visible_children(request.user))
    on = today()
    shown = []
    listed: list[int] = []
    for key, title in (
        ("overdue", "Overdue"),
        ("due_this_week", "Due this week"),
        ("at_risk", f"At risk: due within {current_pack().ehcp.at_risk_days} days"),
    ):
        number = _page_number(request.GET.get(f"{key}_page"))
        rows, more = _page(sections[key], number)
        listed.extend(clock.child_id for clock in rows)
        shown.append(
            {
                "key": key,
                "title": title,
                "steps": [services.step_for(clock, on) for clock in rows],
                "page": number,
                "more": more,
            }
        )
    audit_children_listed(request.user, listed, "EHC plans dashboard")
    return render(request, "ehcp/dashboard.html", {"sections": shown, "today": on})
