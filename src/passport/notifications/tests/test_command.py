"""`passport notifications`: the operator sees failures, resends them and records delivery."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from passport.notifications.models import Notification, Status
from passport.notifications.services import notify

pytestmark = pytest.mark.django_db

LINK = "http://localhost:8000/new-arrivals/"


def run(*args: str) -> str:
    out = StringIO()
    call_command("notifications", *args, stdout=out)
    return out.getvalue()


def test_a_failed_message_is_listed_resent_with_a_new_reference_and_then_not_listed(notify_service):
    notify_service.failures = [400]
    notify("child_admitted", ["senco@brook.example"], setting="Brook Lane Primary", link=LINK)
    failed = Notification.objects.get()

    listing = run("failures")
    assert f"{failed.pk}\t" in listing
    assert "senco@brook.example\tpermanent-failure\tGOV.UK Notify answered 400" in listing
    assert listing.endswith("1 failed messages not resent\n")

    assert run("resend", str(failed.pk)) == f"Message {failed.pk} queued again as {failed.pk + 1}\n"

    again = Notification.objects.get(resend_of=failed)
    assert again.status == Status.SENT
    assert again.reference != failed.reference
    assert [body["reference"] for body in notify_service.sent()] == [
        str(failed.reference),
        str(again.reference),
    ]
    assert run("failures") == "0 failed messages not resent\n"
    with pytest.raises(CommandError, match="was resent already"):
        run("resend", str(failed.pk))


def test_a_message_that_did_not_fail_is_not_resent(notify_service):
    notify("child_admitted", ["senco@brook.example"], setting="Brook Lane Primary", link=LINK)
    sent = Notification.objects.get()

    with pytest.raises(CommandError, match="is sent: only a failed one can be resent"):
        run("resend", str(sent.pk))
    with pytest.raises(CommandError, match="There is no message 999"):
        run("resend", "999")

    assert len(notify_service.sent()) == 1


def test_status_records_what_notify_says_became_of_each_message(notify_service):
    notify("child_admitted", ["a@brook.example", "b@brook.example"], setting="Brook", link=LINK)
    first = Notification.objects.order_by("email_address").first()
    assert first is not None
    notify_service.notifications[first.provider_id]["status"] = "delivered"

    assert run("status") == "2 messages checked: 1 delivered, 1 sent\n"

    first.refresh_from_db()
    assert first.status == Status.DELIVERED
    assert run("status") == "1 messages checked: 1 sent\n"


def test_status_without_notify_says_so(settings):
    settings.PASSPORT_NOTIFY_API_KEY = ""

    assert run("status") == "GOV.UK Notify is not configured: email has no delivery reports\n"


def test_templates_prints_each_events_wording_for_notify():
    printed = run("templates")

    assert "# child_admitted: " in printed
    assert "# PASSPORT_NOTIFY_TEMPLATE_MISSED_DEADLINE\n" in printed
    assert "Subject: A child has been admitted to ((setting))\n" in printed
    assert "Sign in to see it in New arrivals:\n((link))" in printed
