"""Sending through GOV.UK Notify, checked against its published API contract on a local server."""

from __future__ import annotations

import datetime as dt
import time
import uuid

import jwt
import pytest
from django.utils import timezone

from passport.notifications.models import Channel, Notification, Status
from passport.notifications.services import (
    ATTEMPTS,
    awaiting_delivery_report,
    check_delivery,
    deliver,
    notify,
    notify_client,
    queue_due_retries,
)
from passport.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

LINK = "http://localhost:8000/new-arrivals/"


def tell_senco(address: str = "senco@brook.example") -> Notification:
    notify("child_admitted", [address], setting="Brook Lane Primary", link=LINK)
    return Notification.objects.get(email_address=address)


def test_a_message_reaches_notify_with_its_template_values_and_reference(notify_service, settings):
    senco = UserFactory(email="senco@brook.example")

    notification = tell_senco()

    [body] = notify_service.sent()
    assert body == {
        "email_address": "senco@brook.example",
        "template_id": settings.PASSPORT_NOTIFY_TEMPLATES["child_admitted"],
        "personalisation": {"setting": "Brook Lane Primary", "link": LINK},
        "reference": str(notification.reference),
    }
    assert notification.status == Status.SENT
    assert notification.channel == Channel.NOTIFY
    assert notification.recipient == senco
    assert notification.provider_id in notify_service.notifications
    assert notification.attempts == 1 and notification.sent_at is not None


def test_every_request_carries_a_fresh_token_signed_with_the_service_secret(notify_service):
    notification = tell_senco()
    check_delivery(notification, notify_client())

    assert [r["method"] for r in notify_service.requests] == ["POST", "GET"]
    for request in notify_service.requests:
        token = request["auth"].removeprefix("Bearer ")
        assert jwt.get_unverified_header(token) == {"typ": "JWT", "alg": "HS256"}
        claims = jwt.decode(token, notify_service.secret, algorithms=["HS256"])
        assert claims["iss"] == notify_service.service_id
        assert abs(claims["iat"] - time.time()) <= 30


def test_a_key_with_the_wrong_secret_is_refused_and_recorded(notify_service, settings):
    settings.PASSPORT_NOTIFY_API_KEY = f"passport_test-{notify_service.service_id}-{uuid.uuid4()}"

    notification = tell_senco()

    assert notification.status == Status.PERMANENT_FAILURE
    assert notification.last_error == (
        "GOV.UK Notify answered 403: AuthError: Invalid token: signature, api token not found"
    )
    assert notify_service.notifications == {}


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, "BadRequestError: Can't send to this recipient using a team-only API key"),
        (403, "AuthError: Invalid token: API key not found"),
    ],
)
def test_a_refusal_is_a_permanent_failure_with_notifys_message(notify_service, status, error):
    notify_service.failures = [status]

    notification = tell_senco()

    assert notification.status == Status.PERMANENT_FAILURE
    assert notification.last_error == f"GOV.UK Notify answered {status}: {error}"
    assert notification.attempts == 1
    assert queue_due_retries() == 0


@pytest.mark.parametrize("status", [429, 500])
def test_a_busy_or_broken_notify_is_tried_again_later_and_then_sends(notify_service, status):
    notify_service.failures = [status]
    before = timezone.now()

    notification = tell_senco()

    assert notification.status == Status.QUEUED
    assert notification.attempts == 1
    assert str(status) in notification.last_error
    assert notification.next_attempt_at is not None
    assert notification.next_attempt_at >= before + dt.timedelta(minutes=1)
    assert queue_due_retries() == 0  # not due yet

    Notification.objects.filter(pk=notification.pk).update(next_attempt_at=timezone.now())
    assert queue_due_retries() == 1

    notification.refresh_from_db()
    assert notification.status == Status.SENT
    assert notification.attempts == 2
    assert len(notify_service.notifications) == 1


def test_a_retry_after_notify_took_the_message_does_not_send_it_twice(notify_service):
    notify_service.accept_then_fail = True

    notification = tell_senco()
    assert notification.status == Status.QUEUED
    Notification.objects.filter(pk=notification.pk).update(next_attempt_at=timezone.now())
    queue_due_retries()

    notification.refresh_from_db()
    assert notification.status == Status.SENT
    [(provider_id, held)] = notify_service.notifications.items()
    assert notification.provider_id == provider_id
    assert held["reference"] == str(notification.reference)
    assert len(notify_service.sent()) == 1


def test_a_message_that_keeps_failing_is_given_up_as_a_technical_failure(notify_service):
    notify_service.failures = [500] * ATTEMPTS

    notification = tell_senco()
    for _ in range(ATTEMPTS - 1):
        Notification.objects.filter(pk=notification.pk).update(next_attempt_at=timezone.now())
        queue_due_retries()

    notification.refresh_from_db()
    assert notification.status == Status.TECHNICAL_FAILURE
    assert notification.last_error.startswith(f"Gave up after {ATTEMPTS} attempts.")
    assert notify_service.notifications == {}


def test_the_retry_waits_longer_each_time_on_a_worker_that_can_wait(notify_service, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from passport.notifications.tasks import send_notification

    notify_service.failures = [429, 429]
    tell_senco()
    notification = Notification.objects.get()
    backend = send_notification.get_backend()

    deliver(notification.pk)
    Notification.objects.filter(pk=notification.pk).update(next_attempt_at=timezone.now())
    deliver(notification.pk)

    notification.refresh_from_db()
    queued = [result.task.run_after for result in backend.results]  # type: ignore[attr-defined]
    assert queued[0] is None  # the first send, at once
    first, second = queued[1], queued[2]
    assert first is not None and second is not None
    assert dt.timedelta(minutes=2) < second - first <= dt.timedelta(minutes=4)
    assert notification.next_attempt_at == second


def test_a_message_already_sent_is_not_sent_again_by_a_second_task(notify_service):
    notification = tell_senco()

    assert deliver(notification.pk) is None

    assert len(notify_service.sent()) == 1


def test_an_interrupted_attempt_asks_notify_before_sending(notify_service):
    notification = tell_senco()
    Notification.objects.filter(pk=notification.pk).update(
        status=Status.SENDING, status_changed_at=timezone.now() - dt.timedelta(hours=1)
    )

    assert queue_due_retries() == 1

    notification.refresh_from_db()
    assert notification.status == Status.SENT
    assert len(notify_service.sent()) == 1
    assert any("reference=" in r["path"] for r in notify_service.requests if r["method"] == "GET")


def test_delivery_status_is_recorded_from_notify(notify_service):
    delivered = tell_senco("delivered@brook.example")
    bounced = tell_senco("bounced@brook.example")
    waiting = tell_senco("waiting@brook.example")
    notify_service.notifications[delivered.provider_id]["status"] = "delivered"
    notify_service.notifications[bounced.provider_id]["status"] = "permanent-failure"

    client = notify_client()
    for notification in awaiting_delivery_report():
        check_delivery(notification, client)

    statuses = dict(Notification.objects.values_list("email_address", "status"))
    assert statuses == {
        "delivered@brook.example": Status.DELIVERED,
        "bounced@brook.example": Status.PERMANENT_FAILURE,
        "waiting@brook.example": Status.SENT,
    }
    assert list(awaiting_delivery_report()) == [waiting]
