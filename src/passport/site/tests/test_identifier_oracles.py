"""Nobody learns whether a child is recorded without it being recorded for that child.

Emergency access checks everything it can before looking the UPN up, so a refused request reads
the same whether or not the child exists. Adding a child whose identifier is already recorded
must say so, and leaves a row on that child's audit trail, which their family sees.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from passport.access.models import BreakGlass
from passport.audit.models import AuditAction, AuditEvent
from passport.children.models import Child
from passport.core.identifiers import make_upn
from passport.organisations.models import Setting
from passport.people.models import Role, User
from passport.site.tests.conftest import VALID_BODIES, Api
from passport.testing.factories import child_on_roll, parent_of, staff

pytestmark = pytest.mark.django_db

NHS_NUMBER = "9434765919"


def error_messages(page: str) -> list[str]:
    return re.findall(r'<span class="govuk-visually-hidden">Error:</span>\s*([^<]+)', page)


@pytest.mark.parametrize("reason", ["", "urgent"])
def test_emergency_access_without_a_proper_reason_reads_the_same_for_a_known_and_unknown_upn(
    client: Client, child: Child, other_setting: Setting, reason: str
) -> None:
    teacher = staff(Role.TEACHER, other_setting)
    client.force_login(teacher)
    audit_rows = AuditEvent.objects.count()

    known = client.post(reverse("break-glass"), {"upn": child.upn, "reason": reason})
    unknown = client.post(
        reverse("break-glass"), {"upn": make_upn("873", "2001", 999), "reason": reason}
    )

    assert known.status_code == unknown.status_code == 200
    assert error_messages(known.content.decode()) == error_messages(unknown.content.decode())
    assert error_messages(known.content.decode()), "the reason must be asked for"
    assert not BreakGlass.objects.exists()
    assert not AuditEvent.objects.filter(child_id=child.pk).exists()
    assert AuditEvent.objects.count() == audit_rows


def test_emergency_access_names_a_malformed_upn_before_looking_anything_up(
    client: Client, child: Child, other_setting: Setting
) -> None:
    client.force_login(staff(Role.TEACHER, other_setting))

    page = client.post(
        reverse("break-glass"), {"upn": "H80120000100", "reason": "The child is unwell on a trip"}
    ).content.decode()

    assert "Enter the UPN in the correct format: it must be 13 characters" in page
    assert not BreakGlass.objects.exists()


def test_emergency_access_with_a_reason_opens_a_known_child_and_records_it(
    client: Client, child: Child, other_setting: Setting
) -> None:
    client.force_login(staff(Role.TEACHER, other_setting))

    response = client.post(
        reverse("break-glass"), {"upn": child.upn, "reason": "The child is unwell on a trip"}
    )

    assert response.status_code == 302
    assert AuditEvent.objects.filter(child_id=child.pk, action=AuditAction.BREAK_GLASS).exists()


def test_a_duplicate_upn_over_the_api_is_named_and_recorded_for_the_child_the_family_sees_it(
    api: Api, client: Client, child: Child, other_setting: Setting
) -> None:
    other_senco = staff(Role.SENCO, other_setting, user__full_name="Sian Patel")
    parent = parent_of(child)

    response = api.as_user(other_senco).post(
        "/api/children", {**VALID_BODIES["add_child"], "upn": child.upn}
    )

    assert response.status_code == 422
    assert "A child with this UPN is already recorded" in response.json()["errors"][0]["message"]
    told = AuditEvent.objects.get(child_id=child.pk, action=AuditAction.IDENTIFIER_MATCH)
    assert (told.actor, told.allowed, told.sections) == (other_senco, True, ["UPN"])
    client.force_login(parent)
    history = client.get(reverse("who-has-seen", args=[child.pk])).content.decode()
    assert (
        "Sian Patel, SENCO at Elm Primary, tried to add a new child with the same UPN as Maya, "
        "and was told Maya is already recorded"
    ) in history


def test_identifiers_of_two_recorded_children_leave_a_row_on_each(
    api: Api, senco: User, child: Child, setting: Setting
) -> None:
    second = child_on_roll(setting, given_name="Ben", nhs_number=NHS_NUMBER)

    response = api.as_user(senco).post(
        "/api/children", {**VALID_BODIES["add_child"], "upn": child.upn, "nhs_number": NHS_NUMBER}
    )

    assert response.status_code == 422
    rows = AuditEvent.objects.filter(action=AuditAction.IDENTIFIER_MATCH)
    assert sorted(rows.values_list("child_id", "sections")) == sorted(
        [(child.pk, ["UPN"]), (second.pk, ["NHS number"])]
    )
    assert not Child.objects.filter(family_name="Okafor").exists()


def test_a_child_added_with_new_identifiers_leaves_no_identifier_row(
    api: Api, senco: User, child: Child
) -> None:
    response = api.as_user(senco).post(
        "/api/children", {**VALID_BODIES["add_child"], "upn": make_upn("801", "2000", 777)}
    )

    assert response.status_code == 201
    assert not AuditEvent.objects.filter(action=AuditAction.IDENTIFIER_MATCH).exists()
