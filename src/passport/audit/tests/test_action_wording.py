"""Every audit action reads as plain English on 'Who has seen this passport' and on the data
protection lead's page, and an action the pages cannot name never breaks them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from passport.audit.models import ACTION_WORDS, AuditAction
from passport.audit.services import record
from passport.ehcp import services as ehcp
from passport.ehcp.tests.conftest import caseworker_for
from passport.people.models import Role
from passport.testing.factories import (
    SettingFactory,
    UserFactory,
    child_on_roll,
    local_authority,
    parent_of,
    staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def school():
    return SettingFactory(name="Oakfield Primary")


@pytest.fixture
def child(school):
    return child_on_roll(
        school, given_name="Amara", family_name="Okafor", home_local_authority=local_authority()
    )


@pytest.fixture
def parent(child):
    return parent_of(child)


@pytest.fixture
def lead(school):
    return staff(Role.DATA_PROTECTION_LEAD, school, user__full_name="Dana Lee")


def page(client, user, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_pages_name_the_ehc_steps_after_an_assessment_is_requested_decided_and_advised(
    client, school, child, parent, lead
):
    senco = staff(Role.SENCO, school, user__full_name="Sian Patel")
    caseworker = caseworker_for(child)
    ten_weeks_ago = dt.date.today() - dt.timedelta(weeks=10)
    request = ehcp.request_assessment(
        child, senco, reason="Needs are not met at SEN support", received_on=ten_weeks_ago
    )
    ehcp.decide_whether_to_assess(
        request, caseworker, assess=True, decided_on=ten_weeks_ago + dt.timedelta(weeks=4)
    )
    advice = ehcp.ask_for_advice(request, caseworker, adviser_kind="psychology", adviser="Dr Rees")
    ehcp.record_advice(advice, caseworker, text="Advice")
    teacher = staff(Role.TEACHER, school, user__full_name="Tom Reed")
    client.force_login(teacher)
    assert client.get(reverse("ehcp-case", args=[child.pk])).status_code == 404

    history = page(client, parent, reverse("who-has-seen", args=[child.pk]))
    assert "asked the local authority for an EHC needs assessment" in history
    assert "recorded a step of the EHC needs assessment or plan" in history
    assert "recorded advice for the EHC needs assessment" in history

    lead_page = page(client, lead, reverse("data-protection"))
    # Opening the case page is an attempt to see the record, not to change it; a refused change
    # (a POST) would read "tried to record an EHC step for".
    assert f"Tom Reed, teacher, tried to open child record {child.pk}" in lead_page
    client.force_login(teacher)
    assert client.post(reverse("ehcp-case", args=[child.pk])).status_code == 404
    lead_page = page(client, lead, reverse("data-protection"))
    assert (
        f"Tom Reed, teacher, tried to record an EHC step for child record {child.pk}" in lead_page
    )


@pytest.mark.parametrize("action", list(AuditAction), ids=lambda action: action.value)
def test_every_action_has_wording_that_both_pages_show(client, school, child, parent, lead, action):
    assert action in ACTION_WORDS, f"Give AuditAction.{action.name} its words in ACTION_WORDS"
    words = ACTION_WORDS[action]
    assert words.done.strip() and words.attempted.strip()
    actor = UserFactory(full_name="Sam Carter")
    for allowed in (True, False):
        record(
            actor=actor,
            role=Role.TEACHER,
            relationship="on_roll_at_my_setting" if allowed else "",
            acting_for="Oakfield Primary",
            setting_id=school.pk,
            action=action,
            child_id=child.pk,
            sections=["support"],
            allowed=allowed,
        )

    history = page(client, parent, reverse("who-has-seen", args=[child.pk]))
    done = words.done.format(sections="Support in place", name=child.known_as)
    expected = (
        "opened the passport using emergency access" if action == AuditAction.BREAK_GLASS else done
    )
    assert f"Sam Carter, teacher at Oakfield Primary, {expected} at " in history

    lead_page = page(client, lead, reverse("data-protection"))
    assert (
        f"Sam Carter, teacher at Oakfield Primary, tried to {words.attempted} child record"
        in lead_page
    )


def test_an_action_without_words_is_shown_plainly_instead_of_breaking_the_pages(
    client, school, child, parent, lead, monkeypatch
):
    # As an action added without its words would be: the meta-test above fails, the pages don't.
    monkeypatch.delitem(ACTION_WORDS, AuditAction.DECIDE)
    for allowed in (True, False):
        record(
            actor=UserFactory(full_name="Sam Carter"),
            role=Role.TEACHER,
            relationship="on_roll_at_my_setting",
            acting_for="Oakfield Primary",
            setting_id=school.pk,
            action=AuditAction.DECIDE,
            child_id=child.pk,
            allowed=allowed,
        )
    history = page(client, parent, reverse("who-has-seen", args=[child.pk]))
    assert "Sam Carter, teacher at Oakfield Primary, used the passport" in history
    lead_page = page(client, lead, reverse("data-protection"))
    assert (
        f"Sam Carter, teacher at Oakfield Primary, tried to use child record {child.pk}"
        in lead_page
    )
