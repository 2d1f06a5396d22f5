"""Who has seen a child's passport (for the family) and what the data protection lead must see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from passport.access.decisions import get_child_for
from passport.access.rules import Action, Duty, Relationship
from passport.access.standing import require
from passport.audit import services
from passport.audit.models import AuditAction, AuditEvent, words_for
from passport.organisations.models import Setting
from passport.people.models import Role, User
from passport.web.http import AuthenticatedRequest

PAGE_SIZE = 50
FAMILY_RELATIONSHIPS = frozenset({Relationship.PARENTAL_RESPONSIBILITY, Relationship.OWN_RECORD})
ROLE_NAMES = dict(Role.choices)
# The sections of access/rules.toml, and the EHC steps' "ehcp", as a family would name them.
SECTION_NAMES = {
    "identity": "name and details",
    "family": "family details",
    "health": "health details",
    "about_me": "About me",
    "needs": "My needs",
    "what_works": "What works",
    "support": "Support in place",
    "outcomes": "Outcomes",
    "reviews": "Reviews",
    "layer": "the layer of support",
    "history": "the history",
    "ehcp": "the EHC needs assessment or plan",
}
# Naming more sections than this reads as a list, not a sentence: say "the passport" instead.
MOST_SECTIONS_NAMED = 3


@dataclass(frozen=True)
class Line:
    """One line of an access history, in plain English."""

    day: dt.date
    text: str
    reason: str = ""
    emergency: bool = False
    refused: bool = False
    reference: str = ""
    at: dt.datetime | None = None


def _role_words(role: str) -> str:
    label = ROLE_NAMES.get(role, role.replace("_", " "))
    return label if label.split(" ", 1)[0].isupper() else label[:1].lower() + label[1:]


def _who(actor_name: str, role: str, relationship: str, acting_for: str) -> str:
    """Return "Sian Patel, SENCO at Oakfield Primary"; families need no organisation."""
    who = actor_name or "Someone who was not signed in"
    if role:
        who += f", {_role_words(role)}"
    if acting_for and relationship not in FAMILY_RELATIONSHIPS:
        who += f" at {acting_for}"
    return who


def _sections(names: Iterable[str]) -> str:
    words = [SECTION_NAMES.get(name, name.replace("_", " ")) for name in names]
    if not words or len(words) > MOST_SECTIONS_NAMED:
        return "the passport"
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _time(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%-I:%M}{local:%p}".lower()


def _emergency(event: AuditEvent) -> bool:
    return event.flagged or event.action == AuditAction.BREAK_GLASS


def _family_line(group: dict[str, Any], event: AuditEvent, child_name: str) -> Line:
    emergency = _emergency(event)
    action = AuditAction.BREAK_GLASS if emergency else event.action
    words = words_for(action)
    times = group["times"]
    when = (
        f" {times} times, last at {_time(event.occurred_at)}"
        if times > 1
        else f" at {_time(event.occurred_at)}"
    )
    who = _who(event.actor_name, event.role, event.relationship, event.acting_for)
    if not event.allowed:
        return Line(
            day=group["day"],
            text=f"{who}, tried to {words.attempted} {child_name}'s record{when}, and was not "
            "allowed to",
            refused=True,
        )
    did = words.done.format(sections=_sections(event.sections), name=child_name)
    # Only a reason a person wrote is shown: the one given for emergency access. Other reasons
    # are the service's own notes (which list or page it was) and mean nothing to a family.
    return Line(
        day=group["day"],
        text=f"{who}, {did}{when}",
        reason=event.reason if emergency else "",
        emergency=emergency,
    )


@login_required
def who_has_seen(request: AuthenticatedRequest, child_id: int) -> HttpResponse:
    """Show a parent or young person everyone who opened or changed the passport."""
    user = cast(User, request.user)
    child = get_child_for(user, child_id, Action.READ)
    if child.access_decision.relationship not in FAMILY_RELATIONSHIPS:
        raise Http404("This page is for the child's family")
    history = services.family_access_history(child.pk, viewer=user)
    page = Paginator(history, PAGE_SIZE).get_page(request.GET.get("page"))
    events = AuditEvent.objects.in_bulk([group["newest"] for group in page], field_name="position")
    lines = [_family_line(group, events[group["newest"]], child.known_as) for group in page]
    return render(
        request, "audit/who_has_seen.html", {"child": child, "page": page, "lines": lines}
    )


def _lead_line(event: AuditEvent) -> Line:
    record = f"child record {event.child_id}" if event.child_id is not None else "a child's record"
    verb = words_for(event.action).attempted
    if event.allowed:
        did = f"used emergency access to open {record}" if _emergency(event) else f"{verb} {record}"
    else:
        did = f"tried to {verb} {record}"
    who = _who(event.actor_name, event.role, event.relationship, event.acting_for)
    return Line(
        day=timezone.localdate(event.occurred_at),
        text=f"{who}, {did}",
        reason=event.reason,
        emergency=event.allowed and _emergency(event),
        refused=not event.allowed,
        reference=event.request_id,
        at=timezone.localtime(event.occurred_at),
    )


@login_required
def data_protection(request: AuthenticatedRequest) -> HttpResponse:
    """Show a data protection lead the emergency access and refused attempts at their settings."""
    protecting = require(request.user, Duty.PROTECT_DATA)
    settings_led = dict(
        Setting.objects.filter(pk__in=protecting.settings)
        .order_by("name")
        .values_list("pk", "name")
    )
    events = services.events_for_data_protection_lead(settings_led)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    lines = [_lead_line(event) for event in page]
    return render(
        request,
        "audit/data_protection.html",
        {"page": page, "lines": lines, "setting_names": list(settings_led.values())},
    )
