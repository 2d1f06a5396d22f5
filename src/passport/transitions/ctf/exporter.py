"""Export a Common Transfer File for children leaving a setting, with their SEN data.

SEN history comes from the passport's own history, dated as truthfully as the service knows:
an EHC plan (E) from the day the live plan was issued (`Passport.ehc_plan_since`, set only by
the plan service), and SEN support (K) from the day the setting first recorded a need in the
passport. A provision of E with no plan record is written as SEN support: we do not tell the
next school there is a plan the local authority has not recorded. Every pupil exported is one
"export" row in the audit trail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone

from passport.audit import services as audit
from passport.children.models import Child, Enrolment
from passport.core.dates import today
from passport.organisations.models import Setting
from passport.passports.models import Passport, RankedNeed
from passport.people.models import User
from passport.transitions.ctf.builder import DOCUMENT_NAME, build_ctf
from passport.transitions.ctf.parser import (
    CTF_VERSION,
    UNKNOWN_ESTAB,
    UNKNOWN_LEA,
    CtfHeader,
    CtfNeed,
    CtfPupil,
    CtfSen,
)
from passport.transitions.models import Admission

# The Education (Pupil Information) (England) Regulations 2005, reg. 9: the CTF goes within 15
# school days of the pupil leaving; 21 calendar days covers that outside holidays.
LEAVER_WINDOW_DAYS = 21


@dataclass(frozen=True)
class Export:
    """A CTF ready to download: its file name and its bytes."""

    filename: str
    content: bytes
    pupils: int


def leavers(setting: Setting, *, on: dt.date | None = None) -> QuerySet[Child]:
    """Return children who left the setting recently, or are leaving it for another setting."""
    on = on or today()
    since = on - dt.timedelta(days=LEAVER_WINDOW_DAYS)
    ended = Enrolment.objects.filter(setting=setting, ends_on__isnull=False, ends_on__gte=since)
    moving = Admission.objects.filter(sending_setting=setting, starts_on__gte=since)
    return Child.objects.filter(
        Q(pk__in=ended.values("child_id")) | Q(pk__in=moving.values("child_id"))
    )


def next_setting(child: Child, setting: Setting) -> Setting | None:
    """Return where the child goes after the setting, if the service knows."""
    admission = (
        Admission.objects.filter(child=child, sending_setting=setting)
        .select_related("setting__local_authority")
        .order_by("-starts_on")
        .first()
    )
    if admission is not None:
        return admission.setting
    left = Enrolment.objects.filter(child=child, setting=setting).order_by("-starts_on").first()
    if left is None:
        return None
    later = (
        Enrolment.objects.filter(child=child, starts_on__gt=left.starts_on)
        .exclude(setting=setting)
        .select_related("setting__local_authority")
        .order_by("starts_on")
        .first()
    )
    return later.setting if later else None


# The census code for an EHC plan, and for SEN support (DfE school census guidance 2025-26).
EHC_PLAN = "E"
SEN_SUPPORT = "K"


def _provision_on_record(provision: str, plan_since: dt.date | None) -> tuple[str, dt.date | None]:
    """Return the provision we may state, and the plan's start: E only with a plan record."""
    if provision == EHC_PLAN:
        return (EHC_PLAN, plan_since) if plan_since else (SEN_SUPPORT, None)
    return provision, None


def first_need_recorded(passport: Passport) -> dt.date | None:
    """Return the day a need was first recorded in the passport, from its needs' history.

    A passport starts at SEN support before anyone has recorded a need (the model's default), so
    the day the passport was made is not the day SEN support began: the first ranked need is
    the first record that the setting identified a special educational need (SEND Code of
    Practice 6.44: SEN support follows the identification of SEN).
    """
    first = (
        RankedNeed.history.filter(passport_id=passport.pk)
        .order_by("history_date", "history_id")
        .values_list("history_date", flat=True)
        .first()
    )
    return timezone.localdate(first) if first else None


def sen_history(passport: Passport) -> list[CtfSen]:
    """Return each period of SEN provision, from the passport's versions, oldest first.

    An EHC plan's period starts on the day the plan was issued; SEN support's on the day the
    provision became K, or the first need was recorded if that came later; other provision on
    the day the passport recorded it. Periods are strictly in date order, as a receiving MIS
    reads the latest start date as the current provision: an earlier period that would start on
    or after the next one (a plan recorded as issued before the support we saw) is left out.
    """
    periods: list[tuple[str, dt.date | None, dt.date]] = []  # provision, plan start, recorded
    rows = passport.history.order_by("history_date", "history_id").values_list(
        "history_date", "sen_provision", "ehc_plan_since"
    )
    for when, provision, plan_since in rows:
        stated, since = _provision_on_record(provision, plan_since)
        if not periods or periods[-1][:2] != (stated, since):
            periods.append((stated, since, timezone.localdate(when)))
    first_need = first_need_recorded(passport)
    dated: list[CtfSen] = []
    for stated, since, recorded in periods:
        start = recorded
        if since is not None:
            start = since
        elif stated == SEN_SUPPORT and first_need is not None:
            start = max(recorded, first_need)
        dated.append(CtfSen(start, stated))
    history: list[CtfSen] = []
    for period in reversed(dated):
        if not history or period.start_date < history[-1].start_date:
            history.append(period)
    return history[::-1]


def pupil_record(child: Child) -> CtfPupil:
    """Return the child's identity and SEN data as a CTF pupil."""
    passport = Passport.objects.filter(child=child).first()
    history = sen_history(passport) if passport else []
    needs = (
        [CtfNeed(need.need_type, need.rank) for need in passport.ranked_needs.order_by("rank")]
        if passport
        else []
    )
    return CtfPupil(
        position=0,
        upn=child.upn or "",
        surname=child.family_name,
        forename=child.given_name,
        date_of_birth=child.date_of_birth,
        sex="",
        sen_history=history,
        needs=needs,
    )


def academic_year(on: dt.date) -> str:
    """Return the academic year as CTF writes it, like 2025/26 (years start in September)."""
    start = on.year if on.month >= 9 else on.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def export_ctf(
    source: Setting,
    children: Iterable[Child],
    *,
    by: User | None,
    role: str = "",
    reason: str = "",
) -> Export:
    """Build one CTF from the setting for these children, auditing each pupil exported.

    The destination is the next setting when every child goes to the same one, else MMM/MMMM
    (the DfE code for a destination that is not known).
    """
    if not source.estab:
        raise ValidationError(
            {"setting_id": f"{source.name} has no DfE establishment number, which a CTF needs"}
        )
    chosen: Sequence[Child] = list(children)
    destinations = {next_setting(child, source) for child in chosen}
    destination = destinations.pop() if len(destinations) == 1 else None
    if destination is not None and destination.estab:
        dest_lea, dest_estab = destination.local_authority.code, destination.estab
    else:
        dest_lea, dest_estab = UNKNOWN_LEA, UNKNOWN_ESTAB
    now = timezone.localtime()
    header = CtfHeader(
        document_name=DOCUMENT_NAME,
        version=CTF_VERSION,
        generated_at=now.replace(tzinfo=None),
        qualifier="partial",
        source_lea=source.local_authority.code,
        source_estab=source.estab,
        source_name=source.name,
        academic_year=academic_year(now.date()),
        dest_lea=dest_lea,
        dest_estab=dest_estab,
    )
    pupils = []
    for child in chosen:
        pupils.append(pupil_record(child))
        audit.record(
            actor=by,
            role=role,
            relationship="",
            acting_for=source.name,
            setting_id=source.pk,
            action="export",
            child_id=child.pk,
            sections=["identity", "needs"],
            reason=reason or f"Common Transfer File to {dest_lea}{dest_estab}",
            allowed=True,
        )
    filename = f"{header.source_lea}{header.source_estab}_CTF_{dest_lea}{dest_estab}_001.xml"
    return Export(filename, build_ctf(header, pupils), len(pupils))
