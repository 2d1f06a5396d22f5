"""A move recorded on the "Record a move" pages, and undoing it within a day (issue 19).

The admission itself is `record_admission`'s: this module only remembers what the move changed so
the person who made it can take it back, exactly, before anyone has acted on it.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from passport.access.policies import UndoStanding, may_undo_move
from passport.audit import services as audit
from passport.children.models import Child, Enrolment
from passport.organisations.models import Setting
from passport.people.models import User
from passport.transitions.models import Admission, RecordedMove, SupportConfirmation
from passport.transitions.services.admissions import MAIN, record_admission
from passport.transitions.services.roll_changes import ADMITTED, ON_ROLL, roll_change

# Letters and digits nobody misreads on the phone (no 0/O, 1/I/L).
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class UndoRefused(Exception):
    """The move cannot be undone; `reason` says why, in words for the page."""

    def __init__(self, reason: str, standing: UndoStanding | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.standing = standing


# Enough to pick from; a longer list means the words should be more precise.
MOST_SETTINGS_FOUND = 20


def find_settings(words: str) -> list[Setting]:
    """Return open settings whose name or local authority contains the words, or whose URN is
    exactly them, best first: an exact URN, then names starting with the words."""
    words = " ".join(words.split())
    if not words:
        return []
    found = (
        Setting.objects.filter(
            Q(urn__iexact=words)
            | Q(name__icontains=words)
            | Q(local_authority__name__icontains=words)
        )
        .exclude(status=Setting.Status.CLOSED)
        .select_related("local_authority")
        .order_by("name", "urn")[: MOST_SETTINGS_FOUND * 5]
    )
    lowered = words.lower()

    def rank(setting: Setting) -> tuple[int, str]:
        if setting.urn.lower() == lowered:
            return (0, setting.name)
        return (1 if setting.name.lower().startswith(lowered) else 2, setting.name)

    return sorted(found, key=rank)[:MOST_SETTINGS_FOUND]


def _new_reference() -> str:
    return "MV-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


def _main_enrolments_a_move_ends(child: Child, setting: Setting, starts_on: dt.date) -> dict:
    return dict(
        Enrolment.objects.filter(child=child, registration=MAIN)
        .exclude(setting=setting)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on))
        .values_list("pk", "ends_on")
    )


def record_move(
    child: Child, setting: Setting, starts_on: dt.date, *, registration: str, by: User
) -> RecordedMove:
    """Admit the child to `setting` (by `record_admission`, with all its rules) and remember what
    that ended, for undoing. Recording the same move again (a double click) returns the first
    record; an admission recorded some other way is refused, as it is not this person's to undo.
    Raise ValidationError, keyed by field, when the move cannot be recorded."""
    with transaction.atomic():
        list(Child.objects.select_for_update().filter(pk=child.pk).values_list("pk", flat=True))
        already = Admission.objects.filter(child=child, setting=setting, starts_on=starts_on)
        existing = RecordedMove.objects.filter(admission__in=already).first()
        if existing is not None:
            return existing
        if already.exists():
            raise ValidationError(
                {"starts_on": f"This move to {setting.name} was already recorded"}
            )
        before = _main_enrolments_a_move_ends(child, setting, starts_on)
        admission = record_admission(child, setting, starts_on, by=by, registration=registration)
        after = dict(Enrolment.objects.filter(pk__in=before).values_list("pk", "ends_on"))
        ended = [
            [pk, ends_on.isoformat() if ends_on else None]
            for pk, ends_on in sorted(before.items())
            if after.get(pk) != ends_on
        ]
        return RecordedMove.objects.create(
            reference=_new_reference(),
            child=child,
            setting=setting,
            starts_on=starts_on,
            registration=registration,
            admission=admission,
            ended_enrolments=ended,
            moved_by=by,
            moved_at=timezone.now(),
        )


def undo_standing(
    move: RecordedMove, user: User, *, now: dt.datetime | None = None
) -> UndoStanding:
    """Ask `access` whether the person may undo this move now."""
    return may_undo_move(
        user, moved_by_id=move.moved_by_id, moved_at=move.moved_at, now=now or timezone.now()
    )


def recorded_move_for(reference: str, user: User) -> tuple[RecordedMove, UndoStanding]:
    """Return a move for its confirmation page, with whether the person may undo it now; only
    its recorder sees it (the read is audited). Raise UndoRefused for anyone else, and
    RecordedMove.DoesNotExist for an unknown reference."""
    move = RecordedMove.objects.select_related("child", "setting", "admission").get(
        reference=reference
    )
    standing = undo_standing(move, user)
    if standing is UndoStanding.NOT_THE_MOVER:
        _audit_refusal(move, user, standing, action="read")
        raise UndoRefused(refusal_reason(standing), standing)
    audit.record(
        actor=user,
        role="",
        relationship="",
        acting_for="",
        setting_id=move.setting_id,
        action="read",
        child_id=move.child_id,
        reason=f"Confirmation of move {move.reference}, which they recorded",
        allowed=True,
    )
    return move, standing


def undo_move(move: RecordedMove, *, by: User, now: dt.datetime | None = None) -> RecordedMove:
    """Take the move back: remove the admission and its enrolment, give the ended enrolments
    their last days back, and audit each change of roll. Only once, only by the person who
    recorded it, within a day; raise UndoRefused otherwise (the refusal is audited too)."""
    now = now or timezone.now()
    with transaction.atomic():
        move = (
            RecordedMove.objects.select_for_update()
            .select_related("child", "setting")
            .get(pk=move.pk)
        )
        standing = undo_standing(move, by, now=now)
        if standing is not UndoStanding.MAY_UNDO:
            _audit_refusal(move, by, standing)
            raise UndoRefused(refusal_reason(standing), standing)
        if move.undone_at is not None:
            raise UndoRefused("This move has already been undone")
        admission = move.admission
        if admission is None:
            raise UndoRefused("The admission this move recorded no longer exists")
        if SupportConfirmation.objects.filter(admission=admission).exists():
            raise UndoRefused(
                f"{move.setting.name} has already confirmed {move.child.known_as}'s support, so "
                "the move cannot be undone here. Contact their SENCO"
            )
        child, setting = move.child, move.setting
        entries = [
            roll_change(
                by,
                child,
                setting,
                f"Move {move.reference} undone: admission to {setting.name} from "
                f"{move.starts_on} withdrawn, the setting's access ends",
                relationship=ADMITTED,
            )
        ]
        admission.enrolment.delete()  # the admission goes with it
        for pk, ends_on in move.ended_enrolments:
            enrolment = Enrolment.objects.select_related("setting").get(pk=pk)
            # As admit_chunk ended it: an update of the one column.
            Enrolment.objects.filter(pk=pk).update(
                ends_on=dt.date.fromisoformat(ends_on) if ends_on else None
            )
            entries.append(
                roll_change(
                    by,
                    child,
                    enrolment.setting,
                    f"Move {move.reference} undone: back on roll at {enrolment.setting.name}"
                    + (f" until {ends_on}" if ends_on else ""),
                    relationship=ON_ROLL,
                )
            )
        audit.record_many(entries)
        move.undone_at = now
        move.undone_by = by
        move.save(update_fields=["undone_at", "undone_by"])
    return move


def refusal_reason(standing: UndoStanding) -> str:
    if standing is UndoStanding.TOO_LATE:
        return (
            "A move can only be undone within a day of recording it. Contact the new setting's "
            "SENCO to agree what to do"
        )
    return "Only the person who recorded a move can undo it"


def _audit_refusal(
    move: RecordedMove, by: User, standing: UndoStanding, *, action: str = "write"
) -> None:
    audit.record(
        actor=by,
        role="",
        relationship="",
        acting_for="",
        setting_id=move.setting_id,
        action=action,
        child_id=move.child_id,
        reason=f"Undo of move {move.reference} refused: {standing.value}",
        allowed=False,
    )
