"""Pages for the calendars moves are timed by: a setting's leavers with the day each record is
due, and a local authority's own term dates (shown, imported from CSV, exported to edit)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from passport.access.policies import audit_children_listed
from passport.access.standing import Duty, require
from passport.core.dates import today
from passport.core.schooldays import calendar_for, school_year_label
from passport.organisations.models import LocalAuthority
from passport.organisations.services.term_dates import (
    COLUMNS,
    TermDatesFileError,
    import_term_dates,
    terms_as_csv,
)
from passport.transitions.forms import TermDatesUploadForm
from passport.transitions.services.leaving import recent_leavers
from passport.web.http import AuthenticatedRequest

WARN_DAYS = 183  # about six months, as `passport check` warns


@login_required
def leavers(request: AuthenticatedRequest) -> HttpResponse:
    """Children who left my setting's roll lately, and the day each one's record is due."""
    on = today()
    setting_ids = sorted(require(request.user, Duty.LEAD_SETTING, on=on).settings)
    leavings = recent_leavers(setting_ids, on)
    audit_children_listed(request.user, [leaving.child_id for leaving in leavings], "leavers")
    return render(request, "transitions/leavers.html", {"leavings": leavings, "today": on})


def _chosen_authority(request: AuthenticatedRequest) -> tuple[LocalAuthority, list[LocalAuthority]]:
    mine = list(
        LocalAuthority.objects.filter(
            pk__in=require(request.user, Duty.LA_CASEWORK).local_authorities
        ).order_by("name")
    )
    code = request.GET.get("la", "")
    chosen = LocalAuthority.objects.filter(code=code).first() if code else mine[0]
    if chosen is None:
        raise Http404("No such local authority")
    require(request.user, Duty.LA_CASEWORK, at=chosen)  # refused (404) and audited elsewhere
    return chosen, mine


def _years(la: LocalAuthority, on: dt.date) -> list[dict[str, object]]:
    calendar = calendar_for(la.code)
    own = {term.school_year_starts for term in la.school_terms.all()}
    current = on.year if on.month >= 9 else on.year - 1
    return [
        {
            "label": school_year_label(year),
            "terms": terms,
            "own": year in own,
        }
        for year, terms in sorted(calendar.terms_by_year.items())
        if year >= current - 1
    ]


@login_required
@require_http_methods(["GET", "POST"])
def term_dates(request: AuthenticatedRequest) -> HttpResponse:
    """A local authority's term dates: every school year the school-day clocks count on, how far
    they reach, and a CSV import that replaces the years the file names."""
    la, mine = _chosen_authority(request)
    form = TermDatesUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            done = import_term_dates(la, form.cleaned_data["file"])
        except TermDatesFileError as exc:
            problems = exc.problems
            form.add_error("file", f"The file was not imported: {problems[0]}")
        else:
            years = ", ".join(school_year_label(year) for year in done.school_years)
            messages.success(request, f"Imported {done.terms} terms for {la.name}: {years}")
            return redirect(f"{reverse('term-dates')}?la={la.code}")
    on = today()
    last_known = calendar_for(la.code).last_known_day
    return render(
        request,
        "transitions/term_dates.html",
        {
            "la": la,
            "authorities": mine,
            "years": _years(la, on),
            "last_known": last_known,
            "running_out": (last_known - on).days <= WARN_DAYS,
            "form": form,
            "problems": problems,
            "columns": ",".join(COLUMNS),
        },
    )


@login_required
def term_dates_csv(request: AuthenticatedRequest) -> HttpResponse:
    """The local authority's own term dates as a CSV in the import format."""
    la, _ = _chosen_authority(request)
    response = HttpResponse(terms_as_csv(la), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="term-dates-{la.code}.csv"'
    return response
