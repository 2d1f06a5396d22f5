"""Review cycles from the policy pack, and the sequential reading of the layers."""

from __future__ import annotations

import datetime as dt
from functools import cache

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from passport.core import policy
from passport.core.dates import today
from passport.organisations.models import SchoolGroup
from passport.passports import services
from passport.passports.models import Review
from passport.people.models import Role
from passport.testing.factories import SettingFactory, child_on_roll, put_at_layer, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def school():
    return SettingFactory()


@pytest.fixture
def senco(school):
    return staff(Role.SENCO, school)


@pytest.fixture
def passport(school):
    return child_on_roll(school).passport


def review(held_on: dt.date, next_on: dt.date, decision: str = Review.Decision.CONTINUE) -> Review:
    return Review(
        held_on=held_on,
        participants="SENCO, parent",
        child_views="Fine",
        progress_summary="Some",
        decision=decision,
        next_review_on=next_on,
    )


def test_targeted_passports_are_reviewed_at_least_termly(passport, senco):
    put_at_layer(passport, "targeted", senco)
    held = today() - dt.timedelta(days=10)
    with pytest.raises(ValidationError) as error:
        services.save_item(passport, review(held, held + dt.timedelta(days=200)), senco)
    assert "within 4 months" in error.value.message_dict["next_review_on"][0]
    services.save_item(passport, review(held, held + dt.timedelta(days=100)), senco)


def test_universal_passports_are_reviewed_at_least_yearly(passport, senco):
    put_at_layer(passport, "universal", senco)
    held = today() - dt.timedelta(days=10)
    services.save_item(passport, review(held, held + dt.timedelta(days=300)), senco)
    with pytest.raises(ValidationError):
        services.save_item(passport, review(held, held + dt.timedelta(days=400)), senco)


def test_overdue_review_is_flagged_in_the_list_and_on_the_passport(client, school, senco, passport):
    put_at_layer(passport, "targeted", senco)
    held = today() - dt.timedelta(days=130)
    services.save_item(passport, review(held, held + dt.timedelta(days=110)), senco)
    client.force_login(senco)
    assert "Review overdue" in client.get(reverse("children")).content.decode()
    assert (
        "It is overdue"
        in client.get(reverse("passport", args=[passport.child_id])).content.decode()
    )


def test_interlocking_layers_allow_any_layer_from_day_one(passport, senco):
    # The specialist layer goes with an EHC plan: the plan service records one first.
    services.plan_provision_changed(passport.child_id, since=today(), by=senco)
    passport.refresh_from_db()
    services.change_layer(
        passport,
        layer="specialist",
        starts_on=today(),
        reason="Complex needs from birth",
        provision_package="Complex physical needs package",
        by=senco,
    )
    assert passport.current_layer().layer == "specialist"


def test_targeted_plus_names_the_professionals_and_the_childs_school_group(passport, senco, school):
    with pytest.raises(ValidationError) as error:
        services.change_layer(
            passport, layer="targeted_plus", starts_on=today(), reason="Needs SLT", by=senco
        )
    assert "professionals involved" in error.value.message_dict["professionals_involved"][0]
    elsewhere = SchoolGroup.objects.create(name="A group the child's school is not in")
    elsewhere.settings.add(SettingFactory())
    with pytest.raises(ValidationError) as error:
        services.change_layer(
            passport,
            layer="targeted_plus",
            starts_on=today(),
            reason="Needs SLT",
            professionals_involved="NHS speech and language therapist, fortnightly",
            school_group=elsewhere,
            by=senco,
        )
    assert "on roll at" in error.value.message_dict["school_group"][0]
    own = SchoolGroup.objects.create(name="The child's school group")
    own.settings.add(school)
    services.change_layer(
        passport,
        layer="targeted_plus",
        starts_on=today(),
        reason="Needs SLT",
        professionals_involved="NHS speech and language therapist, fortnightly",
        school_group=own,
        by=senco,
    )
    current = passport.current_layer()
    assert (current.layer, current.school_group) == ("targeted_plus", own)
    assert current.professionals_involved.startswith("NHS speech")


def test_specialist_names_its_package_and_other_layers_take_neither(passport, senco):
    with pytest.raises(ValidationError) as error:
        services.change_layer(
            passport, layer="specialist", starts_on=today(), reason="EHC plan", by=senco
        )
    assert "Specialist Provision Package" in error.value.message_dict["provision_package"][0]
    with pytest.raises(ValidationError) as error:
        services.change_layer(
            passport,
            layer="targeted",
            starts_on=today(),
            reason="x",
            provision_package="Complex physical needs package",
            by=senco,
        )
    assert "only for the specialist layer" in error.value.message_dict["provision_package"][0]
    assert passport.current_layer() is None


def test_the_layer_page_asks_for_professionals_and_shows_the_childs_school_groups(
    client, passport, senco, school
):
    group = SchoolGroup.objects.create(name="Frome Valley partnership")
    group.settings.add(school)
    client.force_login(senco)
    url = reverse("change-layer", args=[passport.child_id])
    page = client.get(url).content.decode()
    assert "Frome Valley partnership" in page and "Professionals involved" in page
    response = client.post(
        url,
        {
            "layer": "targeted_plus",
            "starts_on-day": today().day,
            "starts_on-month": today().month,
            "starts_on-year": today().year,
            "reason": "Speech needs not met by Targeted support",
        },
    )
    assert "Enter the professionals involved" in response.content.decode()
    response = client.post(
        url,
        {
            "layer": "targeted_plus",
            "starts_on-day": today().day,
            "starts_on-month": today().month,
            "starts_on-year": today().year,
            "reason": "Speech needs not met by Targeted support",
            "professionals_involved": "Speech and language therapist from the NHS trust",
            "school_group": group.pk,
        },
    )
    assert response.status_code == 302
    assert passport.current_layer().school_group == group
    passport_page = client.get(reverse("passport", args=[passport.child_id])).content.decode()
    assert "Speech and language therapist from the NHS trust" in passport_page
    assert "Frome Valley partnership" in passport_page


@pytest.fixture
def sequential_pack(monkeypatch, tmp_path, settings):
    text = (policy.load_policy_pack.__globals__["Path"](settings.POLICY_PACK)).read_text(
        encoding="utf-8"
    )
    path = tmp_path / "sequential.toml"
    path.write_text(text.replace("sequential = false", "sequential = true"), encoding="utf-8")
    sequential = policy.load_policy_pack(path)
    monkeypatch.setattr(services, "current_pack", cache(lambda: sequential))
    return sequential


def test_sequential_layers_start_at_universal_and_step_up_one_at_a_time_after_a_review(
    sequential_pack, passport, senco
):
    with pytest.raises(ValidationError, match="start at Universal"):
        services.change_layer(
            passport,
            layer="targeted",
            starts_on=today() - dt.timedelta(days=60),
            reason="x",
            by=senco,
        )
    services.change_layer(
        passport, layer="universal", starts_on=today() - dt.timedelta(days=60), reason="x", by=senco
    )
    with pytest.raises(ValidationError, match="record a review"):
        services.change_layer(passport, layer="targeted", starts_on=today(), reason="x", by=senco)
    held = today() - dt.timedelta(days=5)
    services.save_item(
        passport, review(held, held + dt.timedelta(days=60), Review.Decision.STEP_UP), senco
    )
    with pytest.raises(ValidationError, match="one layer at a time"):
        services.change_layer(passport, layer="specialist", starts_on=today(), reason="x", by=senco)
    services.change_layer(
        passport, layer="targeted", starts_on=today(), reason="Review: needs not met", by=senco
    )
    assert passport.current_layer().layer == "targeted"
