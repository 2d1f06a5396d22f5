"""A small school group for funding tests: three settings, a cluster lead, SENCOs, a therapy
provider with a priced service, and children whose Support in place names speech and language
therapy."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from passport.children.models import Child
from passport.core.dates import today
from passport.directory.models import Service
from passport.funding.models import financial_year_of
from passport.organisations.models import Provider, SchoolGroup, Setting
from passport.passports.models import SupportItem
from passport.people.models import Membership, Role, User
from passport.testing.factories import SettingFactory, UserFactory, child_on_roll, staff

SLT = "speech_and_language_therapy"


@dataclass
class World:
    group: SchoolGroup
    settings: list[Setting]
    lead: User
    second_lead: User
    sencos: list[User]
    provider: Provider
    therapist: User
    service: Service
    children: list[Child] = field(default_factory=list)

    @property
    def year(self) -> int:
        return financial_year_of(today())

    def senco_for(self, child: Child) -> User:
        setting = child.enrolments.first().setting  # type: ignore[union-attr]
        return self.sencos[self.settings.index(setting)]


def cluster_lead(group: SchoolGroup) -> User:
    user = UserFactory()
    Membership.objects.create(
        user=user, role=Role.CLUSTER_LEAD, school_group=group, starts_on=dt.date(2020, 9, 1)
    )
    return user


def give_support(child: Child, kind: str = SLT, by: User | None = None) -> SupportItem:
    return SupportItem.objects.create(
        passport=child.passport,
        description="Speech and language therapy: understanding questions",
        intended_outcome="Answers who and what questions in class",
        delivered_by="Speech and language therapist",
        group_size="one_to_one",
        minutes_per_session=30,
        sessions_per_period=1,
        period="week",
        starts_on=dt.date(2025, 9, 1),
        layer="targeted",
        support_kind=kind,
    )


def build_world(children_per_setting: int = 2, unit_cost_pence: int = 6500) -> World:
    settings = [SettingFactory() for _ in range(3)]
    group = SchoolGroup.objects.create(name=f"Test cluster {settings[0].pk}")
    group.settings.set(settings)
    provider = Provider.objects.create(name="Avon Therapy Partnership", kind="independent")
    therapist = UserFactory()
    Membership.objects.create(
        user=therapist,
        role=Role.HEALTH_PROFESSIONAL,
        provider=provider,
        starts_on=dt.date(2020, 9, 1),
    )
    service = Service.objects.create(
        provider=provider,
        name="Speech and language therapy sessions",
        support_kind=SLT,
        unit="session",
        unit_cost_pence=unit_cost_pence,
    )
    world = World(
        group=group,
        settings=settings,
        lead=cluster_lead(group),
        second_lead=cluster_lead(group),
        sencos=[staff(Role.SENCO, setting) for setting in settings],
        provider=provider,
        therapist=therapist,
        service=service,
    )
    for setting in settings:
        for _ in range(children_per_setting):
            child = child_on_roll(setting)
            give_support(child)
            world.children.append(child)
    return world
