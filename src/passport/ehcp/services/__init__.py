"""The verbs of an EHC needs assessment and plan, in the order the law sets them.

Each verb checks the step comes in order (no decision before the request, no final plan without
a draft, dates that follow each other), writes its rows and the statutory clocks in one
transaction, and records an audit row. A step out of order raises ValidationError keyed by
field, and nothing is written.

One module per job: writes in `requests`, `decisions`, `advice`, `plans`, `reviews` and `clocks`
(with `plan_content` and `checks` shared between them); steps named by the child in
`case_steps`; reads in `case`, `evidence`, `timelines` and `dashboard`. The public names are
here too, so `from passport.ehcp import services` reaches every verb.
"""

from passport.ehcp.services.advice import ask_for_advice, record_advice
from passport.ehcp.services.amendments import (
    issue_amended_plan,
    propose_amendment,
    record_representations,
)
from passport.ehcp.services.case import (
    child_with_ehcp,
    current_plan,
    current_request,
    open_review,
)
from passport.ehcp.services.ceasing import (
    decide_to_cease,
    end_plans_after_appeal_window,
    open_proposal,
    propose_ceasing,
    record_ceasing_appeal,
    record_tribunal_outcome,
)
from passport.ehcp.services.clocks import (
    FAMILY_WINDOWS,
    appeal_deadline,
    due_date,
    exception_named,
    exceptions_for,
    is_working_day,
    record_exception,
    tribunal_time_ends,
)
from passport.ehcp.services.consultations import (
    check_age_range,
    consult_setting,
    record_setting_response,
    setting_consultation_days,
)
from passport.ehcp.services.dashboard import dashboard_sections, missed_clocks
from passport.ehcp.services.decisions import (
    decide_not_to_issue,
    decide_whether_to_assess,
    record_mediation_certificate,
)
from passport.ehcp.services.evidence import passport_evidence, prefill_from_passport
from passport.ehcp.services.plan_content import (
    PLAN_TEXT_SECTIONS,
    OutcomeItem,
    ProvisionItem,
    Sections,
    StalePlan,
)
from passport.ehcp.services.plans import (
    cease_plan,
    edit_plan,
    finalise_plan,
    issue_draft_plan,
    record_family_response,
)
from passport.ehcp.services.requests import KIND_BY_RELATIONSHIP, request_assessment
from passport.ehcp.services.reviews import (
    decide_after_review,
    notice_was_short,
    record_review_meeting,
    record_review_report,
    report_due_on,
)
from passport.ehcp.services.timelines import LIMIT_FROM, STEP_WORDS, Step, step_for, timeline

__all__ = [
    "FAMILY_WINDOWS",
    "KIND_BY_RELATIONSHIP",
    "LIMIT_FROM",
    "PLAN_TEXT_SECTIONS",
    "STEP_WORDS",
    "OutcomeItem",
    "ProvisionItem",
    "Sections",
    "StalePlan",
    "Step",
    "appeal_deadline",
    "ask_for_advice",
    "cease_plan",
    "check_age_range",
    "child_with_ehcp",
    "consult_setting",
    "current_plan",
    "current_request",
    "dashboard_sections",
    "decide_after_review",
    "decide_not_to_issue",
    "decide_to_cease",
    "decide_whether_to_assess",
    "due_date",
    "edit_plan",
    "end_plans_after_appeal_window",
    "exception_named",
    "exceptions_for",
    "finalise_plan",
    "is_working_day",
    "issue_amended_plan",
    "issue_draft_plan",
    "missed_clocks",
    "notice_was_short",
    "open_proposal",
    "open_review",
    "passport_evidence",
    "prefill_from_passport",
    "propose_amendment",
    "propose_ceasing",
    "record_advice",
    "record_ceasing_appeal",
    "record_exception",
    "record_family_response",
    "record_mediation_certificate",
    "record_representations",
    "record_review_meeting",
    "record_review_report",
    "record_setting_response",
    "record_tribunal_outcome",
    "report_due_on",
    "request_assessment",
    "setting_consultation_days",
    "step_for",
    "timeline",
    "tribunal_time_ends",
]
