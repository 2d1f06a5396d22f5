"""The API shows a professional only the sections the family consented to."""

from __future__ import annotations

import datetime as dt

import pytest

from passport.access import services as access_services
from passport.organisations.models import Provider
from passport.passports.models import Strategy
from passport.people.models import Membership, Role
from passport.testing.factories import SettingFactory, UserFactory, child_on_roll, parent_of, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def therapist_and_child():
    school = SettingFactory()
    child = child_on_roll(school)
    Strategy.objects.create(passport=child.passport, description="Visual timetable")
    trust = Provider.objects.create(name="Avon Trust", kind="nhs_trust")
    therapist = UserFactory()
    Membership.objects.create(
        user=therapist, role=Role.HEALTH_PROFESSIONAL, provider=trust, starts_on=dt.date(2020, 1, 1)
    )
    access_services.record_referral(
        child, trust, "Speech and language therapy", dt.date(2025, 1, 1), staff(Role.SENCO, school)
    )
    access_services.give_consent(child, trust, ["needs", "support"], parent_of(child))
    return therapist, child


def test_professional_sees_only_the_consented_sections(client, therapist_and_child):
    therapist, child = therapist_and_child
    client.force_login(therapist)
    passport = client.get(f"/api/children/{child.pk}/passport").json()
    assert passport["needs"] is not None and passport["support"] == []
    assert (
        passport["about_me"] is None
        and passport["what_works"] is None
        and passport["reviews"] is None
    )
    assert client.get(f"/api/children/{child.pk}/passport/about-me").status_code == 404
    assert client.get(f"/api/children/{child.pk}/passport/needs").status_code == 200
    strategy = child.passport.strategies.get()
    assert (
        client.get(f"/api/children/{child.pk}/passport/what-works/{strategy.pk}").status_code == 404
    )


def test_withdrawn_consent_closes_the_api_too(client, therapist_and_child):
    therapist, child = therapist_and_child
    access_services.withdraw_consent(child.consents.get(), therapist)
    client.force_login(therapist)
    assert client.get(f"/api/children/{child.pk}/passport").status_code == 404


def test_teacher_is_not_given_the_nhs_number(client):
    school = SettingFactory()
    child = child_on_roll(school, nhs_number="9434765919")
    client.force_login(staff(Role.TEACHER, school))
    assert client.get(f"/api/children/{child.pk}").json()["nhs_number"] is None
    client.force_login(staff(Role.SENCO, school))
    assert client.get(f"/api/children/{child.pk}").json()["nhs_number"] == "9434765919"
