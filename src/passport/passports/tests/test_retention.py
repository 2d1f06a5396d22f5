"""Records past retention are listed, erased only when confirmed, and leave an audit row."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from passport.audit.models import AuditEvent
from passport.children.models import Child
from passport.core.dates import add_years, today
from passport.passports.models import Passport, Strategy
from passport.testing.factories import SettingFactory, child_on_roll

pytestmark = pytest.mark.django_db


@pytest.fixture
def old_and_young():
    school = SettingFactory()
    old = child_on_roll(school, date_of_birth=add_years(today(), -31) - dt.timedelta(days=1))
    young = child_on_roll(school, date_of_birth=add_years(today(), -31) + dt.timedelta(days=1))
    Strategy.objects.create(passport=old.passport, description="Kept too long")
    return old, young


def test_listing_erases_nothing(old_and_young, capsys):
    call_command("retention")
    assert "1 record(s) past retention" in capsys.readouterr().out
    assert Child.objects.count() == 2


def test_erasing_needs_confirmation(old_and_young):
    with pytest.raises(SystemExit):
        call_command("retention", "--erase")
    assert Child.objects.count() == 2


def test_confirmed_erasure_removes_the_record_and_its_versions_and_is_audited(old_and_young):
    old, young = old_and_young
    passport_id = old.passport.pk
    call_command("retention", "--erase", "--confirm")
    assert list(Child.objects.all()) == [young]
    assert not Passport.history.filter(id=passport_id).exists()
    assert not Strategy.history.filter(passport_id=passport_id).exists()
    event = AuditEvent.objects.get(child_id=old.pk, action="erase")
    assert "31 years" in event.reason
