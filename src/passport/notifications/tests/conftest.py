"""A local GOV.UK Notify and a local SMTP server, and tasks that run at once."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from passport.notifications.catalogue import current_events
from passport.notifications.tests.notify_server import FakeNotify, serve

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def tasks_run_immediately(settings) -> None:  # type: ignore[no-untyped-def]
    settings.TASKS = IMMEDIATE


@pytest.fixture
def notify_service(settings) -> Iterator[FakeNotify]:  # type: ignore[no-untyped-def]
    """Notify on: every event has a template in a Notify service answering on a local port."""
    service = FakeNotify()
    templates = {name: str(uuid.uuid4()) for name in current_events()}
    service.templates = {
        template_id: current_events()[name].notify_text()[1]
        for name, template_id in templates.items()
    }
    server = serve(service)
    settings.PASSPORT_NOTIFY_API_KEY = service.api_key
    settings.PASSPORT_NOTIFY_BASE_URL = service.base_url
    settings.PASSPORT_NOTIFY_TEMPLATES = templates
    yield service
    server.shutdown()
    server.server_close()


@dataclass
class Mailbox:
    """What the local SMTP server received, and which addresses it refuses."""

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[list[str]] = field(default_factory=list)
    # address -> the SMTP reply to its RCPT TO, e.g. "550 5.1.1 No such user".
    refuse: dict[str, str] = field(default_factory=dict)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(list(envelope.rcpt_tos))
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp(settings) -> Iterator[Mailbox]:  # type: ignore[no-untyped-def]
    """Email through Django's SMTP backend to an SMTP server on a local port."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.PASSPORT_NOTIFY_API_KEY = ""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    yield mailbox
    controller.stop()
