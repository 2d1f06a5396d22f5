"""The SEN2 return page: an LA caseworker checks their authority's return and downloads it."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from passport.access.standing import Duty, require
from passport.audit import services as audit
from passport.core.dates import today
from passport.organisations.models import LocalAuthority
from passport.reports.sen2.export import Sen2Return, build_sen2, export_sen2, next_census_date
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
    if "download" in request.POST:
        with tempfile.TemporaryDirectory() as folder:
            result = export_sen2(la, census_date=census, out_dir=Path(folder))
            content = _zip(result)
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
    result = build_sen2(la, census_date=census)
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
