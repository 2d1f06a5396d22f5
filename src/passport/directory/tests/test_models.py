"""A service's support kind comes from the policy pack, and its status and price obey ORUK."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from passport.core.policy import PolicyPackError, load_policy_pack
from passport.directory.models import Service
from passport.organisations.models import Provider

SHIPPED = Path(settings.POLICY_PACK)


def test_the_shipped_pack_lists_the_support_kinds_services_carry() -> None:
    codes = [code for code, _ in load_policy_pack(SHIPPED).support_kind_choices()]

    assert codes == [
        "speech_and_language_therapy",
        "educational_psychology",
        "occupational_therapy",
        "physiotherapy",
        "specialist_teaching",
        "mental_health_support",
        "sensory_support",
        "other",
    ]


def test_a_pack_defining_a_support_kind_twice_stops_start_up(tmp_path: Path) -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    old = 'code = "physiotherapy"'
    assert old in text
    path = tmp_path / "pack.toml"
    path.write_text(text.replace(old, 'code = "occupational_therapy"', 1), encoding="utf-8")

    with pytest.raises(PolicyPackError, match="support kind code 'occupational_therapy'"):
        load_policy_pack(path)


def test_a_support_kind_code_must_be_lower_case_words(tmp_path: Path) -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    path = tmp_path / "pack.toml"
    path.write_text(text.replace('code = "physiotherapy"', 'code = "Physio!"', 1), encoding="utf-8")

    with pytest.raises(PolicyPackError, match="support_kinds"):
        load_policy_pack(path)


@pytest.mark.django_db
def test_a_service_must_name_a_support_kind_the_pack_lists() -> None:
    provider = Provider.objects.create(name="Harbourside OT", kind="independent")
    service = Service(provider=provider, name="OT", support_kind="astrology", unit_cost_pence=8500)

    with pytest.raises(ValidationError) as refused:
        service.full_clean()

    assert "support_kind" in refused.value.message_dict


@pytest.mark.django_db
def test_the_database_refuses_a_status_oruk_does_not_define() -> None:
    provider = Provider.objects.create(name="Harbourside OT", kind="independent")

    with pytest.raises(IntegrityError):
        Service.objects.create(
            provider=provider, name="OT", support_kind="other", unit_cost_pence=1, status="open"
        )


@pytest.mark.django_db
def test_every_provider_gets_its_own_oruk_organization_id() -> None:
    first = Provider.objects.create(name="One", kind="voluntary")
    second = Provider.objects.create(name="Two", kind="voluntary")

    assert first.oruk_id != second.oruk_id
