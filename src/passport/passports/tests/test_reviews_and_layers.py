"""Review cycles from the policy pack, and the sequential reading of the layers."""

from __future__ import annotations

import datetime as dt
from functools import cache

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from passport.core import policy
from passport.core.dates import today
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
    services.change_layer(
        passport, layer="specialist", starts_on=today(), reason="Complex needs from birth", by=senco
    )
    assert passport.current_layer().layer == "specialist"


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
