"""A child's EHC case as it stands (reads): the door to it, the newest request and plan, and the
review waiting for the LA's decision. Pages and the API read the case through here."""

from __future__ import annotations

from passport.access.policies import Action, ChildNotFound, get_child_for
from passport.children.models import Child
from passport.ehcp.models import AnnualReview, AssessmentRequest, Plan
from passport.people.models import User


def child_with_ehcp(user: User, child_id: int, action: Action) -> Child:
    """Return the child if the person may take the action and see the EHC section, else 404."""
    child = get_child_for(user, child_id, action)
    if not child.access_decision.shows("ehcp"):
        raise ChildNotFound("No child with that id is visible to you")
    return child


def current_request(child: Child) -> AssessmentRequest | None:
    """Return the child's newest request for an assessment, open or not."""
    return (
        AssessmentRequest.objects.filter(child=child)
        .select_related("local_authority", "setting", "requested_by")
        .order_by("-received_on", "-pk")
        .first()
    )


def current_plan(child: Child) -> Plan | None:
    """Return the child's newest plan, whatever its status."""
    return (
        Plan.objects.filter(child=child)
        .select_related("placement", "family_preferred_setting")
        .order_by("-pk")
        .first()
    )


def open_review(child: Child) -> AnnualReview | None:
    """Return the review of the child's plan still waiting for the LA's decision, if any."""
    return (
        AnnualReview.objects.filter(plan__child=child, decided_on__isnull=True)
        .order_by("-meeting_on")
        .first()
    )
