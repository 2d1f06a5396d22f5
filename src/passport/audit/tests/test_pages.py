"""'Who has seen this passport' for families, and the data protection lead's page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from passport.audit.services import record
from passport.people.models import Membership, Role
from passport.testing.factories import (
    ChildFactory,
    SettingFactory,
    UserFactory,
    child_on_roll,
    parent_of,
    staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def school():
    return SettingFactory(name="Oakfield Primary")


@pytest.fixture
def senco(school):
    return staff(Role.SENCO, school, user__full_name="Sian Patel")


@pytest.fixture
def child(school):
    return child_on_roll(school, given_name="Amara", family_name="Okafor")


@pytest.fixture
def parent(child):
    return parent_of(child)


def senco_did(senco, school, child, action: str = "read", **overrides: Any):
    fields: dict[str, Any] = {
        "actor": senco,
        "role": Role.SENCO,
        "relationship": "on_roll_at_my_setting",
        "acting_for": school.name,
        "setting_id": school.pk,
        "action": action,
        "child_id": child.pk,
        "allowed": True,
    }
    return record(**(fields | overrides))


def page_for(client, user, child) -> str:
    client.force_login(user)
    response = client.get(reverse("who-has-seen", args=[child.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_parent_sees_that_the_senco_opened_the_passport(client, senco, school, child, parent):
    senco_did(senco, school, child)
    page = page_for(client, parent, child)
    assert "Who has seen this passport" in page
    assert "Sian Patel, SENCO at Oakfield Primary, opened the passport at " in page


def test_reads_by_one_person_on_one_day_are_one_line_with_a_count(
    client, senco, school, child, parent
):
    for _ in range(4):
        senco_did(senco, school, child)
    page = page_for(client, parent, child)
    assert "opened the passport 4 times, last at" in page
    assert page.count("Sian Patel") == 1


def test_changes_name_the_section_and_emergency_access_shows_the_reason(
    client, senco, school, child, parent
):
    senco_did(senco, school, child, "write", sections=["support"])
    teacher = staff(
        Role.TEACHER, SettingFactory(name="Hillside Academy"), user__full_name="Tom Reed"
    )
    record(
        actor=teacher,
        role=Role.TEACHER,
        relationship="break_glass",
        acting_for="Hillside Academy",
        setting_id=school.pk,
        action="read",
        child_id=child.pk,
        allowed=True,
        flagged=True,
        reason="Amara was taken ill on a school trip <script>alert(1)</script>",
    )
    page = page_for(client, parent, child)
    assert "Sian Patel, SENCO at Oakfield Primary, changed Support in place at" in page
    assert (
        "Tom Reed, teacher at Hillside Academy, opened the passport using emergency access at"
        in page
    )
    assert "Emergency access" in page
    assert "Amara was taken ill on a school trip &lt;script&gt;" in page
    assert "<script>alert(1)" not in page


def test_each_emergency_read_is_its_own_line_with_its_reason(client, senco, school, child, parent):
    for reason in ("Taken ill at lunch", "Called an ambulance"):
        senco_did(senco, school, child, relationship="break_glass", flagged=True, reason=reason)
    page = page_for(client, parent, child)
    assert "Taken ill at lunch" in page and "Called an ambulance" in page
    assert page.count("opened the passport using emergency access at") == 2


def test_family_sees_refused_attempts_as_refused_and_not_their_own_access(
    client, senco, school, child, parent
):
    stranger = staff(
        Role.SENCO, SettingFactory(name="Elsewhere School"), user__full_name="Nosy Parker"
    )
    for _ in range(2):
        record(
            actor=stranger,
            role=Role.SENCO,
            relationship=None,
            acting_for="Elsewhere School",
            setting_id=school.pk,
            action="read",
            child_id=child.pk,
            allowed=False,
            reason="asked for the record from the children list",
        )
    record(
        actor=parent,
        role=Role.PARENT_CARER,
        relationship="parental_responsibility",
        acting_for="Parent or carer",
        setting_id=None,
        action="read",
        child_id=child.pk,
        allowed=True,
    )
    page = page_for(client, parent, child)
    assert (
        "Nosy Parker, SENCO at Elsewhere School, tried to open Amara&#39;s record 2 times, "
        "last at" in page
    )
    assert "and was not allowed to" in page and "Not allowed" in page
    assert "parent or carer, opened" not in page
    # The service's own note about where the attempt came from is not a reason a person gave.
    assert "children list" not in page and "Reason they gave" not in page


def test_changes_by_one_person_on_one_day_are_one_line_and_system_notes_are_not_reasons(
    client, senco, school, child, parent
):
    for _ in range(3):
        senco_did(senco, school, child, "write", sections=["needs"], reason="children list page 1")
    page = page_for(client, parent, child)
    assert "Sian Patel, SENCO at Oakfield Primary, changed My needs 3 times, last at" in page
    assert "children list page 1" not in page


def test_opening_a_form_without_saving_is_an_opening_not_a_change(
    client, senco, school, child, parent
):
    client.force_login(senco)
    for _ in range(3):
        assert client.get(reverse("edit-needs", args=[child.pk])).status_code == 200
    page = page_for(client, parent, child)
    assert "Sian Patel, SENCO at Oakfield Primary, opened the passport 3 times" in page
    assert "changed" not in page.split("<tbody", 1)[1]


def test_a_young_person_sees_who_opened_their_own_record(client, senco, school):
    young_person = UserFactory()
    Membership.objects.create(
        user=young_person, role=Role.YOUNG_PERSON, starts_on=dt.date(2024, 1, 1)
    )
    student = child_on_roll(school, date_of_birth=dt.date(2007, 1, 1), own_account=young_person)
    senco_did(senco, school, student)
    assert "Sian Patel, SENCO at Oakfield Primary, opened the passport" in page_for(
        client, young_person, student
    )


def test_unrelated_parent_and_the_senco_get_page_not_found(client, senco, school, child, parent):
    senco_did(senco, school, child)
    other_parent = parent_of(ChildFactory())
    for user in (other_parent, senco):
        client.force_login(user)
        assert client.get(reverse("who-has-seen", args=[child.pk])).status_code == 404


def test_who_has_seen_pages_through_fifty_lines_at_a_time(client, school, child, parent):
    for number in range(51):
        person = staff(Role.TEACHER, school, user__full_name=f"Teacher {number:02d}")
        record(
            actor=person,
            role=Role.TEACHER,
            relationship="on_roll_at_my_setting",
            acting_for=school.name,
            setting_id=school.pk,
            action="read",
            child_id=child.pk,
            allowed=True,
        )
    first = page_for(client, parent, child)
    assert "Teacher 50" in first and "Teacher 00" not in first
    second = client.get(reverse("who-has-seen", args=[child.pk]), {"page": 2}).content.decode()
    assert "Teacher 00" in second and "page 2 of 2" in second


def test_who_has_seen_reads_a_fixed_number_of_queries(
    client, senco, school, child, parent, django_assert_max_num_queries
):
    for action in ("read", "write", "print", "read"):
        senco_did(senco, school, child, action)
    client.force_login(parent)
    with django_assert_max_num_queries(25):
        client.get(reverse("who-has-seen", args=[child.pk]))
    for _ in range(20):
        senco_did(senco, school, child, "write")
    with django_assert_max_num_queries(25):
        client.get(reverse("who-has-seen", args=[child.pk]))


def test_data_protection_lead_sees_refusals_and_emergency_access_at_their_setting_only(
    client, senco, school, child
):
    lead = staff(Role.DATA_PROTECTION_LEAD, school, user__full_name="Dana Lee")
    other_school = SettingFactory(name="Far Away School")
    prober = UserFactory(full_name="Nosy Parker")
    record(
        actor=prober,
        role=Role.TEACHER,
        relationship=None,
        acting_for="Elsewhere School",
        setting_id=school.pk,
        action="read",
        child_id=child.pk,
        allowed=False,
    )
    record(
        actor=UserFactory(full_name="Other Prober"),
        role=Role.TEACHER,
        relationship=None,
        acting_for="",
        setting_id=other_school.pk,
        action="read",
        child_id=child.pk,
        allowed=False,
    )
    record(
        actor=UserFactory(full_name="Tom Reed"),
        role=Role.TEACHER,
        relationship="break_glass",
        acting_for="Hillside Academy",
        setting_id=school.pk,
        action="read",
        child_id=child.pk,
        allowed=True,
        flagged=True,
        reason="Taken ill on a trip",
    )
    senco_did(senco, school, child)
    client.force_login(lead)
    response = client.get(reverse("data-protection"))
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        f"Nosy Parker, teacher at Elsewhere School, tried to open child record {child.pk}" in page
    )
    assert "Refused" in page
    assert (
        f"Tom Reed, teacher at Hillside Academy, used emergency access to open child record {child.pk}"
        in page
    )
    assert "Taken ill on a trip" in page
    assert "Other Prober" not in page
    assert "Sian Patel" not in page
    assert "Amara" not in page  # the lead sees record numbers, not the child's data


def test_data_protection_page_is_only_for_data_protection_leads(client, senco):
    client.force_login(senco)
    assert client.get(reverse("data-protection")).status_code == 404


def test_an_ended_data_protection_lead_role_gives_nothing(client, school):
    lead = staff(Role.SENCO, school)
    Membership.objects.create(
        user=lead,
        role=Role.DATA_PROTECTION_LEAD,
        setting=school,
        starts_on=dt.date(2020, 9, 1),
        ends_on=dt.date(2021, 7, 31),
    )
    client.force_login(lead)
    assert client.get(reverse("data-protection")).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, child):
    for url in (reverse("who-has-seen", args=[child.pk]), reverse("data-protection")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("sign-in"))
