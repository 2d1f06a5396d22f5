"""The SEN2 return page: an LA caseworker checks their authority's return and downloads it."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from passport.access.policies import narrowed_to_section, visible_children
from passport.access.standing import Duty, require
from passport.audit import services as audit
from passport.children.models import Child
from passport.core.dates import today
from passport.organisations.models import LocalAuthority
from passport.people.models import User
from passport.reports.sen2.export import (
    RETURN_SECTIONS,
    Sen2Return,
    build_sen2,
    export_sen2,
    next_census_date,
    record_return,
)
from passport.reports.sen2.forms import Sen2ReturnForm
from passport.reports.sen2.spec import MODULES
from passport.web.http import AuthenticatedRequest

SHOWN_PROBLEMS = 100


def _audit(request: AuthenticatedRequest, la: LocalAuthority, action: str, reason: str) -> None:
    audit.record(
        actor=request.user,
        role="la_caseworker",
        relationship="",
        acting_for=la.name,
        setting_id=None,
        action=action,
        child_id=None,
        reason=reason,
        allowed=True,
    )


def _children_for(user: User) -> QuerySet[Child]:
    """Return the children the person may see every part of the return about: their caseload,
    or the whole authority with LA-wide access (docs/sen2.md)."""
    children = visible_children(user)
    for section in RETURN_SECTIONS:
        children = narrowed_to_section(children, user, section)
    return children


def _zip(result: Sen2Return) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in result.files.values():
            archive.write(path, arcname=path.name)
    return buffer.getvalue()


@login_required
@require_http_methods(["GET", "POST"])
def sen2_return(request: AuthenticatedRequest) -> HttpResponse:
    """Check a local authority's SEN2 return field by field, then download it as CSV files."""
    casework = require(request.user, Duty.LA_CASEWORK)
    authorities = LocalAuthority.objects.filter(pk__in=casework.local_authorities)
    form = Sen2ReturnForm(
        request.POST or None,
        local_authorities=authorities,
        initial={"local_authority": authorities.first(), "census_date": next_census_date(today())},
    )
    if request.method != "POST" or not form.is_valid():
        return render(request, "reports/sen2_return.html", {"form": form})
    la = form.cleaned_data["local_authority"]
    census = form.cleaned_data["census_date"]
    require(request.user, Duty.LA_CASEWORK, at=la)
    children = _children_for(request.user)
    if "download" in request.POST:
        with tempfile.TemporaryDirectory() as folder:
            result = export_sen2(la, census_date=census, out_dir=Path(folder), children=children)
            content = _zip(result)
        record_return(result, by=request.user, role="la_caseworker")
        _audit(
            request,
            la,
            "export",
            f"SEN2 return for {la.code} as at {census.isoformat()}: "
            f"{len(result.tables['person'])} people, {len(result.problems)} problems",
        )
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = (
            f'attachment; filename="sen2-{la.code}-{census.isoformat()}.zip"'
        )
        return response
    result = build_sen2(la, census_date=census, children=children)
    _audit(
        request,
        la,
        "list",
        f"SEN2 return checked for {la.code} as at {census.isoformat()}: "
        f"{len(result.tables['person'])} people",
    )
    return render(
        request,
        "reports/sen2_return.html",
        {
            "form": form,
            "result": result,
            "modules": [(m, len(result.tables[m.key])) for m in MODULES],
            "problems": result.problems[:SHOWN_PROBLEMS],
        },
    )
