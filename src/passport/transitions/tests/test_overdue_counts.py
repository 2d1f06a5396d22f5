"""The LA's overdue counts come from one grouped query; they must match deciding each admission
on its own (`is_overdue`), across weekends, holidays and confirmed admissions."""

from __future__ import annotations

import datetime as dt

import pytest

from passport.people.models import Role
from passport.testing.factories import ChildFactory, EnrolmentFactory, SettingFactory, staff
from passport.transitions import services
from passport.transitions.models import Admission, SupportConfirmation

pytestmark = pytest.mark.django_db


def test_overdue_counts_match_deciding_each_admission_on_its_own() -> None:
    schools = [SettingFactory(name=f"School {n}") for n in range(3)]
    senco = staff(Role.SENCO, schools[0])
    first_day = dt.date(2026, 1, 2)
    for n in range(40):
        school = schools[n % 3]
        child = ChildFactory()
        starts_on = first_day + dt.timedelta(days=(n * 3) % 90)
        admission = Admission.objects.create(
            child=child,
            setting=school,
            enrolment=EnrolmentFactory(child=child, setting=school, starts_on=starts_on),
            starts_on=starts_on,
        )
        if n % 5 == 0:
            SupportConfirmation.objects.create(
                admission=admission,
                passport_read=True,
                confirmed_on=starts_on,
                confirmed_by=senco,
                calendar_days=0,
                school_days=0,
            )
    la_ids = [schools[0].local_authority_id]

    for on in (dt.date(2026, 2, 16), dt.date(2026, 2, 26), dt.date(2026, 4, 10)):
        expected: dict[int, int] = {}
        for admission in Admission.objects.filter(
            starts_on__lt=on, starts_on__gte=on - dt.timedelta(weeks=13)
        ):
            if services.is_overdue(admission, on):
                expected[admission.setting_id] = expected.get(admission.setting_id, 0) + 1
        assert services.overdue_counts(on, la_ids) == expected
        assert sum(expected.values()) > 0
