"""Decisions about school groups: who manages a group's money, who sees its share, which
children a commission may name, and who records a commissioned session."""

from __future__ import annotations

import datetime as dt

import pytest

from passport.access import services as access_services
from passport.access.policies import (
    children_for_commissioning,
    may_record_delivery,
    school_group_share_visible,
    school_groups_visible_to,
)
from passport.access.standing import Duty, holds
from passport.core.dates import today
from passport.organisations.models import Provider, SchoolGroup
from passport.people.models import Membership, Role
from passport.testing.factories import (
    SettingFactory,
    UserFactory,
    child_on_roll,
    parent_of,
    staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def group():
    group = SchoolGroup.objects.create(name="Valley partnership")
    group.settings.set([SettingFactory(), SettingFactory()])
    return group


def lead_of(group, **dates):
    user = UserFactory()
    Membership.objects.create(
        user=user,
        role=Role.CLUSTER_LEAD,
        school_group=group,
        starts_on=dates.get("starts_on", dt.date(2020, 9, 1)),
        ends_on=dates.get("ends_on"),
    )
    return user


def test_only_a_live_cluster_lead_manages_the_group(group):
    lead = lead_of(group)
    former = lead_of(group, ends_on=today() - dt.timedelta(days=1))
    other = lead_of(SchoolGroup.objects.create(name="Other partnership"))
    senco = staff(Role.SENCO, group.settings.first())
    assert holds(lead, Duty.MANAGE_SCHOOL_GROUP, at=group)
    assert not any(holds(u, Duty.MANAGE_SCHOOL_GROUP, at=group) for u in (former, other, senco))


def test_the_groups_sencos_see_its_share_and_teachers_do_not(group):
    setting = group.settings.first()
    assert school_group_share_visible(staff(Role.SENCO, setting), group)
    assert school_group_share_visible(staff(Role.SETTING_HEAD, setting), group)
    assert not school_group_share_visible(staff(Role.TEACHER, setting), group)
    assert not school_group_share_visible(staff(Role.SENCO, SettingFactory()), group)
    assert list(school_groups_visible_to(staff(Role.SENCO, setting))) == [group]


def test_a_commission_may_name_only_children_on_roll_in_the_group(group):
    inside = child_on_roll(group.settings.first())
    child_on_roll(SettingFactory())
    assert list(children_for_commissioning(lead_of(group), group)) == [inside]
    assert not children_for_commissioning(staff(Role.SENCO, group.settings.first()), group)


def test_sessions_are_recorded_by_the_consented_provider_or_the_childs_setting(group):
    here, there = group.settings.all()[:2]
    child = child_on_roll(here)
    provider = Provider.objects.create(name="Therapy partnership", kind="independent")
    other_provider = Provider.objects.create(name="Another practice", kind="independent")
    therapist = UserFactory()
    Membership.objects.create(
        user=therapist,
        role=Role.HEALTH_PROFESSIONAL,
        provider=provider,
        starts_on=dt.date(2020, 1, 1),
    )
    lead = lead_of(group)
    access_services.record_referral(
        child, provider, "Speech and language therapy", dt.date(2025, 1, 1), lead
    )
    where = {"provider_id": provider.pk, "setting_id": here.pk}
    assert not may_record_delivery(therapist, child, **where)  # referred, no consent yet
    access_services.give_consent(child, provider, ["support"], parent_of(child))
    assert may_record_delivery(therapist, child, **where)
    assert not may_record_delivery(
        therapist, child, provider_id=other_provider.pk, setting_id=here.pk
    )
    assert may_record_delivery(staff(Role.SENCO, here), child, **where)
    assert not may_record_delivery(staff(Role.SENCO, there), child, **where)
    assert not may_record_delivery(staff(Role.TEACHER, here), child, **where)
    assert not may_record_delivery(lead, child, **where)
