"""No message the service sends carries a child's details: only "sign in to see"."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command

from passport.ehcp.services import request_assessment
from passport.notifications.catalogue import (
    SAFE_PERSONALISATION,
    CatalogueError,
    current_events,
    load_events,
)
from passport.notifications.models import Notification
from passport.notifications.services import notify
from passport.people.models import Role
from passport.testing.factories import (
    ChildFactory,
    SettingFactory,
    child_on_roll,
    local_authority,
    parent_of,
    staff,
)
from passport.transitions.services import AdmissionRow, record_admission, record_admissions

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def child_details(child) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        child.family_name,
        child.upn,
        child.date_of_birth.isoformat(),
        child.date_of_birth.strftime("%d/%m/%Y"),
        child.date_of_birth.strftime("%-d %B %Y"),
    ]


def test_what_reaches_notify_for_admissions_and_missed_deadlines_names_no_child(notify_service):
    brook = SettingFactory(name="Brook Lane Primary")
    gorse = SettingFactory(name="Gorse Hill Academy", kind="secondary")
    staff(Role.SENCO, gorse)
    moving = child_on_roll(brook, given_name="Zebedee", family_name="Quartermain")
    wave = [ChildFactory(given_name=f"Zyva{n}", family_name=f"Qorth{n}") for n in range(3)]
    waiting = child_on_roll(
        brook, given_name="Amara", family_name="Okafor", home_local_authority=local_authority()
    )
    parent = parent_of(waiting)

    record_admission(moving, gorse, TODAY, by=None)
    record_admissions([AdmissionRow(child, gorse, TODAY) for child in wave], by=None, source="wave")
    request_assessment(
        waiting, parent, reason="Needs are not met", received_on=TODAY - dt.timedelta(days=100)
    )
    call_command("ehcp_deadlines")

    assert sorted(Notification.objects.values_list("event", flat=True)) == [
        "child_admitted",
        "children_admitted",
        "missed_deadline",
    ]
    sent = notify_service.sent()
    assert len(sent) == 3
    for body in sent:
        values = list(body["personalisation"].values())
        for child in [moving, *wave, waiting]:
            for detail in [child.given_name, *child_details(child)]:
                assert not any(detail in value for value in values), (detail, values)


def test_every_shipped_event_carries_only_values_that_cannot_name_a_child():
    for event in current_events().values():
        assert event.personalisation <= SAFE_PERSONALISATION
        assert "sign in" in event.body.lower()


def test_a_value_the_event_does_not_carry_is_refused_before_anything_is_queued():
    with pytest.raises(ValueError, match="missed_deadline carries exactly"):
        notify("missed_deadline", ["ada@family.example"], link="/", child_name="Amara Okafor")

    assert not Notification.objects.exists()


def test_an_event_file_that_would_send_a_childs_name_is_refused(tmp_path: Path):
    events = tmp_path / "events.toml"
    events.write_text(
        """[event.welcome]
description = "x"
personalisation = ["child_name", "link"]
subject = "About {child_name}"
body = "Sign in to see {link}"
""",
        encoding="utf-8",
    )

    with pytest.raises(CatalogueError, match="child_name may not be sent in a message"):
        load_events(events)


def test_wording_that_uses_a_value_the_event_does_not_declare_is_refused(tmp_path: Path):
    events = tmp_path / "events.toml"
    events.write_text(
        """[event.welcome]
description = "x"
personalisation = ["link"]
subject = "Welcome to {setting}"
body = "Sign in to see {link}"
""",
        encoding="utf-8",
    )

    with pytest.raises(CatalogueError, match="the wording uses"):
        load_events(events)
