"""CTF test fixtures: a primary and a secondary with DfE numbers, and a CTF writer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest

from passport.organisations.models import Setting
from passport.people.models import Role, User
from passport.testing.factories import SettingFactory, local_authority, staff
from passport.transitions.ctf.builder import build_ctf
from passport.transitions.ctf.parser import CtfHeader, CtfNeed, CtfPupil, CtfSen

FILE_DATE = dt.datetime(2025, 7, 18, 10, 30)
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def tasks_run_immediately(settings) -> None:  # type: ignore[no-untyped-def]
    settings.TASKS = IMMEDIATE


@pytest.fixture
def primary(db: None) -> Setting:
    return SettingFactory(name="Oak Primary", local_authority=local_authority("873"), estab="2001")


@pytest.fixture
def secondary(db: None) -> Setting:
    return SettingFactory(
        name="Gorse Hill Academy",
        kind="secondary",
        local_authority=local_authority("873"),
        estab="4001",
        statutory_low_age=11,
        statutory_high_age=16,
    )


@pytest.fixture
def secondary_senco(secondary: Setting) -> User:
    return staff(Role.SENCO, secondary)


def header(dest: tuple[str, str] = ("873", "4001"), **changes: object) -> CtfHeader:
    values: dict[str, object] = {
        "document_name": "Common Transfer File",
        "version": "25.0",
        "generated_at": FILE_DATE,
        "qualifier": "partial",
        "source_lea": "873",
        "source_estab": "2001",
        "source_name": "Oak Primary",
        "academic_year": "2024/25",
        "dest_lea": dest[0],
        "dest_estab": dest[1],
    }
    values.update(changes)
    return CtfHeader(**values)  # type: ignore[arg-type]


def pupil(
    upn: str,
    *,
    provision: str | None = "K",
    needs: Sequence[tuple[str, int]] = (("SLCN", 1),),
    dob: dt.date = dt.date(2014, 3, 21),
    sen_start: dt.date = dt.date(2020, 9, 3),
    surname: str = "Hughes",
    forename: str = "Maya",
) -> CtfPupil:
    return CtfPupil(
        position=0,
        upn=upn,
        surname=surname,
        forename=forename,
        date_of_birth=dob,
        sex="F",
        sen_history=[CtfSen(sen_start, provision)] if provision else [],
        needs=[CtfNeed(code, rank) for code, rank in needs],
    )


def ctf(*pupils: CtfPupil, dest: tuple[str, str] = ("873", "4001")) -> bytes:
    return build_ctf(header(dest), pupils)
