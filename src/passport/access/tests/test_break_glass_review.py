"""Every emergency opening that widens what someone sees reaches a person who reviews it: the data
protection lead of the child's setting, or, for a child on no roll, their local authority, or,
when no local authority is known, the service's administrators."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from passport.access import services as access_services
from passport.access.models import LocalAuthorityWideAccess
from passport.access.policies import Action, decide
from passport.children.models import Child, Enrolment
from passport.organisations.models import Provider
from passport.people.models import Membership, Role, User
from passport.testing.factories import (
    ChildFactory,
    SettingFactory,
    UserFactory,
    child_on_roll,
    local_authority,
    parent_of,
    staff,
)
from passport.testing.signing_in import sign_in_as

pytestmark = pytest.mark.django_db

REASON = "Collapsed on the school trip; need her care plan now"


def signed_in(user: User) -> Client:
    client = Client()
    sign_in_as(client, user)
    return client


def data_protection_page(lead: User) -> str:
    return signed_in(lead).get(reverse("data-protection")).content.decode()


def reviews_page(user: User) -> tuple[int, str]:
    response = signed_in(user).get(reverse("break-glass-reviews"))
    return response.status_code, response.content.decode()


@pytest.fixture
def school():
    return SettingFactory(name="Oakfield Primary")


@pytest.fixture
def lead(school) -> User:
    return staff(Role.DATA_PROTECTION_LEAD, school)


def therapist_with_about_me_consent(child: Child) -> User:
    trust = Provider.objects.create(name="Avon Trust", kind="nhs_trust")
    therapist = UserFactory(full_name="Tess Thorne")
    Membership.objects.create(
        user=therapist, role=Role.HEALTH_PROFESSIONAL, provider=trust, starts_on=dt.date(2020, 1, 1)
    )
    school = child.enrolments.get().setting
    access_services.record_referral(
        child, trust, "Speech and language therapy", dt.date(2024, 1, 1), staff(Role.SENCO, school)
    )
    access_services.give_consent(child, trust, ["about_me"], parent_of(child))
    return therapist


def caseworker_seeing_all_of(la_code: str) -> User:
    la = local_authority(la_code)
    caseworker = UserFactory(full_name=f"Caseworker {la_code}")
    Membership.objects.create(
        user=caseworker, role=Role.LA_CASEWORKER, local_authority=la, starts_on=dt.date(2020, 1, 1)
    )
    LocalAuthorityWideAccess.objects.create(
        user=caseworker, local_authority=la, granted_by=caseworker, starts_on=dt.date(2020, 1, 1)
    )
    return caseworker


def stranger() -> User:
    return staff(Role.TEACHER, SettingFactory(name="Elm Primary"), user__full_name="Sid Stranger")


def test_teacher_widening_their_access_by_break_glass_reaches_the_data_protection_lead(
    school, lead
):
    child = child_on_roll(school)
    teacher = staff(Role.TEACHER, school, user__full_name="Tom Teacher")

    access_services.open_break_glass(teacher, child.upn, REASON)

    decision = decide(teacher, child, Action.READ)
    assert decision.flagged and decision.shows("family") and decision.shows("health")
    page = data_protection_page(lead)
    assert "Tom Teacher" in page and REASON in page


def test_reads_under_a_widening_break_glass_are_flagged_like_a_strangers(school, lead):
    child = child_on_roll(school)
    teacher = staff(Role.TEACHER, school, user__full_name="Tom Teacher")
    access_services.open_break_glass(teacher, child.upn, REASON)

    page = signed_in(teacher).get(reverse("passport", args=[child.pk])).content.decode()

    assert "You opened this record with emergency access" in page
    assert data_protection_page(lead).count("used emergency access to open") == 2


def test_therapist_widening_about_me_consent_by_break_glass_reaches_the_data_protection_lead(
    school, lead
):
    child = child_on_roll(school)
    therapist = therapist_with_about_me_consent(child)

    access_services.open_break_glass(therapist, child.upn, REASON)

    assert decide(therapist, child, Action.READ).flagged
    page = data_protection_page(lead)
    assert "Tess Thorne" in page and REASON in page


def test_senco_who_already_sees_everything_is_not_flagged_on_every_read(school):
    child = child_on_roll(school)
    senco = staff(Role.SENCO, school)
    access_services.open_break_glass(senco, child.upn, REASON)

    assert not decide(senco, child, Action.READ).flagged


def test_break_glass_on_a_child_on_no_roll_goes_to_their_home_local_authority():
    child = ChildFactory(home_local_authority=local_authority("801"))
    home_la, elsewhere = caseworker_seeing_all_of("801"), caseworker_seeing_all_of("202")

    access_services.open_break_glass(stranger(), child.upn, REASON)

    status, page = reviews_page(home_la)
    assert status == 200 and "Sid Stranger" in page and REASON in page
    assert f"child record {child.pk}" in page
    assert REASON not in reviews_page(elsewhere)[1]


def test_break_glass_on_a_child_who_left_their_last_setting_goes_to_that_settings_la():
    child = ChildFactory(home_local_authority=None)
    Enrolment.objects.create(
        child=child,
        setting=SettingFactory(local_authority=local_authority("202")),
        starts_on=dt.date(2020, 9, 1),
        ends_on=dt.date(2024, 7, 19),
    )
    last_la = caseworker_seeing_all_of("202")

    access_services.open_break_glass(stranger(), child.upn, REASON)

    assert REASON in reviews_page(last_la)[1]


def test_break_glass_on_a_child_with_no_local_authority_goes_to_the_administrators():
    child = ChildFactory(home_local_authority=None)
    administrator = UserFactory()
    Membership.objects.create(
        user=administrator, role=Role.ADMINISTRATOR, starts_on=dt.date(2020, 1, 1)
    )

    access_services.open_break_glass(stranger(), child.upn, REASON)

    status, page = reviews_page(administrator)
    assert status == 200 and REASON in page
    assert REASON not in reviews_page(caseworker_seeing_all_of("801"))[1]


def test_break_glass_at_a_setting_stays_with_its_data_protection_lead_not_the_la(school, lead):
    child = child_on_roll(school, home_local_authority=local_authority("801"))

    access_services.open_break_glass(stranger(), child.upn, REASON)

    assert REASON in data_protection_page(lead)
    assert REASON not in reviews_page(caseworker_seeing_all_of("801"))[1]


def test_the_review_page_is_only_for_people_who_review_emergency_access(school):
    assert reviews_page(staff(Role.TEACHER, school))[0] == 404


def test_a_short_reason_is_refused_alike_whether_or_not_the_upn_is_recorded():
    """The service checks the reason before it looks the UPN up, as the page does."""
    from django.core.exceptions import ValidationError

    from passport.access.services import open_break_glass

    school = SettingFactory()
    known = child_on_roll(school)
    stranger = staff(Role.SENCO, SettingFactory())
    replies = []
    for upn in (known.upn, "A801200099999"):
        with pytest.raises(ValidationError) as refused:
            open_break_glass(stranger, upn, "urgent")
        replies.append(refused.value.message_dict)
    assert replies[0] == replies[1]
    assert set(replies[0]) == {"reason"}
