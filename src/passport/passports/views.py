"""Pages for the support passport. Each view parses, authorises through `access`, calls one
service and renders."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from passport.access.forms import SECTION_NAMES
from passport.access.policies import (
    Action,
    audit_children_listed,
    get_child_for,
    is_family,
    narrowed_to_section,
    record_identifier_matches,
    searched,
    sections_for_children,
    visible_children,
)
from passport.access.rules import current_rules
from passport.access.standing import Duty, holders, holds, require
from passport.children.models import Child, Enrolment, ParentalResponsibility
from passport.children.services import ChildDetails, IdentifierErrors, add_child_on_roll
from passport.core.dates import today
from passport.core.forms import GovukForm
from passport.core.policy import current_pack
from passport.organisations.models import Setting
from passport.passports import documents, exports, services
from passport.passports.extensions import delivered_support
from passport.passports.forms import (
    ITEM_FORMS,
    AboutMeForm,
    ChildForm,
    ContributionForm,
    ItemForm,
    LayerForm,
    NeedsForm,
    RemoveItemForm,
)
from passport.passports.models import AboutMeContribution, LayerAssignment, Passport, Review
from passport.passports.queries import current_layer_code, next_review_due, primary_need_code
from passport.web.http import AuthenticatedRequest

PAGE_SIZE = 50

SECTION_TITLES = {
    "what-works": ("What works", "Add what works", "Change what works"),
    "support": ("Support in place", "Add support", "Change support"),
    "outcomes": ("Outcomes", "Add an outcome", "Change an outcome"),
    "reviews": ("Reviews", "Record a review", "Change a review"),
}


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    """Send everyone to the list of the children they work with or care for."""
    return redirect("children")


@login_required
def children_list(request: AuthenticatedRequest) -> HttpResponse:
    """List the children the user may see, with search and filters."""
    pack = current_pack()
    query = request.GET.get("q", "").strip()[:100]
    layer = request.GET.get("layer", "")
    need = request.GET.get("need", "")
    children = (
        visible_children(request.user)
        .select_related("passport")
        .annotate(
            layer_now=current_layer_code(),
            primary_need=primary_need_code(),
            review_due=next_review_due(),
        )
        .order_by("family_name", "given_name", "pk")
    )
    # A filter on a section finds only children whose record shows the reader that section.
    if query:
        children = searched(children, request.user, query)
    if layer in dict(pack.layer_choices()):
        children = narrowed_to_section(children, request.user, "layer").filter(layer_now=layer)  # type: ignore[misc]
    if need in dict(pack.need_type_choices()):
        children = narrowed_to_section(children, request.user, "needs").filter(
            passport__ranked_needs__need_type=need
        )
    page = Paginator(children, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = sections_for_children(request.user, [child.pk for child in page.object_list])
    for child in page.object_list:
        child.sections_shown = shown.get(child.pk, frozenset())
    audit_children_listed(
        request.user, [child.pk for child in page.object_list], f"children list page {page.number}"
    )
    return render(
        request,
        "passports/children_list.html",
        {
            "page": page,
            "query": query,
            "layer": layer,
            "need": need,
            "can_add": holds(request.user, Duty.ADD_CHILDREN),
            "can_record_without_setting": holds(request.user, Duty.LA_CASEWORK),
            "today": today(),
            "is_family": is_family(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_child(request: AuthenticatedRequest) -> HttpResponse:
    """Put a new child on roll at the user's setting and open their passport."""
    adding = require(request.user, Duty.ADD_CHILDREN)
    setting_choices = Setting.objects.filter(pk__in=adding.settings)
    form = ChildForm(request.POST or None, settings_queryset=setting_choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        details = ChildDetails(
            given_name=data["given_name"],
            family_name=data["family_name"],
            preferred_name=data["preferred_name"],
            date_of_birth=data["date_of_birth"],
            upn=data["upn"],
            uln=data["uln"],
            nhs_number=data["nhs_number"],
            upn_la_code_confirmed=data["upn_la_code_confirmed"],
        )
        try:
            child = add_child_on_roll(details, data["setting"], data["starts_on"])
        except ValidationError as exc:
            if isinstance(exc, IdentifierErrors):
                record_identifier_matches(request.user, data["setting"].name, exc.matches)
            form.add_service_errors(exc)
        else:
            services.start_passport(child, request.user)
            messages.success(
                request, f"{child.full_name} has been added and their passport started"
            )
            return redirect("passport", child.pk)
    return render(request, "passports/add_child.html", {"form": form})


def _passport_for(
    request: AuthenticatedRequest, child_id: int, action: Action
) -> tuple[Child, Passport]:
    child = get_child_for(request.user, child_id, action)
    passport = Passport.objects.filter(child=child).first()
    if passport is None:
        raise Http404("This child has no passport yet")
    return child, passport


def hidden_section_names(shown: frozenset[str]) -> list[str]:
    """Name, in the order the access rules list them, the sections this reader does not see:
    the same names the family saw when choosing what to share."""
    names = {**SECTION_NAMES, "ehcp": "EHC needs assessment and plan"}
    return [names.get(s, s) for s in current_rules().sections if s not in shown]


@login_required
@require_POST
def start_passport(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    """Open a passport for a child on roll who does not have one."""
    child = get_child_for(request.user, child_id, Action.WRITE)
    services.start_passport(child, request.user)
    return redirect("passport", child.pk)


@login_required
def passport_page(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    """Show the whole passport, with change links for those who may change it."""
    child = get_child_for(request.user, child_id, Action.READ)
    passport = _whole_passport(child)
    return render(request, "passports/passport.html", _passport_context(request, child, passport))


@login_required
def passport_pdf(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    """The passport page as a tagged PDF: the same reader, the same sections, the same audit row
    (a read, its path saying it was the PDF)."""
    child = get_child_for(request.user, child_id, Action.READ)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    passport = _whole_passport(child)
    if passport is None:
        raise Http404("This child has no passport yet")
    return documents.pdf_response(
        request,
        "passports/passport.html",
        _passport_context(request, child, passport),
        child=child,
        document="support-passport",
        title=f"{child.name_for(child.access_decision.sections)}: support passport",
    )


def _whole_passport(child: Child) -> Passport | None:
    return (
        Passport.objects.filter(child=child)
        .prefetch_related(
            "ranked_needs",
            "strategies",
            "support_items",
            "outcomes",
            "reviews",
            Prefetch(
                "layer_assignments",
                queryset=LayerAssignment.objects.select_related("recorded_by", "school_group"),
            ),
            Prefetch(
                "about_me_contributions",
                queryset=AboutMeContribution.objects.select_related("author"),
            ),
        )
        .first()
    )


def _passport_context(
    request: AuthenticatedRequest, child: Child, passport: Passport | None
) -> dict[str, Any]:
    pack = current_pack()
    layers = list(passport.layer_assignments.all()) if passport else []
    actions = child.permitted_actions
    decision = child.access_decision
    return {
        "child": child,
        "passport": passport,
        "pack": pack,
        "current_layer": layers[0] if layers else None,
        "layers": layers,
        "current_setting": Enrolment.objects.live_on(today())
        .filter(child=child)
        .select_related("setting")
        .first(),
        "may_write": Action.WRITE in actions,
        "may_contribute": Action.CONTRIBUTE in actions,
        "may_consent": Action.CONSENT in actions,
        "may_share": Action.SHARE in actions,
        "may_export": Action.EXPORT in actions,
        "may_print": Action.PRINT in actions,
        "sections": decision.sections,
        "decision": decision,
        "child_name": child.name_for(decision.sections),
        "hidden_sections": hidden_section_names(decision.sections),
        "parents": (
            ParentalResponsibility.objects.live_on(today())
            .filter(child=child)
            .select_related("person")
            if decision.shows("family")
            else []
        ),
        "today": today(),
        "review_due": services.review_due_on(passport) if passport else None,
        "support": services.support_by_time(
            passport.support_items.all() if passport else [], today()
        ),
        # Commissioned sessions for this child, what Support in place specifies, and delivered.
        "delivered": (
            delivered_support(child, passport.support_items.all() if passport else None)
            if decision.shows("support")
            else []
        ),
    }


@login_required
def essentials(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    """The one page a new teacher reads on day one."""
    child, passport = _passport_for(request, child_id, Action.READ)
    return render(
        request, "passports/essentials.html", _essentials_context(request, child, passport)
    )


@login_required
def essentials_pdf(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    """The essentials as a one-page tagged PDF, for a supply teacher's folder."""
    child, passport = _passport_for(request, child_id, Action.READ)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    return documents.pdf_response(
        request,
        "passports/essentials.html",
        _essentials_context(request, child, passport),
        child=child,
        document="essentials",
        title=f"{child.name_for(child.access_decision.sections)}: essentials for a new teacher",
    )


def _essentials_context(
    request: AuthenticatedRequest, child: Child, passport: Passport
) -> dict[str, Any]:
    on = today()
    context = _passport_context(request, child, passport)
    context.update(
        {
            "needs": list(passport.ranked_needs.all()),
            "strategies": list(passport.strategies.all()),
            "support_now": list(passport.support_items.live_on(on)),
            "next_review": passport.reviews.order_by("-held_on").first(),
            "senco": (
                holders(Duty.COORDINATE_SEN, at=context["current_setting"].setting).first()
                if context["current_setting"]
                else None
            ),
        }
    )
    return context


@login_required
def download_record(request: AuthenticatedRequest, child_id: int, form: str) -> HttpResponse:
    """Give the family everything held about the child, as JSON or a readable document."""
    child = get_child_for(request.user, child_id, Action.EXPORT)
    record = exports.subject_access_record(child)
    if form == "json":
        response: HttpResponse = JsonResponse(
            record, json_dumps_params={"indent": 2, "ensure_ascii": False}
        )
    else:
        response = render(
            request, "passports/subject_access.html", {"child": child, "record": record}
        )
    response["Content-Disposition"] = f'attachment; filename="{exports.download_name(child, form)}"'
    return response


@login_required
def download_page(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    """Explain what the download holds and offer both forms."""
    child = get_child_for(request.user, child_id, Action.EXPORT)
    return render(request, "passports/download.html", {"child": child})


@login_required
def history(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    """Show every version of the passport: what changed, who changed it and when."""
    child, passport = _passport_for(request, child_id, Action.READ)
    if not child.access_decision.shows("history"):
        raise Http404("No history for you here")
    changes = services.history_for_reader(passport, child.access_decision.sections)
    return render(
        request,
        "passports/history.html",
        {"child": child, "passport": passport, "changes": changes},
    )


@login_required
def history_version(
    request: AuthenticatedRequest, child_id: int, kind: str, version_id: int
) -> HttpResponse:
    """Show a section or an item as it was at one version, read-only, to those who see the
    History page and the section it belongs to."""
    child, passport = _passport_for(request, child_id, Action.READ)
    if not child.access_decision.shows("history"):
        raise Http404("No history for you here")
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    version = services.earlier_version(passport, kind, version_id, child.access_decision.sections)
    if version is None:
        raise Http404("No such version of a section you may see")
    return render(
        request,
        "passports/history_version.html",
        {"child": child, "passport": passport, "version": version},
    )


def _form_page(request: AuthenticatedRequest, template: str, **context: Any) -> HttpResponse:
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def edit_about_me(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    child, passport = _passport_for(request, child_id, Action.WRITE)
    initial = {name: getattr(passport, name) for name in services.ABOUT_ME_FIELDS}
    form = AboutMeForm(
        request.POST or None, initial={**initial, "version": passport.about_me_version}
    )
    if request.method == "POST" and form.is_valid():
        answers = {name: form.cleaned_data[name] for name in services.ABOUT_ME_FIELDS}
        try:
            if _applied(
                form,
                lambda: services.update_about_me(
                    passport,
                    by=request.user,
                    expected_section_version=form.cleaned_data["version"],
                    **answers,
                ),
            ):
                return _saved(request, child, "About me")
        except services.StaleSection:
            saved = Passport.objects.get(pk=passport.pk)
            rows = [
                (str(form.fields[name].label), answers[name], getattr(saved, name))
                for name in services.ABOUT_ME_FIELDS
            ]
            return _conflict_page(
                request,
                child,
                "About me",
                reverse("edit-about-me", args=[child.pk]),
                saved.about_me_version,
                rows,
            )
    return _form_page(request, "passports/about_me_form.html", child=child, form=form)


@login_required
@require_http_methods(["GET", "POST"])
def add_contribution(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    """Add a parent's or the child's own words; the page's token adds them once, however often
    it is sent."""
    child, passport = _passport_for(request, child_id, Action.CONTRIBUTE)
    form = ContributionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def add() -> str:
            services.add_about_me_contribution(
                passport, voice=data["voice"], text=data["text"], by=request.user
            )
            return reverse("passport", args=[child.pk])

        if _applied(form, lambda: services.submit_once(request.user, data["form_token"], add)):
            return _saved(request, child, "What you added to About me")
    return _form_page(request, "passports/contribution_form.html", child=child, form=form)


@login_required
@require_http_methods(["GET", "POST"])
def edit_needs(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    child, passport = _passport_for(request, child_id, Action.WRITE)
    form = NeedsForm(
        request.POST or None,
        initial={**_needs_answers(passport), "version": passport.needs_version},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if _applied(
                form,
                lambda: services.set_needs(
                    passport,
                    sen_provision=data["sen_provision"],
                    need_types=[data["primary_need"], data["secondary_need"]]
                    if data["secondary_need"]
                    else [data["primary_need"]],
                    broad_areas=data["broad_areas"],
                    needs_description=data["needs_description"],
                    by=request.user,
                    expected_section_version=data["version"],
                    check_plan=True,
                ),
                rename={"need_types": "primary_need"},
            ):
                return _saved(request, child, "My needs")
        except services.StaleSection:
            saved = Passport.objects.get(pk=passport.pk)
            current = _needs_answers(saved)
            rows = [
                (_NEEDS_LABELS[name], _needs_text(name, data[name]), _needs_text(name, value))
                for name, value in current.items()
            ]
            return _conflict_page(
                request,
                child,
                "My needs",
                reverse("edit-needs", args=[child.pk]),
                saved.needs_version,
                rows,
            )
    return _form_page(request, "passports/needs_form.html", child=child, form=form)


_NEEDS_LABELS = {
    "sen_provision": "SEN provision",
    "primary_need": "Primary need",
    "secondary_need": "Secondary need",
    "broad_areas": "Broad areas of need",
    "needs_description": "Description of the child's needs",
}


def _needs_answers(passport: Passport) -> dict[str, Any]:
    """Return My needs as the needs form holds it."""
    ranked = [need.need_type for need in passport.ranked_needs.all()]
    return {
        "sen_provision": passport.sen_provision,
        "primary_need": ranked[0] if ranked else "",
        "secondary_need": ranked[1] if len(ranked) > 1 else "",
        "broad_areas": passport.broad_areas,
        "needs_description": passport.needs_description,
    }


def _needs_text(name: str, value: Any) -> str:
    """Say one My needs answer as the passport page does: names, not census codes."""
    pack = current_pack()
    if name == "sen_provision":
        provision = pack.provision(value)
        return provision.name if provision else value
    if name in ("primary_need", "secondary_need"):
        need = pack.need_type(value) if value else None
        return need.name if need else value
    if name == "broad_areas":
        return ", ".join(text for code, text in pack.broad_area_choices() if code in value)
    return value


def _conflict_page(
    request: AuthenticatedRequest,
    child: Child,
    section: str,
    action: str,
    current_version: int,
    rows: list[tuple[str, str, str]],
) -> HttpResponse:
    """Show a stale form's answers beside the saved ones, to save theirs again or keep the saved.

    "Save my version" posts what they typed with the current version, so it saves unless the
    section or item moves on once more.
    """
    resubmit = [
        (name, value)
        for name in request.POST
        if name not in ("version", "csrfmiddlewaretoken")
        for value in request.POST.getlist(name)
    ]
    return render(
        request,
        "passports/section_conflict.html",
        {
            "child": child,
            "section": section,
            "action": action,
            "current_version": current_version,
            "rows": rows,
            "resubmit": resubmit,
        },
        status=409,
    )


@login_required
@require_http_methods(["GET", "POST"])
def change_layer(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    child, passport = _passport_for(request, child_id, Action.WRITE)
    current = passport.current_layer()
    form = LayerForm(request.POST or None, initial={"starts_on": today()}, child=child)
    if (
        request.method == "POST"
        and form.is_valid()
        and _applied(
            form, lambda: services.change_layer(passport, by=request.user, **form.cleaned_data)
        )
    ):
        return _saved(request, child, "The layer of support")
    return _form_page(request, "passports/layer_form.html", child=child, form=form, current=current)


@login_required
@require_http_methods(["GET", "POST"])
def edit_item(
    request: AuthenticatedRequest, child_id: int, section: str, item_id: int | None = None
) -> HttpResponse:
    """Add or change an item in What works, Support in place, Outcomes or Reviews.

    A change carries the item's version: a form opened before someone else saved the same item
    gets the conflict page. A new item's page carries a one-time token: sending it twice adds
    the item once.
    """
    if section not in services.ITEM_SECTIONS:
        raise Http404("No such section")
    child, passport = _passport_for(request, child_id, Action.WRITE)
    model = services.ITEM_SECTIONS[section]
    form_class = ITEM_FORMS[section]
    item = get_object_or_404(model, pk=item_id, passport=passport) if item_id else model()
    initial = (
        {name: getattr(item, name) for name in form_class.base_fields if name != "form_token"}
        if item_id
        else {}
    )
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        typed = form.item_fields()
        for name, value in typed.items():
            setattr(item, name, value)

        def save() -> str:
            services.save_item(
                passport,
                item,
                request.user,
                expected_item_version=form.cleaned_data["version"] if item_id else None,
            )
            if isinstance(item, Review) and item.decision == "request_assessment":
                # The review recommended an EHC needs assessment: go on to make the request.
                return f"{reverse('ehcp-request', args=[child.pk])}?review={item.pk}"
            return reverse("passport", args=[child.pk])

        try:
            next_page = (
                save()
                if item_id
                else services.submit_once(request.user, form.cleaned_data["form_token"], save)
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        except services.StaleItem:
            return _item_conflict(request, child, section, form, item, typed)
        else:
            messages.success(request, f"{SECTION_TITLES[section][0]} saved")
            return redirect(next_page)
    title = SECTION_TITLES[section][2 if item_id else 1]
    return _form_page(
        request,
        f"passports/{section}_form.html",
        child=child,
        form=form,
        title=title,
        section=section,
        item_id=item_id,
    )


def _item_conflict(
    request: AuthenticatedRequest,
    child: Child,
    section: str,
    form: ItemForm,
    item: Any,
    typed: dict[str, Any],
) -> HttpResponse:
    """Show a stale item form beside the saved item; say so if the item was removed meanwhile."""
    saved = type(item)._default_manager.filter(pk=item.pk).first()
    if saved is None:
        messages.error(
            request,
            f"Someone else removed {services.ITEM_NAMES[type(item)]} while you were changing "
            "it: add it again if it is still needed",
        )
        return redirect("passport", child.pk)
    rows = [
        (_label(form, name), _shown(form, name, value), _shown(form, name, getattr(saved, name)))
        for name, value in typed.items()
    ]
    return _conflict_page(
        request,
        child,
        services.ITEM_NAMES[type(item)],
        reverse("edit-item", args=[child.pk, section, item.pk]),
        saved.version,
        rows,
    )


def _label(form: GovukForm, name: str) -> str:
    field = form.fields[name]
    return str(field.label or getattr(field, "subject", "") or name.replace("_", " ").capitalize())


def _shown(form: GovukForm, name: str, value: Any) -> str:
    """Say one answer as a person reads it: the choice's words, a date in words."""
    if value is None:
        return ""
    choices = getattr(form.fields[name], "choices", None)
    if choices:
        return str(dict(choices).get(value, value))
    if isinstance(value, dt.date):
        return f"{value:%-d %B %Y}"
    return str(value)


@login_required
@require_http_methods(["GET", "POST"])
def remove_item(
    request: AuthenticatedRequest, child_id: int, section: str, item_id: int
) -> HttpResponse:
    """Ask, then remove an item from a list section (the history keeps it).

    The question carries the item's version: if someone changes the item before the answer,
    the page shows what it says now and asks again.
    """
    if section not in services.ITEM_SECTIONS:
        raise Http404("No such section")
    child, passport = _passport_for(request, child_id, Action.WRITE)
    model = services.ITEM_SECTIONS[section]
    item: Any = model._default_manager.filter(pk=item_id, passport=passport).first()
    if item is None:
        raise Http404("No such item")
    form = RemoveItemForm(request.POST or None, initial={"version": item.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.remove_item(
                passport, item, request.user, expected_item_version=form.cleaned_data["version"]
            )
        except services.StaleItem:
            item = model._default_manager.filter(pk=item_id).first()
            if item is None:
                messages.success(
                    request, f"Someone else removed it from {SECTION_TITLES[section][0]}"
                )
                return redirect("passport", child.pk)
            form = RemoveItemForm({"version": item.version})
            form.full_clean()
            form.add_error(
                None,
                f"Someone else changed {services.ITEM_NAMES[model]} since you opened this page: "
                "check what it says now before you remove it",
            )
        else:
            messages.success(request, f"Removed from {SECTION_TITLES[section][0]}")
            return redirect("passport", child.pk)
    return render(
        request,
        "passports/remove_item.html",
        {
            "child": child,
            "item": item,
            "form": form,
            "section_title": SECTION_TITLES[section][0],
            "section": section,
        },
    )


def _applied(form: GovukForm, change: Any, rename: dict[str, str] | None = None) -> bool:
    """Run a service change; on a ValidationError show it on the form and return False.

    A stale section goes back to the caller, which shows the conflict page instead.
    """
    try:
        change()
    except ValidationError as exc:
        if rename and hasattr(exc, "error_dict"):
            exc = ValidationError({rename.get(k, k): v for k, v in exc.error_dict.items()})
        form.add_service_errors(exc)
        return False
    except services.StaleSection:
        raise
    except services.StaleVersion as exc:
        form.add_error(None, str(exc))
        return False
    return True


def _saved(request: AuthenticatedRequest, child: Child, what: str) -> HttpResponse:
    messages.success(request, f"{what} saved")
    return redirect("passport", child.pk)
