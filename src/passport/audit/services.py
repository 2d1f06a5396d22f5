"""Record access decisions in the hash chain, check the chain, and anchor its head outside the
database."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.db.models import BigIntegerField, Case, Count, F, Max, Q, QuerySet, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from passport.audit.middleware import current_request_id, current_request_path
from passport.audit.models import GENESIS_HASH, AuditAction, AuditChainHead, AuditEvent
from passport.people.models import User

logger = logging.getLogger(__name__)

# The fields a row's hash covers, in the order they are written. Changing this list or the
# serialisation breaks every existing chain: add a new format alongside, never edit this one.
HASHED_FIELDS = (
    "position",
    "occurred_at",
    "actor_id",
    "actor_name",
    "role",
    "relationship",
    "acting_for",
    "action",
    "child_id",
    "setting_id",
    "sections",
    "reason",
    "allowed",
    "flagged",
    "request_id",
    "path",
    "previous_hash",
)
HEAD_FILE_GLOB = "audit-head-*.json"
VERIFY_CHUNK = 5000


def canonical_form(values: Mapping[str, Any]) -> bytes:
    """Return the bytes a row's hash is taken over: sorted-key JSON, UTF-8, times in UTC."""
    fields = {name: values[name] for name in HASHED_FIELDS}
    occurred_at: dt.datetime = fields["occurred_at"]
    fields["occurred_at"] = occurred_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def compute_row_hash(values: Mapping[str, Any]) -> str:
    """Return the SHA-256 (hex) of a row's canonical form, which includes the previous row's hash."""
    return hashlib.sha256(canonical_form(values)).hexdigest()


def _text(value: object, limit: int | None = None) -> str:
    # PostgreSQL text cannot hold NUL; cut to the column size here so what is hashed is what is stored.
    text = str(value or "").replace("\x00", "")
    return text[:limit] if limit else text


def _lock_head() -> AuditChainHead:
    """Lock the chain head row, creating it (from the last event, if any) when it is missing."""
    if connection.vendor == "sqlite":
        # SQLite ignores FOR UPDATE. Writing first takes its write lock at once, so a second
        # writer waits its turn instead of failing with "database is locked" when it upgrades.
        AuditChainHead.objects.filter(pk=1).update(position=F("position"))
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is not None:
        return head
    last = AuditEvent.objects.order_by("-position").values_list("position", "row_hash").first()
    if last is not None:
        logger.warning(
            "Audit chain head was missing; continuing from the last event at position %s", last[0]
        )
    position, row_hash = last or (0, GENESIS_HASH)
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"position": position, "row_hash": row_hash}
    )
    return head


@dataclass(frozen=True)
class Entry:
    """One access decision to append with `record_many`: the same fields `record` takes."""

    actor: User | AnonymousUser | None
    role: str | None
    relationship: str | None
    acting_for: str
    setting_id: int | None
    action: str
    child_id: int | None
    allowed: bool
    sections: Iterable[str] = ()
    reason: str = ""
    flagged: bool = False
    path: str = ""


def _row_fields(entry: Entry, request_id: str, request_path: str) -> dict[str, Any]:
    """Return an event's stored fields (all but position, time and hashes), checked and cut."""
    if str(entry.action) not in AuditAction.values:
        raise ValueError(f"Unknown audit action {entry.action!r}; add it to AuditAction first")
    user = entry.actor if isinstance(entry.actor, User) else None
    return {
        "actor_id": user.pk if user else None,
        "actor_name": _text(user.full_name or user.get_username(), 200) if user else "",
        "role": _text(entry.role, 40),
        "relationship": _text(entry.relationship, 40),
        "acting_for": _text(entry.acting_for, 200),
        "action": str(entry.action),
        "child_id": entry.child_id,
        "setting_id": entry.setting_id,
        "sections": sorted({_text(section) for section in entry.sections}),
        "reason": _text(entry.reason),
        "allowed": bool(entry.allowed),
        "flagged": bool(entry.flagged),
        "request_id": request_id,
        "path": _text((entry.path or request_path).split("?", 1)[0], 200),
    }


def _chained(head: AuditChainHead, rows: list[dict[str, Any]]) -> list[AuditEvent]:
    """Make unsaved events for the rows, each after the one before from the head on, and move
    the head (in memory) to the last of them."""
    occurred_at = timezone.now()
    events = []
    for fields in rows:
        event = AuditEvent(
            position=head.position + 1,
            occurred_at=occurred_at,
            previous_hash=head.row_hash,
            **fields,
        )
        event.row_hash = compute_row_hash({name: getattr(event, name) for name in HASHED_FIELDS})
        head.position, head.row_hash = event.position, event.row_hash
        events.append(event)
    return events


def record(
    *,
    actor: User | AnonymousUser | None,
    role: str | None,
    relationship: str | None,
    acting_for: str,
    setting_id: int | None,
    action: str,
    child_id: int | None,
    sections: Iterable[str] = (),
    reason: str = "",
    allowed: bool,
    flagged: bool = False,
    path: str = "",
) -> AuditEvent:
    """Append one access decision to the audit trail, chained to the row before it.

    The request id, and the path unless `path` is given, come from the request being handled
    (RequestIdMiddleware). Writers take turns on the chain head's row lock, so positions have no
    gaps or repeats. Inside an outer transaction the row commits or rolls back with it, and the
    lock is held until then.
    """
    entry = Entry(
        actor=actor,
        role=role,
        relationship=relationship,
        acting_for=acting_for,
        setting_id=setting_id,
        action=action,
        child_id=child_id,
        sections=sections,
        reason=reason,
        allowed=allowed,
        flagged=flagged,
        path=path,
    )
    fields = _row_fields(entry, _text(current_request_id(), 64), current_request_path())
    with transaction.atomic():
        head = _lock_head()
        (event,) = _chained(head, [fields])
        event.save()
        head.save(update_fields=["position", "row_hash"])
    return event


# Rows per INSERT statement: well under SQLite's 32,766 bound parameters (18 columns a row).
RECORD_MANY_BATCH = 1000


def record_many(entries: Iterable[Entry]) -> list[AuditEvent]:
    """Append many access decisions in order, taking the chain lock once, in one transaction.

    The rows are chained exactly as `record` would chain them one after another (each hash
    covers the one before), and inserted with a few multi-row INSERTs: this is how bulk work
    (imports, the September wave) keeps its audit cheap. Nothing is written if any entry is
    invalid.
    """
    request_id, request_path = _text(current_request_id(), 64), current_request_path()
    rows = [_row_fields(entry, request_id, request_path) for entry in entries]
    if not rows:
        return []
    with transaction.atomic():
        head = _lock_head()
        events = _chained(head, rows)
        # The append-only manager refuses bulk_create so that nobody bypasses the chain; these
        # rows were chained from the locked head just above.
        plain: QuerySet[AuditEvent] = QuerySet(model=AuditEvent)
        plain.bulk_create(events, batch_size=RECORD_MANY_BATCH)
        head.save(update_fields=["position", "row_hash"])
    return events


def events_for_child(child_id: int) -> QuerySet[AuditEvent]:
    """Return every event about a child, newest first."""
    return AuditEvent.objects.filter(child_id=child_id).order_by("-position")


def family_access_history(child_id: int, *, viewer: User) -> QuerySet[AuditEvent, dict[str, Any]]:
    """Return who opened or changed a child's record, or tried to and was refused, for the
    family, newest first, leaving out the viewer's own.

    What one person did on one day is one row with `times`: the same action, allowed or refused
    alike (emergency reads stay one row each, each with its reason); `newest` is the position of
    the latest event in each row.
    """
    one_row_each = Case(
        When(flagged=False, then=Value(0)),
        default=F("position"),
        output_field=BigIntegerField(),
    )
    history = (
        AuditEvent.objects.filter(child_id=child_id)
        .exclude(actor=viewer)
        .annotate(day=TruncDate("occurred_at"), group=one_row_each)
        .values(
            "actor_id",
            "actor_name",
            "role",
            "relationship",
            "acting_for",
            "action",
            "allowed",
            "day",
            "group",
        )
        .annotate(times=Count("pk"), newest=Max("position"))
        .order_by("-newest")
    )
    return cast("QuerySet[AuditEvent, dict[str, Any]]", history)


def events_for_data_protection_lead(setting_ids: Iterable[int]) -> QuerySet[AuditEvent]:
    """Return break-glass events and refused attempts for the settings, newest first."""
    return (
        AuditEvent.objects.filter(setting_id__in=list(setting_ids))
        .filter(Q(flagged=True) | Q(allowed=False))
        .order_by("-position")
    )


@dataclass(frozen=True)
class VerifyResult:
    """What `verify_chain` found: the chain is whole, or the first row that is wrong and how."""

    ok: bool
    count: int
    head_position: int
    head_hash: str
    heads_checked: int = 0
    position: int | None = None
    fault: str = ""
    message: str = ""


def _exported_heads(directory: Path) -> tuple[dict[int, tuple[str, str]], str]:
    """Return {position: (row_hash, file name)} from the exported head files, or a fault."""
    anchors: dict[int, tuple[str, str]] = {}
    if not directory.is_dir():
        return anchors, ""
    for path in sorted(directory.glob(HEAD_FILE_GLOB)):
        try:
            data = json.loads(path.read_text())
            position, row_hash = int(data["position"]), str(data["row_hash"])
        except (OSError, ValueError, KeyError, TypeError):
            return anchors, f"the exported head file {path.name} cannot be read"
        known = anchors.get(position)
        if known is not None and known[0] != row_hash:
            return (
                anchors,
                f"the exported head files {known[1]} and {path.name} disagree about position {position}",
            )
        if position > 0:
            anchors[position] = (row_hash, path.name)
    return anchors, ""


def verify_chain(head_dir: Path | None = None) -> VerifyResult:
    """Walk the chain in position order and name the first missing, altered or out-of-place row.

    Also checks the chain head row and every head exported to `head_dir` (default AUDIT_HEAD_DIR):
    an exported head catches a chain rewritten from some row onwards, and rows cut off the end.
    """
    anchors, anchor_fault = _exported_heads(Path(head_dir or settings.AUDIT_HEAD_DIR))
    count, previous_hash, before_previous = 0, GENESIS_HASH, ""

    def result(position: int | None = None, fault: str = "", message: str = "") -> VerifyResult:
        return VerifyResult(
            ok=not fault,
            count=count,
            head_position=count,
            head_hash=previous_hash,
            heads_checked=len(anchors),
            position=position,
            fault=fault,
            message=message,
        )

    if anchor_fault:
        return result(None, "exported_head", anchor_fault)
    rows = AuditEvent.objects.order_by("position").values_list(*HASHED_FIELDS, "row_hash")
    for row in rows.iterator(chunk_size=VERIFY_CHUNK):
        values = dict(zip((*HASHED_FIELDS, "row_hash"), row, strict=True))
        position, expected = values["position"], count + 1
        if position != expected:
            missing = (
                f"position {expected}"
                if position == expected + 1
                else f"positions {expected} to {position - 1}"
            )
            return result(
                expected,
                "missing",
                f"{missing} missing: the chain jumps from {count} to {position}",
            )
        if values["previous_hash"] != previous_hash:
            if values["previous_hash"] == before_previous:
                return result(
                    position - 1,
                    "inserted",
                    f"position {position - 1} was inserted: position {position} points past it to position {position - 2}",
                )
            return result(
                position,
                "out_of_order",
                f"position {position} does not follow position {position - 1} (its previous hash does not "
                "match): rows were reordered, inserted or removed here",
            )
        if compute_row_hash(values) != values["row_hash"]:
            return result(
                position,
                "altered",
                f"position {position} was altered: its contents do not match its hash",
            )
        anchor = anchors.get(position)
        if anchor is not None and anchor[0] != values["row_hash"]:
            return result(
                position,
                "exported_head",
                f"position {position} does not match the exported head {anchor[1]}: the chain was rewritten "
                "from this row or earlier",
            )
        before_previous, previous_hash, count = previous_hash, values["row_hash"], position
    beyond = [(p, name) for p, (_, name) in anchors.items() if p > count]
    if beyond:
        position, name = min(beyond)
        return result(
            count + 1,
            "missing",
            f"the exported head {name} records position {position} but the chain ends at {count}: "
            f"rows from position {count + 1} are missing",
        )
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.position, head.row_hash) != (count, previous_hash):
        if head.position > count:
            message = f"the chain head records position {head.position} but the chain ends at {count}: rows are missing"
        else:
            message = (
                f"the chain ends at position {count} but the chain head records position {head.position}: "
                "rows were added outside the audit service, or the head was changed"
            )
        return result(min(head.position, count) + 1, "head", message)
    return result()


def export_chain_head(directory: Path | None = None) -> Path:
    """Write the chain's last position and hash to a new dated file, and return its path.

    Keep the directory outside the database server, ideally on write-once storage: a head file is
    what proves, later, that the rows up to it have not been rewritten.
    """
    folder = Path(directory or settings.AUDIT_HEAD_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    position, row_hash = AuditEvent.objects.order_by("-position").values_list(
        "position", "row_hash"
    ).first() or (0, GENESIS_HASH)
    count = AuditEvent.objects.filter(position__lte=position).count()
    now = timezone.now()
    payload = {
        "date": timezone.localdate(now).isoformat(),
        "exported_at": now.isoformat(),
        "position": position,
        "row_hash": row_hash,
        "count": count,
    }
    path = folder / f"audit-head-{now.astimezone(dt.UTC):%Y-%m-%dT%H%M%S.%fZ}.json"
    with path.open("x", encoding="utf-8") as file:
        json.dump(payload, file, indent=2)
        file.write("\n")
    return path
