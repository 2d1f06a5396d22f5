"""A child on roll at a Bristol primary, their parent, SENCO and LA caseworker."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast

import pytest

from passport.access.services import assign_to_caseload
from passport.children.models import Child
from passport.organisations.models import Setting
from passport.people.models import Role, User
from passport.testing.factories import (
    MembershipFactory,
    SettingFactory,
    child_on_roll,
    local_authority,
    parent_of,
    staff,
)

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def tasks_run_immediately(settings) -> None:  # type: ignore[no-untyped-def]
    settings.TASKS = IMMEDIATE


@dataclass
class Case:
    child: Child
    parent: User
    senco: User
    caseworker: User
    setting: object


def caseworker_for(child: Child) -> User:
    user = cast(
        User,
        MembershipFactory(
            role=Role.LA_CASEWORKER, setting=None, local_authority=local_authority("801")
        ).user,
    )
    assign_to_caseload(user, child, dt.date(2024, 9, 1))
    return user


@pytest.fixture
def case(db) -> Case:  # type: ignore[no-untyped-def]
    setting: Setting = SettingFactory(name="Brook Lane Primary")  # type: ignore[assignment]
    child = child_on_roll(
        setting, given_name="Amara", family_name="Okafor", home_local_authority=local_authority()
    )
    return Case(child, parent_of(child), staff(Role.SENCO, setting), caseworker_for(child), setting)
