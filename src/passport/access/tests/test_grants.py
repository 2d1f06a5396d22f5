"""Who may give a setting access to a child (admit them elsewhere, dual-register them, decide a
transfer): only the SENCO or head of a setting the child is on roll at now, or the child's local
authority. No grant of access to the record widens it: the authorisation matrix, every
relationship in every state for every role, says so cell by cell."""

from __future__ import annotations

import datetime as dt
from itertools import product

import pytest

from passport.access.policies import (
    NoStandingToGrant,
    Relationship,
    decide,
    may_grant_access_to_child,
    may_grant_access_to_children,
    require_grant_access,
)
from passport.access.rules import Action, Duty, current_rules
from passport.access.tests.test_policies import PAST, SOON, STATES, YESTERDAY, build, member
from passport.audit.models import AuditEvent
from passport.children.models import Enrolment
from passport.organisations.models import Setting
from passport.people.memberships import memberships_memo
from passport.people.models import Role
from passport.testing.factories import ChildFactory, SettingFactory, UserFactory, local_authority

pytestmark = pytest.mark.django_db

ELSEWHERE = "202"  # a local authority none of the matrix's caseworkers work for
LEADS = current_rules().duties[Duty.LEAD_SETTING].roles
CASEWORKERS = current_rules().duties[Duty.LA_CASEWORK].roles


@pytest.mark.parametrize(
    ("relationship", "role", "state"),
    list(product(Relationship, Role, STATES)),
    ids=lambda v: str(v),
)
def test_only_leading_a_setting_the_child_is_on_roll_at_now_lets_a_school_grant_access(
    relationship, role, state
):
    user, child = build(relationship, role, state)
    # Every setting the child knows is in a local authority the person does not work for, so
    # only the relationship itself can answer.
    Setting.objects.filter(enrolments__child=child).update(
        local_authority=local_authority(ELSEWHERE)
    )

    expected = (
        relationship is Relationship.ON_ROLL_AT_MY_SETTING and role in LEADS and state == "active"
    ) or (
        # The child's own (home) local authority always has a say; "ended" here means the child
        # has since joined a roll elsewhere, which leaves the home LA theirs.
        relationship is Relationship.HOME_LA_NO_SETTING
        and role in CASEWORKERS
        and state in ("active", "ended")
    )

    assert may_grant_access_to_child(user, child) is expected, (relationship, role, state)


def test_a_future_admission_gives_write_but_no_say_over_where_else_the_child_goes():
    user, child = build(Relationship.ADMITTED_TO_MY_SETTING, Role.SENCO, "active")

    assert decide(user, child, Action.WRITE).allowed
    assert not may_grant_access_to_child(user, child)


def caseworker_at(code: str):
    user = UserFactory()
    member(user, Role.LA_CASEWORKER)
    user.memberships.update(local_authority=local_authority(code))
    return user


def test_the_local_authority_of_a_setting_the_child_is_on_roll_at_now_may():
    child = ChildFactory()
    Enrolment.objects.create(
        child=child, setting=SettingFactory(local_authority=local_authority("873")), starts_on=PAST
    )

    assert may_grant_access_to_child(caseworker_at("873"), child)
    assert not may_grant_access_to_child(caseworker_at("801"), child)


def test_the_local_authority_of_a_school_the_child_is_only_going_to_attend_may_not():
    child = ChildFactory()
    Enrolment.objects.create(child=child, setting=SettingFactory(), starts_on=PAST)
    Enrolment.objects.create(
        child=child, setting=SettingFactory(local_authority=local_authority("873")), starts_on=SOON
    )

    assert not may_grant_access_to_child(caseworker_at("873"), child)


def test_the_home_local_authority_may_wherever_the_child_is_at_school():
    child = ChildFactory(home_local_authority=local_authority("873"))
    Enrolment.objects.create(child=child, setting=SettingFactory(), starts_on=PAST)

    assert may_grant_access_to_child(caseworker_at("873"), child)


def test_a_child_on_no_roll_is_answered_for_by_their_home_la_else_their_last_settings_la():
    left = ChildFactory()
    Enrolment.objects.create(
        child=left,
        setting=SettingFactory(local_authority=local_authority("873")),
        starts_on=PAST,
        ends_on=YESTERDAY,
    )
    living_in_801 = ChildFactory(home_local_authority=local_authority("801"))
    Enrolment.objects.create(
        child=living_in_801,
        setting=SettingFactory(local_authority=local_authority("873")),
        starts_on=PAST,
        ends_on=YESTERDAY,
    )

    assert may_grant_access_to_children(caseworker_at("873"), [left, living_in_801]) == [
        True,
        False,
    ]


def test_a_refusal_is_a_404_with_an_audit_row_for_the_child():
    user, child = build(Relationship.ADMITTED_TO_MY_SETTING, Role.SENCO, "active")

    with pytest.raises(NoStandingToGrant):
        require_grant_access(user, child, action=Action.WRITE, refused="the move was not recorded")

    row = AuditEvent.objects.get(child_id=child.pk, allowed=False)
    assert (row.actor_id, row.action) == (user.pk, "write")
    assert row.reason.endswith("the move was not recorded")


def test_many_children_are_answered_in_one_query(django_assert_num_queries):
    user = UserFactory()
    school = SettingFactory()
    member(user, Role.SENCO, setting=school)
    children = [ChildFactory() for _ in range(5)]
    for child in children[:3]:
        Enrolment.objects.create(child=child, setting=school, starts_on=PAST)
    with memberships_memo(), django_assert_num_queries(2):  # memberships, every child's rolls
        answers = may_grant_access_to_children(user, children, on=dt.date.today())

    assert answers == [True, True, True, False, False]
