"""Pages for consulting the settings a plan may name (CFA 2014 s39(2), s40(2)): one page to
consult a setting, one to record a setting's response."""

from __future__ import annotations

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
from passport.ehcp.models import Plan, SettingConsultation
from passport.ehcp.services import case_steps
from passport.web.http import AuthenticatedRequest


def _draft(child: Child) -> Plan | None:
    plan = services.current_plan(child)
    return plan if plan is not None and plan.status == Plan.Status.DRAFT else None


@login_required
@require_http_methods(["GET", "POST"])
def consultations(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    """The settings consulted on the draft plan, and the form to consult another."""
    child = services.child_with_ehcp(request.user, child_id, Action.DECIDE)
    draft = _draft(child)
    form = forms.ConsultSettingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if draft is None:
            raise Http404("There is no draft plan to consult on")
        if form.is_valid():
            try:
                case_steps.consult_setting(
                    child,
                    request.user,
                    setting=form.cleaned_data["setting_urn"],
                    sent_on=form.cleaned_data["sent_on"],
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, "Setting consulted")
                return redirect("ehcp-consultations", child.pk)
    return render(
        request,
        "ehcp/consultations.html",
        {
            "child": child,
            "plan": draft,
            "consultations": list(draft.consultations.select_related("setting")) if draft else [],
            "form": form,
            "days": services.setting_consultation_days(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def setting_response(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    """Record one consulted setting's response (`?consultation=<id>`), refused if someone else
    recorded it since the page was read."""
    child = services.child_with_ehcp(request.user, child_id, Action.DECIDE)
    draft = _draft(child)
    wanted = request.GET.get("consultation", "")
    consultation = (
        SettingConsultation.objects.select_related("setting")
        .filter(plan=draft, pk=int(wanted))
        .first()
        if draft is not None and wanted.isascii() and wanted.isdigit() and len(wanted) < 12
        else None
    )
    if consultation is None:
        if request.method == "POST":
            raise Http404("No such consultation")
        waiting = list(draft.consultations.select_related("setting")) if draft else []
        return render(
            request,
            "ehcp/setting_response.html",
            {"child": child, "consultation": None, "waiting": waiting},
        )
    initial = {"version": consultation.version}
    form = forms.SettingResponseForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            case_steps.record_setting_response(
                child,
                request.user,
                consultation_id=consultation.pk,
                responded_on=form.cleaned_data["responded_on"],
                response=form.cleaned_data["response"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        except StaleVersion:
            consultation.refresh_from_db()
            return _conflict(request, child, form, consultation)
        else:
            messages.success(request, f"Response from {consultation.setting.name} recorded")
            return redirect("ehcp-consultations", child.pk)
    return render(
        request,
        "ehcp/setting_response.html",
        {"child": child, "consultation": consultation, "form": form},
    )


def _conflict(
    request: AuthenticatedRequest,
    child: Child,
    form: forms.SettingResponseForm,
    saved: SettingConsultation,
) -> HttpResponse:
    """Show the response typed on a stale page beside the one saved, to choose which to keep."""
    action = f"{reverse('ehcp-setting-response', args=[child.pk])}?consultation={saved.pk}"
    return render(
        request,
        "passports/section_conflict.html",
        {
            "child": child,
            "section": f"the response from {saved.setting.name}",
            "action": action,
            "current_version": saved.version,
            "rows": [("What the setting said", form.cleaned_data["response"], saved.response)],
            "resubmit": [
                (name, value)
                for name in request.POST
                if name not in ("version", "csrfmiddlewaretoken")
                for value in request.POST.getlist(name)
            ],
            "back": (reverse("ehcp-consultations", args=[child.pk]), "Back to consultations"),
            "history_note": "Saving your version replaces the saved response.",
        },
        status=409,
    )
