"""`visible_children` joins the ways a person reaches children (on roll, admitted, parental
responsibility, caseload...) with one UNION: a person reached by several ways sees each child
once, and the list still pages, counts, filters and orders like any other queryset."""

from __future__ import annotations

import datetime as dt

import pytest

from passport.access.models import CaseloadAssignment, LocalAuthorityWideAccess
from passport.access.policies import visible_children
from passport.children.models import Enrolment, ParentalResponsibility
from passport.core.dates import today
from passport.people.models import Membership, Role
from passport.testing.factories import (
    ChildFactory,
    SettingFactory,
    UserFactory,
    child_on_roll,
    local_authority,
    staff,
)

pytestmark = pytest.mark.django_db


def test_a_senco_who_is_also_a_parent_sees_their_pupils_and_their_own_child_once_each() -> None:
    school, other_school = SettingFactory(), SettingFactory()
    senco = staff(Role.SENCO, school)
    pupils = [child_on_roll(school) for _ in range(3)]
    arriving = ChildFactory()
    Enrolment.objects.create(
        child=arriving, setting=school, starts_on=today() + dt.timedelta(days=20)
    )
    own_child = child_on_roll(other_school)
    Membership.objects.create(user=senco, role=Role.PARENT_CARER, starts_on=dt.date(2020, 1, 1))
    ParentalResponsibility.objects.create(
        child=own_child, person=senco, relationship="Father", starts_on=own_child.date_of_birth
    )
    # Their own child is also on roll at their school: reached two ways, listed once.
    Enrolment.objects.create(child=own_child, setting=school, starts_on=dt.date(2021, 9, 1))
    child_on_roll(other_school)  # nobody they know

    seen = visible_children(senco)

    assert sorted(seen.values_list("pk", flat=True)) == sorted(
        [c.pk for c in pupils] + [arriving.pk, own_child.pk]
    )
    assert seen.count() == 5
    assert (
        list(seen.order_by("pk")[:2].values_list("pk", flat=True))
        == sorted(c.pk for c in [*pupils, arriving, own_child])[:2]
    )
    assert seen.filter(pk=own_child.pk).exists()


def test_an_la_wide_caseworker_sees_children_living_or_educated_in_the_la_once() -> None:
    la, elsewhere = local_authority("801"), local_authority("802")
    school_in_la = SettingFactory(local_authority=la)
    school_elsewhere = SettingFactory(local_authority=elsewhere)
    caseworker = UserFactory()
    Membership.objects.create(
        user=caseworker, role=Role.LA_CASEWORKER, local_authority=la, starts_on=dt.date(2020, 1, 1)
    )
    LocalAuthorityWideAccess.objects.create(
        user=caseworker, local_authority=la, granted_by=caseworker, starts_on=dt.date(2020, 1, 1)
    )
    educated_here = child_on_roll(school_in_la, home_local_authority=elsewhere)
    lives_here = child_on_roll(school_elsewhere, home_local_authority=la)
    both = child_on_roll(school_in_la, home_local_authority=la)
    on_caseload = child_on_roll(school_elsewhere, home_local_authority=elsewhere)
    CaseloadAssignment.objects.create(
        caseworker=caseworker, child=on_caseload, starts_on=dt.date(2020, 1, 1)
    )
    child_on_roll(school_elsewhere, home_local_authority=elsewhere)  # not theirs

    seen = visible_children(caseworker)

    assert sorted(seen.values_list("pk", flat=True)) == sorted(
        c.pk for c in (educated_here, lives_here, both, on_caseload)
    )
    assert seen.count() == 4


def test_a_person_with_no_live_relationship_sees_nobody() -> None:
    school = SettingFactory()
    child_on_roll(school)
    assert list(visible_children(UserFactory())) == []
