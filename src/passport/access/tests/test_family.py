"""Whether a person comes to the service only as family: pages speak to them of "your children"."""

from __future__ import annotations

import datetime as dt

import pytest

from passport.access.links import is_family
from passport.core.dates import today
from passport.people.models import Membership, Role
from passport.testing.factories import SettingFactory, UserFactory, child_on_roll, parent_of, staff

pytestmark = pytest.mark.django_db


def test_a_parent_is_family_and_a_senco_is_not():
    school = SettingFactory()
    assert is_family(parent_of(child_on_roll(school)))
    assert not is_family(staff(Role.SENCO, school))


def test_a_parent_who_also_teaches_is_staff():
    school = SettingFactory()
    parent = parent_of(child_on_roll(school))
    Membership.objects.create(
        user=parent, role=Role.TEACHER, setting=school, starts_on=dt.date(2020, 9, 1)
    )
    assert not is_family(parent)


def test_a_former_teacher_who_is_now_only_a_parent_is_family():
    school = SettingFactory()
    parent = parent_of(child_on_roll(school))
    Membership.objects.create(
        user=parent,
        role=Role.TEACHER,
        setting=school,
        starts_on=dt.date(2020, 9, 1),
        ends_on=today() - dt.timedelta(days=1),
    )
    assert is_family(parent)


def test_someone_with_no_role_is_treated_as_family():
    assert is_family(UserFactory())
