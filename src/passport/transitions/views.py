"""Pages for moves. Each view parses, authorises through `access`, calls one service and renders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from passport.access.policies import (
    Action,
    audit_children_listed,
    get_child_for,
    require_grant_access,
    visible_children,
)
from passport.access.standing import Duty, holds, require, scope
from passport.audit.models import AuditAction
from passport.children.models import Child, Enrolment
from passport.core.dates import today
from passport.organisations.models import Setting
from passport.passports.models import Passport
from passport.people.models import User
from passport.transitions import services
from passport.transitions.ctf.importer import (
    FirstDayError,
    ImportReport,
    default_first_day,
    import_ctf,
)
from passport.transitions.ctf.parser import CtfError
from passport.transitions.forms import (
    TO_SETTING,
    ConfirmTransferForm,
    CtfUploadForm,
    DeclineTransferForm,
    MoveForm,
    ReleaseTransferForm,
    SupportInPlaceForm,
    TransferPlanForm,
)
from passport.transitions.models import Admission, PendingTransfer, TransferPlan
from passport.web.http import AuthenticatedRequest


def _led_setting_ids(user: User) -> list[int]:
    """Return the settings where the person is SENCO or head today."""
    return sorted(scope(user, Duty.LEAD_SETTING).settings)


@login_required
def new_arrivals(request: AuthenticatedRequest) -> HttpResponse:
    """Children admitted to my setting recently or starting soon, with support to confirm."""
    require(request.user, Duty.LEAD_SETTING)
    on = today()
    admissions = services.new_arrivals(request.user, on=on)
    rows = [
        {
            "admission": admission,
            "due_on": services.confirmation_due_on(admission),
            "overdue": services.is_overdue(admission, on),
            "confirmation": getattr(admission, "confirmation", None),
        }
        for admission in admissions
    ]
    audit_children_listed(request.user, [a.child_id for a in admissions], "new arrivals")
    return render(request, "transitions/new_arrivals.html", {"rows": rows, "today": on})


def _admission_to_confirm(user: User, child: Child) -> Admission | None:
    return (
        Admission.objects.filter(child=child, setting_id__in=_led_setting_ids(user))
        .select_related("setting__local_authority", "confirmation")
        .order_by("-starts_on")
        .first()
    )


@login_required
@require_http_methods(["GET", "POST"])
def confirm_support(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    """Confirm the passport was read and decide on each item of Support in place."""
    child = get_child_for(request.user, child_id, Action.WRITE)
    admission = _admission_to_confirm(request.user, child)
    passport = Passport.objects.filter(child=child).first()
    items = services.current_support(passport) if passport else []
    form = SupportInPlaceForm(request.POST if request.method == "POST" else None, items=items)
    confirmation = getattr(admission, "confirmation", None) if admission else None
    if (
        request.method == "POST"
        and admission is not None
        and confirmation is None
        and form.is_valid()
    ):
        decisions = [
            services.ItemDecision(item.pk, form.cleaned_data[decision], form.cleaned_data[reason])
            for item, decision, reason in form.rows()
        ]
        try:
            done = services.confirm_support_in_place(
                admission, by=request.user, passport_read=True, decisions=decisions
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                f"Support in place confirmed for {child.full_name}: "
                f"{done.calendar_days} days ({done.school_days} school days) "
                "from their first day",
            )
            return redirect("new-arrivals")
    return render(
        request,
        "transitions/confirm_support.html",
        {
            "child": child,
            "admission": admission,
            "confirmation": confirmation,
            "form": form,
            "due_on": services.confirmation_due_on(admission) if admission else None,
        },
    )


def _enrolment_here(user: User, child: Child) -> Enrolment | None:
    """Return the child's live enrolment at a setting the person leads."""
    return (
        Enrolment.objects.live_on(today())
        .filter(child=child, setting_id__in=_led_setting_ids(user))
        .select_related("setting")
        .first()
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_move(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    """Record that a child moves to another setting, or leaves the roll for somewhere else."""
    child = get_child_for(request.user, child_id, Action.WRITE)
    enrolment = _enrolment_here(request.user, child)
    form = MoveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        # The question the API asks too: only a setting the child is on roll at now moves them.
        require_grant_access(
            request.user, child, action=Action.WRITE, refused="the move was not recorded"
        )
    if request.method == "POST" and enrolment is not None and form.is_valid():
        data = form.cleaned_data
        if data["destination"] == TO_SETTING:
            # Find the school by name, check, then confirm (move_views): never a bare URN.
            return redirect("move-find-setting", child.pk)
        try:
            leaving = services.record_leaving(
                child,
                enrolment.setting,
                data["last_day"],
                data["destination"],
                request.user,
                destination_detail=data.get("detail", ""),
            )
            done = f"{child.full_name} leaves {leaving.setting.name} after {leaving.last_day:%-d %B %Y}"
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, done)
            return redirect("children")
    return render(
        request,
        "transitions/record_move.html",
        {"child": child, "enrolment": enrolment, "form": form},
    )


@login_required
def overdue_confirmations(request: AuthenticatedRequest) -> HttpResponse:
    """For LA caseworkers: new arrivals whose support is unconfirmed past the deadline."""
    on = today()
    la_ids = sorted(require(request.user, Duty.LA_CASEWORK, on=on).local_authorities)
    counts = services.overdue_counts(on, la_ids)
    settings_by_id = Setting.objects.in_bulk(list(counts))
    by_setting = sorted(
        ((settings_by_id[pk], count) for pk, count in counts.items()), key=lambda p: p[0].name
    )
    admissions = services.overdue_confirmations(request.user, on=on)
    audit_children_listed(
        request.user, [a.child_id for a in admissions], "overdue support confirmations"
    )
    rows = [(a, services.confirmation_due_on(a)) for a in admissions]
    return render(
        request,
        "transitions/overdue.html",
        {"by_setting": by_setting, "rows": rows, "total": sum(counts.values())},
    )


@login_required
def phase_transfers(request: AuthenticatedRequest) -> HttpResponse:
    """Children at my settings who change phase next September, with their readiness."""
    led = list(
        Setting.objects.filter(
            pk__in=require(request.user, Duty.LEAD_SETTING).settings
        ).select_related("local_authority")
    )
    on = today()
    year = services.transfer_year(on)
    children = (
        visible_children(request.user, on=on)
        .filter(enrolments__in=Enrolment.objects.live_on(on).filter(setting__in=led))
        .select_related("passport")
        .distinct()
        .order_by("family_name", "given_name", "pk")
    )
    plans = {
        plan.child_id: plan
        for plan in TransferPlan.objects.filter(setting__in=led, transfer_year=year).select_related(
            "destination_setting"
        )
    }
    groups: dict[str, list[dict[str, object]]] = {kind: [] for kind in TransferPlan.Kind.values}
    listed: list[int] = []
    for child in children:
        kind = services.transfer_kind(child, on)
        if kind is None:
            continue
        listed.append(child.pk)
        plan = plans.get(child.pk)
        has_plan = getattr(getattr(child, "passport", None), "sen_provision", "") == "E"
        groups[kind].append(
            {
                "child": child,
                "plan": plan,
                "readiness": services.readiness(plan),
                "statutory_date": services.statutory_transfer_date(kind, year)
                if has_plan
                else None,
            }
        )
    audit_children_listed(request.user, listed, "phase transfers")
    return render(
        request,
        "transitions/phase_transfers.html",
        {
            "groups": [(TransferPlan.Kind(kind).label, rows) for kind, rows in groups.items()],
            "year": year,
            "settings": led,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def transfer_plan(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    """Name the destination and tick off readiness for one child's phase transfer."""
    child = get_child_for(request.user, child_id, Action.WRITE)
    enrolment = _enrolment_here(request.user, child)
    kind = services.transfer_kind(child)
    plan = (
        TransferPlan.objects.filter(
            child=child, setting=enrolment.setting, transfer_year=services.transfer_year()
        ).first()
        if enrolment
        else None
    )
    initial = (
        {
            "destination_urn": plan.destination_setting.urn if plan.destination_setting else "",
            "destination_text": plan.destination_text,
            "passport_reviewed": plan.passport_reviewed,
            "essentials_shared": plan.essentials_shared,
            "meeting_held_on": plan.meeting_held_on,
        }
        if plan
        else {}
    )
    form = TransferPlanForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and enrolment is not None and kind and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_transfer_plan(
                child,
                enrolment.setting,
                by=request.user,
                destination_setting=data["destination_urn"],
                destination_text=data["destination_text"],
                passport_reviewed=data["passport_reviewed"],
                meeting_held_on=data["meeting_held_on"],
                essentials_shared=data["essentials_shared"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"Transfer plan for {child.full_name} saved")
            return redirect("phase-transfers")
    return render(
        request,
        "transitions/transfer_plan.html",
        {
            "child": child,
            "form": form,
            "kind": TransferPlan.Kind(kind).label if kind else None,
            "enrolment": enrolment,
            "year": services.transfer_year(),
        },
    )


def _require_deciding_transfers(user: User) -> None:
    """Refuse (404, audited) anyone who is neither a setting's SENCO or head nor a caseworker."""
    if not holds(user, Duty.LEAD_SETTING):
        require(user, Duty.LA_CASEWORK)


def _waiting_transfer(
    transfer_id: int, status: str = PendingTransfer.Status.PENDING
) -> PendingTransfer:
    """Return a transfer still waiting for a decision (or a declined one holding requests, to
    release), or 404 (others are gone from here)."""
    pending = (
        PendingTransfer.objects.filter(pk=transfer_id, status=status, released_at__isnull=True)
        .select_related("child", "from_setting", "to_setting")
        .first()
    )
    if pending is None:
        raise Http404("No transfer with that id is waiting for your decision")
    return pending


def _release(request: AuthenticatedRequest, form: ReleaseTransferForm) -> HttpResponse:
    """Release a declined transfer from the Release button, or 404 (refusals audited)."""
    if not form.is_valid():
        raise Http404("No transfer with that id is waiting for your decision")
    declined = _waiting_transfer(form.cleaned_data["release"], PendingTransfer.Status.DECLINED)
    try:
        services.release_declined_transfer(declined, by=request.user)
    except PermissionDenied as exc:
        raise Http404("No transfer with that id is waiting for your decision") from exc
    except services.TransferAlreadyDecided as exc:
        raise Http404("No transfer with that id is waiting for your decision") from exc
    messages.success(
        request,
        f"{declined.to_setting.name} can ask again for {declined.child.full_name} to move there",
    )
    return redirect("pending-transfers")


@login_required
@require_http_methods(["GET", "POST"])
def pending_transfers(request: AuthenticatedRequest) -> HttpResponse:
    """Transfers a CTF asked for, of children on roll at my setting or in my LA: confirm them
    here, or go on to decline them with a reason."""
    _require_deciding_transfers(request.user)
    if request.method == "POST" and "release" in request.POST:
        return _release(request, ReleaseTransferForm(request.POST))
    form = ConfirmTransferForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not form.is_valid():
            raise Http404("No transfer with that id is waiting for your decision")
        pending = _waiting_transfer(form.cleaned_data["transfer"])
        try:
            admission = services.confirm_pending_transfer(pending, by=request.user)
        except PermissionDenied as exc:
            raise Http404("No transfer with that id is waiting for your decision") from exc
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                f"{pending.child.full_name} is admitted to {admission.setting.name} from "
                f"{admission.starts_on:%-d %B %Y}",
            )
            return redirect("pending-transfers")
    transfers = services.pending_transfers_to_decide(request.user)
    declined = services.declined_transfers_to_release(request.user)
    audit_children_listed(
        request.user,
        [t.child_id for t in transfers + declined],
        "pending transfers to confirm",
    )
    return render(
        request,
        "transitions/pending_transfers.html",
        {"transfers": transfers, "declined": declined, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def decline_transfer(request: AuthenticatedRequest, transfer_id: int) -> HttpResponse:
    """Decline a transfer a CTF asked for, saying why; nothing else changes."""
    pending = _waiting_transfer(transfer_id)
    try:
        services.authorise_transfer_decision(pending, request.user, AuditAction.DECLINE_TRANSFER)
    except PermissionDenied as exc:
        raise Http404("No transfer with that id is waiting for your decision") from exc
    form = DeclineTransferForm(request.POST if request.method == "POST" else None)
    if request.method == "GET":
        audit_children_listed(request.user, [pending.child_id], "a transfer to decline")
    if request.method == "POST" and form.is_valid():
        try:
            services.decline_pending_transfer(
                pending, by=request.user, reason=form.cleaned_data["reason"]
            )
        except PermissionDenied as exc:
            raise Http404("No transfer with that id is waiting for your decision") from exc
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                f"You declined the transfer of {pending.child.full_name} to "
                f"{pending.to_setting.name}. Nothing has changed, and it cannot ask again "
                "until you release it",
            )
            return redirect("pending-transfers")
    return render(request, "transitions/decline_transfer.html", {"pending": pending, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def import_common_transfer_file(request: AuthenticatedRequest) -> HttpResponse:
    """Upload a Common Transfer File addressed to a setting I lead, and see what happened to
    each pupil. The file's free-text names (SchoolName) are never shown back."""
    standing = require(request.user, Duty.ADD_CHILDREN)
    settings = list(
        Setting.objects.filter(pk__in=standing.settings)
        .select_related("local_authority")
        .order_by("name", "pk")
    )
    form = CtfUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial={"starts_on": default_first_day(settings)},
    )
    report: ImportReport | None = None
    if request.method == "POST" and form.is_valid():
        try:
            report = import_ctf(
                form.cleaned_data["file"].file,
                by=request.user,
                starts_on=form.cleaned_data["starts_on"],
                allowed_settings=Setting.objects.filter(pk__in=standing.settings),
            )
        except FirstDayError as exc:
            form.add_error("starts_on", str(exc))
        except (CtfError, PermissionDenied) as exc:
            form.add_error("file", f"The file was not imported: {exc}")
    return render(
        request,
        "transitions/import_ctf.html",
        {"form": form, "report": report, "settings": settings},
    )
