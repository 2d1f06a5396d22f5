"""Pages for school groups' money. Each view parses, asks `access` who may see or do what, calls
one service and renders. A person with no standing in a group gets 404, as for a child."""

from __future__ import annotations

import uuid
from typing import Any

import altair as alt
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from passport.access.policies import (
    audit_children_listed,
    decide,
    school_group_share_visible,
    school_groups_visible_to,
)
from passport.access.rules import Action
from passport.access.standing import Duty, holds, require
from passport.audit import services as audit
from passport.audit.models import AuditAction
from passport.core.dates import today
from passport.core.policy import current_pack
from passport.directory.models import Service
from passport.funding import dashboard, services
from passport.funding.forms import (
    AllocationForm,
    CommissionForm,
    DeliveryForm,
    OverspendForm,
    PotForm,
)
from passport.funding.models import Commission, LedgerEntry, Pot, financial_year_of
from passport.funding.services import CommissionRequest, DeliveryLine, balances, pounds
from passport.funding.standing import (
    CommissionStanding,
    Standing,
    commission_standing,
    commissions_delivered_by,
    group_share,
    places_seen,
    recordable_places,
)
from passport.organisations.models import SchoolGroup
from passport.people.models import User
from passport.web.charts import csv_response, render_chart
from passport.web.http import AuthenticatedRequest


def _group_for(user: User, group_id: int, *, manage: bool = False) -> SchoolGroup:
    group = SchoolGroup.objects.filter(pk=group_id).first()
    if group is None:
        raise Http404("No school group with that id is visible to you")
    if manage:
        require(user, Duty.MANAGE_SCHOOL_GROUP, at=group)
    elif not school_group_share_visible(user, group):
        raise Http404("No school group with that id is visible to you")
    return group


def _year(request: AuthenticatedRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return financial_year_of(today())
    return year if 2000 <= year <= 2100 else financial_year_of(today())


@login_required
def funding(request: AuthenticatedRequest) -> HttpResponse:
    """The school groups whose pots I may see, and commissions I deliver for."""
    groups = list(school_groups_visible_to(request.user))
    delivering = list(
        commissions_delivered_by(request.user).select_related("school_group", "provider")
    )
    if not groups and not delivering:
        raise Http404(
            "Funding is for cluster leads, the SENCOs of a group's settings and providers"
        )
    if len(groups) == 1 and not delivering:
        return redirect("funding-group", groups[0].pk)
    return render(request, "funding/home.html", {"groups": groups, "delivering": delivering})


@login_required
def group_page(request: AuthenticatedRequest, group_id: int) -> HttpResponse:
    """The group's pots for a financial year, and its commissions."""
    group = _group_for(request.user, group_id)
    year = _year(request)
    share = group_share(request.user, group)
    commissions = group.commissions.filter(pot__financial_year=year).select_related(
        "provider", "pot"
    )
    if share is not None:
        commissions = commissions.filter(places__setting_id__in=share).distinct()
    return render(
        request,
        "funding/group.html",
        {
            "group": group,
            "year": year,
            "year_label": f"{year} to {year + 1}",
            "pots": services.group_pots(group, year),
            "commissions": list(commissions),
            "manages": share is None,
            "pounds": pounds,
            "threshold": current_pack().funding.approval_threshold_pence,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def open_pot(request: AuthenticatedRequest, group_id: int) -> HttpResponse:
    group = _group_for(request.user, group_id, manage=True)
    form = PotForm(
        request.POST if request.method == "POST" else None,
        initial={"financial_year": financial_year_of(today())},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # One transaction: a refused opening allocation leaves no pot behind.
            with transaction.atomic():
                pot = services.open_pot(group, data["financial_year"], data["stream"], request.user)
                if data.get("allocation"):
                    services.allocate(pot, data["allocation"], request.user, "Opening allocation")
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"{pot} pot opened")
            return redirect("funding-pot", pot.pk)
    return render(request, "funding/open_pot.html", {"group": group, "form": form})


def _pot_for(user: User, pot_id: int, *, manage: bool = False) -> Pot:
    pot = Pot.objects.select_related("school_group").filter(pk=pot_id).first()
    if pot is None:
        raise Http404("No pot with that id is visible to you")
    _group_for(user, pot.school_group_id, manage=manage)
    return pot


@login_required
def pot_page(request: AuthenticatedRequest, pot_id: int) -> HttpResponse:
    """The pot's balances and its ledger, every entry in the order it was posted."""
    pot = _pot_for(request.user, pot_id)
    entries = (
        LedgerEntry.objects.filter(pot=pot)
        .select_related("posted_by", "commission", "reverses")
        .prefetch_related("postings")
    )
    rows = []
    for entry in entries:
        lines = {p.account: p.amount_pence for p in entry.postings.all()}
        rows.append({"entry": entry, "available": lines.get("available", 0), "lines": lines})
    return render(
        request,
        "funding/pot.html",
        {
            "pot": pot,
            "group": pot.school_group,
            "balances": balances(pot),
            "rows": rows,
            "manages": holds(request.user, Duty.MANAGE_SCHOOL_GROUP, at=pot.school_group),
            "pounds": pounds,
            "approvals": pot.overspend_approvals.select_related("approved_by"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def allocate(request: AuthenticatedRequest, pot_id: int) -> HttpResponse:
    pot = _pot_for(request.user, pot_id, manage=True)
    form = AllocationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["kind"] == "allocation":
                services.allocate(pot, data["amount"], request.user, data.get("memo", ""))
            else:
                services.adjust(pot, data["amount"], request.user, data.get("memo", ""))
        except ValidationError as exc:
            form.add_service_errors(_amount_as(exc, "amount"))
        else:
            messages.success(request, f"{pounds(data['amount'])} posted to the {pot} pot")
            return redirect("funding-pot", pot.pk)
    return render(request, "funding/allocate.html", {"pot": pot, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def overspend(request: AuthenticatedRequest, pot_id: int) -> HttpResponse:
    pot = _pot_for(request.user, pot_id, manage=True)
    form = OverspendForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.approve_overspend(
                pot, form.cleaned_data["amount"], form.cleaned_data["reason"], request.user
            )
        except ValidationError as exc:
            form.add_service_errors(_amount_as(exc, "amount"))
        else:
            messages.success(request, "Overspend approval recorded")
            return redirect("funding-pot", pot.pk)
    return render(request, "funding/overspend.html", {"pot": pot, "form": form})


def _amount_as(error: ValidationError, field: str) -> ValidationError:
    if hasattr(error, "error_dict") and "amount_pence" in error.error_dict:
        return ValidationError(
            {(field if k == "amount_pence" else k): v for k, v in error.message_dict.items()}
        )
    return error


@login_required
@require_http_methods(["GET", "POST"])
def new_commission(request: AuthenticatedRequest, group_id: int) -> HttpResponse:
    """Commission a service: first choose it from the directory, then the pot, sessions, dates
    and the children whose Support in place names that kind of support."""
    group = _group_for(request.user, group_id, manage=True)
    year = financial_year_of(today())
    services_offered = Service.objects.filter(status=Service.Status.ACTIVE).select_related(
        "provider"
    )
    chosen = None
    try:
        chosen = services_offered.filter(pk=uuid.UUID(request.GET.get("service", ""))).first()
    except ValueError:
        chosen = None
    if chosen is None:
        return render(
            request,
            "funding/choose_service.html",
            {"group": group, "services": services_offered, "pounds": pounds},
        )
    candidates = services.children_needing(request.user, group, chosen.support_kind)
    settings_by_id = {s.pk: s.name for s in group.settings.all()}
    audit_children_listed(
        request.user,
        [child.pk for child, _, _ in candidates],
        f"children needing {chosen.support_kind} in {group}",
    )
    children = [
        (
            str(child.pk),
            child.full_name,
            f"{settings_by_id[setting_id]}: " + "; ".join(item.amount for item in items),
        )
        for child, setting_id, items in candidates
    ]
    pots = [
        (str(pot.pk), f"{pot} ({pounds(b.available)} available)")
        for pot, b in services.group_pots(group, year)
    ]
    form = CommissionForm(
        request.POST if request.method == "POST" else None,
        pots=pots,
        children=children,
        initial={"description": chosen.name},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        pot = get_object_or_404(Pot, pk=int(data["pot"]), school_group=group)
        try:
            commission = services.create_commission(
                request.user,
                group,
                CommissionRequest(
                    pot=pot,
                    service=chosen,
                    description=data["description"],
                    units_per_child=data["units_per_child"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    child_ids=[int(pk) for pk in data["children"]],
                ),
            )
        except ValidationError as exc:
            form.add_service_errors(_amount_as(exc, "pot"))
        else:
            if commission.status == Commission.Status.APPROVED:
                messages.success(
                    request,
                    f"Commission approved: {pounds(commission.total_cost_pence)} committed from the {pot} pot",
                )
            else:
                messages.success(
                    request, "Commission recorded: another cluster lead must approve it"
                )
            return redirect("funding-commission", commission.pk)
    return render(
        request,
        "funding/commission_form.html",
        {"group": group, "service": chosen, "form": form, "pounds": pounds, "pots": pots},
    )


def _commission_for(user: User, commission_id: uuid.UUID) -> tuple[Commission, CommissionStanding]:
    """Return the commission and how the person stands to it: manager, setting or provider."""
    commission = (
        Commission.objects.select_related("school_group", "provider", "pot", "service")
        .filter(pk=commission_id)
        .first()
    )
    standing = commission_standing(user, commission) if commission is not None else None
    if commission is None or standing is None:
        raise Http404("No commission with that id is visible to you")
    return commission, standing


@login_required
def commission_page(request: AuthenticatedRequest, commission_id: uuid.UUID) -> HttpResponse:
    commission, standing = _commission_for(request.user, commission_id)
    places = (
        places_seen(request.user, commission, standing)
        .select_related("child", "setting")
        .prefetch_related("deliveries")
    )
    rows = []
    for place in places:
        deliveries = list(place.deliveries.all())
        # A provider's professional sees the full name only where the family's consent covers
        # identity; otherwise the short name that still tells two children apart.
        name = (
            place.child.full_name
            if standing.kind is not Standing.PROVIDER
            else place.child.name_for(decide(request.user, place.child, Action.READ).sections)
        )
        rows.append(
            {
                "place": place,
                "name": name,
                "attended": sum(d.units for d in deliveries if d.outcome == "attended"),
                "missed": sum(d.units for d in deliveries if d.outcome == "missed"),
                "cancelled": sum(d.units for d in deliveries if d.outcome.startswith("cancelled")),
                "deliveries": deliveries,
            }
        )
    audit_children_listed(
        request.user, [place.child_id for place in places], f"commission {commission.pk}"
    )
    return render(
        request,
        "funding/commission.html",
        {
            "commission": commission,
            "group": commission.school_group,
            "standing": standing.kind.value,
            "rows": rows,
            "pounds": pounds,
            "needs_second": services.needs_second_approval(commission),
            "may_record": commission.status == Commission.Status.APPROVED
            and (
                standing.kind in (Standing.PROVIDER, Standing.SETTING)
                or bool(recordable_places(request.user, commission))
            ),
        },
    )


@login_required
@require_POST
def decide_commission(request: AuthenticatedRequest, commission_id: uuid.UUID) -> HttpResponse:
    commission, standing = _commission_for(request.user, commission_id)
    if standing.kind is not Standing.MANAGER:
        raise Http404("Only the group's cluster leads decide on its commissions")
    verb = {
        "approve": services.approve_commission,
        "refuse": services.refuse_commission,
        "close": services.close_commission,
    }.get(request.POST.get("decision", ""))
    if verb is None:
        messages.error(request, "Choose to approve, refuse or close the commission")
        return redirect("funding-commission", commission.pk)
    try:
        verb(commission, request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Commission updated")
    return redirect("funding-commission", commission.pk)


@login_required
@require_http_methods(["GET", "POST"])
def record_delivery(request: AuthenticatedRequest, commission_id: uuid.UUID) -> HttpResponse:
    """Record a session for a child in the commission."""
    commission, _ = _commission_for(request.user, commission_id)
    places = recordable_places(request.user, commission)
    if not places:
        raise Http404("There are no children in this commission you may record sessions for")
    children = []
    for place in places:
        name = place.child.name_for(decide(request.user, place.child, Action.READ).sections)
        children.append((str(place.child_id), f"{name}, {place.setting.name}"))
    form = DeliveryForm(
        request.POST if request.method == "POST" else None,
        children=children,
        initial={"delivered_on": today()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_delivery(
                request.user,
                commission,
                DeliveryLine(
                    int(data["child"]), data["delivered_on"], data["outcome"], note=data["note"]
                ),
            )
        except ValidationError as exc:
            form.add_service_errors(
                ValidationError(
                    {("child" if k == "units" else k): v for k, v in exc.message_dict.items()}
                )
                if hasattr(exc, "error_dict")
                else exc
            )
        else:
            messages.success(request, "Session recorded")
            return redirect("funding-delivery", commission.pk)
    return render(request, "funding/delivery_form.html", {"commission": commission, "form": form})


def _money(pence: int) -> float:
    return round(pence / 100, 2)


def _spend_chart(group: SchoolGroup, year: int) -> tuple[Any, list[str], list[list[Any]]]:
    months = dashboard.spend_over_year(group, year)
    data = []
    for row in months:
        label = f"{row.month:%b %Y}"
        data.append({"month": label, "series": "Allocation", "pounds": _money(row.allocation)})
        data.append({"month": label, "series": "Spent", "pounds": _money(row.spent)})
        if row.forecast is not None:
            data.append(
                {"month": label, "series": "Forecast spend", "pounds": _money(row.forecast)}
            )
    order = [f"{row.month:%b %Y}" for row in months]
    chart = (
        alt.Chart(alt.Data(values=data))
        .mark_line(point=True)
        .encode(
            x=alt.X("month:N", sort=order, title="Month"),
            y=alt.Y("pounds:Q", title="Pounds"),
            color=alt.Color(
                "series:N", title=None, scale=alt.Scale(range=["#1d70b8", "#00703c", "#d4351c"])
            ),
            strokeDash=alt.StrokeDash("series:N", legend=None),
        )
        .properties(
            title="Spend against allocation",
            description="Cumulative allocation and spending by month, with spending forecast "
            "to the year end at the rate so far",
            width=360,
            height=220,
        )
    )
    headers = ["Month", "Allocation", "Committed", "Spent", "Forecast spend"]
    rows = [
        [
            f"{r.month:%B %Y}",
            pounds(r.allocation),
            pounds(r.committed),
            pounds(r.spent),
            pounds(r.forecast) if r.forecast is not None else "",
        ]
        for r in months
    ]
    return chart, headers, rows


# The Government Statistical Service's symbol for a figure withheld to protect confidentiality.
WITHHELD = "[c]"


def _count(children: int | None) -> int | str:
    return children if children is not None else WITHHELD


def _cost_chart(group: SchoolGroup, year: int) -> tuple[Any, list[str], list[list[Any]]]:
    costs = dashboard.cost_per_child(group, year)
    data = [
        {"group": f"{c.layer}, {c.need_type}", "pounds": _money(c.per_child)}
        for c in costs
        if c.per_child is not None
    ]
    chart = (
        alt.Chart(alt.Data(values=data))
        .mark_bar(color="#1d70b8")
        .encode(x=alt.X("pounds:Q", title="Pounds per child"), y=alt.Y("group:N", title=None))
        .properties(title="Cost per child by layer and need type", width=300, height=alt.Step(24))
    )
    headers = ["Layer and primary need", "Children", "Spent", "Per child"]
    rows = [
        [
            f"{c.layer}, {c.need_type}",
            _count(c.children),
            pounds(c.spent),
            pounds(c.per_child) if c.per_child is not None else WITHHELD,
        ]
        for c in costs
    ]
    return chart, headers, rows


def _delivery_chart(
    rows_in: list[dashboard.DeliveryRow], title: str
) -> tuple[Any, list[str], list[list[Any]]]:
    data = []
    for r in rows_in:
        data.append({"label": r.label, "measure": "Commissioned", "sessions": r.commissioned})
        data.append({"label": r.label, "measure": "Delivered", "sessions": r.delivered})
    chart = (
        alt.Chart(alt.Data(values=data))
        .mark_bar()
        .encode(
            x=alt.X("sessions:Q", title="Sessions or hours"),
            y=alt.Y("label:N", title=None),
            yOffset="measure:N",
            color=alt.Color("measure:N", title=None, scale=alt.Scale(range=["#505a5f", "#00703c"])),
        )
        .properties(title=title, width=300, height=alt.Step(14))
    )
    headers = ["", "Commissioned", "Delivered", "Missed", "Cancelled"]
    rows = [[r.label, r.commissioned, r.delivered, r.missed, r.cancelled] for r in rows_in]
    return chart, headers, rows


CHARTS = ("spend", "cost", "service", "setting")


def _audit_download(user: User, group: SchoolGroup, what: str) -> None:
    """Note a download of figures that name no child: who took which table of which group."""
    audit.record(
        actor=user,
        role="",
        relationship="",
        acting_for=group.name,
        setting_id=None,
        action=AuditAction.EXPORT,
        child_id=None,
        reason=f"{group.name}: {what} (CSV; counts of fewer than "
        f"{dashboard.fewest_children_shown()} children withheld)",
        allowed=True,
    )


@login_required
def dashboard_page(request: AuthenticatedRequest, group_id: int) -> HttpResponse:
    """Spend against allocation with a forecast, cost per child, delivered against commissioned;
    each chart with its figures beside it and as CSV."""
    group = _group_for(request.user, group_id)
    year = _year(request)
    share = group_share(request.user, group)
    built: dict[str, tuple[Any, list[str], list[list[Any]]]] = {
        "service": _delivery_chart(
            dashboard.delivered_by_service(group, year, share),
            "Delivered against commissioned, by service",
        ),
        "setting": _delivery_chart(
            dashboard.delivered_by_setting(group, year, share),
            "Delivered against commissioned, by setting",
        ),
    }
    if share is None:
        built["spend"] = _spend_chart(group, year)
        built["cost"] = _cost_chart(group, year)
    wanted = request.GET.get("csv")
    if wanted:
        if wanted not in built:
            raise Http404("No such table")
        _, headers, rows = built[wanted]
        _audit_download(request.user, group, f"dashboard table {wanted} {year}")
        return csv_response(f"{group.name}-{wanted}-{year}", headers, rows)
    charts = [
        (
            name,
            render_chart(
                chart,
                headers=headers,
                rows=rows,
                numeric_columns=range(1, len(headers)),
                chart_id=f"chart-{name}",
            ),
        )
        for name in CHARTS
        if name in built
        for chart, headers, rows in [built[name]]
    ]
    return render(
        request,
        "funding/dashboard.html",
        {
            "group": group,
            "year": year,
            "year_label": f"{year} to {year + 1}",
            "charts": charts,
            "forecast": dashboard.forecast_year_end(group, year) if share is None else None,
            "allocated": sum(b.allocated for _, b in services.group_pots(group, year)),
            "pounds": pounds,
            "fewest": dashboard.fewest_children_shown(),
            "csv_url": lambda name: (
                reverse("funding-dashboard", args=[group.pk]) + f"?year={year}&csv={name}"
            ),
        },
    )


PLAN_HEADERS = [
    "Setting",
    "Kind of support",
    "Primary need",
    "Children",
    "Hours needed a week",
    "Hours commissioned a week",
    "Unmet hours a week",
    "Price an hour",
    "Unmet need a year",
]


@login_required
def plan_page(request: AuthenticatedRequest, group_id: int) -> HttpResponse:
    """The commissioning plan: need from the passports against what is commissioned."""
    group = _group_for(request.user, group_id, manage=True)
    year = _year(request)
    plan = dashboard.commissioning_plan(group, year)
    rows = [
        [
            r.setting,
            r.support_kind,
            r.need_type,
            _count(r.children),
            r.hours_needed_per_week,
            r.hours_commissioned_per_week,
            r.unmet_hours_per_week,
            pounds(r.price_per_hour_pence)
            if r.price_per_hour_pence is not None
            else "No price listed",
            pounds(r.unmet_cost_per_year_pence) if r.unmet_cost_per_year_pence is not None else "",
        ]
        for r in plan
    ]
    if request.GET.get("csv"):
        _audit_download(request.user, group, f"commissioning plan {year}")
        return csv_response(f"{group.name}-commissioning-plan-{year}", PLAN_HEADERS, rows)
    total = sum(r.unmet_cost_per_year_pence or 0 for r in plan)
    return render(
        request,
        "funding/plan.html",
        {
            "group": group,
            "year": year,
            "year_label": f"{year} to {year + 1}",
            "headers": PLAN_HEADERS,
            "rows": rows,
            "total": pounds(total),
            "fewest": dashboard.fewest_children_shown(),
        },
    )
