"""Ceasing a plan as the law orders it: the LA considers ceasing and consults, decides and sends
notice, and the plan is maintained while the family may appeal or an appeal is pending.

SEND Regulations 2014 reg 31(1): before deciding, the LA informs and consults the child's parent
or the young person and consults the head of the institution named in the plan; reg 31(2)-(3):
it notifies the decision with the right to appeal and its time limit. Children and Families Act
2014 s45(4): it may not cease the plan before the time for an appeal against the decision has
passed with none brought, nor while an appeal brought is not finally determined.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from passport.children.models import Child
from passport.core.dates import today
from passport.core.errors import StaleVersion
from passport.core.policy import current_pack
from passport.ehcp.legacy import refuse_move_to_isp
from passport.ehcp.models import CeasingProposal, Plan
from passport.ehcp.services.checks import not_before, not_future, record_step
from passport.ehcp.services.clocks import appeal_deadline
from passport.ehcp.services.plan_content import save_plan
from passport.ehcp.services.plans import cease_plan, refuse_max_age_too_early
from passport.people.models import User

OPEN = (
    CeasingProposal.Status.CONSULTING,
    CeasingProposal.Status.NOTIFIED,
    CeasingProposal.Status.APPEALED,
)
DAY = dt.timedelta(days=1)


def open_proposal(plan: Plan) -> CeasingProposal | None:
    """The plan's ceasing proposal still under way, if any."""
    return plan.ceasing_proposals.filter(status__in=OPEN).first()


def final_plan_of(child: Child) -> Plan:
    """The child's final plan, the only kind that can cease."""
    plan = child.ehc_plans.filter(status=Plan.Status.FINAL).first()
    if plan is None:
        raise ValidationError("There is no final EHC plan to cease")
    return plan


def proposal_of(child: Child) -> CeasingProposal:
    """The ceasing proposal under way for the child's plan."""
    proposal = open_proposal(final_plan_of(child))
    if proposal is None:
        raise ValidationError("The LA is not considering ceasing this plan")
    return proposal


def _locked(proposal: CeasingProposal, expected_version: int | None) -> CeasingProposal:
    proposal = (
        CeasingProposal.objects.select_for_update(of=("self",))
        .select_related("plan__child")
        .get(pk=proposal.pk)
    )
    if expected_version is not None and expected_version != proposal.version:
        raise StaleVersion(
            "Someone else changed this proposal to cease the plan since you read it (it is now "
            f"version {proposal.version}): read theirs before changing it"
        )
    return proposal


def _mark_plan(
    plan: Plan, by: User, notice_sent_on: dt.date | None, appeal_by: dt.date | None
) -> None:
    """Show on the plan itself the notice to cease and the time to appeal (or clear them)."""
    plan = Plan.objects.select_for_update(of=("self",)).get(pk=plan.pk)
    plan.cease_notice_sent_on = notice_sent_on
    plan.cease_appeal_by = appeal_by
    plan.version += 1
    save_plan(plan, by)


def propose_ceasing(
    plan: Plan,
    by: User,
    *,
    reason_code: str,
    proposed_on: dt.date | None = None,
    setting_consulted_on: dt.date | None = None,
) -> CeasingProposal:
    """Record that the LA has told the family it is considering ceasing the plan and is
    consulting them and the named setting's head (reg 31(1)). For a reason the pack lists in
    `cease_at_once_reasons` (a death) there is no one to consult: use `cease_plan`."""
    proposed_on = proposed_on or today()
    pack = current_pack().ehcp
    if reason_code not in {r.code for r in pack.ceasing_reasons}:
        raise ValidationError({"ceasing_reason": "Choose why the plan is ceasing"})
    if reason_code in pack.cease_at_once_reasons:
        raise ValidationError(
            {"ceasing_reason": "This reason ends the plan at once: record it as ceased"}
        )
    with transaction.atomic():
        plan = Plan.objects.select_for_update(of=("self",)).select_related("child").get(pk=plan.pk)
        if plan.status != Plan.Status.FINAL:
            raise ValidationError("Only a final plan can cease")
        if open_proposal(plan) is not None:
            raise ValidationError("The LA is already considering ceasing this plan")
        not_future(proposed_on, "proposed_on", "The date the family was told")
        not_before(
            proposed_on,
            plan.finalised_on or proposed_on,
            "proposed_on",
            "Ceasing cannot be considered before the plan was issued",
        )
        refuse_move_to_isp(plan, reason_code, proposed_on)
        refuse_max_age_too_early(plan, reason_code, proposed_on)
        if setting_consulted_on is not None:
            not_future(setting_consulted_on, "setting_consulted_on", "The date the head was asked")
        proposal = CeasingProposal.objects.create(
            plan=plan,
            reason=reason_code,
            proposed_on=proposed_on,
            setting_consulted_on=setting_consulted_on,
            recorded_by=by,
        )
        record_step(by, plan.child, f"LA considering ceasing the EHC plan: {reason_code}")
    return proposal


def decide_to_cease(
    proposal: CeasingProposal,
    by: User,
    *,
    notice_sent_on: dt.date,
    setting_consulted_on: dt.date | None = None,
    expected_version: int | None = None,
) -> CeasingProposal:
    """Record the decision to cease and the day its notice was sent (reg 31(2)). The plan stays
    live: the family may appeal until `appeal_by` (HESC Rules 2008 r20, r12)."""
    with transaction.atomic():
        proposal = _locked(proposal, expected_version)
        plan = proposal.plan
        if proposal.status != CeasingProposal.Status.CONSULTING:
            raise ValidationError("The decision to cease has already been recorded")
        consulted_on = setting_consulted_on or proposal.setting_consulted_on
        if plan.placement_id and consulted_on is None:
            raise ValidationError(
                {
                    "setting_consulted_on": "Record when the head of the setting named in the "
                    "plan was consulted: the law requires it before deciding (SEND Regulations "
                    "2014 reg 31(1)(c))"
                }
            )
        not_future(notice_sent_on, "notice_sent_on", "The date the notice was sent")
        not_before(
            notice_sent_on,
            max(proposal.proposed_on, consulted_on or proposal.proposed_on),
            "notice_sent_on",
            "The decision follows the consultation: the notice cannot come before it",
        )
        refuse_max_age_too_early(plan, proposal.reason, notice_sent_on)
        proposal.setting_consulted_on = consulted_on
        proposal.notice_sent_on = notice_sent_on
        proposal.appeal_by = appeal_deadline(notice_sent_on)
        proposal.status = CeasingProposal.Status.NOTIFIED
        proposal.version += 1
        proposal.save()
        _mark_plan(plan, by, notice_sent_on, proposal.appeal_by)
        record_step(
            by,
            plan.child,
            f"Decision to cease the EHC plan sent; appeal by {proposal.appeal_by:%-d %B %Y}",
            action="decide",
        )
    return proposal


def record_ceasing_appeal(
    proposal: CeasingProposal,
    by: User,
    *,
    registered_on: dt.date,
    expected_version: int | None = None,
) -> CeasingProposal:
    """Record that the family appealed to the SEND Tribunal: the plan stays until the appeal is
    finally determined (CFA 2014 s45(4)(b))."""
    with transaction.atomic():
        proposal = _locked(proposal, expected_version)
        if proposal.status != CeasingProposal.Status.NOTIFIED or proposal.notice_sent_on is None:
            raise ValidationError("An appeal follows the notice of a decision to cease")
        not_future(registered_on, "registered_on", "The date the appeal was registered")
        not_before(
            registered_on,
            proposal.notice_sent_on,
            "registered_on",
            "An appeal cannot come before the notice",
        )
        proposal.appeal_registered_on = registered_on
        proposal.status = CeasingProposal.Status.APPEALED
        proposal.version += 1
        proposal.save()
        record_step(by, proposal.plan.child, "Appeal against ceasing the EHC plan recorded")
    return proposal


def record_tribunal_outcome(
    proposal: CeasingProposal,
    by: User,
    *,
    outcome: str,
    decided_on: dt.date,
    expected_version: int | None = None,
) -> CeasingProposal:
    """Record the Tribunal's decision: the plan ceases on the day it upheld the decision, or
    continues."""
    if outcome not in CeasingProposal.TribunalOutcome.values:
        raise ValidationError({"outcome": "Choose what the Tribunal decided"})
    with transaction.atomic():
        proposal = _locked(proposal, expected_version)
        plan = proposal.plan
        if proposal.status != CeasingProposal.Status.APPEALED or not proposal.appeal_registered_on:
            raise ValidationError("Record the appeal before the Tribunal's decision")
        not_future(decided_on, "decided_on", "The date of the Tribunal's decision")
        not_before(
            decided_on,
            proposal.appeal_registered_on,
            "decided_on",
            "The Tribunal's decision cannot come before the appeal",
        )
        proposal.tribunal_outcome = outcome
        proposal.tribunal_decided_on = decided_on
        proposal.version += 1
        if outcome == CeasingProposal.TribunalOutcome.CEASE_UPHELD:
            proposal.status = CeasingProposal.Status.CEASED
            proposal.save()
            cease_plan(
                plan,
                by,
                ceased_on=decided_on,
                reason_code=proposal.reason,
                notice_sent_on=proposal.notice_sent_on,
            )
        else:
            proposal.status = CeasingProposal.Status.PLAN_CONTINUES
            proposal.save()
            _mark_plan(plan, by, None, None)
            record_step(by, plan.child, "The Tribunal ordered the EHC plan to continue")
    return proposal


def end_plans_after_appeal_window(on: dt.date | None = None) -> int:
    """Cease every plan whose notice's time to appeal ended before `on` with no appeal recorded:
    it ends the day after the last day to appeal (CFA 2014 s45(4)(a)). Run daily
    (`passport ehcp_deadlines`); a second run finds nothing."""
    on = on or today()
    ended = 0
    due = CeasingProposal.objects.filter(
        status=CeasingProposal.Status.NOTIFIED, appeal_by__lt=on
    ).values_list("pk", flat=True)
    for proposal_id in list(due):
        with transaction.atomic():
            proposal = _locked(CeasingProposal(pk=proposal_id), None)
            if proposal.status != CeasingProposal.Status.NOTIFIED or proposal.appeal_by is None:
                continue
            proposal.status = CeasingProposal.Status.CEASED
            proposal.version += 1
            proposal.save()
            cease_plan(
                proposal.plan,
                proposal.recorded_by,
                ceased_on=proposal.appeal_by + DAY,
                reason_code=proposal.reason,
                notice_sent_on=proposal.notice_sent_on,
            )
            ended += 1
    return ended
