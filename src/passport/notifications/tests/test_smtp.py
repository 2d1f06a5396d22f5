"""Sending by email where there is no Notify, checked against a local SMTP server (aiosmtpd)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from passport.notifications.models import Channel, Notification, Status
from passport.notifications.services import notify, queue_due_retries
from passport.people.models import Role
from passport.testing.factories import SettingFactory, child_on_roll, staff
from passport.transitions.services import record_admission

pytestmark = pytest.mark.django_db

LINK = "http://localhost:8000/ehcp/timeline/42/"


def test_the_email_arrives_alone_with_the_events_words_and_the_link(smtp):
    told = notify("missed_deadline", ["ada@family.example", "ben@family.example"], link=LINK)

    assert told == 2
    assert smtp.envelopes == [["ada@family.example"], ["ben@family.example"]]
    message = smtp.messages[0]
    assert message["Subject"] == (
        "A legal deadline in your child's EHC needs assessment or plan has been missed"
    )
    assert message["To"] == "ada@family.example"
    assert message["From"] == "Support Passport <no-reply@localhost>"
    assert LINK in message.get_content()
    assert set(Notification.objects.values_list("channel", "status")) == {
        (Channel.EMAIL, Status.SENT)
    }


def test_a_senco_told_of_an_admission_by_smtp_reads_no_detail_of_the_child(smtp):
    brook = SettingFactory(name="Brook Lane Primary")
    gorse = SettingFactory(name="Gorse Hill Academy", kind="secondary")
    senco = staff(Role.SENCO, gorse)
    child = child_on_roll(brook, given_name="Zebedee", family_name="Quartermain")

    record_admission(child, gorse, dt.date.today(), by=None)

    assert smtp.envelopes == [[senco.email]]
    [message] = smtp.messages
    assert message["Subject"] == "A child has been admitted to Gorse Hill Academy"
    text = message["Subject"] + message.get_content()
    assert "http://localhost:8000/new-arrivals/" in text
    for detail in ("Zebedee", "Quartermain", child.upn, child.date_of_birth.isoformat()):
        assert detail not in text


def test_an_address_the_mail_server_does_not_know_is_a_permanent_failure(smtp):
    smtp.refuse["gone@family.example"] = "550 5.1.1 No such user"

    notify("missed_deadline", ["gone@family.example"], link=LINK)

    notification = Notification.objects.get()
    assert notification.status == Status.PERMANENT_FAILURE
    assert "550" in notification.last_error
    assert smtp.messages == []


def test_a_mail_server_that_says_try_later_is_tried_again_later(smtp):
    smtp.refuse["busy@family.example"] = "451 4.3.0 Try again later"

    notify("missed_deadline", ["busy@family.example"], link=LINK)
    notification = Notification.objects.get()
    assert notification.status == Status.QUEUED
    assert "451" in notification.last_error

    del smtp.refuse["busy@family.example"]
    Notification.objects.filter(pk=notification.pk).update(next_attempt_at=timezone.now())
    queue_due_retries()

    notification.refresh_from_db()
    assert notification.status == Status.SENT
    assert smtp.envelopes == [["busy@family.example"]]


def test_no_mail_server_at_all_is_tried_again_later(smtp, settings):
    settings.EMAIL_PORT = 9  # discard: nothing listens there

    notify("missed_deadline", ["ada@family.example"], link=LINK)

    notification = Notification.objects.get()
    assert notification.status == Status.QUEUED
    assert notification.last_error.startswith("The mail server could not be reached")


def test_an_email_interrupted_while_sending_is_not_sent_again_blindly(smtp):
    notify("missed_deadline", ["ada@family.example"], link=LINK)
    Notification.objects.update(
        status=Status.SENDING, status_changed_at=timezone.now() - dt.timedelta(hours=1)
    )

    queue_due_retries()

    notification = Notification.objects.get()
    assert notification.status == Status.TECHNICAL_FAILURE
    assert "Ask the recipient" in notification.last_error
    assert len(smtp.messages) == 1


def test_in_tests_and_development_email_goes_to_djangos_backend_as_before():
    notify("missed_deadline", ["ada@family.example"], link=LINK)

    assert [m.to for m in mail.outbox] == [["ada@family.example"]]
    assert LINK in mail.outbox[0].body


def test_a_one_time_link_is_sent_then_not_kept(smtp):
    link = "http://localhost:8000/invitation/oNeTiMeToKeN/"

    notify("staff_invited", ["nia@oakfield.example"], setting="Oakfield Primary", link=link)

    [message] = smtp.messages
    assert link in message.get_content()
    notification = Notification.objects.get()
    assert notification.status == Status.SENT
    assert notification.personalisation == {
        "setting": "Oakfield Primary",
        "link": "(removed once sent)",
    }


def test_a_link_that_could_not_be_sent_yet_is_kept_for_the_retry(smtp):
    smtp.refuse["nia@oakfield.example"] = "451 4.3.0 Try again later"
    link = "http://localhost:8000/invitation/oNeTiMeToKeN/"

    notify("staff_invited", ["nia@oakfield.example"], setting="Oakfield Primary", link=link)

    notification = Notification.objects.get()
    assert notification.status == Status.QUEUED
    assert notification.personalisation["link"] == link
