"""The national benchmark generator at a tiny scale: proportions, determinism, a whole audit
chain, and every passport visible to its SENCO through the access policy."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from passport.access.models import CaseloadAssignment
from passport.access.policies import visible_children
from passport.audit.models import AuditEvent
from passport.audit.services import verify_chain
from passport.benchmarking import generator as gen
from passport.benchmarking.loading import DigestSink
from passport.children.models import Enrolment
from passport.core.dates import today
from passport.passports.models import Passport, RankedNeed
from passport.people.models import Membership, Role

SCALE = 0.0002


@pytest.fixture
def generated(db: Any) -> str:
    out = io.StringIO()
    call_command("bench", "generate", "--scale", str(SCALE), "--seed", "7", stdout=out)
    return out.getvalue()


def test_children_come_in_the_national_proportions(generated: str) -> None:
    ehcp = round(gen.NATIONAL_EHCP * SCALE)
    sen_support = round(gen.NATIONAL_SEN_SUPPORT * SCALE)
    assert Passport.objects.filter(sen_provision="E").count() == ehcp
    assert Passport.objects.filter(sen_provision="K").count() == sen_support
    assert f"{ehcp + sen_support:,} children" in generated
    # Every EHC plan is on an LA caseworker's caseload and at the Specialist layer.
    assert CaseloadAssignment.objects.count() == ehcp
    for passport in Passport.objects.filter(sen_provision="E")[:20]:
        assert passport.current_layer().layer == "specialist"
    # One or two ranked needs each; the first is rank 1.
    per_passport = {p.pk: 0 for p in Passport.objects.all()}
    for need in RankedNeed.objects.all():
        per_passport[need.passport_id] += 1
    assert set(per_passport.values()) <= {1, 2}
    assert RankedNeed.objects.filter(rank=1).count() == len(per_passport)


def test_the_generated_audit_trail_verifies(generated: str, tmp_path: Path) -> None:
    result = verify_chain(head_dir=tmp_path)
    assert result.ok, result.message
    assert result.count == AuditEvent.objects.count() >= 10 * Passport.objects.count()


def test_every_passport_is_visible_to_the_senco_of_its_setting(generated: str) -> None:
    on_roll = Enrolment.objects.live_on(today())
    seen: set[int] = set()
    for membership in Membership.objects.filter(role=Role.SENCO).select_related("user"):
        visible = set(visible_children(membership.user).values_list("pk", flat=True))
        mine = set(on_roll.filter(setting=membership.setting_id).values_list("child_id", flat=True))
        assert mine <= visible
        seen |= visible
    assert set(Passport.objects.values_list("child_id", flat=True)) <= seen


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_rows() -> None:
    def digest(seed: int) -> str:
        sink = DigestSink()
        gen.generate(sink, scale=SCALE, seed=seed, audit_per_child=2, database=False)
        return sink.digest.hexdigest()

    assert digest(7) == digest(7)
    assert digest(7) != digest(8)


@pytest.mark.django_db
def test_generating_is_refused_with_production_settings(settings: Any) -> None:
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="PASSPORT_ENV=development"):
        call_command("bench", "generate", "--scale", str(SCALE))
