"""The phase transfer planner's reads: which children change phase next September, the statutory
date their EHC plan must name the next setting by, and how ready each move is."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from passport.children.models import Child
from passport.core.dates import today
from passport.core.policy import current_pack
from passport.core.schooldays import school_year_starting
from passport.transitions.models import TransferPlan

# Year group (Reception is 0) in the school year before a phase transfer.
TRANSFER_FROM_YEAR = {
    -1: TransferPlan.Kind.NURSERY_TO_RECEPTION,
    6: TransferPlan.Kind.YEAR_6_TO_7,
    11: TransferPlan.Kind.YEAR_11_TO_POST_16,
}


def transfer_kind(child: Child, on: dt.date | None = None) -> str | None:
    """Return the phase transfer the child makes next September, if any."""
    return TRANSFER_FROM_YEAR.get(child.year_group(on or today()))


def transfer_year(on: dt.date | None = None) -> int:
    """Return the year of the September the current school year's transfers happen in."""
    return school_year_starting(on or today()) + 1


def statutory_transfer_date(kind: str, year: int) -> dt.date:
    """Return the day an EHC plan must be amended to name the next setting (Code of Practice
    9.179: 15 February; 31 March for secondary to post-16), from the policy pack."""
    timescales = current_pack().timescales
    month_day = (
        timescales.phase_transfer_deadline_post16
        if kind == TransferPlan.Kind.YEAR_11_TO_POST_16
        else timescales.phase_transfer_deadline
    )
    month, day = (int(part) for part in month_day.split("-"))
    return dt.date(year, month, day)


@dataclass(frozen=True)
class Readiness:
    """The readiness checklist of one phase transfer."""

    passport_reviewed: bool
    destination_named: bool
    meeting_held: bool
    essentials_shared: bool

    @property
    def done(self) -> int:
        return sum(
            (
                self.passport_reviewed,
                self.destination_named,
                self.meeting_held,
                self.essentials_shared,
            )
        )


def readiness(plan: TransferPlan | None) -> Readiness:
    """Return the checklist for a plan (all outstanding when there is none yet)."""
    if plan is None:
        return Readiness(False, False, False, False)
    return Readiness(
        plan.passport_reviewed,
        plan.destination_named,
        plan.meeting_held_on is not None,
        plan.essentials_shared,
    )
