"""Verbs that create or end the relationships access alone owns.

Features call these (a commission creates referrals; a family gives consent); the policy reads
the rows they leave.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from passport.access.break_glass import (
    break_glass_reviewer,
    check_emergency_reason,
    may_use_emergency_access,
)
from passport.access.decisions import decide
from passport.access.models import (
    BreakGlass,
    CaseloadAssignment,
    Consent,
    LocalAuthorityWideAccess,
    ParentalAccessChoice,
    Referral,
)
from passport.access.recording import audit_decision
from passport.access.rules import Action, current_rules
from passport.children.models import Child
from passport.core.identifiers import normalise
from passport.organisations.models import LocalAuthority, Provider
from passport.people.models import User

BREAK_GLASS_HOURS = 4


def open_break_glass(user: User, upn: str, reason: str) -> Child:
    """Open a child's record in an emergency, for a few hours, with a reason that is shown to the
    data protection lead of the child's setting, or to their local authority if they are on no
    roll (see `break_glass_reviewer`)."""
    if not may_use_emergency_access(user):
        raise ValidationError({"upn": "Only staff can use emergency access"})
    # The reason is checked before the UPN is looked up, so that only an opening (recorded and
    # reviewed) can tell anyone whether a child with that UPN is recorded.
    try:
        check_emergency_reason(reason)
    except ValidationError as exc:
        raise ValidationError({"reason": exc.messages}) from exc
    child = Child.objects.filter(upn=normalise(upn)).first() if upn.strip() else None
    if child is None:
        raise ValidationError({"upn": "Enter the UPN of a child recorded in this service"})
    reviewer = break_glass_reviewer(child)
    opening = BreakGlass(
        user=user,
        child=child,
        reason=reason.strip(),
        expires_at=timezone.now() + dt.timedelta(hours=BREAK_GLASS_HOURS),
        review_setting_id=reviewer.setting_id,
        review_local_authority_id=reviewer.local_authority_id,
    )
    opening.full_clean()
    opening.save()
    # Every opening is reviewed, even by someone whose relationships already showed everything:
    # reaching for emergency access is itself worth a look.
    audit_decision(
        user,
        replace(decide(user, child, Action.READ), flagged=True),
        child_id=child.pk,
        reason=opening.reason,
        action="break_glass",
    )
    return child


def record_referral(
    child: Child,
    provider: Provider,
    service: str,
    starts_on: dt.date,
    by: User,
    ends_on: dt.date | None = None,
) -> Referral:
    """Record that a provider works with a child (a referral, or a commission naming the child)."""
    referral = Referral(
        child=child,
        provider=provider,
        service=service,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=by,
    )
    referral.full_clean()
    referral.save()
    return referral


@transaction.atomic
def give_consent(child: Child, provider: Provider, sections: Iterable[str], by: User) -> Consent:
    """Record consent for a provider to read named sections, replacing any earlier consent."""
    chosen = sorted(set(sections))
    known = set(current_rules().sections)
    if not chosen:
        raise ValidationError({"sections": "Select the sections the professionals may see"})
    if not set(chosen) <= known:
        raise ValidationError({"sections": "Select sections from the list"})
    Consent.objects.filter(child=child, provider=provider, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(), withdrawn_by=by
    )
    return Consent.objects.create(child=child, provider=provider, sections=chosen, given_by=by)


def withdraw_consent(consent: Consent, by: User) -> None:
    """Withdraw consent: the provider's access ends at once."""
    Consent.objects.filter(pk=consent.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(), withdrawn_by=by
    )


def choose_parental_access(
    child: Child, parent: User, keeps_access: bool, by: User
) -> ParentalAccessChoice:
    """Record a young person's choice whether a parent keeps access to their passport."""
    if not child.holds_own_rights():
        raise ValidationError(
            "Parents keep access until the young person is past compulsory school age"
        )
    return ParentalAccessChoice.objects.create(
        child=child, parent=parent, keeps_access=keeps_access, decided_by=by
    )


def assign_to_caseload(caseworker: User, child: Child, starts_on: dt.date) -> CaseloadAssignment:
    """Put a child on an LA caseworker's caseload."""
    return CaseloadAssignment.objects.create(
        caseworker=caseworker, child=child, starts_on=starts_on
    )


def grant_local_authority_wide_access(
    user: User, local_authority: LocalAuthority, by: User, starts_on: dt.date
) -> LocalAuthorityWideAccess:
    """Give a caseworker the separate permission to see every child resident or educated in the LA."""
    return LocalAuthorityWideAccess.objects.create(
        user=user, local_authority=local_authority, granted_by=by, starts_on=starts_on
    )
