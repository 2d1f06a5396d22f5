"""Recording a commissioned session lands in the audit trail, once for each child it concerns."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from passport.audit.models import AuditAction, AuditEvent
from passport.audit.services import verify_chain
from passport.funding import services
from passport.funding.services import DeliveryLine
from passport.funding.tests.test_commissions import a_past_day, approved
from passport.testing.factories import parent_of

pytestmark = pytest.mark.django_db


def delivery_rows() -> list[tuple[int | None, int | None, int | None]]:
    return list(
        AuditEvent.objects.filter(action=AuditAction.RECORD_DELIVERY)
        .order_by("position")
        .values_list("actor_id", "child_id", "setting_id")
    )


def test_each_child_in_a_recorded_batch_gets_an_audit_row(world):
    _, commission = approved(world, world.children[:2])
    first, second = world.children[:2]  # both at the first setting
    senco = world.senco_for(first)
    day = a_past_day(commission)
    services.record_deliveries(
        senco,
        commission,
        [
            DeliveryLine(first.pk, day, "attended"),
            DeliveryLine(second.pk, day, "missed"),
            DeliveryLine(first.pk, day - dt.timedelta(days=1), "attended"),
        ],
    )
    setting = world.settings[0].pk
    assert delivery_rows() == [(senco.pk, first.pk, setting), (senco.pk, second.pk, setting)]
    assert verify_chain().ok


def test_a_refused_batch_leaves_no_delivery_audit_row(world):
    _, commission = approved(world, world.children[:1])
    child = world.children[0]
    day = a_past_day(commission)
    with pytest.raises(ValidationError):
        services.record_deliveries(
            world.senco_for(child),
            commission,
            [DeliveryLine(child.pk, day, "attended"), DeliveryLine(child.pk, day, "attended")],
        )
    assert delivery_rows() == []


def test_the_family_sees_who_recorded_a_session(client, world):
    _, commission = approved(world, world.children[:1])
    child = world.children[0]
    senco = world.senco_for(child)
    services.record_delivery(
        senco, commission, DeliveryLine(child.pk, a_past_day(commission), "attended")
    )
    client.force_login(parent_of(child))
    page = client.get(reverse("who-has-seen", args=[child.pk])).content.decode()
    assert (
        f"{senco.full_name}, SENCO at {world.settings[0].name}, recorded a support session for {child.known_as} at"
        in page
    )
