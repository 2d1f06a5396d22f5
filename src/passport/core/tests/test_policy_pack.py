"""The policy pack: the shipped pack is valid, and a broken pack stops start-up naming the fault."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from passport.core.policy import PolicyPackError, load_policy_pack

SHIPPED = Path(settings.POLICY_PACK)


def broken_copy(tmp_path: Path, old: str, new: str) -> Path:
    text = SHIPPED.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "pack.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_shipped_pack_has_the_four_layers_in_order():
    pack = load_policy_pack(SHIPPED)
    assert [name for _, name in pack.layer_choices()] == [
        "Universal",
        "Targeted",
        "Targeted Plus",
        "Specialist",
    ]
    assert pack.layers.sequential is False


def test_shipped_pack_has_every_census_need_type():
    pack = load_policy_pack(SHIPPED)
    codes = {code for code, _ in pack.need_type_choices()}
    assert codes == {
        "SPLD",
        "MLD",
        "SLD",
        "PMLD",
        "SEMH",
        "SLCN",
        "HI",
        "VI",
        "MSI",
        "PD",
        "ASD",
        "OTH",
        "NSA",
        "DS",
    }
    assert pack.need_type("NSA").only_with_provision == ["K"]


def test_shipped_pack_has_statutory_timescales():
    timescales = load_policy_pack(SHIPPED).timescales
    assert (timescales.decide_to_assess_weeks, timescales.final_plan_weeks) == (6, 20)


@pytest.mark.parametrize(
    ("old", "new", "named"),
    [
        ('broad_area = "CI"', 'broad_area = "XX"', "broad area 'XX'"),
        (
            'code = "targeted"',
            'code = "universal"',
            "layer code 'universal' is defined more than once",
        ),
        ("final_plan_weeks = 20", "final_plan_weeks = -1", "timescales.final_plan_weeks"),
        ("ranked_needs_max = 2", 'ranked_needs_max = "two"', "needs.ranked_needs_max"),
        ("[pack]", "[pack]\nsurprise = 1", "pack.surprise"),
    ],
)
def test_invalid_pack_is_refused_with_the_fault_named(tmp_path, old, new, named):
    with pytest.raises(PolicyPackError) as error:
        load_policy_pack(broken_copy(tmp_path, old, new))
    assert named in str(error.value)


def test_pack_that_is_not_toml_is_refused(tmp_path):
    path = tmp_path / "pack.toml"
    path.write_text("[layers\n", encoding="utf-8")
    with pytest.raises(PolicyPackError, match="not valid TOML"):
        load_policy_pack(path)


def test_service_refuses_to_start_with_an_invalid_pack(tmp_path):
    pack = broken_copy(tmp_path, 'broad_area = "CI"', 'broad_area = "XX"')
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={
            "DJANGO_SETTINGS_MODULE": "passport.settings",
            "PASSPORT_POLICY_PACK": str(pack),
            "PASSPORT_VAR_DIR": str(tmp_path),
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "Refusing to start" in result.stderr and "broad area 'XX'" in result.stderr
