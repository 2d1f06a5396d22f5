"""Amending a final plan (SEND Regulations 2014 reg 22): the notice of the proposed amendments,
the family's representations (at least 15 days), and the amended plan within 8 weeks of the
notice. An amendment may follow a review's decision to amend or come at any time; the annual
review clock keeps running meanwhile."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from passport.core.clocks import Clock
from passport.core.dates import today
from passport.core.errors import StaleVersion
from passport.core.policy import current_pack
from passport.ehcp.models import Amendment, AnnualReview, Plan
from passport.ehcp.services.checks import not_before, not_future, record_step
from passport.ehcp.services.clocks import appeal_deadline, meet, start_clock
from passport.ehcp.services.plan_content import (
    OutcomeItem,
    ProvisionItem,
    Sections,
    change_plan,
    check_sections,
)
from passport.organisations.models import Setting
from passport.people.models import User


def _stale(amendment: Amendment, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != amendment.version:
        raise StaleVersion(
            "Someone else changed this amendment since you read it (it is now version "
            f"{amendment.version}): read theirs before changing it"
        )


def propose_amendment(
    plan: Plan,
    by: User,
    *,
    proposed: str,
    notice_sent_on: dt.date | None = None,
    review: AnnualReview | None = None,
) -> Amendment:
    """Send the family notice of the proposed amendments (reg 22(2)): they have at least 15 days
    for representations, and the amended plan is due within 8 weeks of the notice."""
    notice_sent_on = notice_sent_on or today()
    if not proposed.strip():
        raise ValidationError({"proposed": "Enter the amendments proposed"})
    with transaction.atomic():
        plan = Plan.objects.select_for_update(of=("self",)).select_related("child").get(pk=plan.pk)
        if plan.status != Plan.Status.FINAL:
            raise ValidationError("Only a final plan is amended")
        if plan.amendments.filter(issued_on__isnull=True).exists():
            raise ValidationError("An amendment of this plan is already under way")
        not_future(notice_sent_on, "notice_sent_on", "The date the notice was sent")
        not_before(
            notice_sent_on,
            plan.finalised_on or notice_sent_on,
            "notice_sent_on",
            "A plan cannot be amended before it was finalised",
        )
        if review is not None:
            review = AnnualReview.objects.select_for_update(of=("self",)).get(pk=review.pk)
            if review.plan_id != plan.pk or review.outcome != AnnualReview.Outcome.AMEND:
                raise ValidationError("That review did not decide to amend this plan")
            not_before(
                notice_sent_on,
                review.decided_on or notice_sent_on,
                "notice_sent_on",
                "The notice cannot come before the decision to amend",
            )
        days = current_pack().ehcp.amendment_representations_days
        amendment = Amendment.objects.create(
            plan=plan,
            review=review,
            proposed=proposed.strip(),
            notice_sent_on=notice_sent_on,
            representations_until=notice_sent_on + dt.timedelta(days=days),
            recorded_by=by,
        )
        # reg 22(5): the amended plan within 8 weeks of the notice, not of the review meeting.
        start_clock(
            Clock.AMENDED_PLAN, notice_sent_on, child=plan.child, plan=plan, annual_review=review
        )
        record_step(by, plan.child, "Notice of proposed amendments sent", action="decide")
    return amendment


def record_representations(
    amendment: Amendment,
    by: User,
    *,
    received_on: dt.date,
    representations: str,
    expected_version: int | None = None,
) -> Amendment:
    """Record the family's representations on the proposed amendments."""
    with transaction.atomic():
        amendment = (
            Amendment.objects.select_for_update(of=("self",))
            .select_related("plan__child")
            .get(pk=amendment.pk)
        )
        _stale(amendment, expected_version)
        if amendment.issued_on is not None:
            raise ValidationError("The amended plan has already been issued")
        if not representations.strip():
            raise ValidationError({"representations": "Enter what the family said"})
        not_future(received_on, "received_on", "The date the representations arrived")
        not_before(
            received_on,
            amendment.notice_sent_on,
            "received_on",
            "Representations cannot come before the notice",
        )
        amendment.representations_on = received_on
        amendment.representations = representations.strip()
        amendment.version += 1
        amendment.save(update_fields=["representations_on", "representations", "version"])
        record_step(by, amendment.plan.child, "The family's representations on amendments")
    return amendment


def issue_amended_plan(
    amendment: Amendment,
    by: User,
    *,
    issued_on: dt.date | None = None,
    sections: Sections | None = None,
    outcomes: Sequence[OutcomeItem] | None = None,
    provisions: Sequence[ProvisionItem] | None = None,
    placement: Setting | None = None,
    expected_version: int | None = None,
) -> Plan:
    """Issue the amended plan: a new version of the final plan, after the family's time for
    representations (unless they have made them), within 8 weeks of the notice.

    With `expected_version`, a plan changed since that version is refused (`StalePlan`).
    """
    issued_on = issued_on or today()
    sections = dict(sections or {})
    check_sections(sections)
    with transaction.atomic():
        amendment = (
            Amendment.objects.select_for_update(of=("self",))
            .select_related("plan__child", "review")
            .get(pk=amendment.pk)
        )
        if amendment.issued_on is not None:
            raise ValidationError("This amended plan has already been issued")
        not_future(issued_on, "issued_on", "The date the amended plan is issued")
        if amendment.representations_on is None and issued_on <= amendment.representations_until:
            raise ValidationError(
                {
                    "issued_on": "The family has until "
                    f"{amendment.representations_until:%-d %B %Y} to make representations: "
                    "record them first, or issue after that date"
                }
            )
        plan = Plan.objects.select_for_update(of=("self",)).get(pk=amendment.plan_id)
        change_plan(
            plan,
            by,
            sections=sections,
            outcomes=outcomes,
            provisions=provisions,
            placement=placement,
            expected_version=expected_version,
        )
        amendment.issued_on = issued_on
        # The amended plan's B, F and I can be appealed (CFA 2014 s51(2)(d)), from the day it
        # was sent (HESC Rules 2008 r20, r12).
        amendment.appeal_by = appeal_deadline(issued_on)
        amendment.version += 1
        amendment.save(update_fields=["issued_on", "appeal_by", "version"])
        review = amendment.review
        if review is not None:
            review.amended_plan_issued_on = issued_on
            review.notice_sent_on = issued_on
            review.appeal_by = amendment.appeal_by
            review.version += 1
            review.save(
                update_fields=["amended_plan_issued_on", "notice_sent_on", "appeal_by", "version"]
            )
        meet(plan.clocks.filter(clock=Clock.AMENDED_PLAN), issued_on)
        record_step(
            by, plan.child, f"Amended EHC plan issued (version {plan.version})", action="decide"
        )
    return plan
