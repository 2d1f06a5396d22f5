"""EHC needs assessments and plans over the API: every step, under the access rules.

Each handler gets the child through `access` with the action the step needs (request_assessment
for families and settings, decide for the LA caseworker with the child on their caseload, advise
for a professional asked for advice), calls one service and returns the result. Steps name the
child in the body, as admissions do: a child you may not act for is a field error (422), the same
for a hidden child and a missing one. Reads name the child in the path and answer 404. (They sit
under /ehcp rather than /children/{child_id}, whose generic tests assume the passport's grants:
EHC data is not shown to teachers, and families may request an assessment.) Errors are problem
details.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, HeaderEx, P, QueryEx, Router, Schema, Status

from passport.access.policies import Action, ChildNotFound, audit_children_listed, visible_children
from passport.access.standing import Duty, holds, scope
from passport.children.models import Child
from passport.core.text import SHORT_TEXT
from passport.ehcp import services
from passport.ehcp.models import (
    AdviceRequest,
    Amendment,
    AnnualReview,
    AssessmentDecision,
    AssessmentRequest,
    CeasingProposal,
    ClockException,
    Plan,
    SettingConsultation,
)
from passport.ehcp.services import case_steps, ceasing, existing_plans
from passport.organisations.models import Provider, Setting
from passport.passports.models import Review
from passport.people.models import User
from passport.web import versions
from passport.web.auth import signed_in
from passport.web.params import MAX_ID, RowId
from passport.web.problems import ERRORS_ANY, ERRORS_CREATE, ERRORS_READ, Problem
from passport.web.schemas import Input, IsoDate, RequiredText, ShortText, Text

router = Router(tags=["EHC needs assessments and plans"])

Urn = Annotated[str, Field(pattern=r"^\d{6,8}$", description="A setting's URN")]
ChildId = Annotated[
    int, Field(ge=1, le=MAX_ID, description="A child whose EHC case you may take this step in")
]

PlanIfMatch = HeaderEx[
    str | None,
    P(
        alias="If-Match",
        description='The ETag of the plan you read, like "3": refuse the change if it moved on',
    ),
]
PlanExpectedVersion = QueryEx[
    int | None,
    P(
        ge=1,
        le=versions.MAX_VERSION,
        description="The plan version you read: as If-Match, for clients without headers",
    ),
]
# A change to a plan answers 412 when the plan moved on from the version it names.
ERRORS_PLAN_CHANGE = {**ERRORS_CREATE, 412: Problem}


def _child(request: HttpRequest, child_id: int, action: Action) -> tuple[User, Child]:
    """Return the person and the child, if they may take the action and see the EHC section."""
    user = signed_in(request)
    return user, services.child_with_ehcp(user, child_id, action)


def _child_named(request: HttpRequest, child_id: int, action: Action) -> tuple[User, Child]:
    """As `_child`, for a child named in a request body: refusal is a field error (422), the
    same for a hidden child and a missing one."""
    try:
        return _child(request, child_id, action)
    except ChildNotFound as exc:
        raise ValidationError({"child_id": "No child with that id is visible to you"}) from exc


def _setting(urn: str | None, field: str) -> Setting | None:
    if not urn:
        return None
    setting = Setting.objects.filter(urn=urn).first()
    if setting is None:
        raise ValidationError({field: f"No setting has the URN {urn}: check it on GIAS"})
    return setting


# What comes back


class EhcStepOut(Schema):
    clock_id: int
    step: str = Field(description="The statutory clock, like decide_to_assess")
    title: str = Field(description="The step in plain English")
    legal_limit: str = Field(description='Like "Within 6 weeks of the request"')
    starts_on: dt.date
    due_on: dt.date = Field(description="The last day the step is in time")
    met_on: dt.date | None
    state: Literal["done", "done_late", "overdue", "due", "excused", "stopped", "closed"]


def _step_out(step: services.Step) -> EhcStepOut:
    return EhcStepOut(
        clock_id=step.clock.pk,
        step=step.clock.clock,
        title=step.title,
        legal_limit=step.limit,
        starts_on=step.clock.starts_on,
        due_on=step.clock.due_on,
        met_on=step.clock.met_on,
        state=step.state,  # type: ignore[arg-type]
    )


class EhcDecisionOut(Schema):
    id: int
    stage: str
    kind: str
    decided_on: dt.date
    reason: str
    notice_sent_on: dt.date | None = Field(description="The day the written notice was sent")
    appeal_by: dt.date | None = Field(description="Last day to appeal to the SEND Tribunal")
    mediation_certificate_on: dt.date | None


class EhcRequestOut(Schema):
    id: int
    child_id: int
    local_authority: str = Field(alias="local_authority.name")
    requester_kind: str
    setting_id: int | None
    source_review_id: int | None
    received_on: dt.date
    reason: str
    status: str
    evidence_passport_version: int | None


class EhcAdviceOut(Schema):
    id: int
    adviser_kind: str
    adviser: str
    provider_id: int | None
    asked_on: dt.date
    received_on: dt.date | None


class EhcOutcomeIn(Input):
    description: RequiredText
    broad_area: Annotated[str, Field(max_length=5)] = ""
    by_when: IsoDate | None = None


class EhcProvisionIn(Input):
    description: RequiredText
    delivered_by: ShortText = ""
    how_often: ShortText = ""
    outcome_position: int | None = Field(None, ge=1, le=500, description="Section E item number")


class EhcOutcomeOut(Schema):
    position: int
    broad_area: str
    description: str
    by_when: dt.date | None


class EhcProvisionOut(Schema):
    position: int
    description: str
    delivered_by: str
    how_often: str
    outcome_position: int | None = None

    @staticmethod
    def resolve_outcome_position(obj: object) -> int | None:
        outcome = getattr(obj, "outcome", None)
        return outcome.position if outcome else None


class EhcPlanOut(Schema):
    id: int
    route: Literal["reform", "from_birth", "legacy_pre_reform"]
    status: Literal["draft", "final", "ceased"]
    version: int
    section_a: str
    section_b: str
    section_c: str
    section_d: str
    section_e: list[EhcOutcomeOut]
    section_f: list[EhcProvisionOut]
    section_g: str
    section_h1: str
    section_h2: str
    section_i_setting_id: int | None = Field(alias="placement_id")
    section_i_type: str = Field(alias="placement_type")
    section_j: str
    section_k: str
    draft_issued_on: dt.date | None
    family_responded_on: dt.date | None
    family_preferred_setting_id: int | None
    finalised_on: dt.date | None
    final_appeal_by: dt.date | None = Field(
        description="Last day to appeal against sections B, F and I of the final plan"
    )
    ceased_on: dt.date | None
    ceasing_reason: str
    cease_appeal_by: dt.date | None

    @staticmethod
    def resolve_section_e(obj: Plan) -> list[object]:
        return list(obj.outcomes.all())

    @staticmethod
    def resolve_section_f(obj: Plan) -> list[object]:
        return list(obj.provisions.select_related("outcome"))


class EhcCaseOut(Schema):
    request: EhcRequestOut | None
    decisions: list[EhcDecisionOut]
    advice: list[EhcAdviceOut]
    plan: EhcPlanOut | None
    steps: list[EhcStepOut]


def _case(child: Child) -> EhcCaseOut:
    request = services.current_request(child)
    plan = services.current_plan(child)
    return EhcCaseOut.model_validate(
        {
            "request": request,
            "decisions": list(request.decisions.all()) if request else [],
            "advice": list(request.advice_requests.all()) if request else [],
            "plan": plan,
            "steps": [_step_out(step) for step in services.timeline(child)],
        }
    )


@router.get(
    "/ehcp/cases/{child}",
    response={200: EhcCaseOut, **ERRORS_READ},
    summary="Read a child's EHC needs assessment, plan and statutory timeline",
)
def read_ehcp_case(request: HttpRequest, child: int) -> EhcCaseOut:
    """Every statutory step with its legal limit, due date and whether it was in time."""
    _, found = _child(request, child, Action.READ)
    return _case(found)


@router.get(
    "/ehcp/plans/{child}",
    response={200: EhcPlanOut, **ERRORS_READ},
    summary="Read a child's EHC plan, sections A to K",
)
def read_ehc_plan(request: HttpRequest, child: int, response: HttpResponse) -> Plan:
    """Sections E (outcomes) and F (provision) are items; section I names the setting. The ETag
    is the plan's version: send it as If-Match with a change."""
    _, found = _child(request, child, Action.READ)
    plan = services.current_plan(found)
    if plan is None:
        raise Http404("This child has no EHC plan")
    response["ETag"] = versions.etag(plan.version)
    return plan


# Families and settings


class EhcRequestIn(Input):
    child_id: ChildId
    reason: RequiredText = Field(description="Why an assessment is needed")
    review_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="The review that recommended the request, if any"
    )
    received_on: IsoDate | None = Field(None, description="Default today")


@router.post(
    "/ehcp/requests",
    response={201: EhcRequestOut, **ERRORS_CREATE},
    summary="Request an EHC needs assessment (a parent, the young person, or the setting)",
)
def request_ehc_assessment(
    request: HttpRequest, payload: EhcRequestIn
) -> Status[AssessmentRequest]:
    """The passport is attached as evidence; the LA must decide within 6 weeks."""
    user, child = _child_named(request, payload.child_id, Action.REQUEST_ASSESSMENT)
    review = None
    if payload.review_id is not None:
        review = Review.objects.filter(pk=payload.review_id, passport__child=child).first()
        if review is None:
            raise ValidationError({"review_id": "No review with that id for this child"})
    made = services.request_assessment(
        child, user, reason=payload.reason, received_on=payload.received_on, source_review=review
    )
    return Status(201, made)


# The local authority


class EhcDecideIn(Input):
    child_id: ChildId
    assess: bool = Field(description="true to carry out an assessment")
    decided_on: IsoDate | None = Field(None, description="Default today")
    reason: Text = Field("", description="Needed when refusing")
    notice_sent_on: IsoDate | None = Field(
        None, description="The day the notice was sent; the appeal time runs from it"
    )


@router.post(
    "/ehcp/decisions-to-assess",
    response={201: EhcDecisionOut, **ERRORS_CREATE},
    summary="Record the LA's decision whether to assess",
)
def decide_whether_to_assess(
    request: HttpRequest, payload: EhcDecideIn
) -> Status[AssessmentDecision]:
    """A refusal carries the family's appeal deadline."""
    user, child = _child_named(request, payload.child_id, Action.DECIDE)
    decision = case_steps.decide_whether_to_assess(
        child,
        user,
        assess=payload.assess,
        decided_on=payload.decided_on,
        reason=payload.reason,
        notice_sent_on=payload.notice_sent_on,
    )
    return Status(201, decision)


class EhcAdviceIn(Input):
    child_id: ChildId
    adviser_kind: Literal["educational", "psychology", "health", "social_care", "other"]
    adviser: Annotated[str, Field(min_length=1, max_length=SHORT_TEXT)]
    asked_on: IsoDate | None = None
    provider_id: int | None = Field(None, ge=1, le=MAX_ID)


@router.post(
    "/ehcp/advice-requests",
    response={201: EhcAdviceOut, **ERRORS_CREATE},
    summary="Ask a professional for advice for the assessment (6 weeks)",
)
def ask_for_advice(request: HttpRequest, payload: EhcAdviceIn) -> Status[AdviceRequest]:
    user, child = _child_named(request, payload.child_id, Action.DECIDE)
    provider = None
    if payload.provider_id is not None:
        provider = Provider.objects.filter(pk=payload.provider_id).first()
        if provider is None:
            raise ValidationError({"provider_id": "No provider with that id"})
    advice = case_steps.ask_for_advice(
        child,
        user,
        adviser_kind=payload.adviser_kind,
        adviser=payload.adviser,
        asked_on=payload.asked_on,
        provider=provider,
    )
    return Status(201, advice)


class EhcAdviceGivenIn(Input):
    child_id: ChildId
    advice_request_id: RowId
    received_on: IsoDate | None = None
    advice: Text = ""


@router.post(
    "/ehcp/advice",
    response={201: EhcAdviceOut, **ERRORS_CREATE},
    summary="Give or record advice asked for in an assessment",
)
def give_advice(request: HttpRequest, payload: EhcAdviceGivenIn) -> Status[AdviceRequest]:
    """The caseworker records advice that arrived; a professional of the provider that was
    asked gives it themselves."""
    # One audited decision; the actions it permits say whether this is the caseworker
    # recording advice (decide) or the professional asked giving it (advise).
    user, child = _child_named(request, payload.child_id, Action.READ)
    permitted = child.permitted_actions
    deciding = Action.DECIDE in permitted
    if not deciding and Action.ADVISE not in permitted:
        raise ValidationError({"child_id": "No child with that id is visible to you"})
    done = case_steps.record_advice(
        child,
        user,
        advice_request_id=payload.advice_request_id,
        received_on=payload.received_on,
        text=payload.advice,
        # A professional answers only what was asked of a provider they deliver for.
        from_providers=None if deciding else scope(user, Duty.DELIVER_FOR_PROVIDER).providers,
    )
    return Status(201, done)


class EhcNotToIssueIn(Input):
    child_id: ChildId
    reason: RequiredText
    decided_on: IsoDate | None = None
    notice_sent_on: IsoDate | None = Field(
        None, description="The day the notice was sent; the appeal time runs from it"
    )


@router.post(
    "/ehcp/decisions-not-to-issue",
    response={201: EhcDecisionOut, **ERRORS_CREATE},
    summary="Record the LA's decision not to issue a plan after assessing",
)
def decide_not_to_issue(
    request: HttpRequest, payload: EhcNotToIssueIn
) -> Status[AssessmentDecision]:
    user, child = _child_named(request, payload.child_id, Action.DECIDE)
    decision = case_steps.decide_not_to_issue(
        child,
        user,
        reason=payload.reason,
        decided_on=payload.decided_on,
        notice_sent_on=payload.notice_sent_on,
    )
    return Status(201, decision)


class EhcMediationIn(Input):
    child_id: ChildId
    stage: Literal["assess", "issue"] = Field(description="Which refusal the certificate is about")
    issued_on: IsoDate


@router.post(
    "/ehcp/mediation-certificates",
    response={201: EhcDecisionOut, **ERRORS_CREATE},
    summary="Record a mediation certificate, which can move the appeal deadline later",
)
def record_mediation_certificate(
    request: HttpRequest, payload: EhcMediationIn
) -> Status[AssessmentDecision]:
    user, child = _child_named(request, payload.child_id, Action.DECIDE)
    decision = case_steps.record_mediation_certificate(
        child, user, stage=payload.stage, issued_on=payload.issued_on
    )
    return Status(201, decision)


class EhcSectionsIn(Input):
    section_a: Text | None = None
    section_b: Text | None = None
    section_c: Text | None = None
    section_d: Text | None = None
    section_g: Text | None = None
    section_h1: Text | None = None
    section_h2: Text | None = None
    placement_type: ShortText | None = None
    section_j: Text | None = None
    section_k: Text | None = None

    def given(self) -> dict[str, str]:
        return {k: v for k, v in self.model_dump().items() if v is not None}


class EhcDraftIn(Input):
    child_id: ChildId
    issued_on: IsoDate | None = None
    sections: EhcSectionsIn | None = Field(
        None, description="Sections not given come from the passport"
    )
    outcomes: list[EhcOutcomeIn] | None = Field(None, max_length=100)
    provisions: list[EhcProvisionIn] | None = Field(None, max_length=200)


def _outcomes(items: list[EhcOutcomeIn] | None) -> list[services.OutcomeItem] | None:
    if items is None:
        return None
    return [services.OutcomeItem(i.description, i.broad_area, i.by_when) for i in items]


def _provisions(items: list[EhcProvisionIn] | None) -> list[services.ProvisionItem] | None:
    if items is None:
        return None
    return [
        services.ProvisionItem(i.description, i.delivered_by, i.how_often, i.outcome_position)
        for i in items
    ]


@router.post(
    "/ehcp/draft-plans",
    response={201: EhcPlanOut, **ERRORS_CREATE},
    summary="Issue the draft plan (the family then has 15 days to comment)",
)
def issue_draft_plan(request: HttpRequest, payload: EhcDraftIn) -> Status[Plan]:
    user, child = _child_named(request, payload.child_id, Action.DECIDE)
    plan = case_steps.issue_draft_plan(
        child,
        user,
        issued_on=payload.issued_on,
        sections=payload.sections.given() if payload.sections else None,
        outcomes=_outcomes(payload.outcomes),
        provisions=_provisions(payload.provisions),
    )
    return Status(201, plan)


class EhcPlanChangeIn(Input):
    child_id: ChildId
    sections: EhcSectionsIn = Field(default_factory=EhcSectionsIn)
    outcomes: list[EhcOutcomeIn] | None = Field(None, max_length=100)
    provisions: list[EhcProvisionIn] | None = Field(None, max_length=200)
    placement_urn: Urn | None = None


@router.put(
    "/ehcp/plans",
    response={200: EhcPlanOut, **ERRORS_PLAN_CHANGE},
    summary="Change the draft plan (a new version)",
)
def change_draft_plan(
    request: HttpRequest,
    payload: EhcPlanChangeIn,
    response: HttpResponse,
    if_match: PlanIfMatch = None,
    expected_version: PlanExpectedVersion = None,
) -> Plan:
    """Send the plan's ETag as If-Match: a plan changed since you read it is refused with 412."""
    user, child = _child_named(request, payload.child_id, Action.DECIDE)
    plan = case_steps.edit_plan(
        child,
        user,
        sections=payload.sections.given(),
        outcomes=_outcomes(payload.outcomes),
        provisions=_provisions(payload.provisions),
        placement=_setting(payload.placement_urn, "placement_urn"),
        expected_version=versions.expected_version(if_match, expected_version),
    )
    response["ETag"] = versions.etag(plan.version)
    return plan


class EhcFamilyResponseIn(Input):
    child_id: ChildId
    responded_on: IsoDate | None = None
    comments: Text = ""
    preferred_setting_urn: Urn | None = None


@router.post(
    "/ehcp/family-responses",
    response={201: EhcPlanOut, **ERRORS_CREATE},
    summary="Record the family's comments on the draft and the setting they would like",
)
def record_family_response(request: HttpRequest, payload: EhcFamilyResponseIn) -> Status[Plan]:
    user, child = _child_named(request, payload.child_id, Action.DECIDE)
    plan = case_steps.record_family_response(
        child,
        user,
        responded_on=payload.responded_on,
        comments=payload.comments,
        preferred_setting=_setting(payload.preferred_setting_urn, "preferred_setting_urn"),
    )
    return Status(201, plan)


class EhcFinalIn(Input):
    child_id: ChildId
    placement_urn: Urn | None = Field(None, description="The setting named in section I")
    placement_type: ShortText = Field("", description="Or the type of placement")
    finalised_on: IsoDate | None = None
    preference_not_named_because: Literal["", "unsuitable", "others_education", "resources"] = (
        Field(
            "",
            description="When the setting the family asked for is not named: the reason "
            "Children and Families Act 2014 s39(4) allows",
        )
    )


@router.post(
    "/ehcp/final-plans",
    response={201: EhcPlanOut, **ERRORS_CREATE},
    summary="Issue the final plan naming the placement (20 weeks from the request)",
)
def issue_final_plan(request: HttpRequest, payload: EhcFinalIn) -> Status[Plan]:
    user, child = _child_named(request, payload.child_id, Action.DECIDE)
    plan = case_steps.finalise_plan(
        child,
        user,
        placement=_setting(payload.placement_urn, "placement_urn"),
        placement_type=payload.placement_type,
        finalised_on=payload.finalised_on,
        preference_not_named_because=payload.preference_not_named_because,
    )
    return Status(201, plan)


class EhcConsultationIn(Input):
    child_id: ChildId
    setting_urn: Urn = Field(description="The setting the LA may name in section I")
    sent_on: IsoDate | None = Field(None, description="The day the draft was sent to it")


class EhcConsultationOut(Schema):
    id: int
    setting_id: int
    sent_on: dt.date
    respond_by: dt.date = Field(description="The last day of the setting's 15 days")
    responded_on: dt.date | None
    response: str
    version: int


@router.post(
    "/ehcp/setting-consultations",
    response={201: EhcConsultationOut, **ERRORS_CREATE},
    summary="Consult a setting on naming it in the plan (it has 15 days to respond)",
)
def consult_setting(
    request: HttpRequest, payload: EhcConsultationIn, response: HttpResponse
) -> Status[SettingConsultation]:
    user, child = _child_named(request, payload.child_id, Action.DECIDE)
    setting = _setting(payload.setting_urn, "setting_urn")
    if setting is None:
        raise ValidationError({"setting_urn": "Enter the URN of the setting to consult"})
    consultation = case_steps.consult_setting(child, user, setting=setting, sent_on=payload.sent_on)
    response["ETag"] = versions.etag(consultation.version)
    return Status(201, consultation)


class EhcConsultationResponseIn(Input):
    child_id: ChildId
    responded_on: IsoDate
    response: RequiredText


@router.put(
    "/ehcp/setting-consultations/{consultation_id}/response",
    response={200: EhcConsultationOut, **ERRORS_PLAN_CHANGE},
    summary="Record a consulted setting's response",
)
def record_setting_response(
    request: HttpRequest,
    consultation_id: RowId,
    payload: EhcConsultationResponseIn,
    response: HttpResponse,
    if_match: PlanIfMatch = None,
    expected_version: PlanExpectedVersion = None,
) -> SettingConsultation:
    """Send the consultation's ETag as If-Match: one changed since you read it gets 412."""
    user, child = _child_named(request, payload.child_id, Action.DECIDE)
    consultation = case_steps.record_setting_response(
        child,
        user,
        consultation_id=consultation_id,
        responded_on=payload.responded_on,
        response=payload.response,
        expected_version=versions.expected_version(if_match, expected_version),
    )
    response["ETag"] = versions.etag(consultation.version)
    return consultation


class EhcExceptionIn(Input):
    child_id: ChildId
    clock_id: RowId
    code: str = Field(
        description="One of the exceptions the law lists for this clock (policy pack "
        "[[ehcp.clock_exceptions]])",
        max_length=40,
        pattern=r"^[a-z_]+$",
    )
    details: Text = Field("", description="What happened, in the caseworker's words")
    starts_on: IsoDate
    ends_on: IsoDate | None = Field(None, description="When the circumstance ended, if known")


class EhcExceptionOut(Schema):
    id: int
    clock_id: int = Field(alias="statutory_clock_id")
    code: str
    reason: str
    starts_on: dt.date
    ends_on: dt.date | None
    time_limit_applies: bool = Field(
        description="false: an exception the law lists applies, so the time limit does not"
    )

    @staticmethod
    def resolve_time_limit_applies(obj: ClockException) -> bool:
        return not obj.statutory_clock.excused


@router.post(
    "/ehcp/clock-exceptions",
    response={201: EhcExceptionOut, **ERRORS_CREATE},
    summary="Record an exception the law lists, so a statutory time limit does not apply",
)
def record_clock_exception(request: HttpRequest, payload: EhcExceptionIn) -> Status[ClockException]:
    user, child = _child_named(request, payload.child_id, Action.DECIDE)
    exception = case_steps.record_exception(
        child,
        user,
        clock_id=payload.clock_id,
        code=payload.code,
        details=payload.details,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
    )
    return Status(
        201, ClockException.objects.select_related("statutory_clock").get(pk=exception.pk)
    )


class EhcReviewIn(Input):
    child_id: ChildId
    meeting_on: IsoDate
    notes: Text = ""
    invitations_sent_on: IsoDate | None = Field(
        None, description="When notice of the meeting was sent (at least 2 weeks before it)"
    )


class EhcReviewOut(Schema):
    id: int
    meeting_on: dt.date
    invitations_sent_on: dt.date | None
    report_sent_on: dt.date | None
    outcome: str
    decided_on: dt.date | None
    amended_plan_issued_on: dt.date | None
    appeal_by: dt.date | None = Field(
        description="Last day to appeal a decision not to amend, or the amended plan"
    )
    version: int


@router.post(
    "/ehcp/annual-reviews",
    response={201: EhcReviewOut, **ERRORS_CREATE},
    summary="Record an annual review meeting (the LA decides within 4 weeks)",
)
def record_annual_review(request: HttpRequest, payload: EhcReviewIn) -> Status[AnnualReview]:
    user, child = _child_named(request, payload.child_id, Action.DECIDE)
    review = case_steps.record_review_meeting(
        child,
        user,
        meeting_on=payload.meeting_on,
        notes=payload.notes,
        invitations_sent_on=payload.invitations_sent_on,
    )
    return Status(201, review)


class EhcReviewReportIn(Input):
    child_id: ChildId
    sent_on: IsoDate
    report: RequiredText


@router.put(
    "/ehcp/annual-review-reports",
    response={200: EhcReviewOut, **ERRORS_PLAN_CHANGE},
    summary="Record the report of the latest review meeting (due within 2 weeks of it)",
)
def record_review_report(
    request: HttpRequest,
    payload: EhcReviewReportIn,
    response: HttpResponse,
    if_match: PlanIfMatch = None,
    expected_version: PlanExpectedVersion = None,
) -> AnnualReview:
    """Send the review's ETag as If-Match: a review changed since you read it gets 412."""
    user, child = _child_named(request, payload.child_id, Action.DECIDE)
    review = case_steps.record_review_report(
        child,
        user,
        sent_on=payload.sent_on,
        report=payload.report,
        expected_version=versions.expected_version(if_match, expected_version),
    )
    response["ETag"] = versions.etag(review.version)
    return review


class EhcAmendmentIn(Input):
    child_id: ChildId
    proposed: RequiredText = Field(description="The amendments proposed, as the notice says")
    notice_sent_on: IsoDate | None = Field(None, description="Default today")


class EhcAmendmentOut(Schema):
    id: int
    review_id: int | None
    proposed: str
    notice_sent_on: dt.date
    representations_until: dt.date = Field(description="The family's last day to respond")
    representations_on: dt.date | None
    representations: str
    amended_plan_due_on: dt.date | None = Field(description="8 weeks from the notice")
    issued_on: dt.date | None
    appeal_by: dt.date | None
    version: int

    @staticmethod
    def resolve_amended_plan_due_on(obj: Amendment) -> dt.date | None:
        clock = (
            obj.plan.clocks.filter(clock="amended_plan", starts_on=obj.notice_sent_on)
            .order_by("-pk")
            .first()
        )
        return clock.due_on if clock else None


@router.post(
    "/ehcp/amendments",
    response={201: EhcAmendmentOut, **ERRORS_CREATE},
    summary="Send notice of proposed amendments (15 days for representations; plan in 8 weeks)",
)
def propose_amendment(
    request: HttpRequest, payload: EhcAmendmentIn, response: HttpResponse
) -> Status[Amendment]:
    user, child = _child_named(request, payload.child_id, Action.DECIDE)
    amendment = case_steps.propose_amendment(
        child, user, proposed=payload.proposed, notice_sent_on=payload.notice_sent_on
    )
    response["ETag"] = versions.etag(amendment.version)
    return Status(201, amendment)


class EhcRepresentationsIn(Input):
    child_id: ChildId
    received_on: IsoDate
    representations: RequiredText


@router.put(
    "/ehcp/amendments/representations",
    response={200: EhcAmendmentOut, **ERRORS_PLAN_CHANGE},
    summary="Record the family's representations on the amendment under way",
)
def record_representations(
    request: HttpRequest,
    payload: EhcRepresentationsIn,
    response: HttpResponse,
    if_match: PlanIfMatch = None,
    expected_version: PlanExpectedVersion = None,
) -> Amendment:
    """Send the amendment's ETag as If-Match: one changed since you read it gets 412."""
    user, child = _child_named(request, payload.child_id, Action.DECIDE)
    amendment = case_steps.record_representations(
        child,
        user,
        received_on=payload.received_on,
        representations=payload.representations,
        expected_version=versions.expected_version(if_match, expected_version),
    )
    response["ETag"] = versions.etag(amendment.version)
    return amendment


class EhcReviewDecisionIn(Input):
    child_id: ChildId
    outcome: Literal["keep", "amend", "cease"]
    decided_on: IsoDate | None = None
    ceasing_reason: Annotated[str, Field(max_length=30)] = Field(
        "", description="An SEN2 reason from the policy pack, when ceasing"
    )


@router.post(
    "/ehcp/annual-review-decisions",
    response={201: EhcReviewOut, **ERRORS_CREATE},
    summary="Record the LA's decision after a review: keep, amend or cease",
)
def decide_after_review(request: HttpRequest, payload: EhcReviewDecisionIn) -> Status[AnnualReview]:
    user, child = _child_named(request, payload.child_id, Action.DECIDE)
    review = case_steps.decide_after_review(
        child,
        user,
        outcome=payload.outcome,
        decided_on=payload.decided_on,
        ceasing_reason=payload.ceasing_reason,
    )
    return Status(201, review)


class EhcAmendedIn(Input):
    child_id: ChildId
    issued_on: IsoDate | None = None
    sections: EhcSectionsIn = Field(default_factory=EhcSectionsIn)
    outcomes: list[EhcOutcomeIn] | None = Field(None, max_length=100)
    provisions: list[EhcProvisionIn] | None = Field(None, max_length=200)
    placement_urn: Urn | None = None


@router.post(
    "/ehcp/amended-plans",
    response={201: EhcPlanOut, **ERRORS_PLAN_CHANGE},
    summary="Issue the amended plan (within 8 weeks of the notice of proposed amendments)",
)
def issue_amended_plan(
    request: HttpRequest,
    payload: EhcAmendedIn,
    response: HttpResponse,
    if_match: PlanIfMatch = None,
    expected_version: PlanExpectedVersion = None,
) -> Status[Plan]:
    """Send the final plan's ETag as If-Match: a plan changed since you read it gets 412."""
    user, child = _child_named(request, payload.child_id, Action.DECIDE)
    plan = case_steps.issue_amended_plan(
        child,
        user,
        issued_on=payload.issued_on,
        sections=payload.sections.given(),
        outcomes=_outcomes(payload.outcomes),
        provisions=_provisions(payload.provisions),
        placement=_setting(payload.placement_urn, "placement_urn"),
        expected_version=versions.expected_version(if_match, expected_version),
    )
    response["ETag"] = versions.etag(plan.version)
    return Status(201, plan)


class EhcDashboardStepOut(EhcStepOut):
    child_id: int
    child_name: str


class EhcDashboardOut(Schema):
    overdue: list[EhcDashboardStepOut]
    due_this_week: list[EhcDashboardStepOut]
    at_risk: list[EhcDashboardStepOut]


@router.get(
    "/ehcp/dashboard",
    response={200: EhcDashboardOut, **ERRORS_ANY},
    summary="List the statutory EHC steps overdue, due this week and at risk, for your children",
)
def list_ehcp_deadlines(request: HttpRequest, limit: int = 100) -> EhcDashboardOut:
    """For LA caseworkers: the running clocks of the children they may see (up to `limit` per
    section, soonest first). Others get empty lists."""
    user = signed_in(request)
    limit = max(1, min(limit, 500))
    empty = EhcDashboardOut(overdue=[], due_this_week=[], at_risk=[])
    if not holds(user, Duty.LA_CASEWORK):
        return empty
    sections = services.dashboard_sections(visible_children(user))
    out: dict[str, list[EhcDashboardStepOut]] = {}
    listed: list[int] = []
    for key, clocks in sections.items():
        rows = []
        for clock in clocks[:limit]:
            step = _step_out(services.step_for(clock))
            rows.append(
                EhcDashboardStepOut(
                    **step.model_dump(), child_id=clock.child_id, child_name=clock.child.full_name
                )
            )
        out[key] = rows
        listed.extend(row.child_id for row in rows)
    audit_children_listed(user, listed, "EHC plans dashboard (API)")
    return EhcDashboardOut(**out)


# Plans that exist outside the service (issue 16)


class EhcExistingPlanIn(Input):
    child_id: ChildId
    route: Literal["reform", "legacy_pre_reform", "from_birth"] = Field(
        description="How the plan was made: after an assessment under the reform, before the "
        "reform (dual running), or from birth"
    )
    issued_on: IsoDate = Field(description="The day the plan as it stands was issued")
    transferred_from_la_code: Annotated[str, Field(pattern=r"^(\d{3})?$")] = Field(
        "", description="The 3-digit code of the local authority the plan transferred from"
    )
    transferred_in_on: IsoDate | None = None
    review_meetings: list[IsoDate] = Field(
        default_factory=list, max_length=30, description="Every annual review meeting held"
    )
    placement_urn: Urn | None = None
    sections: EhcSectionsIn = Field(default_factory=EhcSectionsIn)
    outcomes: list[EhcOutcomeIn] = Field(default_factory=list, max_length=100)
    provisions: list[EhcProvisionIn] = Field(default_factory=list, max_length=200)
    details_to_confirm: bool = Field(False, description="Some dates or sections are not known yet")


class EhcRecordedPlanOut(EhcPlanOut):
    origin: Literal["made_here", "recorded", "transferred_in", "from_flag"]
    transferred_from_la_code: str
    transferred_in_on: dt.date | None
    details_to_confirm: bool


@router.post(
    "/ehcp/existing-plans",
    response={201: EhcRecordedPlanOut, **ERRORS_CREATE},
    summary="Record an EHC plan that already exists: legacy, transferred in, from birth",
)
def record_existing_plan(
    request: HttpRequest, payload: EhcExistingPlanIn, response: HttpResponse
) -> Status[Plan]:
    """The plan is recorded as final, maintained by your local authority; its annual review
    clock runs from the last review meeting given (or the issue date)."""
    user, child = _child_named(request, payload.child_id, Action.DECIDE)
    plan = existing_plans.record_existing_plan(
        child,
        user,
        existing_plans.ExistingPlan(
            route=payload.route,
            issued_on=payload.issued_on,
            transferred_from_la_code=payload.transferred_from_la_code,
            transferred_in_on=payload.transferred_in_on,
            review_meetings=payload.review_meetings,
            placement=_setting(payload.placement_urn, "placement_urn"),
            placement_type=payload.sections.placement_type or "",
            sections={k: v for k, v in payload.sections.given().items() if k != "placement_type"},
            outcomes=_outcomes(payload.outcomes) or [],
            provisions=_provisions(payload.provisions) or [],
            details_to_confirm=payload.details_to_confirm,
        ),
        local_authority=existing_plans.maintaining_authority(user, child),
    )
    response["ETag"] = versions.etag(plan.version)
    return Status(201, plan)


class EhcPlanDetailsIn(Input):
    child_id: ChildId
    issued_on: IsoDate | None = None
    sections: EhcSectionsIn = Field(default_factory=EhcSectionsIn)


@router.put(
    "/ehcp/existing-plans",
    response={200: EhcRecordedPlanOut, **ERRORS_PLAN_CHANGE},
    summary="Confirm the details of a recorded plan (a new version)",
)
def confirm_existing_plan(
    request: HttpRequest,
    payload: EhcPlanDetailsIn,
    response: HttpResponse,
    if_match: PlanIfMatch = None,
    expected_version: PlanExpectedVersion = None,
) -> Plan:
    """Send the plan's ETag as If-Match: a plan changed since you read it is refused with 412."""
    user, child = _child_named(request, payload.child_id, Action.DECIDE)
    plan = services.current_plan(child)
    if plan is None:
        raise ValidationError({"child_id": "This child has no EHC plan"})
    plan = existing_plans.confirm_plan_details(
        plan,
        user,
        sections=payload.sections.given(),
        issued_on=payload.issued_on,
        expected_version=versions.expected_version(if_match, expected_version),
    )
    response["ETag"] = versions.etag(plan.version)
    return plan


class EhcCeasingOut(Schema):
    id: int
    plan_id: int
    reason: str
    status: str
    proposed_on: dt.date
    setting_consulted_on: dt.date | None
    notice_sent_on: dt.date | None
    appeal_by: dt.date | None = Field(description="The family's last day to appeal (HESC r20, r12)")
    appeal_registered_on: dt.date | None
    tribunal_outcome: str
    tribunal_decided_on: dt.date | None
    version: int


class EhcCeasingProposalIn(Input):
    child_id: ChildId
    ceasing_reason: Annotated[str, Field(max_length=30)]
    proposed_on: IsoDate | None = None
    setting_consulted_on: IsoDate | None = None


class EhcCeasingDecisionIn(Input):
    child_id: ChildId
    notice_sent_on: IsoDate
    setting_consulted_on: IsoDate | None = None


class EhcCeasingAppealIn(Input):
    child_id: ChildId
    registered_on: IsoDate


class EhcCeasingOutcomeIn(Input):
    child_id: ChildId
    outcome: Literal["cease_upheld", "plan_continues"]
    decided_on: IsoDate


@router.post(
    "/ehcp/ceasing-proposals",
    response={201: EhcCeasingOut, **ERRORS_CREATE},
    summary="Record that the LA is considering ceasing the plan and consulting (reg 31(1))",
)
def propose_ceasing(
    request: HttpRequest, payload: EhcCeasingProposalIn, response: HttpResponse
) -> Status[CeasingProposal]:
    user, child = _child_named(request, payload.child_id, Action.DECIDE)
    proposal = services.propose_ceasing(
        ceasing.final_plan_of(child),
        user,
        reason_code=payload.ceasing_reason,
        proposed_on=payload.proposed_on,
        setting_consulted_on=payload.setting_consulted_on,
    )
    response["ETag"] = versions.etag(proposal.version)
    return Status(201, proposal)


@router.put(
    "/ehcp/ceasing-proposals/decision",
    response={200: EhcCeasingOut, **ERRORS_PLAN_CHANGE},
    summary="Record the decision to cease and its notice: the plan stays until time to appeal ends",
)
def decide_to_cease(
    request: HttpRequest,
    payload: EhcCeasingDecisionIn,
    response: HttpResponse,
    if_match: PlanIfMatch = None,
    expected_version: PlanExpectedVersion = None,
) -> CeasingProposal:
    """Send the proposal's ETag as If-Match: one changed since you read it gets 412."""
    user, child = _child_named(request, payload.child_id, Action.DECIDE)
    proposal = services.decide_to_cease(
        ceasing.proposal_of(child),
        user,
        notice_sent_on=payload.notice_sent_on,
        setting_consulted_on=payload.setting_consulted_on,
        expected_version=versions.expected_version(if_match, expected_version),
    )
    response["ETag"] = versions.etag(proposal.version)
    return proposal


@router.put(
    "/ehcp/ceasing-proposals/appeal",
    response={200: EhcCeasingOut, **ERRORS_PLAN_CHANGE},
    summary="Record the family's appeal against ceasing: the plan stays until it is decided",
)
def record_ceasing_appeal(
    request: HttpRequest,
    payload: EhcCeasingAppealIn,
    response: HttpResponse,
    if_match: PlanIfMatch = None,
    expected_version: PlanExpectedVersion = None,
) -> CeasingProposal:
    """Send the proposal's ETag as If-Match: one changed since you read it gets 412."""
    user, child = _child_named(request, payload.child_id, Action.DECIDE)
    proposal = services.record_ceasing_appeal(
        ceasing.proposal_of(child),
        user,
        registered_on=payload.registered_on,
        expected_version=versions.expected_version(if_match, expected_version),
    )
    response["ETag"] = versions.etag(proposal.version)
    return proposal


@router.put(
    "/ehcp/ceasing-proposals/tribunal-outcome",
    response={200: EhcCeasingOut, **ERRORS_PLAN_CHANGE},
    summary="Record the SEND Tribunal's decision on ceasing: the plan ceases or continues",
)
def record_tribunal_outcome(
    request: HttpRequest,
    payload: EhcCeasingOutcomeIn,
    response: HttpResponse,
    if_match: PlanIfMatch = None,
    expected_version: PlanExpectedVersion = None,
) -> CeasingProposal:
    """Send the proposal's ETag as If-Match: one changed since you read it gets 412."""
    user, child = _child_named(request, payload.child_id, Action.DECIDE)
    proposal = services.record_tribunal_outcome(
        ceasing.proposal_of(child),
        user,
        outcome=payload.outcome,
        decided_on=payload.decided_on,
        expected_version=versions.expected_version(if_match, expected_version),
    )
    response["ETag"] = versions.etag(proposal.version)
    return proposal
