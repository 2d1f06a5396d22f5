"""Background work for EHC plans: telling a family that a legal deadline was missed."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django_tasks import task

from passport.core.dates import today
from passport.notifications.services import notify
from passport.people.models import Role


def family_emails(child_id: int) -> list[str]:
    """Return who hears about a child's EHC steps: parents with parental responsibility, and the
    young person once they hold their own rights (then the parents only if they keep access)."""
    from passport.access.policies import Action, decide
    from passport.children.models import Child, ParentalResponsibility

    child = Child.objects.select_related("own_account").filter(pk=child_id).first()
    if child is None:
        return []
    people = [
        pr.person
        for pr in ParentalResponsibility.objects.live_on(today())
        .filter(child=child)
        .select_related("person")
    ]
    if child.own_account is not None:
        people.append(child.own_account)
    emails = set()
    for person in people:
        decision = decide(person, child, Action.READ)
        if decision.allowed and decision.role in (Role.PARENT_CARER, Role.YOUNG_PERSON):
            emails.add(person.email)
    return sorted(emails)


@task()
def notify_missed_deadline(clock_id: int) -> int:
    """Email the family that a statutory step is overdue; return how many were told."""
    from passport.ehcp.models import StatutoryClock

    clock = StatutoryClock.objects.filter(pk=clock_id).first()
    if clock is None or not clock.is_running:
        return 0
    link = settings.PASSPORT_BASE_URL.rstrip("/") + reverse("ehcp-timeline", args=[clock.child_id])
    return notify("missed_deadline", family_emails(clock.child_id), link=link)
