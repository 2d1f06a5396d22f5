"""The verbs of a move: admit a child, record them leaving, confirm support in place, decide a
transfer a Common Transfer File asked for, plan a phase transfer; and the reads behind the new
arrivals, overdue confirmations and phase transfer pages.

One module per job, writes apart from reads; this package re-exports the public verbs, so
`from passport.transitions import services` and `services.record_admission(...)` keep working.
"""

from passport.transitions.services.admissions import (
    AdmissionResult,
    AdmissionRow,
    admit_chunk,
    record_admission,
)
from passport.transitions.services.arrivals import (
    new_arrivals,
    overdue_confirmations,
    overdue_counts,
)
from passport.transitions.services.bulk_admissions import (
    AdmissionsReport,
    notify_settings,
    record_admissions,
)
from passport.transitions.services.carried_needs import (
    NeedsBroughtOver,
    bring_over_needs,
    broad_areas_with,
)
from passport.transitions.services.leaving import record_leaving
from passport.transitions.services.pending_transfers import (
    TransferAlreadyDecided,
    authorise_transfer_decision,
    confirm_pending_transfer,
    decline_pending_transfer,
    release_declined_transfer,
)
from passport.transitions.services.phase_planner import (
    Readiness,
    readiness,
    statutory_transfer_date,
    transfer_kind,
    transfer_year,
)
from passport.transitions.services.support_in_place import (
    ItemDecision,
    confirm_support_in_place,
    current_support,
)
from passport.transitions.services.time_to_support import (
    TimeToSupport,
    confirmation_due_on,
    is_overdue,
    time_to_support,
)
from passport.transitions.services.transfer_plans import save_transfer_plan
from passport.transitions.services.transfers_to_decide import (
    declined_transfers_to_release,
    pending_transfers_to_decide,
)

__all__ = [
    "AdmissionResult",
    "AdmissionRow",
    "AdmissionsReport",
    "ItemDecision",
    "NeedsBroughtOver",
    "Readiness",
    "TimeToSupport",
    "TransferAlreadyDecided",
    "admit_chunk",
    "authorise_transfer_decision",
    "bring_over_needs",
    "broad_areas_with",
    "confirm_pending_transfer",
    "confirm_support_in_place",
    "confirmation_due_on",
    "current_support",
    "decline_pending_transfer",
    "declined_transfers_to_release",
    "is_overdue",
    "new_arrivals",
    "notify_settings",
    "overdue_confirmations",
    "overdue_counts",
    "pending_transfers_to_decide",
    "readiness",
    "record_admission",
    "record_admissions",
    "record_leaving",
    "release_declined_transfer",
    "save_transfer_plan",
    "statutory_transfer_date",
    "time_to_support",
    "transfer_kind",
    "transfer_year",
]
