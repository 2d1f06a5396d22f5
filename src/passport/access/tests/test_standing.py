"""Standing: duties outside a child's record, answered from rules.toml and live memberships."""

from __future__ import annotations

import datetime as dt

import pytest

from passport.access.rules import Duty, HeldAt, RulesError, current_rules, parse_rules
from passport.access.standing import NoStanding, holders, holds, require, role_at, scope
from passport.audit.models import AuditAction, AuditEvent
from passport.core.dates import today
from passport.organisations.models import Provider, SchoolGroup
from passport.people.models import Membership, Role
from passport.testing.factories import MembershipFactory, SettingFactory, UserFactory, staff

pytestmark = pytest.mark.django_db


def test_every_duty_is_declared_once_with_roles_and_a_place() -> None:
    duties = current_rules().duties
    assert set(duties) == set(Duty)
    assert duties[Duty.LEAD_SETTING].roles == {Role.SENCO, Role.SETTING_HEAD}
    assert duties[Duty.LEAD_SETTING].at is HeldAt.SETTING
    assert duties[Duty.LA_CASEWORK].at is HeldAt.LOCAL_AUTHORITY


def test_rules_naming_an_unknown_role_for_a_duty_are_refused() -> None:
    original = current_rules_file()
    text = original.replace('roles = ["data_protection_lead"]', 'roles = ["janitor"]')
    assert text != original
    with pytest.raises(RulesError, match="protect_data"):
        parse_rules(text)


def test_rules_missing_a_duty_are_refused() -> None:
    text = current_rules_file()
    start = text.index("[duty.run_service]")
    with pytest.raises(RulesError, match="run_service"):
        parse_rules(text[:start])


def current_rules_file() -> str:
    from passport.access.rules import RULES_FILE

    return RULES_FILE.read_text(encoding="utf-8")


def test_a_senco_leads_their_own_setting_only() -> None:
    mine, other = SettingFactory(), SettingFactory()
    senco = staff(Role.SENCO, mine)
    found = scope(senco, Duty.LEAD_SETTING)
    assert found.settings == {mine.pk}
    assert holds(senco, Duty.LEAD_SETTING, at=mine)
    assert not holds(senco, Duty.LEAD_SETTING, at=other)


def test_a_teacher_does_not_lead_a_setting() -> None:
    setting = SettingFactory()
    teacher = staff(Role.TEACHER, setting)
    assert not scope(teacher, Duty.LEAD_SETTING)
    assert not holds(teacher, Duty.LEAD_SETTING, at=setting)


def test_a_duty_ends_with_the_membership() -> None:
    setting = SettingFactory()
    head = staff(Role.SETTING_HEAD, setting)
    Membership.objects.filter(user=head).update(ends_on=today() - dt.timedelta(days=1))
    assert not holds(head, Duty.LEAD_SETTING, at=setting)
    assert holds(head, Duty.LEAD_SETTING, at=setting, on=today() - dt.timedelta(days=1))


def test_a_disabled_account_holds_nothing() -> None:
    setting = SettingFactory()
    senco = staff(Role.SENCO, setting)
    senco.is_active = False
    senco.save()
    assert not scope(senco, Duty.LEAD_SETTING)


def test_service_wide_duties_hold_everywhere() -> None:
    admin = MembershipFactory(role=Role.ADMINISTRATOR, setting=None).user
    assert scope(admin, Duty.MANAGE_DIRECTORY).everywhere
    assert holds(admin, Duty.RUN_SERVICE)
    assert not holds(admin, Duty.LEAD_SETTING)


def test_group_and_provider_duties_are_held_at_their_own_organisation() -> None:
    group, other_group = (SchoolGroup.objects.create(name=n) for n in ("Valley", "Hill"))
    lead = MembershipFactory(role=Role.CLUSTER_LEAD, setting=None, school_group=group).user
    assert holds(lead, Duty.MANAGE_SCHOOL_GROUP, at=group)
    assert not holds(lead, Duty.MANAGE_SCHOOL_GROUP, at=other_group)
    provider = Provider.objects.create(name="Therapy practice", kind="independent")
    therapist = MembershipFactory(
        role=Role.HEALTH_PROFESSIONAL, setting=None, provider=provider
    ).user
    assert scope(therapist, Duty.DELIVER_FOR_PROVIDER).providers == {provider.pk}


def test_require_refuses_as_not_found_and_audits_the_refusal() -> None:
    mine, other = SettingFactory(), SettingFactory()
    senco = staff(Role.SENCO, mine)
    assert require(senco, Duty.LEAD_SETTING, at=mine).settings == {mine.pk}
    assert not AuditEvent.objects.filter(action=AuditAction.USE_DUTY).exists()
    with pytest.raises(NoStanding):
        require(senco, Duty.LEAD_SETTING, at=other)
    refusal = AuditEvent.objects.get(action=AuditAction.USE_DUTY)
    assert refusal.actor_id == senco.pk
    assert not refusal.allowed
    assert refusal.child_id is None
    assert refusal.reason == f"lead_setting at setting {other.pk}: not held"


def test_require_without_a_place_needs_the_duty_somewhere() -> None:
    nobody = UserFactory()
    with pytest.raises(NoStanding):
        require(nobody, Duty.LA_CASEWORK)
    assert AuditEvent.objects.filter(action=AuditAction.USE_DUTY, allowed=False).count() == 1


def test_holders_are_the_live_people_with_the_duty_at_the_organisation() -> None:
    setting, other = SettingFactory(), SettingFactory()
    senco = staff(Role.SENCO, setting)
    head = staff(Role.SETTING_HEAD, setting)
    staff(Role.TEACHER, setting)
    staff(Role.SENCO, other)
    former = staff(Role.SENCO, setting)
    Membership.objects.filter(user=former).update(ends_on=today() - dt.timedelta(days=1))
    assert set(holders(Duty.COORDINATE_SEN, at=setting)) == {senco}
    assert set(holders(Duty.LEAD_SETTING, at=setting)) == {senco, head}


def test_roles_are_named_per_organisation_for_audit_rows() -> None:
    primary, nursery = SettingFactory(), SettingFactory()
    person = staff(Role.SENCO, primary)
    MembershipFactory(user=person, role=Role.SETTING_HEAD, setting=nursery)
    leads = scope(person, Duty.LEAD_SETTING)
    assert leads.role_at(primary) == Role.SENCO
    assert leads.role_at(nursery) == Role.SETTING_HEAD
    assert leads.role_at(SettingFactory()) == ""
    teacher = staff(Role.TEACHER, nursery)
    assert role_at(teacher, nursery) == Role.TEACHER
    assert role_at(teacher, primary) == ""
