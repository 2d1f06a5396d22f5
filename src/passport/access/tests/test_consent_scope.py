"""A professional whose access is limited by the family's consent sees the child's name and the
consented sections only: no UPN, date of birth, layer or needs on the API or the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from passport.access import services as access_services
from passport.children.models import Child
from passport.organisations.models import Provider
from passport.passports.models import RankedNeed, Review
from passport.people.models import Membership, Role, User
from passport.testing.factories import (
    SettingFactory,
    UserFactory,
    child_on_roll,
    parent_of,
    put_at_layer,
    staff,
)
from passport.testing.signing_in import sign_in_as

pytestmark = pytest.mark.django_db

BORN = dt.date(2017, 3, 14)
BORN_WORDS = "14 March 2017"


@pytest.fixture
def school():
    return SettingFactory(name="Oakfield Primary")


@pytest.fixture
def senco(school) -> User:
    return staff(Role.SENCO, school)


@pytest.fixture
def child(school, senco) -> Child:
    child = child_on_roll(
        school, given_name="Amara", family_name="Okafor", date_of_birth=BORN, uln="1234567890"
    )
    passport = child.passport
    passport.sen_provision = "K"
    passport.how_to_support_me = "Tell me what is coming next"
    passport.save()
    RankedNeed.objects.create(passport=passport, need_type="SLCN", rank=1)
    put_at_layer(passport, "targeted", senco)
    Review.objects.create(
        passport=passport,
        held_on=dt.date(2024, 12, 6),
        participants="SENCO",
        child_views="Fine",
        progress_summary="Some",
        decision="continue",
        next_review_on=dt.date(2025, 4, 4),
    )
    return child


def therapist_with_consent_for(child: Child, sections: list[str]) -> User:
    """Return a speech therapist referred to the child, whose family consented to `sections`."""
    trust = Provider.objects.create(name="Avon Trust", kind="nhs_trust")
    therapist = UserFactory()
    Membership.objects.create(
        user=therapist, role=Role.HEALTH_PROFESSIONAL, provider=trust, starts_on=dt.date(2020, 1, 1)
    )
    school = child.enrolments.get().setting
    access_services.record_referral(
        child, trust, "Speech and language therapy", dt.date(2024, 1, 1), staff(Role.SENCO, school)
    )
    access_services.give_consent(child, trust, sections, parent_of(child))
    return therapist


@pytest.fixture
def therapist(child) -> User:
    return therapist_with_consent_for(child, ["about_me"])


def signed_in(user: User) -> Client:
    client = Client()
    sign_in_as(client, user)
    return client


HIDDEN_FROM_THERAPIST = ("date_of_birth", "upn", "current_layer", "primary_need", "sen_provision")


def test_therapist_with_about_me_consent_sees_only_the_name_in_the_api_list(child, therapist):
    [summary] = signed_in(therapist).get("/api/children").json()["items"]

    assert (summary["given_name"], summary["family_name"]) == ("Amara", "Okafor")
    assert summary["sections_shown"] == ["about_me"]
    for name in HIDDEN_FROM_THERAPIST:
        assert summary[name] is None, name


def test_senco_still_sees_everything_in_the_api_list(child, senco):
    [summary] = signed_in(senco).get("/api/children").json()["items"]

    assert summary["upn"] == child.upn and summary["date_of_birth"] == "2017-03-14"
    assert summary["current_layer"]["code"] == "targeted"
    assert summary["primary_need"]["code"] == "SLCN" and summary["sen_provision"]["code"] == "K"
    assert "identity" in summary["sections_shown"]


def test_therapist_with_about_me_consent_reads_no_identifiers_over_the_api(child, therapist):
    details = signed_in(therapist).get(f"/api/children/{child.pk}").json()

    assert details["given_name"] == "Amara"
    for name in ("date_of_birth", "upn", "uln", "nhs_number", "current_setting", "enrolments"):
        assert details[name] is None, name
    assert details["sections_shown"] == ["about_me"]

    passport = signed_in(therapist).get(f"/api/children/{child.pk}/passport").json()
    assert passport["about_me"]["how_to_support_me"] == "Tell me what is coming next"
    assert passport["needs"] is None and passport["layer"] is None


def test_senco_still_reads_every_identifier_over_the_api(child, senco):
    details = signed_in(senco).get(f"/api/children/{child.pk}").json()

    assert details["upn"] == child.upn and details["uln"] == "1234567890"
    assert details["date_of_birth"] == "2017-03-14"
    assert details["current_setting"]["name"] == "Oakfield Primary"
    assert len(details["enrolments"]) == 1


def test_therapist_with_about_me_consent_sees_no_identifiers_layer_or_needs_on_essentials(
    child, therapist
):
    page = signed_in(therapist).get(reverse("essentials", args=[child.pk])).content.decode()

    assert "Amara" in page and "Tell me what is coming next" in page
    for hidden in (child.upn, BORN_WORDS, "Targeted", "Speech, language", "Oakfield", "4 April"):
        assert hidden not in page, hidden


def test_senco_still_sees_age_layer_needs_and_review_on_essentials(child, senco):
    page = signed_in(senco).get(reverse("essentials", args=[child.pk])).content.decode()

    for shown in (BORN_WORDS, "Targeted", "Speech, language", "4 April 2025"):
        assert shown in page, shown


def test_therapist_with_about_me_consent_sees_no_identifiers_in_the_passport_header(
    child, therapist
):
    page = signed_in(therapist).get(reverse("passport", args=[child.pk])).content.decode()

    # Without the identity section, the short name that tells children apart (Child.name_for).
    assert "Amara O., Year " in page and "Tell me what is coming next" in page
    for hidden in (child.upn, BORN_WORDS, "Oakfield", "Targeted", "Okafor"):
        assert hidden not in page, hidden


def test_senco_still_sees_date_of_birth_setting_and_upn_in_the_passport_header(child, senco):
    page = signed_in(senco).get(reverse("passport", args=[child.pk])).content.decode()

    for shown in (child.upn, BORN_WORDS, "Oakfield Primary"):
        assert shown in page, shown


def test_consent_that_covers_identity_shows_the_identifiers(child):
    therapist = therapist_with_consent_for(child, ["about_me", "identity"])

    details = signed_in(therapist).get(f"/api/children/{child.pk}").json()

    assert details["upn"] == child.upn and details["date_of_birth"] == "2017-03-14"


def test_sections_for_a_page_of_children_match_each_childs_own_decision(school, child, senco):
    from passport.access.policies import sections_for_children

    therapist = therapist_with_consent_for(child, ["about_me"])
    teacher = staff(Role.TEACHER, school)
    other = child_on_roll(SettingFactory())

    shown = sections_for_children(therapist, [child.pk, other.pk])
    assert shown == {child.pk: frozenset({"about_me"})}
    teacher_sees = sections_for_children(teacher, [child.pk])[child.pk]
    assert "identity" in teacher_sees and "family" not in teacher_sees
    assert "family" in sections_for_children(senco, [child.pk])[child.pk]


def test_therapist_cannot_find_a_child_by_what_their_consent_does_not_cover(child, therapist):
    client = signed_in(therapist)

    def found(query: str) -> list[int]:
        return [c["id"] for c in client.get(f"/api/children?{query}").json()["items"]]

    assert found("q=amara") == [child.pk]
    assert found(f"q={child.upn}") == []
    assert found("layer=targeted") == []
    assert found("need_type=SLCN") == []


def test_consent_for_needs_lets_a_therapist_filter_by_need(child):
    therapist = therapist_with_consent_for(child, ["needs"])
    client = signed_in(therapist)

    assert [c["id"] for c in client.get("/api/children?need_type=SLCN").json()["items"]] == [
        child.pk
    ]
    assert client.get("/api/children?layer=targeted").json()["items"] == []


def table_body(page: str) -> str:
    """The list's rows, without the filter choices above them (which name every layer)."""
    return page[page.index('<tbody class="govuk-table__body">') : page.index("</tbody>")]


def test_therapist_with_about_me_consent_sees_only_the_name_on_the_children_list_page(
    child, therapist
):
    rows = table_body(signed_in(therapist).get(reverse("children")).content.decode())

    assert "Amara O., Year " in rows
    for hidden in (child.upn, BORN_WORDS, "Targeted", "Speech, language", "Okafor"):
        assert hidden not in rows, hidden
    assert rows.count("Not shared with you") == 3


def test_senco_still_sees_upn_birth_layer_and_need_on_the_children_list_page(child, senco):
    rows = table_body(signed_in(senco).get(reverse("children")).content.decode())

    for shown in (child.upn, BORN_WORDS, "Targeted", "Speech, language"):
        assert shown in rows, shown
    assert "Not shared with you" not in rows


def test_therapist_cannot_find_a_child_on_the_list_page_by_what_consent_does_not_cover(
    child, therapist
):
    client = signed_in(therapist)

    def found(query: str) -> bool:
        return "Amara O., Year " in client.get(f"{reverse('children')}?{query}").content.decode()

    assert found("q=amara")
    assert not found(f"q={child.upn}")
    assert not found("layer=targeted")
    assert not found("need=SLCN")
