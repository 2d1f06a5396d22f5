"""A new child's date of birth lies within the years the SEND system covers (birth to 25), and a
start date within the policy pack's window; a record kept past 25 stays valid."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from passport.children.models import Child
from passport.children.services import ChildDetails, add_child_on_roll
from passport.children.validators import check_date_of_birth, check_start_date
from passport.core.dates import add_years, today
from passport.core.policy import PlausibleDates, current_pack
from passport.testing.factories import ChildFactory, SettingFactory

pytestmark = pytest.mark.django_db


def add(date_of_birth: dt.date, starts_on: dt.date, **names: str) -> Child:
    details = ChildDetails(
        given_name=names.get("given_name", "Amara"),
        family_name="Okafor",
        date_of_birth=date_of_birth,
    )
    return add_child_on_roll(details, SettingFactory(), starts_on)


def refusal(date_of_birth: dt.date, starts_on: dt.date, **names: str) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        add(date_of_birth, starts_on, **names)
    assert not Child.objects.exists()
    return refused.value.message_dict


def test_a_date_of_birth_in_year_1_is_refused_and_nothing_is_written() -> None:
    errors = refusal(dt.date(1, 1, 1), today())

    assert errors["date_of_birth"][0].startswith("Date of birth must be on or after")
    assert "under 25" in errors["date_of_birth"][0]


def test_the_oldest_date_of_birth_is_the_day_after_25_years_ago() -> None:
    oldest = add_years(today(), -25) + dt.timedelta(days=1)

    assert "date_of_birth" in refusal(oldest - dt.timedelta(days=1), today())
    assert add(oldest, today()).date_of_birth == oldest


def test_a_baby_born_today_can_be_added_but_not_one_born_tomorrow() -> None:
    assert "date_of_birth" in refusal(today() + dt.timedelta(days=1), today())
    assert add(today(), today()).date_of_birth == today()


def test_a_start_date_in_9999_is_refused() -> None:
    errors = refusal(dt.date(2017, 3, 14), dt.date(9999, 12, 31))

    assert errors["starts_on"][0].startswith("Start date must be on or before")


def test_a_start_date_may_be_up_to_the_pack_s_window_ahead() -> None:
    ahead = today() + dt.timedelta(days=current_pack().plausible_dates.start_date_days_ahead)

    assert "starts_on" in refusal(dt.date(2017, 3, 14), ahead + dt.timedelta(days=1))
    assert add(dt.date(2017, 3, 14), ahead).enrolments.get().starts_on == ahead


def test_a_name_with_a_right_to_left_override_is_refused_by_the_service() -> None:
    errors = refusal(dt.date(2017, 3, 14), today(), given_name="Amara\u202erofakO")

    assert "change the direction" in errors["given_name"][0]


def test_a_record_kept_after_the_young_person_turned_25_stays_valid() -> None:
    child = ChildFactory(date_of_birth=add_years(today(), -30))

    child.full_clean()


def test_the_validators_read_the_windows_from_the_policy_pack(monkeypatch) -> None:
    windows = PlausibleDates(oldest_age_years=20, start_date_days_ahead=10)
    pack = current_pack().model_copy(update={"plausible_dates": windows})
    monkeypatch.setattr("passport.children.validators.current_pack", lambda: pack)

    with pytest.raises(ValidationError, match="under 20"):
        check_date_of_birth(add_years(today(), -21))
    with pytest.raises(ValidationError):
        check_start_date(today() + dt.timedelta(days=11))
