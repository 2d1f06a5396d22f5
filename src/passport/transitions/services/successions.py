"""Following a setting's successor: when GIAS closes a URN and links it to the one that took over
its pupils (an academy conversion, a merger, an amalgamation), every child on the old roll
continues on the successor's roll from the day it took over.

Access follows enrolments (access.links), so moving the enrolment moves access: the successor's
staff see the child from that day, the old setting's staff no longer do, and no day falls between.
The history is kept: the old enrolment ends the day before the successor took over and a new one
starts that day, as an admission does. The passport belongs to the child, not to a setting, so it
goes with them unchanged.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q

from passport.audit import services as audit
from passport.children.models import Child, Enrolment
from passport.core.dates import today
from passport.organisations.models import Setting
from passport.people.models import User
from passport.transitions.services.roll_changes import ADMITTED, ON_ROLL, roll_change

# Settings per query when looking enrolments up by setting.
LOOKUP_CHUNK = 500
# A chain of successors longer than this is a loop in the links file, not a history.
LONGEST_CHAIN = 20


@dataclass(frozen=True)
class Succession:
    """A closed setting, the setting that took over its pupils, and the day it did."""

    predecessor_id: int
    successor_id: int
    on: dt.date


@dataclass
class SuccessionReport:
    """What `follow_successors` did."""

    enrolments_moved: int = 0
    children: int = 0


def follow_successors(
    successions: Iterable[tuple[int, int, dt.date]], *, by: User | None = None
) -> SuccessionReport:
    """Continue at its successor every enrolment still open at a closed setting on the day the
    successor took over, all in one transaction, each change of access audited.

    Safe to run again: an enrolment already moved ends before the day its setting was succeeded,
    so it is not open then and is left alone. A chain (a school that became an academy that
    later merged) is followed to its end.
    """
    by_setting = {old: Succession(old, new, on) for old, new, on in successions if old != new}
    report = SuccessionReport()
    if not by_setting:
        return report
    with transaction.atomic():
        open_at_closed = _open_enrolments(by_setting)
        if not open_at_closed:
            return report
        child_ids = sorted({enrolment.child_id for enrolment in open_at_closed})
        _lock_children(child_ids)
        held: dict[int, list[Enrolment]] = defaultdict(list)
        for start in range(0, len(child_ids), LOOKUP_CHUNK):
            for enrolment in Enrolment.objects.filter(
                child_id__in=child_ids[start : start + LOOKUP_CHUNK]
            ):
                held[enrolment.child_id].append(enrolment)
        settings = Setting.objects.in_bulk(
            list({s.predecessor_id for s in by_setting.values()})
            + list({s.successor_id for s in by_setting.values()})
        )
        changed: dict[int, Enrolment] = {}
        created: list[Enrolment] = []
        entries: list[audit.Entry] = []
        moved_children: set[int] = set()
        work = deque((enrolment, 0) for enrolment in open_at_closed)
        while work:
            enrolment, steps = work.popleft()
            succession = by_setting.get(enrolment.setting_id)
            if succession is None or steps >= LONGEST_CHAIN:
                continue
            if enrolment.ends_on is not None and enrolment.ends_on < succession.on:
                continue
            old, new = settings[succession.predecessor_id], settings[succession.successor_id]
            child = enrolment.child
            moved_children.add(child.pk)
            report.enrolments_moved += 1
            if enrolment.starts_on >= succession.on:
                # Put on the old roll after the successor had taken over: the place was always
                # at the successor.
                enrolment.setting = new
                if enrolment.pk is not None:
                    changed[enrolment.pk] = enrolment
                entries += [
                    roll_change(by, child, old, _replaced(old, new), relationship=ON_ROLL),
                    _admitted(by, child, new, old, enrolment.starts_on),
                ]
                work.append((enrolment, steps + 1))
                continue
            ends_on = enrolment.ends_on
            enrolment.ends_on = succession.on - dt.timedelta(days=1)
            if enrolment.pk is not None:
                changed[enrolment.pk] = enrolment
            entries.append(
                roll_change(
                    by, child, old, _left(old, new, enrolment.ends_on), relationship=ON_ROLL
                )
            )
            if _on_roll_already(held[child.pk], new, succession.on):
                continue
            continued = Enrolment(
                child=child,
                setting=new,
                starts_on=succession.on,
                ends_on=ends_on,
                registration=enrolment.registration,
            )
            held[child.pk].append(continued)
            created.append(continued)
            entries.append(_admitted(by, child, new, old, succession.on))
            work.append((continued, steps + 1))
        Enrolment.objects.bulk_update(list(changed.values()), ["setting", "ends_on"])
        Enrolment.objects.bulk_create(created)
        audit.record_many(entries)
    report.children = len(moved_children)
    return report


def _open_enrolments(by_setting: dict[int, Succession]) -> list[Enrolment]:
    """Return the enrolments at closed settings still open on the day each was succeeded."""
    earliest = min(succession.on for succession in by_setting.values())
    closed = sorted(by_setting)
    found: list[Enrolment] = []
    for start in range(0, len(closed), LOOKUP_CHUNK):
        found += (
            Enrolment.objects.filter(setting_id__in=closed[start : start + LOOKUP_CHUNK])
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=earliest))
            .select_related("child")
            .order_by("pk")
        )
    return [
        enrolment
        for enrolment in found
        if enrolment.ends_on is None or enrolment.ends_on >= by_setting[enrolment.setting_id].on
    ]


def _lock_children(child_ids: list[int]) -> None:
    # In id order, as admissions lock them, so a move and an admission take turns.
    if connection.features.has_select_for_update:
        list(
            Child.objects.select_for_update()
            .filter(pk__in=child_ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def _on_roll_already(held: list[Enrolment], setting: Setting, on: dt.date) -> bool:
    return any(
        enrolment.setting_id == setting.pk
        and enrolment.starts_on <= on
        and (enrolment.ends_on is None or enrolment.ends_on >= on)
        for enrolment in held
    )


def _left(old: Setting, new: Setting, last_day: dt.date | None) -> str:
    return (
        f"Left the roll of {old.name} on {last_day}, when it closed: {new.name} "
        f"(URN {new.urn}) took over its pupils"
    )


def _replaced(old: Setting, new: Setting) -> str:
    return (
        f"Taken off the roll of {old.name}, which had closed before the child joined: the place "
        f"is at {new.name} (URN {new.urn}), which took over its pupils"
    )


def _admitted(
    by: User | None, child: Child, new: Setting, old: Setting, starts_on: dt.date
) -> audit.Entry:
    reason = (
        f"On roll at {new.name} from {starts_on}, which took over the pupils of {old.name} "
        f"(URN {old.urn}): the setting's access begins"
    )
    relationship = ON_ROLL if starts_on <= today() else ADMITTED
    return roll_change(by, child, new, reason, relationship=relationship)
