"""The hash chain: every record links to the one before, and `passport audit verify` names the
first row an attacker with database access changed, removed, moved or forged."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from passport.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent
from passport.audit.services import (
    HASHED_FIELDS,
    compute_row_hash,
    events_for_child,
    export_chain_head,
    record,
    verify_chain,
)
from passport.audit.tests.conftest import drop_triggers_as_an_attacker_could, record_reads, sql
from passport.cli import main
from passport.people.models import Role
from passport.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def verify_output() -> str:
    """Run `passport audit verify` and return what it printed, or raise CommandError."""
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def rehash_from(position: int) -> None:
    """Recompute every hash from `position` to the end, as an attacker who knows the format would."""
    previous = (
        AuditEvent.objects.get(position=position - 1).row_hash if position > 1 else GENESIS_HASH
    )
    for event in AuditEvent.objects.filter(position__gte=position).order_by("position"):
        values = {name: getattr(event, name) for name in HASHED_FIELDS} | {
            "previous_hash": previous
        }
        previous = compute_row_hash(values)
        sql(
            "UPDATE audit_auditevent SET previous_hash = %s, row_hash = %s WHERE id = %s",
            [values["previous_hash"], previous, event.pk],
        )
    sql(
        "UPDATE audit_auditchainhead SET position = (SELECT MAX(position) FROM audit_auditevent), row_hash = %s",
        [previous],
    )


def test_each_record_links_to_the_one_before():
    first, second = record_reads(2)
    assert (first.position, second.position) == (1, 2)
    assert first.previous_hash == GENESIS_HASH
    assert second.previous_hash == first.row_hash
    assert AuditChainHead.objects.get().position == 2
    assert AuditChainHead.objects.get().row_hash == second.row_hash


def test_record_keeps_who_what_and_why_as_they_were_then():
    senco = UserFactory(full_name="Sian Patel")
    event = record(
        actor=senco,
        role=Role.SENCO,
        relationship="on_roll_at_my_setting",
        acting_for="Oakfield Primary",
        setting_id=7,
        action="write",
        child_id=42,
        sections={"support", "about_me"},
        reason="Termly review",
        allowed=True,
        path="/children/42/support/3/?next=%2F",
    )
    senco.full_name = "Sian Jones"
    senco.save()
    event = AuditEvent.objects.get(pk=event.pk)
    assert event.actor == senco
    assert event.actor_name == "Sian Patel"
    assert (event.role, event.relationship, event.acting_for) == (
        "senco",
        "on_roll_at_my_setting",
        "Oakfield Primary",
    )
    assert event.sections == ["about_me", "support"]
    assert event.path == "/children/42/support/3/"
    assert list(events_for_child(42)) == [event]


def test_record_refuses_an_action_it_does_not_know():
    with pytest.raises(ValueError, match="Unknown audit action 'peek'"):
        record_reads(1, action="peek")
    assert not AuditEvent.objects.exists()


def test_a_chain_of_many_records_verifies():
    record_reads(120)
    record_reads(
        30,
        allowed=False,
        actor=UserFactory(full_name="Zoë Ångström-O'Neil"),
        reason="Dim\u2019s <b>test</b>",
    )
    result = verify_chain()
    assert result.ok, result.message
    assert (result.count, result.head_position) == (150, 150)
    assert result.head_hash == AuditEvent.objects.get(position=150).row_hash
    output = verify_output()
    assert output.startswith("OK: 150 events, head at position 150")
    assert result.head_hash in output


def test_an_empty_chain_verifies():
    assert verify_chain().ok
    assert "OK: 0 events" in verify_output()


def test_records_inside_an_outer_transaction_join_the_chain():
    with transaction.atomic():
        record_reads(3)
    assert verify_chain().ok


def test_a_rolled_back_outer_transaction_leaves_no_gap():
    record_reads(2)
    with pytest.raises(RuntimeError), transaction.atomic():
        record_reads(2)
        raise RuntimeError("the page failed")
    assert record_reads(1)[0].position == 3
    assert verify_chain().ok


def test_an_edited_row_is_named():
    record_reads(10)
    drop_triggers_as_an_attacker_could()
    sql("UPDATE audit_auditevent SET allowed = %s WHERE position = 6", [False])
    result = verify_chain()
    assert (result.ok, result.position, result.fault) == (False, 6, "altered")
    with pytest.raises(CommandError, match=r"FAILED at position 6 \(altered\)"):
        verify_output()


def test_an_edited_row_with_a_recomputed_hash_breaks_the_next_link():
    record_reads(10)
    drop_triggers_as_an_attacker_could()
    event = AuditEvent.objects.get(position=4)
    values = {name: getattr(event, name) for name in HASHED_FIELDS} | {"reason": "Nothing to see"}
    sql(
        "UPDATE audit_auditevent SET reason = %s, row_hash = %s WHERE position = 4",
        ["Nothing to see", compute_row_hash(values)],
    )
    result = verify_chain()
    assert (result.position, result.fault) == (5, "out_of_order")


def test_a_deleted_row_is_named_as_missing():
    record_reads(10)
    drop_triggers_as_an_attacker_could()
    sql("DELETE FROM audit_auditevent WHERE position = 5")
    result = verify_chain()
    assert (result.position, result.fault) == (5, "missing")
    with pytest.raises(CommandError, match=r"FAILED at position 5 \(missing\): position 5 missing"):
        verify_output()


def test_swapped_rows_are_named():
    record_reads(10)
    drop_triggers_as_an_attacker_could()
    sql("UPDATE audit_auditevent SET position = 1000000 WHERE position = 3")
    sql("UPDATE audit_auditevent SET position = 3 WHERE position = 4")
    sql("UPDATE audit_auditevent SET position = 4 WHERE position = 1000000")
    result = verify_chain()
    assert (result.position, result.fault) == (3, "out_of_order")
    with pytest.raises(CommandError, match=r"FAILED at position 3 \(out_of_order\)"):
        verify_output()


def test_a_forged_row_inserted_in_the_middle_is_named():
    record_reads(10)
    drop_triggers_as_an_attacker_could()
    # Make room at position 6 (two steps, so the unique index never sees a duplicate).
    sql("UPDATE audit_auditevent SET position = position + 1000000 WHERE position > 5")
    sql("UPDATE audit_auditevent SET position = position - 999999 WHERE position > 1000000")
    genuine = AuditEvent.objects.get(position=5)
    forged = AuditEvent(
        position=6,
        occurred_at=genuine.occurred_at,
        actor_name="Nobody",
        role="senco",
        acting_for="Oakfield Primary",
        action="read",
        child_id=1,
        sections=[],
        allowed=True,
        previous_hash=genuine.row_hash,
    )
    forged.row_hash = compute_row_hash({name: getattr(forged, name) for name in HASHED_FIELDS})
    forged.save()
    result = verify_chain()
    assert (result.position, result.fault) == (6, "inserted")
    with pytest.raises(CommandError, match=r"FAILED at position 6 \(inserted\)"):
        verify_output()


def test_a_row_appended_outside_the_audit_service_disagrees_with_the_head():
    record_reads(5)
    last = AuditEvent.objects.get(position=5)
    forged = AuditEvent(
        position=6,
        occurred_at=last.occurred_at,
        action="read",
        child_id=1,
        allowed=True,
        previous_hash=last.row_hash,
    )
    forged.row_hash = compute_row_hash({name: getattr(forged, name) for name in HASHED_FIELDS})
    forged.save()
    result = verify_chain()
    assert (result.position, result.fault) == (6, "head")


def test_rows_cut_off_the_end_disagree_with_the_head():
    record_reads(8)
    drop_triggers_as_an_attacker_could()
    sql("DELETE FROM audit_auditevent WHERE position > 6")
    result = verify_chain()
    assert (result.position, result.fault) == (7, "head")


def test_an_exported_head_catches_a_chain_rewritten_from_some_row(head_dir):
    record_reads(10)
    export_chain_head()
    drop_triggers_as_an_attacker_could()
    sql("UPDATE audit_auditevent SET reason = %s WHERE position = 4", ["Nothing to see"])
    rehash_from(4)
    assert verify_chain(head_dir / "elsewhere").ok  # without the head file the rewrite is invisible
    result = verify_chain()
    assert (result.position, result.fault, result.heads_checked) == (10, "exported_head", 1)


def test_an_exported_head_catches_rows_cut_off_the_end_and_a_head_made_to_match(head_dir):
    record_reads(10)
    export_chain_head()
    drop_triggers_as_an_attacker_could()
    sql("DELETE FROM audit_auditevent WHERE position > 7")
    rehash_from(7)
    result = verify_chain()
    assert (result.position, result.fault) == (8, "missing")
    assert "records position 10 but the chain ends at 7" in result.message


def test_an_unreadable_head_file_fails_verification(head_dir):
    record_reads(2)
    head_dir.mkdir()
    (head_dir / "audit-head-2026-11-03T020000.000000Z.json").write_text("{not json")
    result = verify_chain()
    assert (result.ok, result.fault) == (False, "exported_head")


def test_export_head_writes_a_dated_file_with_the_position_hash_and_count(head_dir):
    events = record_reads(3)
    out = StringIO()
    call_command("audit", "export-head", stdout=out)
    (path,) = head_dir.glob("audit-head-*.json")
    assert str(path) in out.getvalue()
    data = json.loads(path.read_text())
    assert (data["position"], data["row_hash"], data["count"]) == (3, events[-1].row_hash, 3)
    assert len(data["date"]) == 10
    assert "1 exported heads checked" in verify_output()


def test_export_head_takes_a_folder(tmp_path):
    record_reads(1)
    call_command("audit", "export-head", "--dir", str(tmp_path / "heads"), stdout=StringIO())
    assert len(list((tmp_path / "heads").glob("audit-head-*.json"))) == 1
    assert verify_chain(tmp_path / "heads").heads_checked == 1


def test_a_missing_chain_head_row_is_rebuilt_from_the_last_event():
    record_reads(3)
    AuditChainHead.objects.all().delete()
    assert record_reads(1)[0].position == 4
    assert verify_chain().ok


def test_passport_audit_verify_exits_1_naming_the_row(capsys):
    record_reads(4)
    drop_triggers_as_an_attacker_could()
    sql("DELETE FROM audit_auditevent WHERE position = 2")
    with pytest.raises(SystemExit) as exit_info:
        main(["passport", "audit", "verify"])
    assert exit_info.value.code == 1
    assert "FAILED at position 2 (missing)" in capsys.readouterr().err
