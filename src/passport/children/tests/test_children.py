"""The child: when rights pass to the young person, and adding a child to a roll."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from passport.children.services import ChildDetails, add_child_on_roll
from passport.core.dates import end_of_compulsory_school_age, national_curriculum_year
from passport.testing.factories import ChildFactory, SettingFactory


@pytest.mark.parametrize(
    ("born", "leaves"),
    [
        (dt.date(2010, 9, 1), dt.date(2027, 6, 25)),  # oldest in the year: 16 in September 2026
        (dt.date(2011, 8, 31), dt.date(2027, 6, 25)),  # youngest in the same year: 16 after leaving
        (dt.date(2010, 8, 31), dt.date(2026, 6, 26)),
        (dt.date(2012, 2, 29), dt.date(2028, 6, 30)),
    ],
)
def test_compulsory_school_age_ends_on_the_last_friday_in_june_of_the_year_they_turn_16(
    born, leaves
):
    assert end_of_compulsory_school_age(born) == leaves
    assert leaves.weekday() == 4


def test_year_group_follows_the_september_cohort():
    assert national_curriculum_year(dt.date(2015, 9, 1), dt.date(2026, 11, 28)) == 6
    assert national_curriculum_year(dt.date(2016, 8, 31), dt.date(2026, 11, 28)) == 6
    assert national_curriculum_year(dt.date(2020, 9, 1), dt.date(2025, 9, 3)) == 0


@pytest.mark.django_db
def test_young_person_holds_their_own_rights_after_leaving_date():
    child = ChildFactory(date_of_birth=dt.date(2010, 8, 31))
    assert not child.holds_own_rights(dt.date(2026, 6, 26))
    assert child.holds_own_rights(dt.date(2026, 6, 27))


@pytest.mark.django_db
def test_adding_a_child_twice_with_one_upn_is_refused_and_leaves_one_record():
    school = SettingFactory()
    details = ChildDetails(
        given_name="Leo",
        family_name="Marsh",
        date_of_birth=dt.date(2018, 5, 2),
        upn="H801200001001",
    )
    add_child_on_roll(details, school, dt.date(2025, 9, 3))
    with pytest.raises(ValidationError) as error:
        add_child_on_roll(details, school, dt.date(2025, 9, 3))
    assert "already recorded" in error.value.message_dict["upn"][0]
    assert school.enrolments.count() == 1


@pytest.mark.django_db
def test_start_date_before_birth_is_refused():
    details = ChildDetails(given_name="Leo", family_name="Marsh", date_of_birth=dt.date(2018, 5, 2))
    with pytest.raises(ValidationError) as error:
        add_child_on_roll(details, SettingFactory(), dt.date(2017, 9, 3))
    assert "starts_on" in error.value.message_dict
