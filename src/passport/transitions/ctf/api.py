"""Common Transfer Files over the API: upload one to import it, download one for leavers."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Form, Query, Router, Schema, UploadedFile

from passport.access.policies import (
    ChildNotFound,
    audit_children_listed,
    get_child_for,
    visible_children,
)
from passport.access.rules import Action
from passport.access.standing import Duty, scope
from passport.organisations.models import Setting
from passport.transitions.ctf.exporter import export_ctf, leavers
from passport.transitions.ctf.importer import FirstDayError, ImportReport, import_ctf
from passport.transitions.ctf.parser import CtfError, max_bytes
from passport.web.auth import signed_in
from passport.web.params import MAX_ID
from passport.web.problems import ERRORS_ANY, ERRORS_CREATE

router = Router(tags=["Common Transfer File"])


class PupilResultOut(Schema):
    position: int = Field(description="The pupil's place in the file, from 1")
    upn: str
    name: str
    outcome: str = Field(
        description="created, updated, unchanged, skipped, or pending_transfer: the pupil is on "
        "roll at another setting, and nothing changes until it or the local authority confirms"
    )
    reasons: list[str] = Field(description="Why it was skipped or is waiting, or what changed")
    child_id: int | None = Field(description="Empty when skipped or waiting for confirmation")


class ImportReportOut(Schema):
    # The file's SchoolName is free text anyone can write, so it is not shown back: the DfE
    # numbers are.
    source_lea: str
    source_estab: str
    destination_setting_id: int
    destination_name: str
    starts_on: dt.date = Field(description="The pupils' first day at the destination")
    result: str = Field(
        description="imported (no pupil refused; `passport ctf import` exits 0), not_imported "
        "(every pupil refused, or none in the file; exit 1) or partly_imported (some pupils "
        "refused; exit 2). Waiting for a pending transfer is not refused"
    )
    summary: str = Field(description="The result and the counts, in words")
    counts: dict[str, int] = Field(
        description="Pupils created, updated, unchanged, skipped (refused) and pending_transfer"
    )
    warnings: list[str] = Field(
        description="What was read but should be fixed at source, like needs outside SENhistory"
    )
    pupils: list[PupilResultOut]


def _report_out(report: ImportReport) -> ImportReportOut:
    return ImportReportOut(
        source_lea=report.header.source_lea,
        source_estab=report.header.source_estab,
        destination_setting_id=report.destination.pk,
        destination_name=report.destination.name,
        starts_on=report.starts_on,
        result=report.result.value,
        summary=report.summary,
        counts=report.counts,
        warnings=report.warnings,
        pupils=[
            PupilResultOut(
                position=p.position,
                upn=p.upn[:13],
                name=p.name,
                outcome=p.outcome.value,
                reasons=p.reasons,
                child_id=p.child_id,
            )
            for p in report.pupils
        ],
    )


@router.post(
    "/imports",
    response={200: ImportReportOut, **ERRORS_CREATE},
    summary="Import a Common Transfer File into your setting",
)
def import_common_transfer_file(
    request: HttpRequest,
    file: File[UploadedFile],
    starts_on: Form[dt.date | None] = None,
) -> ImportReportOut:
    """Import a CTF 25 addressed to a setting where you are SENCO or head.

    `starts_on` (a form field beside the file, YYYY-MM-DD) is the pupils' first day at your
    setting; without it, the file's DateTime.

    Pupils are matched by UPN; each is created, updated, left unchanged or skipped with the
    reason. A pupil on roll at another setting is not admitted: a pending transfer waits for that
    setting or the local authority to confirm it, and nothing changes until then. A file that
    cannot be read as a whole is refused with 422 and nothing is saved.
    """
    user = signed_in(request)
    if file.size is not None and file.size > max_bytes():
        raise ValidationError(
            {
                "file": f"The file is {file.size / 1_048_576:.1f} MB: the largest CTF accepted "
                f"is {max_bytes() / 1_048_576:.0f} MB. Split it into smaller files"
            }
        )
    if file.file is None:
        raise ValidationError({"file": "Choose a Common Transfer File to upload"})
    adds_children = Setting.objects.filter(pk__in=scope(user, Duty.ADD_CHILDREN).settings)
    try:
        report = import_ctf(file.file, by=user, starts_on=starts_on, allowed_settings=adds_children)
    except CtfError as exc:
        field = "starts_on" if isinstance(exc, FirstDayError) else "file"
        raise ValidationError({field: str(exc)}) from exc
    return _report_out(report)


class ExportQuery(Schema):
    setting_id: int = Field(ge=1, le=MAX_ID, description="The setting the children are leaving")
    child_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="One child only; otherwise every recent leaver"
    )


XML_RESPONSE = {
    "responses": {
        200: {
            "description": "The CTF 25 XML file, as an attachment",
            "content": {"application/xml": {"schema": {"type": "string"}}},
        }
    }
}


@router.get(
    "/exports",
    response=ERRORS_ANY,
    openapi_extra=XML_RESPONSE,
    summary="Download a Common Transfer File for children leaving your setting",
)
def export_common_transfer_file(request: HttpRequest, query: Query[ExportQuery]) -> HttpResponse:
    """Return a CTF 25 for one child, or every recent leaver, of a setting where you are SENCO
    or head, with their SEN history and needs. Every pupil exported is audited."""
    user = signed_in(request)
    setting = (
        Setting.objects.filter(pk=query.setting_id).first()
        if query.setting_id in scope(user, Duty.ADD_CHILDREN).settings
        else None
    )
    if setting is None:
        raise ValidationError(
            {"setting_id": "You can export CTFs only from a setting where you are SENCO or head"}
        )
    if query.child_id is not None:
        try:
            child = get_child_for(user, query.child_id, Action.READ)
        except ChildNotFound as exc:
            raise ValidationError(
                {"child_id": "No child with that id can be exported from this setting"}
            ) from exc
        if child.access_decision.setting_id != setting.pk:
            raise ValidationError(
                {"child_id": "No child with that id can be exported from this setting"}
            )
        children = [child]
    else:
        children = list(
            visible_children(user).filter(pk__in=leavers(setting).values("pk")).order_by("pk")
        )
        audit_children_listed(
            user, [c.pk for c in children], f"CTF export of leavers from {setting.name}"
        )
        if not children:
            raise ValidationError(
                {"setting_id": f"No children are leaving {setting.name} now: nothing to export"}
            )
    export = export_ctf(setting, children, by=user, reason="CTF download over the API")
    response = HttpResponse(export.content, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response
