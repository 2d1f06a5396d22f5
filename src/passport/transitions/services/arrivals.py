"""New arrivals as the receiving setting and the local authority see them: recent and coming
admissions, and those whose support is unconfirmed past its deadline."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, QuerySet

from passport.access.policies import visible_children
from passport.access.standing import Duty, scope
from passport.core.dates import today
from passport.core.policy import current_pack
from passport.people.models import User
from passport.transitions.models import Admission
from passport.transitions.services.time_to_support import overdue_on


def new_arrivals(user: User, *, on: dt.date | None = None) -> list[Admission]:
    """Return admissions to the settings where the person is SENCO or head, of children they may
    see: admitted in the last weeks the policy pack names, or starting later."""
    on = on or today()
    weeks = current_pack().transitions.new_arrivals_weeks
    my_settings = sorted(scope(user, Duty.LEAD_SETTING, on=on).settings)
    return list(
        Admission.objects.filter(
            setting_id__in=my_settings,
            child__in=visible_children(user, on=on),
            starts_on__gte=on - dt.timedelta(weeks=weeks),
        )
        .select_related("child", "setting__local_authority", "sending_setting", "confirmation")
        .order_by("starts_on", "child__family_name", "child__given_name", "pk")
    )


def _unconfirmed(on: dt.date) -> QuerySet[Admission]:
    weeks = current_pack().transitions.new_arrivals_weeks
    return Admission.objects.filter(
        confirmation__isnull=True,
        starts_on__lt=on,
        starts_on__gte=on - dt.timedelta(weeks=max(weeks, 13)),
    )


def overdue_confirmations(user: User, *, on: dt.date | None = None) -> list[Admission]:
    """Return admissions in the person's local authorities whose support is unconfirmed past its
    deadline, for children they may see."""
    on = on or today()
    las = sorted(scope(user, Duty.LA_CASEWORK, on=on).local_authorities)
    candidates = (
        _unconfirmed(on)
        .filter(setting__local_authority_id__in=las, child__in=visible_children(user, on=on))
        .select_related("child", "setting__local_authority")
        .order_by("setting__name", "starts_on", "pk")
    )
    overdue = overdue_on(on)
    return [a for a in candidates if overdue(a.setting.local_authority.code, a.starts_on)]


def overdue_counts(on: dt.date, la_ids: list[int]) -> dict[int, int]:
    """Count overdue confirmations per setting in these LAs (numbers only, no children).

    One query counts unconfirmed admissions by setting and first day; whether a first day is
    overdue depends only on the LA's school calendar, worked out once per LA and day.
    """
    overdue = overdue_on(on)
    counts: dict[int, int] = {}
    grouped = (
        _unconfirmed(on)
        .filter(setting__local_authority_id__in=la_ids)
        .values_list("setting_id", "setting__local_authority__code", "starts_on")
        .annotate(admissions=Count("pk"))
        .order_by()
    )
    for setting_id, la_code, starts_on, admissions in grouped:
        if overdue(la_code, starts_on):
            counts[setting_id] = counts.get(setting_id, 0) + admissions
    return counts
