"""Issue 19: a professional can tell children apart without seeing more than the family shared,
the passport says which sections are not shared with them, and Support in place is split into
current, planned and ended support with its dates in words."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from passport.access.tests.test_consent_scope import therapist_with_consent_for
from passport.core.dates import today
from passport.funding.tests.test_pages import commissioned
from passport.passports.models import SupportItem
from passport.passports.services import support_by_time
from passport.people.models import Role
from passport.testing.factories import SettingFactory, child_on_roll, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def school():
    return SettingFactory(name="Brook Lane Primary School")


@pytest.fixture
def maya(school):
    return child_on_roll(
        school, given_name="Maya", family_name="Rowntree", date_of_birth=dt.date(2017, 3, 14)
    )


def support(passport, description: str, starts_on: dt.date, ends_on: dt.date | None = None):
    return SupportItem.objects.create(
        passport=passport,
        description=description,
        intended_outcome="Clearer spoken sentences",
        delivered_by="Teaching assistant",
        group_size="small_group",
        minutes_per_session=30,
        sessions_per_period=2,
        period="week",
        starts_on=starts_on,
        ends_on=ends_on,
        layer="targeted",
    )


def test_without_the_identity_section_a_child_is_named_by_first_name_initial_and_year(maya):
    # Born 14 March 2017: Reception from September 2021, so Year 5 from 1 September 2026.
    assert maya.name_for({"support"}, on=dt.date(2026, 12, 8)) == "Maya R., Year 5"
    assert maya.name_for({"support"}, on=dt.date(2026, 8, 31)) == "Maya R., Year 4"
    assert maya.name_for({"support"}, on=dt.date(2021, 9, 1)) == "Maya R., Reception"
    assert maya.name_for({"support"}, on=dt.date(2021, 8, 31)) == "Maya R., Nursery"
    assert maya.name_for({"identity", "support"}) == "Maya Rowntree"
    maya.preferred_name = "Mimi"
    assert maya.name_for(set(), on=dt.date(2026, 12, 8)) == "Mimi R., Year 5"


def test_a_therapist_with_consent_to_one_section_sees_a_short_name_and_what_is_hidden(client, maya):
    therapist = therapist_with_consent_for(maya, ["support"])
    client.force_login(therapist)

    page = client.get(reverse("passport", args=[maya.pk])).content.decode()

    heading = f"Maya R., {maya.year_group_name()}"
    assert f'<h1 class="govuk-heading-l">{heading}' in page
    assert f"<title>{heading}: support passport" in page
    assert "Rowntree" not in page and "14 March 2017" not in page and "Child " not in page
    assert "Not shared with you, so not shown here:" in page
    for hidden in ("Name, date of birth and setting", "Family and contacts", "My needs"):
        assert f"<li>{hidden}</li>" in page
    assert "<li>Support in place</li>" not in page

    listed = client.get(reverse("children")).content.decode()
    assert heading in listed and "Rowntree" not in listed

    essentials = client.get(reverse("essentials", args=[maya.pk])).content.decode()
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in essentials
    assert "Rowntree" not in essentials


def test_the_senco_sees_everything_and_a_teacher_is_told_what_their_role_leaves_out(
    client, school, maya
):
    client.force_login(staff(Role.SENCO, school))
    page = client.get(reverse("passport", args=[maya.pk])).content.decode()
    assert '<h1 class="govuk-heading-l">Maya Rowntree' in page
    assert "Not shared with you" not in page

    client.force_login(staff(Role.TEACHER, school))
    page = client.get(reverse("passport", args=[maya.pk])).content.decode()
    assert '<h1 class="govuk-heading-l">Maya Rowntree' in page
    # A teacher's grant leaves out family, health, history and the EHC process: it says so.
    assert "<li>Family and contacts</li>" in page and "<li>My needs</li>" not in page


def test_a_therapist_recording_a_session_picks_children_by_short_name_not_a_number():
    from passport.access import services as access_services
    from passport.funding.tests.world import build_world
    from passport.testing.factories import parent_of

    world = build_world()
    _, commission = commissioned(world, world.children[:2])
    for child in world.children[:2]:
        access_services.give_consent(child, world.provider, ["support"], parent_of(child))
    from django.test import Client

    client = Client()
    client.force_login(world.therapist)
    form = client.get(reverse("funding-delivery", args=[commission.pk])).content.decode()
    listing = client.get(reverse("funding-commission", args=[commission.pk])).content.decode()

    for child in world.children[:2]:
        short = child.name_for(set())
        assert f"{short}, {child.enrolments.get().setting.name}" in form
        assert short in listing
        assert child.family_name not in form and child.family_name not in listing
    assert "Child " not in form and "Child " not in listing


def test_support_is_current_planned_or_ended_by_its_dates():
    on = dt.date(2026, 7, 20)  # a Monday, the last day of a summer term
    ended = SupportItem(pk=1, starts_on=dt.date(2025, 9, 3), ends_on=dt.date(2026, 7, 19))
    ends_today = SupportItem(pk=2, starts_on=dt.date(2025, 9, 3), ends_on=on)
    ongoing = SupportItem(pk=3, starts_on=dt.date(2024, 9, 4))
    starts_today = SupportItem(pk=4, starts_on=on)
    after_summer = SupportItem(pk=5, starts_on=dt.date(2026, 9, 3), ends_on=dt.date(2027, 7, 21))
    ended_long_ago = SupportItem(pk=6, starts_on=dt.date(2023, 9, 4), ends_on=dt.date(2024, 7, 19))

    groups = support_by_time(
        [after_summer, ended_long_ago, starts_today, ended, ongoing, ends_today], on
    )

    assert groups.current == [ongoing, ends_today, starts_today]
    assert groups.planned == [after_summer]
    assert groups.ended == [ended, ended_long_ago]


def test_the_passport_shows_support_under_current_planned_and_ended_with_dates_in_words(
    client, school, maya
):
    now = today()
    support(maya.passport, "Talk Boost group", now - dt.timedelta(days=100))
    support(maya.passport, "Lego therapy", now + dt.timedelta(days=30), now + dt.timedelta(days=90))
    support(
        maya.passport, "Precision teaching", now - dt.timedelta(days=300), now - dt.timedelta(1)
    )
    client.force_login(staff(Role.SENCO, school))

    page = client.get(reverse("passport", args=[maya.pk])).content.decode()

    def long(day: dt.date) -> str:
        return f"{day.day} {day:%B %Y}"

    current = page.index("Current support</h3>")
    planned = page.index("Planned support</h3>")
    ended = page.index("Ended support</h3>")
    assert current < page.index("Talk Boost group") < planned
    assert planned < page.index("Lego therapy") < ended < page.index("Precision teaching")
    assert f"From {long(now - dt.timedelta(days=100))}, ongoing" in page
    assert (
        f"Starts {long(now + dt.timedelta(days=30))}, ends {long(now + dt.timedelta(days=90))}"
        in page
    )
    assert f"Ended {long(now - dt.timedelta(days=1))}" in page


def test_with_only_ended_support_the_passport_says_none_is_in_place_today(client, school, maya):
    support(maya.passport, "Precision teaching", dt.date(2024, 9, 4), dt.date(2025, 7, 18))
    client.force_login(staff(Role.SENCO, school))

    page = client.get(reverse("passport", args=[maya.pk])).content.decode()

    assert "No support is in place today." in page
    assert "Ended 18 July 2025 (from 4 September 2024)" in page
    assert "Planned support" not in page


def test_the_pdf_file_name_holds_no_more_of_the_name_than_the_reader_sees(client, maya):
    client.force_login(therapist_with_consent_for(maya, ["support"]))

    response = client.get(reverse("passport-pdf", args=[maya.pk]))

    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert 'filename="support-passport-maya-r-year-' in disposition
    assert "rowntree" not in disposition
