"""Directory test fixtures: the demo ORUK file, people who may and may not import."""

from __future__ import annotations

import copy
import json
from typing import Any, cast

import pytest

from passport.directory.demo import DEMO_FILE
from passport.organisations.models import SchoolGroup, Setting
from passport.people.models import Role, User
from passport.testing.factories import MembershipFactory, SettingFactory, staff

DEMO_DOCUMENT: dict[str, Any] = json.loads(DEMO_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def document() -> dict[str, Any]:
    """A fresh copy of the demo file: 8 Bristol services from 5 organizations."""
    return copy.deepcopy(DEMO_DOCUMENT)


@pytest.fixture
def administrator(db: None) -> User:
    return cast(User, MembershipFactory(role=Role.ADMINISTRATOR, setting=None).user)


@pytest.fixture
def cluster_lead(db: None) -> User:
    group = SchoolGroup.objects.create(name="Bristol North Schools Partnership")
    return cast(
        User, MembershipFactory(role=Role.CLUSTER_LEAD, setting=None, school_group=group).user
    )


@pytest.fixture
def senco(db: None) -> User:
    return staff(Role.SENCO, cast(Setting, SettingFactory()))
