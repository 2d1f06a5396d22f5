"""The local authority's view across children (reads): running clocks overdue, due this week and
at risk, and the missed steps whose family has not been told."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from passport.children.models import Child
from passport.core.dates import today
from passport.core.policy import current_pack
from passport.ehcp.models import StatutoryClock
from passport.ehcp.services.clocks import FAMILY_WINDOWS


def dashboard_sections(
    children: QuerySet[Child], on: dt.date | None = None
) -> dict[str, QuerySet[StatutoryClock]]:
    """Return querysets of running clocks for the children: overdue, due this week, at risk.

    Each is one query when evaluated (children is a queryset used as a subquery).
    """
    on = on or today()
    week_end = on + dt.timedelta(days=7)
    risk_end = on + dt.timedelta(days=current_pack().ehcp.at_risk_days)
    running = (
        StatutoryClock.objects.running()
        .filter(child__in=children)
        .exclude(clock__in=FAMILY_WINDOWS)
        .select_related("child", "advice_request")
        .order_by("due_on", "pk")
    )
    return {
        "overdue": running.filter(due_on__lt=on),
        "due_this_week": running.filter(due_on__gte=on, due_on__lte=week_end),
        "at_risk": running.filter(due_on__gt=week_end, due_on__lte=risk_end),
    }


def missed_clocks(on: dt.date | None = None) -> QuerySet[StatutoryClock]:
    """Running clocks past their due date whose family has not been told yet."""
    on = on or today()
    return (
        StatutoryClock.objects.running()
        .filter(due_on__lt=on, missed_notice_queued_at__isnull=True)
        .exclude(clock__in=FAMILY_WINDOWS)
    )
