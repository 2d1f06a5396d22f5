"""The plan from draft to final: issuing the draft, changing it, the family's response, the
final plan naming the placement, and ceasing a plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from passport.core.clocks import Clock, deadline
from passport.core.dates import today
from passport.core.policy import current_pack
from passport.ehcp.legacy import refuse_move_to_isp
from passport.ehcp.models import AssessmentDecision, AssessmentRequest, Plan, StatutoryClock
from passport.ehcp.services.checks import (
    decision_date,
    lock_request,
    not_before,
    not_future,
    record_step,
)
from passport.ehcp.services.clocks import appeal_deadline, meet, start_clock, stop
from passport.ehcp.services.consultations import check_before_naming
from passport.ehcp.services.evidence import prefill_from_passport
from passport.ehcp.services.existing_plans import route_for_new_plan
from passport.ehcp.services.plan_content import (
    OutcomeItem,
    ProvisionItem,
    Sections,
    change_plan,
    check_sections,
    refuse_past_outcomes,
    save_plan,
    write_items,
)
from passport.organisations.models import Setting
from passport.passports.services import plan_provision_changed
from passport.people.models import User


def issue_draft_plan(
    request: AssessmentRequest,
    by: User,
    *,
    issued_on: dt.date | None = None,
    sections: Sections | None = None,
    outcomes: Sequence[OutcomeItem] | None = None,
    provisions: Sequence[ProvisionItem] | None = None,
) -> Plan:
    """Issue the draft plan after deciding to issue one. Sections not given are filled from the
    passport. The family's 15 days to comment and name a setting start on `issued_on`."""
    issued_on = issued_on or today()
    sections = dict(sections or {})
    check_sections(sections)
    with transaction.atomic():
        request = lock_request(request)
        if request.status != AssessmentRequest.Status.ASSESSING:
            raise ValidationError("A draft plan follows a decision to assess")
        decision_date(request, issued_on, "issued_on")
        assess_on = request.decisions.get(stage=AssessmentDecision.Stage.ASSESS).decided_on
        not_before(
            issued_on,
            assess_on,
            "issued_on",
            f"The draft cannot come before the decision to assess on {assess_on:%-d %B %Y}",
        )
        prefilled, passport_outcomes, passport_provisions = prefill_from_passport(request.child)
        plan = Plan(
            child=request.child,
            request=request,
            local_authority=request.local_authority,
            route=route_for_new_plan(request.child, issued_on),
            draft_issued_on=issued_on,
            **{**prefilled, **sections},
        )
        save_plan(plan, by)
        if outcomes is not None:
            refuse_past_outcomes(plan, outcomes, today())
        write_items(
            plan,
            passport_outcomes if outcomes is None else outcomes,
            passport_provisions if provisions is None else provisions,
            by,
        )
        AssessmentDecision.objects.create(
            request=request,
            stage=AssessmentDecision.Stage.ISSUE,
            kind=AssessmentDecision.Kind.ISSUE,
            decided_on=issued_on,
            decided_by=by,
        )
        meet(request.clocks.filter(clock=Clock.DECIDE_NOT_TO_ISSUE), issued_on)
        start_clock(
            Clock.DRAFT_COMMENTS, issued_on, child=request.child, request=request, plan=plan
        )
        request.status = AssessmentRequest.Status.DRAFT_ISSUED
        request.save(update_fields=["status"])
        record_step(by, request.child, "Draft EHC plan issued", action="decide")
    return plan


def edit_plan(
    plan: Plan,
    by: User,
    *,
    sections: Sections,
    outcomes: Sequence[OutcomeItem] | None = None,
    provisions: Sequence[ProvisionItem] | None = None,
    placement: Setting | None = None,
    expected_version: int | None = None,
) -> Plan:
    """Change a draft plan's sections; each change is a new version.

    A change made from an older version than `expected_version` names is refused (`StalePlan`).
    """
    check_sections(sections)
    with transaction.atomic():
        plan = Plan.objects.select_for_update(of=("self",)).select_related("child").get(pk=plan.pk)
        if plan.status != Plan.Status.DRAFT:
            raise ValidationError(
                "Only a draft plan can be edited; a final plan is amended after a review"
            )
        change_plan(
            plan,
            by,
            sections=sections,
            outcomes=outcomes,
            provisions=provisions,
            placement=placement,
            expected_version=expected_version,
        )
        record_step(by, plan.child, f"EHC plan changed (version {plan.version})", action="decide")
    return plan


def record_family_response(
    plan: Plan,
    by: User,
    *,
    responded_on: dt.date | None = None,
    comments: str = "",
    preferred_setting: Setting | None = None,
) -> Plan:
    """Record the family's comments on the draft and the setting they would like named."""
    responded_on = responded_on or today()
    with transaction.atomic():
        plan = Plan.objects.select_for_update(of=("self",)).select_related("child").get(pk=plan.pk)
        if plan.status != Plan.Status.DRAFT or plan.draft_issued_on is None:
            raise ValidationError("The family comments on a draft plan")
        not_future(responded_on, "responded_on", "The date of the family's response")
        not_before(
            responded_on,
            plan.draft_issued_on,
            "responded_on",
            "The family's response cannot come before the draft was issued",
        )
        plan.family_responded_on = responded_on
        plan.family_comments = comments.strip()
        plan.family_preferred_setting = preferred_setting
        save_plan(plan, by)
        meet(plan.clocks.filter(clock=Clock.DRAFT_COMMENTS), responded_on)
        record_step(by, plan.child, "The family's response to the draft plan recorded")
    return plan


def finalise_plan(
    plan: Plan,
    by: User,
    *,
    placement: Setting | None,
    finalised_on: dt.date | None = None,
    placement_type: str = "",
    preference_not_named_because: str = "",
) -> Plan:
    """Issue the final plan naming the placement (section I), within 20 weeks of the request.

    The steps the law puts first must be done: the family's 15 days to comment have passed
    unless they have responded (SEND Regulations 2014 reg 13(1)); every piece of advice asked for
    has arrived or an exception the law lists was recorded for it (reg 6, 8(2), 11); the setting
    named takes children of this age, was consulted and has answered or had its 15 days (CFA
    2014 s39(2), s40(2)); the family's choice is named unless a s39(4) reason is given.
    """
    finalised_on = finalised_on or today()
    with transaction.atomic():
        plan = (
            Plan.objects.select_for_update(of=("self",))
            .select_related("child", "request")
            .get(pk=plan.pk)
        )
        if plan.status != Plan.Status.DRAFT or plan.draft_issued_on is None:
            raise ValidationError("A final plan needs a draft plan first")
        if placement is None and not placement_type.strip():
            raise ValidationError(
                {"placement": "Name the setting, or the type of placement, for section I"}
            )
        not_future(finalised_on, "finalised_on", "The date the final plan is issued")
        not_before(
            finalised_on,
            plan.draft_issued_on,
            "finalised_on",
            f"The final plan cannot come before the draft issued on "
            f"{plan.draft_issued_on:%-d %B %Y}",
        )
        if plan.request is not None:
            outstanding = plan.request.advice_requests.filter(received_on__isnull=True).exclude(
                clock__excused=True
            )
            if advice := outstanding.first():
                raise ValidationError(
                    f"Advice from {advice.adviser}, asked for on {advice.asked_on:%-d %B %Y}, "
                    "has not arrived: record it, or an exception the law lists for it, before "
                    "the final plan (SEND Regulations 2014 reg 6 and 11)"
                )
        comments_until = deadline(Clock.DRAFT_COMMENTS, plan.draft_issued_on)
        if plan.family_responded_on is None and finalised_on <= comments_until:
            raise ValidationError(
                {
                    "finalised_on": "The family has until "
                    f"{comments_until:%-d %B %Y} to comment on the draft: record their response "
                    "first, or finalise after that date"
                }
            )
        check_before_naming(plan, placement, finalised_on, preference_not_named_because)
        plan.status = Plan.Status.FINAL
        plan.finalised_on = finalised_on
        plan.final_appeal_by = appeal_deadline(finalised_on)
        plan.placement = placement
        if plan.family_preferred_setting_id and placement != plan.family_preferred_setting:
            plan.preference_not_named_because = preference_not_named_because
        if placement_type.strip():
            plan.placement_type = placement_type.strip()
        plan.version += 1
        save_plan(plan, by)
        clocks = StatutoryClock.objects.filter(Q(plan=plan) | Q(request=plan.request_id))
        meet(clocks.filter(clock=Clock.FINAL_PLAN), finalised_on)
        for window in clocks.filter(clock=Clock.DRAFT_COMMENTS, met_on__isnull=True):
            window.met_on = min(finalised_on, window.due_on)
            window.save(update_fields=["met_on"])
        start_clock(Clock.ANNUAL_REVIEW, finalised_on, child=plan.child, plan=plan)
        plan_provision_changed(plan.child_id, since=finalised_on, by=by)
        if plan.request_id:
            AssessmentRequest.objects.filter(pk=plan.request_id).update(
                status=AssessmentRequest.Status.FINAL_ISSUED
            )
        record_step(by, plan.child, "Final EHC plan issued", action="decide")
    return plan


# The academic year ends on 31 July, so an August birthday falls in the year that follows.
ACADEMIC_YEAR_ENDS = (7, 31)


def end_of_max_age_year(born_on: dt.date) -> dt.date:
    """The last day of the academic year in which the young person reaches the pack's
    `plan_max_age` (25): the last day a plan may be kept for them (CFA 2014 s46)."""
    age = current_pack().ehcp.plan_max_age
    month, day = ACADEMIC_YEAR_ENDS
    # 29 February birthdays reach the age on 1 March in a common year.
    try:
        birthday = born_on.replace(year=born_on.year + age)
    except ValueError:
        birthday = dt.date(born_on.year + age, 3, 1)
    year_end = dt.date(birthday.year, month, day)
    return year_end if birthday <= year_end else dt.date(birthday.year + 1, month, day)


def refuse_max_age_too_early(plan: Plan, reason_code: str, on: dt.date) -> None:
    """Refuse "maximum age reached" before the end of the academic year in which the young
    person turns 25 (CFA 2014 s46): until then the plan may run on."""
    if reason_code != "max_age":
        return
    last_day = end_of_max_age_year(plan.child.date_of_birth)
    if on <= last_day:
        raise ValidationError(
            {
                "ceasing_reason": "The plan may be kept until the end of the academic year in "
                f"which they turn {current_pack().ehcp.plan_max_age}, on {last_day:%-d %B %Y}: "
                "it cannot cease for maximum age before then (Children and Families Act 2014 "
                "s46)"
            }
        )


def cease_plan(
    plan: Plan,
    by: User,
    *,
    ceased_on: dt.date,
    reason_code: str,
    notice_sent_on: dt.date | None = None,
) -> Plan:
    """Cease a final plan with an SEN2 reason from the policy pack. The family may appeal
    (Children and Families Act 2014 s51(2)(f)) from the day the notice was sent, the day the
    plan ceased when not given."""
    notice_sent_on = notice_sent_on or ceased_on
    codes = {r.code for r in current_pack().ehcp.ceasing_reasons}
    if reason_code not in codes:
        raise ValidationError({"ceasing_reason": "Choose why the plan is ceasing"})
    with transaction.atomic():
        plan = Plan.objects.select_for_update(of=("self",)).select_related("child").get(pk=plan.pk)
        if plan.status != Plan.Status.FINAL:
            raise ValidationError("Only a final plan can cease")
        refuse_move_to_isp(plan, reason_code, ceased_on)
        refuse_max_age_too_early(plan, reason_code, ceased_on)
        not_before(
            ceased_on,
            plan.finalised_on or ceased_on,
            "ceased_on",
            "A plan cannot cease before it was finalised",
        )
        plan.status = Plan.Status.CEASED
        plan.ceased_on = ceased_on
        plan.ceasing_reason = reason_code
        plan.cease_notice_sent_on = notice_sent_on
        plan.cease_appeal_by = appeal_deadline(notice_sent_on)
        plan.version += 1
        save_plan(plan, by)
        stop(plan.clocks.all(), ceased_on)
        plan_provision_changed(plan.child_id, since=None, by=by)
        record_step(by, plan.child, f"EHC plan ceased: {reason_code}", action="decide")
    return plan
