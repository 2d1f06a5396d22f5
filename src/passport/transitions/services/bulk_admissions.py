"""Admitting many children at once (the September wave), a chunk of rows per transaction, with
one notification per receiving setting."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from itertools import islice

from django.db import IntegrityError, transaction

from passport.people.models import User
from passport.transitions.models import Admission
from passport.transitions.services.admissions import (
    RECORDED_MEANWHILE,
    AdmissionResult,
    AdmissionRow,
    admit_chunk,
)
from passport.transitions.tasks import notify_setting_of_admissions

# Admissions written per transaction by `record_admissions`.
ADMISSIONS_CHUNK = 500


@dataclass
class AdmissionsReport:
    """What `record_admissions` did: counts, and each refused row's key and reasons."""

    admitted: int = 0
    unchanged: int = 0
    refused: list[tuple[Hashable, list[str]]] = field(default_factory=list)
    settings_notified: int = 0


def notify_settings(admissions: Iterable[Admission]) -> int:
    """Queue one notification per receiving setting for the admissions nobody was told of yet;
    return how many were queued."""
    settings = sorted({a.setting_id for a in admissions if a.notified_at is None})
    for setting_id in settings:
        notify_setting_of_admissions.enqueue(setting_id)
    return len(settings)


def _chunks(rows: Iterable[AdmissionRow], size: int) -> Iterable[list[AdmissionRow]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def record_admissions(
    rows: Iterable[AdmissionRow],
    *,
    by: User | None,
    source: str,
    chunk_size: int = ADMISSIONS_CHUNK,
    progress: Callable[[int], None] | None = None,
) -> AdmissionsReport:
    """Admit many children (the September wave), by the rules of `record_admission`, a chunk of
    rows per transaction.

    Each row is checked as `record_admission` checks it (and against the rows before it):
    a refused row is reported with its reasons and writes nothing; a row already admitted is
    left as it is, so the same rows can be run again after a failure. Previous main enrolments
    end the day before, every change of access is audited, and each receiving setting gets one
    queued notification for all its new arrivals, not one per child. `progress` is called with
    the number of rows of each chunk done.
    """
    report = AdmissionsReport()
    to_notify: dict[int, Admission] = {}
    for chunk in _chunks(rows, chunk_size):
        try:
            with transaction.atomic():
                results = admit_chunk(chunk, by=by, source=source)
        except IntegrityError:
            # Someone admitted one of these children at the same moment: go row by row, so only
            # that row is refused.
            results = [_admit_one(row, by=by, source=source) for row in chunk]
        for result in results:
            if result.problems:
                report.refused.append((result.row.key, list(result.problems)))
                continue
            if result.created:
                report.admitted += 1
            else:
                report.unchanged += 1
            assert result.admission is not None
            if result.admission.notified_at is None:
                to_notify.setdefault(result.admission.setting_id, result.admission)
        if progress is not None:
            progress(len(chunk))
    # After every chunk: a re-run after a crash queues what the crashed run did not.
    report.settings_notified = notify_settings(to_notify.values())
    return report


def _admit_one(row: AdmissionRow, *, by: User | None, source: str) -> AdmissionResult:
    try:
        with transaction.atomic():
            (result,) = admit_chunk([row], by=by, source=source)
    except IntegrityError:
        return AdmissionResult(row, None, problems=(RECORDED_MEANWHILE,))
    return result
