"""Leaving the roll starts the record-transfer clock: the common transfer file is due within 15
school days (Education (Pupil Information) (England) Regulations 2005 reg 9(3)), shown to the
sending school on its leavers page. Expected dates are worked out by hand from the term dates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from passport.audit.models import AuditEvent
from passport.organisations.services.term_dates import import_term_dates
from passport.people.models import Role
from passport.testing.factories import SettingFactory, child_on_roll, local_authority, staff
from passport.transitions.services import record_leaving

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def school():
    return SettingFactory(name="Brook Lane Primary")  # in Bristol (801)


def test_the_record_is_due_15_school_days_after_leaving_across_christmas(school):
    # England's default 2026 to 2027 terms: term 2 ends Friday 18 December, term 3 starts
    # Monday 4 January. From Friday 11 December: 14-18 December are days 1-5, 4-8 January
    # days 6-10, 11-15 January days 11-15.
    leaving = record_leaving(child_on_roll(school), school, D(2026, 12, 11), "left_england", None)
    assert leaving.record_due_on == D(2027, 1, 15)


def test_the_clock_skips_half_term(school):
    # From Friday 16 October 2026: 19-23 October are days 1-5, half term 26-30 October, then
    # 2-6 November days 6-10 and 9-13 November days 11-15.
    leaving = record_leaving(child_on_roll(school), school, D(2026, 10, 16), "other", None)
    assert leaving.record_due_on == D(2026, 11, 13)


def test_the_clock_counts_the_local_authoritys_own_term_dates(school):
    # Bristol's own year: half term 2-6 November and an INSET day on Monday 9 November.
    import_term_dates(
        local_authority("801"),
        "school_year,term,first_day,last_day\n"
        "2026/27,1,2026-09-03,2026-10-30\n2026/27,2,2026-11-10,2026-12-18\n"
        "2026/27,3,2027-01-04,2027-07-21\n",
    )
    # From Friday 16 October: 19-23 October days 1-5, 26-30 October days 6-10, then
    # Tuesday 10 to Friday 13 November days 11-14 and Monday 16 November day 15.
    leaving = record_leaving(child_on_roll(school), school, D(2026, 10, 16), "other", None)
    assert leaving.record_due_on == D(2026, 11, 16)


def test_leaving_past_the_known_term_dates_still_records_the_leaving(school):
    # The defaults' last term ends Friday 21 July 2028; 15 school days from 14 July need
    # September 2028, which no calendar knows yet.
    leaving = record_leaving(child_on_roll(school), school, D(2028, 7, 14), "other", None)
    assert leaving.last_day == D(2028, 7, 14)
    assert leaving.record_due_on is None


def test_the_sending_school_sees_each_leavers_due_date(client, school):
    senco = staff(Role.SENCO, school)
    child = child_on_roll(school, given_name="Ava", family_name="Okafor")
    elsewhere = SettingFactory()
    left_elsewhere = child_on_roll(elsewhere, given_name="Noor", family_name="Haddad")
    last_day = dt.date.today() - dt.timedelta(days=1)
    leaving = record_leaving(child, school, last_day, "left_england", senco)
    record_leaving(left_elsewhere, elsewhere, last_day, "left_england", None)
    client.force_login(senco)

    page = client.get(reverse("leavers")).content.decode()

    assert "Ava Okafor" in page and "Noor Haddad" not in page
    if leaving.record_due_on is not None:
        assert f"{leaving.record_due_on:%-d %B %Y}" in page
    else:
        assert "term dates do not reach that far yet" in page
    assert "regulation 9(3)" in page
    assert AuditEvent.objects.filter(actor=senco, child_id=child.pk).exists()


def test_the_leavers_page_is_only_for_those_who_lead_a_setting(client, school):
    client.force_login(staff(Role.TEACHER, school))
    assert client.get(reverse("leavers")).status_code == 404
