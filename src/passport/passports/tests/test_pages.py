"""The passport pages, as a SENCO, a teacher and a parent use them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from passport.audit.models import AuditAction, AuditEvent
from passport.passports.models import Passport
from passport.people.models import Role
from passport.people.services import current_code
from passport.testing.factories import SettingFactory, child_on_roll, parent_of, put_at_layer, staff
from passport.testing.signing_in import give_authenticator

pytestmark = pytest.mark.django_db


@pytest.fixture
def school():
    return SettingFactory(name="Oakfield Primary")


@pytest.fixture
def senco(school):
    return staff(Role.SENCO, school)


@pytest.fixture
def child(school):
    return child_on_roll(school, given_name="Amara", family_name="Okafor")


def date_fields(name: str, day: dt.date) -> dict[str, str]:
    return {
        f"{name}-day": str(day.day),
        f"{name}-month": str(day.month),
        f"{name}-year": str(day.year),
    }


def test_signed_out_visitor_is_sent_to_sign_in(client, child):
    response = client.get(reverse("passport", args=[child.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("sign-in"))


def test_senco_signs_in_with_email_password_and_code(client, senco):
    device = give_authenticator(senco)
    response = client.post(
        reverse("sign-in"), {"email": senco.email, "password": "correct-horse-battery-staple"}
    )
    assert response["Location"] == reverse("sign-in-code")
    response = client.post(reverse("sign-in-code"), {"code": current_code(device)[0]})
    assert response.status_code == 302
    assert client.get(reverse("children")).status_code == 200


def test_wrong_password_says_so_without_naming_which_part(client, senco):
    response = client.post(reverse("sign-in"), {"email": senco.email, "password": "nope"})
    assert "Enter a correct email address and password" in response.content.decode()


def test_senco_sees_children_on_roll_and_can_search(client, senco, school, child):
    other = child_on_roll(school, given_name="Ben", family_name="Hughes")
    client.force_login(senco)
    page = client.get(reverse("children")).content.decode()
    assert "Okafor, Amara" in page and "Hughes, Ben" in page
    page = client.get(reverse("children"), {"q": "okaf"}).content.decode()
    assert "Okafor, Amara" in page and "Hughes, Ben" not in page
    put_at_layer(other.passport, "targeted_plus", senco)
    page = client.get(reverse("children"), {"layer": "targeted_plus"}).content.decode()
    assert "Hughes, Ben" in page and "Okafor, Amara" not in page


def test_senco_does_not_see_children_at_another_school(client, child):
    other_senco = staff(Role.SENCO, SettingFactory())
    client.force_login(other_senco)
    assert "Okafor" not in client.get(reverse("children")).content.decode()
    assert client.get(reverse("passport", args=[child.pk])).status_code == 404
    assert client.get(reverse("essentials", args=[child.pk])).status_code == 404


def test_senco_writes_about_me_and_it_shows_on_the_passport(client, senco, child):
    client.force_login(senco)
    response = client.post(
        reverse("edit-about-me", args=[child.pk]),
        {
            "liked_about_me": "I am kind and funny",
            "matters_to_me": "My dog, Biscuit",
            "how_to_support_me": "Tell me what is next",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("passport", args=[child.pk])).content.decode()
    assert "My dog, Biscuit" in page


def test_needs_form_refuses_nsa_with_an_ehc_plan_and_keeps_what_was_typed(client, senco, child):
    client.force_login(senco)
    response = client.post(
        reverse("edit-needs", args=[child.pk]),
        {"sen_provision": "E", "primary_need": "NSA", "needs_description": "Finds reading hard"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert 'href="#primary_need"' in page
    assert "can only be used with SEN support" in page
    assert "Finds reading hard" in page
    assert not child.passport.ranked_needs.exists()


def test_needs_form_refuses_the_same_need_twice(client, senco, child):
    client.force_login(senco)
    page = client.post(
        reverse("edit-needs", args=[child.pk]),
        {
            "sen_provision": "K",
            "primary_need": "SLCN",
            "secondary_need": "SLCN",
            "needs_description": "x",
        },
    ).content.decode()
    assert "The secondary need must be different from the primary need" in page


def test_script_in_free_text_is_refused_and_nothing_saved(client, senco, child):
    client.force_login(senco)
    page = client.post(
        reverse("add-item", args=[child.pk, "what-works"]),
        {"kind": "strategy", "description": "<script>alert(1)</script>"},
    ).content.decode()
    assert "What works must not contain HTML" in page
    assert "<script>alert(1)</script>" not in page  # echoed back escaped, never as markup
    assert not child.passport.strategies.exists()


def test_over_long_text_is_refused_with_the_limit(client, senco, child):
    client.force_login(senco)
    page = client.post(
        reverse("add-item", args=[child.pk, "what-works"]),
        {"kind": "strategy", "description": "a" * 3001},
    ).content.decode()
    assert "What works must be 3,000 characters or fewer" in page


def test_support_item_needs_quantities_and_sensible_dates(client, senco, child):
    client.force_login(senco)
    data = {
        "description": "Speech and language programme",
        "intended_outcome": "Understand who and where questions",
        "delivered_by": "Teaching assistant",
        "group_size": "small_group",
        "minutes_per_session": "30",
        "sessions_per_period": "2",
        "period": "week",
        "layer": "targeted",
        **date_fields("starts_on", dt.date(2026, 9, 7)),
        **date_fields("ends_on", dt.date(2026, 9, 1)),
    }
    page = client.post(reverse("add-item", args=[child.pk, "support"]), data).content.decode()
    assert "End date must be the same as or after the start date" in page
    data.update(date_fields("ends_on", dt.date(2027, 7, 16)))
    assert client.post(reverse("add-item", args=[child.pk, "support"]), data).status_code == 302
    page = client.get(reverse("passport", args=[child.pk])).content.decode()
    assert "30 minutes, 2 times a week" in page


def test_date_of_review_must_be_a_real_date(client, senco, child):
    client.force_login(senco)
    page = client.post(
        reverse("add-item", args=[child.pk, "reviews"]),
        {"held_on-day": "31", "held_on-month": "2", "held_on-year": "2026"},
    ).content.decode()
    assert "Date of the review must be a real date" in page
    assert 'href="#held_on-day"' in page


def test_teacher_reads_but_cannot_change(client, school, child):
    teacher = staff(Role.TEACHER, school)
    client.force_login(teacher)
    page = client.get(reverse("passport", args=[child.pk])).content.decode()
    assert "Amara Okafor" in page
    assert reverse("edit-needs", args=[child.pk]) not in page
    assert client.get(reverse("edit-needs", args=[child.pk])).status_code == 404
    assert (
        client.post(reverse("edit-about-me", args=[child.pk]), {"liked_about_me": "x"}).status_code
        == 404
    )


def test_parent_reads_their_child_and_adds_to_about_me(client, senco, child):
    parent = parent_of(child)
    client.force_login(parent)
    assert "Okafor, Amara" in client.get(reverse("children")).content.decode()
    response = client.post(
        reverse("add-contribution", args=[child.pk]),
        {"voice": "child", "text": "I love drawing dragons"},
    )
    assert response.status_code == 302
    page = client.get(reverse("passport", args=[child.pk])).content.decode()
    assert "I love drawing dragons" in page
    assert "own words" in page
    assert client.get(reverse("edit-needs", args=[child.pk])).status_code == 404


def test_unrelated_parent_gets_not_found(client, child, school):
    stranger = parent_of(child_on_roll(school))
    client.force_login(stranger)
    assert client.get(reverse("passport", args=[child.pk])).status_code == 404
    assert (
        client.post(
            reverse("add-contribution", args=[child.pk]), {"voice": "parent", "text": "hi"}
        ).status_code
        == 404
    )
    assert not child.passport.about_me_contributions.exists()


def test_parent_loses_access_when_responsibility_ends(client, child):
    parent = parent_of(child)
    child.parental_responsibilities.update(ends_on=dt.date(2025, 1, 1))
    client.force_login(parent)
    assert client.get(reverse("passport", args=[child.pk])).status_code == 404


def test_every_edit_is_kept_as_a_version_with_who_made_it(client, senco, child):
    client.force_login(senco)
    for text in ("First words", "Second words"):
        client.post(
            reverse("edit-about-me", args=[child.pk]),
            {"liked_about_me": text, "matters_to_me": "", "how_to_support_me": ""},
        )
    passport = Passport.objects.get(child=child)
    assert passport.version == 3
    kept = list(
        passport.history.order_by("history_date").values_list("liked_about_me", "history_user")
    )
    assert [text for text, _ in kept][-2:] == ["First words", "Second words"]
    assert all(user == senco.pk for _, user in kept[-2:])
    page = client.get(reverse("history", args=[child.pk])).content.decode()
    assert "What people like and admire about me" in page and str(senco) in page


def test_senco_adds_a_child_with_a_valid_upn(client, senco):
    client.force_login(senco)
    response = client.post(
        reverse("add-child"),
        {
            "given_name": "Leo",
            "family_name": "Marsh",
            "upn": "H801200001001",
            **date_fields("date_of_birth", dt.date(2018, 5, 2)),
            **date_fields("starts_on", dt.date(2025, 9, 3)),
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Leo Marsh" in page and "H801200001001" in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"upn": "Z801200001001"}, "The UPN has the wrong check letter"),
        ({"upn": "R900400001001"}, "not an English local authority code"),
        ({"uln": "1234567890"}, "The ULN is not a valid ULN"),
        ({"nhs_number": "9434765918"}, "The NHS number is not a valid NHS number"),
        (
            {**date_fields("date_of_birth", dt.date(2099, 1, 1))},
            "Date of birth must be today or in the past",
        ),
        ({"given_name": ""}, "Enter first name"),
    ],
)
def test_adding_a_child_with_bad_details_names_the_field_and_saves_nothing(
    client, senco, fields, message
):
    client.force_login(senco)
    data = {
        "given_name": "Leo",
        "family_name": "Marsh",
        **date_fields("date_of_birth", dt.date(2018, 5, 2)),
        **date_fields("starts_on", dt.date(2025, 9, 3)),
        **fields,
    }
    page = client.post(reverse("add-child"), data).content.decode()
    assert message in page
    assert 'value="Marsh"' in page
    assert not Passport.objects.filter(child__family_name="Marsh").exists()


def test_upn_with_unknown_la_code_is_accepted_once_confirmed(client, senco):
    client.force_login(senco)
    data = {
        "given_name": "Leo",
        "family_name": "Marsh",
        "upn": "R900400001001",
        "upn_la_code_confirmed": "on",
        **date_fields("date_of_birth", dt.date(2018, 5, 2)),
        **date_fields("starts_on", dt.date(2025, 9, 3)),
    }
    assert client.post(reverse("add-child"), data).status_code == 302


def test_parent_cannot_add_children(client, child):
    client.force_login(parent_of(child))
    assert client.get(reverse("add-child")).status_code == 404


def test_essentials_shows_how_to_support_and_support_today(client, senco, child):
    passport = child.passport
    passport.how_to_support_me = "Give me a quiet space when it gets loud"
    passport.save()
    client.force_login(senco)
    page = client.get(reverse("essentials", args=[child.pk])).content.decode()
    assert "Give me a quiet space when it gets loud" in page


def test_broad_areas_are_checkboxes_so_several_can_be_chosen(client, senco, child):
    client.force_login(senco)
    page = client.get(reverse("edit-needs", args=[child.pk])).content.decode()
    assert 'type="checkbox" value="CI"' in page.replace('name="broad_areas" ', "")
    client.post(
        reverse("edit-needs", args=[child.pk]),
        {
            "sen_provision": "K",
            "primary_need": "SLCN",
            "broad_areas": ["CI", "SEMH"],
            "needs_description": "x",
        },
    )
    child.passport.refresh_from_db()
    assert child.passport.broad_areas == ["CI", "SEMH"]


def test_history_page_costs_the_same_few_queries_however_long_the_history(
    client, senco, child, django_assert_max_num_queries
):
    client.force_login(senco)
    for number in range(30):
        client.post(
            reverse("edit-about-me", args=[child.pk]),
            {"liked_about_me": f"Version {number}", "matters_to_me": "", "how_to_support_me": ""},
        )
    with django_assert_max_num_queries(40):
        page = client.get(reverse("history", args=[child.pk])).content.decode()
    assert page.count("What people like and admire about me") >= 29


def test_a_duplicate_upn_on_the_page_is_named_and_recorded_for_the_child_already_recorded(
    client, senco, child
):
    client.force_login(senco)
    data = {
        "given_name": "Leo",
        "family_name": "Marsh",
        "upn": child.upn,
        **date_fields("date_of_birth", dt.date(2018, 5, 2)),
        **date_fields("starts_on", dt.date(2025, 9, 3)),
    }
    page = client.post(reverse("add-child"), data).content.decode()
    assert "A child with this UPN is already recorded" in page
    told = AuditEvent.objects.get(child_id=child.pk, action=AuditAction.IDENTIFIER_MATCH)
    assert (told.actor_id, told.allowed, told.sections) == (senco.pk, True, ["UPN"])
