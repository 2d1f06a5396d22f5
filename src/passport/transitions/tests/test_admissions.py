"""Admitting a child, and leaving a roll: access follows the enrolment."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from passport.access.policies import Action, can, visible_children
from passport.children.models import Enrolment
from passport.people.models import Role
from passport.testing.factories import (
    ChildFactory,
    EnrolmentFactory,
    SettingFactory,
    child_on_roll,
    staff,
)
from passport.transitions.models import Admission, Leaving
from passport.transitions.services import record_admission, record_leaving

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


@pytest.fixture
def primary():
    return SettingFactory(name="Brook Lane Primary")


@pytest.fixture
def secondary():
    return SettingFactory(
        name="Gorse Hill Academy", kind="secondary", statutory_low_age=11, statutory_high_age=16
    )


def test_receiving_senco_sees_child_the_moment_admission_is_recorded(primary, secondary):
    child = child_on_roll(primary)
    senco = staff(Role.SENCO, secondary)
    assert not can(senco, child, Action.READ)

    record_admission(child, secondary, TODAY + dt.timedelta(days=30), by=None)

    assert can(senco, child, Action.READ)
    assert child in visible_children(senco)


def test_sending_senco_keeps_access_until_the_last_day_and_loses_it_after(primary, secondary):
    child = child_on_roll(primary)
    sending = staff(Role.SENCO, primary)
    starts = TODAY + dt.timedelta(days=10)

    admission = record_admission(child, secondary, starts, by=None)

    previous = Enrolment.objects.get(child=child, setting=primary)
    assert previous.ends_on == starts - dt.timedelta(days=1)
    assert admission.sending_setting == primary
    assert can(sending, child, Action.READ)
    from passport.access.policies import decide

    assert not decide(sending, child, Action.READ, on=starts).allowed


def test_receiving_sencos_are_emailed_without_the_childs_details(primary, secondary):
    child = child_on_roll(primary, given_name="Zebedee", family_name="Quartermain")
    senco = staff(Role.SENCO, secondary)
    staff(Role.TEACHER, secondary)

    admission = record_admission(child, secondary, TODAY, by=None)

    assert [m.to for m in mail.outbox] == [[senco.email]]
    message = mail.outbox[0]
    assert "/new-arrivals/" in message.body
    for detail in ("Zebedee", "Quartermain", child.upn, str(child.date_of_birth)):
        assert detail not in message.body
        assert detail not in message.subject
    admission.refresh_from_db()
    assert admission.notified_at is not None


def test_recording_the_same_admission_twice_returns_the_first(primary, secondary):
    child = child_on_roll(primary)
    staff(Role.SENCO, secondary)
    first = record_admission(child, secondary, TODAY, by=None)

    again = record_admission(child, secondary, TODAY, by=None, source="ctf")

    assert again.pk == first.pk
    assert Admission.objects.filter(child=child).count() == 1
    assert Enrolment.objects.filter(child=child, setting=secondary).count() == 1
    assert len(mail.outbox) == 1


def test_an_overlapping_enrolment_at_the_same_setting_is_refused(secondary):
    child = ChildFactory()
    EnrolmentFactory(child=child, setting=secondary, starts_on=dt.date(2024, 9, 1))

    with pytest.raises(ValidationError) as refused:
        record_admission(child, secondary, dt.date(2025, 1, 6), by=None)

    assert "already on roll at Gorse Hill Academy" in refused.value.message_dict["starts_on"][0]
    assert not Admission.objects.exists()


def test_an_admission_before_the_date_of_birth_is_refused(secondary):
    child = ChildFactory(date_of_birth=dt.date(2017, 3, 14))

    with pytest.raises(ValidationError) as refused:
        record_admission(child, secondary, dt.date(2017, 3, 13), by=None)

    assert "date of birth" in refused.value.message_dict["starts_on"][0]
    assert not Enrolment.objects.filter(child=child).exists()


def test_dual_registration_keeps_both_enrolments(primary):
    child = child_on_roll(primary)
    base = SettingFactory(name="Riverside Alternative Provision")

    record_admission(child, base, TODAY, by=None, registration="subsidiary")

    live = Enrolment.objects.live_on(TODAY).filter(child=child)
    assert {(e.setting.name, e.registration) for e in live} == {
        ("Brook Lane Primary", "main"),
        ("Riverside Alternative Provision", "subsidiary"),
    }


def test_a_child_returning_to_an_earlier_setting_is_admitted_again(primary, secondary):
    child = child_on_roll(primary)
    record_admission(child, secondary, dt.date(2024, 9, 2), by=None)

    record_admission(child, primary, dt.date(2025, 1, 6), by=None)

    spells = list(
        Enrolment.objects.filter(child=child)
        .order_by("starts_on")
        .values_list("setting__name", "starts_on", "ends_on")
    )
    assert spells == [
        ("Brook Lane Primary", dt.date(2021, 9, 1), dt.date(2024, 9, 1)),
        ("Gorse Hill Academy", dt.date(2024, 9, 2), dt.date(2025, 1, 5)),
        ("Brook Lane Primary", dt.date(2025, 1, 6), None),
    ]


def test_leaving_for_elective_home_education_ends_the_settings_access(primary):
    child = child_on_roll(primary)
    senco = staff(Role.SENCO, primary)
    last_day = TODAY - dt.timedelta(days=1)

    leaving = record_leaving(child, primary, last_day, "elective_home_education", senco)

    assert leaving.get_destination_display() == "Elective home education"
    assert Enrolment.objects.get(child=child).ends_on == last_day
    assert not can(senco, child, Action.READ)


def test_leaving_a_setting_the_child_is_not_on_roll_at_is_refused(primary, secondary):
    child = child_on_roll(primary)

    with pytest.raises(ValidationError) as refused:
        record_leaving(child, secondary, TODAY, "left_england", None)

    assert "not on roll" in refused.value.message_dict["last_day"][0]
    assert not Leaving.objects.exists()
