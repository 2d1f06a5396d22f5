"""The "Record a move" journey to another setting (issue 19): find the setting by name, town or
URN, say when and how the child starts, check the answers, confirm; then the confirmation page,
from which the person who recorded the move can undo it within a day.

The answers wait in the session, per child, until confirmed: nothing changes before the check
page. Each view authorises through `access`, calls one service and renders.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from passport.access.policies import (
    MOVE_UNDO_WINDOW,
    Action,
    UndoStanding,
    get_child_for,
    require_grant_access,
)
from passport.access.standing import Duty, scope
from passport.children.models import Child, Enrolment
from passport.core.dates import today
from passport.organisations.models import Setting
from passport.transitions.models import RecordedMove
from passport.transitions.move_forms import ChooseSettingForm, FindSettingForm, MoveDetailsForm
from passport.transitions.services import moves
from passport.web.http import AuthenticatedRequest

REFUSED = "the move was not recorded"


def _answers_key(child_id: int) -> str:
    return f"record-move:{child_id}"


def _done_key(child_id: int) -> str:
    return f"record-move-done:{child_id}"


def _child_to_move(request: AuthenticatedRequest, child_id: int) -> tuple[Child, Enrolment | None]:
    """The child, if the person may move them (issue 15: only a setting the child is on roll at
    now), and their enrolment at a setting the person leads."""
    child = get_child_for(request.user, child_id, Action.WRITE)
    require_grant_access(request.user, child, action=Action.WRITE, refused=REFUSED)
    led = scope(request.user, Duty.LEAD_SETTING).settings
    enrolment = (
        Enrolment.objects.live_on(today())
        .filter(child=child, setting_id__in=sorted(led))
        .select_related("setting")
        .first()
    )
    return child, enrolment


def _answers(request: AuthenticatedRequest, child_id: int) -> dict[str, Any]:
    return dict(request.session.get(_answers_key(child_id), {}))


def _save_answers(request: AuthenticatedRequest, child_id: int, **changes: Any) -> None:
    request.session[_answers_key(child_id)] = _answers(request, child_id) | changes


def _chosen_setting(answers: dict[str, Any]) -> Setting | None:
    setting_id = answers.get("setting_id")
    if not isinstance(setting_id, int):
        return None
    return Setting.objects.filter(pk=setting_id).select_related("local_authority").first()


def _not_on_roll_here(request: AuthenticatedRequest, child: Child) -> HttpResponse:
    return render(request, "transitions/record_move.html", {"child": child, "enrolment": None})


@login_required
@require_http_methods(["GET", "POST"])
def find_setting(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    """Which school, college or nursery: search by name, town or URN, then choose one."""
    child, enrolment = _child_to_move(request, child_id)
    if enrolment is None:
        return _not_on_roll_here(request, child)
    words = request.GET.get("q", "")
    search = FindSettingForm({"q": words} if "q" in request.GET else None)
    found = moves.find_settings(search.cleaned_data["q"]) if search.is_valid() else []
    chosen = _answers(request, child_id).get("setting_id")
    choose = ChooseSettingForm(
        request.POST if request.method == "POST" else None,
        found=found,
        initial={"setting": str(chosen)} if chosen else None,
    )
    if request.method == "POST" and choose.is_valid():
        _save_answers(request, child_id, setting_id=choose.chosen().pk)
        if request.GET.get("change") and _answers(request, child_id).get("starts_on"):
            return redirect("move-check", child.pk)
        return redirect("move-details", child.pk)
    return render(
        request,
        "transitions/move_find_setting.html",
        {
            "child": child,
            "enrolment": enrolment,
            "search": search,
            "words": words,
            "found": found,
            # The error summary shows the form that has errors: the search or the choice.
            "form": choose if search.is_valid() or not search.is_bound else search,
            "searched": search.is_bound and search.is_valid(),
            "change": bool(request.GET.get("change")),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def move_details(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    """When the child starts at the new setting, and whether they stay on roll here too."""
    child, enrolment = _child_to_move(request, child_id)
    if enrolment is None:
        return _not_on_roll_here(request, child)
    answers = _answers(request, child_id)
    initial = {"registration": answers.get("registration", "main")}
    if answers.get("starts_on"):
        initial["starts_on"] = dt.date.fromisoformat(answers["starts_on"])
    form = MoveDetailsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        _save_answers(
            request,
            child_id,
            starts_on=form.cleaned_data["starts_on"].isoformat(),
            registration=form.cleaned_data["registration"],
        )
        return redirect("move-check", child.pk)
    setting = _chosen_setting(answers)
    return render(
        request,
        "transitions/move_details.html",
        {"child": child, "enrolment": enrolment, "form": form, "setting": setting},
    )


def _already_recorded(request: AuthenticatedRequest, child_id: int) -> RecordedMove | None:
    """The move this person has just recorded for the child from these answers, if any: a
    second click on "Confirm" shows it again rather than asking for access the move ended."""
    answers = _answers(request, child_id)
    mine = RecordedMove.objects.filter(
        moved_by=request.user, child_id=child_id, undone_at__isnull=True
    )
    if answers.get("setting_id") and answers.get("starts_on"):
        return mine.filter(setting_id=answers["setting_id"], starts_on=answers["starts_on"]).first()
    reference = request.session.get(_done_key(child_id))
    return mine.filter(reference=reference).first() if reference else None


@login_required
@require_http_methods(["GET", "POST"])
def check_move(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    """Check your answers, then confirm: the one step that moves the child."""
    if request.method == "POST":
        recorded = _already_recorded(request, child_id)
        if recorded is not None:
            return redirect("move-recorded", recorded.reference)
    child, enrolment = _child_to_move(request, child_id)
    if enrolment is None:
        return _not_on_roll_here(request, child)
    answers = _answers(request, child_id)
    setting = _chosen_setting(answers)
    starts_on = dt.date.fromisoformat(answers["starts_on"]) if answers.get("starts_on") else None
    registration = answers.get("registration")
    complete = setting is not None and starts_on is not None and registration is not None
    problem = ""
    if request.method == "POST" and complete:
        assert setting is not None and starts_on is not None and registration is not None
        try:
            move = moves.record_move(
                child, setting, starts_on, registration=registration, by=request.user
            )
        except ValidationError as error:
            problem = " ".join(error.messages)
        else:
            request.session.pop(_answers_key(child_id), None)
            request.session[_done_key(child_id)] = move.reference
            return redirect("move-recorded", move.reference)
    return render(
        request,
        "transitions/move_check.html",
        {
            "child": child,
            "enrolment": enrolment,
            "setting": setting,
            "starts_on": starts_on,
            "registration": registration,
            "complete": complete,
            "problem": problem,
        },
        status=409 if problem else 200,
    )


def _refused(request: AuthenticatedRequest, error: moves.UndoRefused) -> HttpResponse:
    return render(
        request, "transitions/move_undo_refused.html", {"reason": error.reason}, status=403
    )


def _recorded_move(
    request: AuthenticatedRequest, reference: str
) -> tuple[RecordedMove, UndoStanding]:
    try:
        return moves.recorded_move_for(reference, request.user)
    except RecordedMove.DoesNotExist as missing:
        raise Http404("No move has that reference") from missing


@login_required
@require_http_methods(["GET"])
def move_recorded(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    """The confirmation page: the reference, what happens next, and the undo button."""
    try:
        move, standing = _recorded_move(request, reference)
    except moves.UndoRefused as error:
        return _refused(request, error)
    return render(
        request,
        "transitions/move_recorded.html",
        {
            "move": move,
            "undone_at": timezone.localtime(move.undone_at) if move.undone_at else None,
            "may_undo": standing is UndoStanding.MAY_UNDO and move.undone_at is None,
            "undo_until": timezone.localtime(move.moved_at + MOVE_UNDO_WINDOW),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def undo_move(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    """Are you sure? Then take the move back (only its recorder, within a day, once)."""
    try:
        move, standing = _recorded_move(request, reference)
        if standing is not UndoStanding.MAY_UNDO:
            raise moves.UndoRefused(moves.refusal_reason(standing), standing)
        if request.method == "POST":
            move = moves.undo_move(move, by=request.user)
            return render(request, "transitions/move_undone.html", {"move": move})
        if move.undone_at is not None:
            raise moves.UndoRefused("This move has already been undone")
    except moves.UndoRefused as error:
        return _refused(request, error)
    return render(
        request,
        "transitions/move_undo.html",
        {"move": move, "undo_until": timezone.localtime(move.moved_at + MOVE_UNDO_WINDOW)},
    )
