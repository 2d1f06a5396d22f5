"""The access log: one append-only, hash-chained row per access decision."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q

GENESIS_HASH = "0" * 64


class AuditLogIsAppendOnly(Exception):
    """Someone tried to change or remove an audit event; only `services.record` adds them."""


class AuditAction(models.TextChoices):
    """What was done, or attempted, to a child's record (the values match `access.Action`)."""

    READ = "read", "Read"
    WRITE = "write", "Write"
    CONTRIBUTE = "contribute", "Contribute"
    EXPORT = "export", "Export"
    PRINT = "print", "Print"
    LIST = "list", "List"
    BREAK_GLASS = "break_glass", "Break glass"
    CONSENT = "consent", "Consent"
    SHARE = "share", "Share"
    ERASE = "erase", "Erase"
    REQUEST_ASSESSMENT = "request_assessment", "Request an EHC needs assessment"
    DECIDE = "decide", "Take an LA decision"
    ADVISE = "advise", "Give advice for an assessment"
    RECORD_DELIVERY = "record_delivery", "Record a commissioned session"
    REQUEST_TRANSFER = "request_transfer", "Ask to admit a child on roll elsewhere"
    CONFIRM_TRANSFER = "confirm_transfer", "Confirm a transfer to another setting"
    DECLINE_TRANSFER = "decline_transfer", "Decline a transfer to another setting"
    RELEASE_TRANSFER = "release_transfer", "Let a setting ask again for a declined transfer"
    STATUTORY_RETURN = "statutory_return", "Include in a statutory return"
    IDENTIFIER_MATCH = "identifier_match", "Be told a child with an identifier is recorded"
    # Not about one child: a page or operation for a setting, LA, group or provider (standing).
    USE_DUTY = "use_duty", "Act for an organisation"
    # Not about one child: signing in with DfE Sign-in or GOV.UK One Login, or failing to.
    SIGN_IN = "sign_in", "Sign in with an identity provider"


@dataclass(frozen=True)
class ActionWords:
    """How the access pages word an action, for the family and for the data protection lead."""

    # Follows "Sian Patel, SENCO at Oakfield Primary, "; may name {sections} and the child's {name}.
    done: str
    # Follows "tried to " and comes before "child record 12".
    attempted: str


# Every AuditAction needs its words here: a test over every member fails until it has them.
ACTION_WORDS: dict[str, ActionWords] = {
    AuditAction.READ: ActionWords("opened the passport", "open"),
    AuditAction.WRITE: ActionWords("changed {sections}", "change"),
    AuditAction.CONTRIBUTE: ActionWords("added to {sections}", "add to"),
    AuditAction.EXPORT: ActionWords("downloaded a copy of everything held", "download"),
    AuditAction.PRINT: ActionWords("printed the passport", "print"),
    AuditAction.LIST: ActionWords("saw {name} in a list or search of children", "list"),
    AuditAction.BREAK_GLASS: ActionWords(
        "opened the passport using emergency access", "use emergency access to open"
    ),
    AuditAction.CONSENT: ActionWords(
        "changed consent for health and therapy professionals", "change consent for"
    ),
    AuditAction.SHARE: ActionWords("changed who else can see the passport", "change sharing for"),
    AuditAction.ERASE: ActionWords(
        "erased records that had passed the time they must be kept", "erase"
    ),
    AuditAction.REQUEST_ASSESSMENT: ActionWords(
        "asked the local authority for an EHC needs assessment",
        "ask for an EHC needs assessment for",
    ),
    AuditAction.DECIDE: ActionWords(
        "recorded a step of the EHC needs assessment or plan", "record an EHC step for"
    ),
    AuditAction.ADVISE: ActionWords(
        "recorded advice for the EHC needs assessment", "record EHC advice for"
    ),
    AuditAction.RECORD_DELIVERY: ActionWords(
        "recorded a support session for {name}", "record a support session for"
    ),
    AuditAction.REQUEST_TRANSFER: ActionWords(
        "asked for {name} to move to their setting", "ask to admit"
    ),
    AuditAction.CONFIRM_TRANSFER: ActionWords(
        "agreed that {name} moves to another setting", "confirm the transfer of"
    ),
    AuditAction.DECLINE_TRANSFER: ActionWords(
        "refused a request for {name} to move to another setting", "decline the transfer of"
    ),
    AuditAction.RELEASE_TRANSFER: ActionWords(
        "let a setting whose request was refused ask again for {name} to move",
        "release a refused transfer of",
    ),
    AuditAction.STATUTORY_RETURN: ActionWords(
        "included {name} in the SEN2 return the local authority sends to the Department for "
        "Education",
        "include in the SEN2 return",
    ),
    AuditAction.IDENTIFIER_MATCH: ActionWords(
        "tried to add a new child with the same {sections} as {name}, and was told {name} is "
        "already recorded",
        "add a new child with the same identifier as",
    ),
    AuditAction.USE_DUTY: ActionWords(
        "used a page for their organisation", "use a page for an organisation, not"
    ),
    AuditAction.SIGN_IN: ActionWords("signed in with an identity provider", "sign in"),
}
# For a row whose action has no words (a release that forgot them, or an action since retired):
# the pages stay up and still say who touched the record.
UNNAMED_ACTION_WORDS = ActionWords("used the passport", "use")


def words_for(action: str) -> ActionWords:
    """Return how the access pages word an action, plainly if it has no words of its own."""
    return ACTION_WORDS.get(action, UNNAMED_ACTION_WORDS)


def _refuse(what: str) -> NoReturn:
    raise AuditLogIsAppendOnly(f"Audit events are append-only: {what} is refused")


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """Rows may be read and added one at a time by `record`, never changed or removed."""

    def update(self, **kwargs: Any) -> NoReturn:
        _refuse("update")

    def delete(self) -> NoReturn:
        _refuse("delete")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("bulk_update")

    def bulk_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("bulk_create, which would bypass the hash chain,")

    def _raw_delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("delete")


class AuditEvent(models.Model):
    """Who did, or tried to do, what to which child, when, why and by which relationship."""

    position = models.PositiveBigIntegerField(
        unique=True, editable=False, help_text="Place in the hash chain: 1, 2, 3... with no gaps"
    )
    occurred_at = models.DateTimeField(editable=False)
    # No database constraint and no cascade: the trail keeps the id and name of an account that
    # has since been deleted (a leaver, or the demo rebuilt), and audit rows are never updated.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="audit_events",
        help_text="Empty when nobody was signed in",
    )
    actor_name = models.CharField(max_length=200, blank=True, help_text="Their name as it was then")
    role = models.CharField(max_length=40, blank=True)
    relationship = models.CharField(max_length=40, blank=True)
    acting_for = models.CharField(
        max_length=200,
        blank=True,
        help_text="The organisation they acted for, as it was named then",
    )
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    # Plain numbers, not foreign keys: the trail outlives a child's record erased under the
    # retention rules, and a setting that closes.
    child_id = models.PositiveBigIntegerField(null=True, blank=True)
    setting_id = models.PositiveBigIntegerField(
        null=True,
        blank=True,
        help_text="The setting whose data protection lead answers for this event",
    )
    sections = models.JSONField(default=list, blank=True)
    reason = models.TextField(blank=True)
    allowed = models.BooleanField()
    flagged = models.BooleanField(
        default=False, help_text="Break-glass access, for the data protection lead"
    )
    request_id = models.CharField(max_length=64, blank=True)
    path = models.CharField(max_length=200, blank=True)
    previous_hash = models.CharField(max_length=64)
    row_hash = models.CharField(max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["child_id", "-position"], name="audit_child_newest"),
            models.Index(
                fields=["setting_id", "-position"],
                name="audit_setting_flagged_denied",
                condition=Q(flagged=True) | Q(allowed=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(position__gte=1), name="audit_position_from_one"),
        ]

    def __str__(self) -> str:
        outcome = "allowed" if self.allowed else "denied"
        return f"#{self.position} {self.actor_name or 'anonymous'} {self.action} child {self.child_id} ({outcome})"

    def save(
        self,
        *,
        force_insert: bool | tuple[Any, ...] = False,
        force_update: bool = False,
        using: str | None = None,
        update_fields: Any = None,
    ) -> None:
        if not self._state.adding or force_update or update_fields is not None:
            _refuse("changing a saved event")
        super().save(force_insert=True, using=using)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("delete")


class AuditChainHead(models.Model):
    """The single row that holds the chain's last position and hash; writers lock it in turn."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    position = models.PositiveBigIntegerField(default=0)
    row_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="audit_chain_head_single_row")
        ]

    def __str__(self) -> str:
        return f"audit chain head at position {self.position}"
