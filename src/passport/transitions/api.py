"""Moves over the API: admit a child to another setting, list new arrivals, confirm support,
and decide the transfers a CTF asked for.

Handlers parse, get the child through `access` (404 for anyone without the relationship the
action needs), call one service and return the result. Errors are problem details.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from passport.access.policies import (
    Action,
    ChildNotFound,
    audit_children_listed,
    get_child_for,
    require_grant_access,
)
from passport.access.standing import Duty, scope
from passport.children.models import Child
from passport.core.dates import today
from passport.core.text import LONG_TEXT
from passport.organisations.models import Setting
from passport.people.models import User
from passport.transitions import services
from passport.transitions.models import Admission, PendingTransfer
from passport.web.auth import signed_in
from passport.web.params import MAX_ID, RowId
from passport.web.problems import ERRORS_ANY, ERRORS_CREATE, Problem
from passport.web.schemas import Input, IsoDate

router = Router(tags=["Transitions"])

Urn = Annotated[str, Field(pattern=r"^\d{6,8}$", description="The receiving setting's URN")]


class AdmissionIn(Input):
    child_id: int = Field(ge=1, le=MAX_ID, description="A child you may change the passport of")
    setting_urn: Urn
    starts_on: IsoDate = Field(description="The first day on roll at the receiving setting")
    registration: Literal["main", "subsidiary"] = Field(
        "main", description="subsidiary keeps the child on roll where they are (dual registration)"
    )


class AdmissionOut(Schema):
    id: int
    child_id: int
    setting_id: int
    setting_name: str = Field(alias="setting.name")
    starts_on: dt.date
    registration: str
    sending_setting_id: int | None
    source: str
    support_confirmed_on: dt.date | None = None
    support_due_on: dt.date | None
    overdue: bool

    @staticmethod
    def resolve_support_confirmed_on(obj: Admission) -> dt.date | None:
        confirmation = getattr(obj, "confirmation", None)
        return confirmation.confirmed_on if confirmation else None

    @staticmethod
    def resolve_support_due_on(obj: Admission) -> dt.date | None:
        return services.confirmation_due_on(obj)

    @staticmethod
    def resolve_overdue(obj: Admission) -> bool:
        return services.is_overdue(obj, today())


class ArrivalOut(AdmissionOut):
    child_name: str = Field(alias="child.full_name")


class DecisionIn(Input):
    support_item_id: RowId
    decision: Literal["continue", "change", "stop"]
    reason: Annotated[str, Field(max_length=LONG_TEXT)] = ""


class ConfirmationIn(Input):
    admission_id: int = Field(ge=1, le=MAX_ID, description="An admission to a setting you lead")
    passport_read: bool = Field(description="You have read the child's passport")
    decisions: list[DecisionIn] = Field(
        default_factory=list,
        max_length=500,
        description="One decision for every current item of Support in place",
    )


class ConfirmationOut(Schema):
    admission_id: int
    confirmed_on: dt.date
    calendar_days: int = Field(description="Days from the first day on roll")
    school_days: int = Field(description="School days from the first day on roll")


def _child(user: User, child_id: int) -> Child:
    """Return the child if the person may change their passport, else a field error."""
    try:
        return get_child_for(user, child_id, Action.WRITE)
    except ChildNotFound as exc:
        # Reported as a field at fault, the same for a hidden child and a missing one.
        raise ValidationError({"child_id": "No child with that id is visible to you"}) from exc


@router.post(
    "/admissions",
    response={201: AdmissionOut, **ERRORS_CREATE, 404: Problem},
    summary="Admit a child on roll at your setting to another setting",
)
def admit_child(request: HttpRequest, payload: AdmissionIn) -> Status[Admission]:
    """Record the child's admission to the setting with this URN from a date: its SENCO can read
    the passport at once and is told by email; your setting's access ends the day before.
    Recording the same admission again returns it unchanged. Only the SENCO or head of a
    setting the child is on roll at now may: a setting the child is only going to attend
    is answered 404, as the page refuses it, and the attempt is audited."""
    user = signed_in(request)
    child = _child(user, payload.child_id)
    require_grant_access(
        user,
        child,
        action=Action.WRITE,
        refused=f"the {payload.registration} admission to the setting with URN "
        f"{payload.setting_urn} was not recorded",
    )
    setting = Setting.objects.filter(urn=payload.setting_urn).first()
    if setting is None:
        raise ValidationError({"setting_urn": "No setting has that URN: check it on GIAS"})
    admission = services.record_admission(
        child,
        setting,
        payload.starts_on,
        by=user,
        source=Admission.Source.API,
        registration=payload.registration,
    )
    return Status(201, admission)


@router.get(
    "/new-arrivals",
    response={200: list[ArrivalOut], **ERRORS_ANY},
    summary="List children admitted to settings you lead",
)
def list_new_arrivals(request: HttpRequest) -> list[Admission]:
    """Return recent and coming admissions to the settings where you are SENCO or head."""
    user = signed_in(request)
    arrivals = services.new_arrivals(user)
    audit_children_listed(user, [a.child_id for a in arrivals], "new arrivals (API)")
    return arrivals


@router.post(
    "/support-confirmations",
    response={201: ConfirmationOut, **ERRORS_CREATE},
    summary="Confirm the support in place for a child admitted to your setting",
)
def confirm_support_in_place(
    request: HttpRequest, payload: ConfirmationIn
) -> Status[ConfirmationOut]:
    """Confirm you read the passport and say which support continues, changes or stops."""
    user = signed_in(request)
    led = sorted(scope(user, Duty.LEAD_SETTING).settings)
    admission = (
        Admission.objects.filter(pk=payload.admission_id, setting_id__in=led)
        .select_related("setting__local_authority", "child")
        .first()
    )
    if admission is None:
        raise ValidationError(
            {"admission_id": "No admission with that id is to a setting you lead"}
        )
    _child(user, admission.child_id)
    confirmation = services.confirm_support_in_place(
        admission,
        by=user,
        passport_read=payload.passport_read,
        decisions=[
            services.ItemDecision(d.support_item_id, d.decision, d.reason)
            for d in payload.decisions
        ],
    )
    return Status(
        201,
        ConfirmationOut(
            admission_id=admission.pk,
            confirmed_on=confirmation.confirmed_on,
            calendar_days=confirmation.calendar_days,
            school_days=confirmation.school_days,
        ),
    )


# Deciding a transfer names it in the path: anyone who may not decide it is told it does not exist.
ERRORS_DECIDE: dict[int, type[Schema]] = {**ERRORS_CREATE, 404: Problem}
NO_SUCH_TRANSFER = "No transfer with that id is waiting for your decision"


class PendingTransferOut(Schema):
    id: int
    child_id: int
    child_name: str = Field(alias="child.full_name")
    from_setting_name: str | None = Field(
        description="On roll there now; null when the child is on no roll and the LA decides"
    )
    to_setting_name: str = Field(alias="to_setting.name", description="The setting that asked")
    requested_on: dt.date
    starts_on: dt.date = Field(description="The first day on roll the file proposed")
    sen_provision: str | None = Field(description="The file's SEN provision; null if none")
    need_types: list[str] = Field(description="The file's need types, most important first")

    @staticmethod
    def resolve_from_setting_name(obj: PendingTransfer) -> str | None:
        return obj.from_setting.name if obj.from_setting else None

    @staticmethod
    def resolve_requested_on(obj: PendingTransfer) -> dt.date:
        return timezone.localdate(obj.requested_at)

    @staticmethod
    def resolve_sen_provision(obj: PendingTransfer) -> str | None:
        return obj.sen_provision or None


class DeclineIn(Input):
    reason: Annotated[str, Field(max_length=LONG_TEXT, description="Why the child is not moving")]


class DeclinedTransferOut(Schema):
    id: int
    status: str
    decided_at: dt.datetime
    reason: str
    released_at: dt.datetime | None = Field(
        description="Until released, further requests for the child from that setting are refused"
    )


def _transfer(transfer_id: int) -> PendingTransfer:
    pending = (
        PendingTransfer.objects.filter(pk=transfer_id)
        .select_related("child", "from_setting", "to_setting")
        .first()
    )
    if pending is None:
        raise Http404(NO_SUCH_TRANSFER)
    return pending


@router.get(
    "/pending-transfers",
    response={200: list[PendingTransferOut], **ERRORS_ANY},
    summary="List the transfers a CTF asked for that are waiting for your decision",
)
def list_pending_transfers(request: HttpRequest) -> list[PendingTransfer]:
    """Return transfers of children on roll at a setting you lead, or in your local authority,
    that another setting asked for by importing a Common Transfer File."""
    user = signed_in(request)
    transfers = services.pending_transfers_to_decide(user)
    audit_children_listed(
        user, [t.child_id for t in transfers], "pending transfers to confirm (API)"
    )
    return transfers


@router.post(
    "/pending-transfers/{transfer_id}/confirm",
    response={201: AdmissionOut, **ERRORS_DECIDE},
    summary="Confirm a transfer a CTF asked for: the child is admitted to the setting that asked",
)
def confirm_pending_transfer(request: HttpRequest, transfer_id: RowId) -> Status[Admission]:
    """Admit the child to the setting that asked from the date the file gave, and record the
    file's needs in the passport. A transfer decided already answers 409."""
    user = signed_in(request)
    try:
        admission = services.confirm_pending_transfer(_transfer(transfer_id), by=user)
    except PermissionDenied as exc:  # refused and audited by the service
        raise Http404(NO_SUCH_TRANSFER) from exc
    except services.TransferAlreadyDecided as exc:
        raise HttpError(409, exc.messages[0]) from exc
    return Status(201, admission)


@router.post(
    "/pending-transfers/{transfer_id}/release",
    response={200: DeclinedTransferOut, **ERRORS_DECIDE},
    summary="Let the setting whose transfer you declined ask again for the child",
)
def release_declined_transfer(request: HttpRequest, transfer_id: RowId) -> PendingTransfer:
    """A declined transfer holds further requests for the child from the same setting: release
    it, and a new CTF from that setting waits for a decision again. Audited. A transfer that is
    not declined, or released already, answers 409."""
    user = signed_in(request)
    try:
        return services.release_declined_transfer(_transfer(transfer_id), by=user)
    except PermissionDenied as exc:  # refused and audited by the service
        raise Http404(NO_SUCH_TRANSFER) from exc
    except services.TransferAlreadyDecided as exc:
        raise HttpError(409, exc.messages[0]) from exc


@router.post(
    "/pending-transfers/{transfer_id}/decline",
    response={200: DeclinedTransferOut, **ERRORS_DECIDE},
    summary="Decline a transfer a CTF asked for, saying why: nothing else changes",
)
def decline_pending_transfer(
    request: HttpRequest, transfer_id: RowId, payload: DeclineIn
) -> PendingTransfer:
    """Refuse the transfer and record why; the child stays on roll where they are. A transfer
    decided already answers 409."""
    user = signed_in(request)
    try:
        return services.decline_pending_transfer(
            _transfer(transfer_id), by=user, reason=payload.reason
        )
    except PermissionDenied as exc:  # refused and audited by the service
        raise Http404(NO_SUCH_TRANSFER) from exc
    except services.TransferAlreadyDecided as exc:
        raise HttpError(409, exc.messages[0]) from exc
