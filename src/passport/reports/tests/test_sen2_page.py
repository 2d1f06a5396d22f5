"""The SEN2 return page: LA caseworkers of that authority only, every use audited."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.urls import reverse

from passport.access.standing import Duty, holds, scope
from passport.audit.models import AuditEvent
from passport.ehcp.models import AssessmentRequest
from passport.people.models import Role
from passport.reports.sen2.spec import MODULES
from passport.testing.factories import (
    MembershipFactory,
    SettingFactory,
    UserFactory,
    child_on_roll,
    local_authority,
    parent_of,
    staff,
)

pytestmark = pytest.mark.django_db
URL = "/reports/sen2/"


def caseworker_at(code: str):
    return MembershipFactory(
        role=Role.LA_CASEWORKER, setting=None, local_authority=local_authority(code)
    ).user


def with_a_request(child, la_code="801"):
    AssessmentRequest.objects.create(
        child=child,
        local_authority=local_authority(la_code),
        requester_kind="parent",
        requested_by=UserFactory(),
        received_on=dt.date(2026, 1, 5),
        reason="Needs are not met",
    )


def census(day="15", month="1", year="2026", la_code="801"):
    return {
        "local_authority": str(local_authority(la_code).pk),
        "census_date-day": day,
        "census_date-month": month,
        "census_date-year": year,
    }


def test_only_caseworkers_of_an_la_may_build_its_returns():
    bristol, other = local_authority("801"), local_authority("803")
    caseworker = caseworker_at("801")
    school = SettingFactory()
    assert holds(caseworker, Duty.LA_CASEWORK, at=bristol)
    assert not holds(caseworker, Duty.LA_CASEWORK, at=other)
    assert not holds(staff(Role.SENCO, school), Duty.LA_CASEWORK, at=bristol)
    assert not holds(parent_of(child_on_roll(school)), Duty.LA_CASEWORK, at=bristol)
    caseworker.is_active = False
    assert not scope(caseworker, Duty.LA_CASEWORK).local_authorities


def test_the_url_is_the_one_the_navigation_names():
    assert reverse("sen2-return") == URL


def test_a_caseworker_checks_the_return_and_sees_rows_per_module(client):
    with_a_request(child_on_roll(SettingFactory()))
    client.force_login(caseworker_at("801"))
    assert client.get(URL).status_code == 200
    response = client.post(URL, census())
    page = response.content.decode()
    assert response.status_code == 200
    assert "Module 2: Requests for EHC needs assessment" in page
    assert "Every field matches" in page
    assert AuditEvent.objects.filter(action="list", reason__contains="SEN2 return checked").exists()


def test_problems_are_listed_on_the_page(client):
    child = child_on_roll(SettingFactory(), upn=None, date_of_birth=dt.date(2012, 1, 1))
    with_a_request(child)
    client.force_login(caseworker_at("801"))
    page = client.post(URL, census()).content.decode()
    assert "1 problem to fix" in page
    assert f"P{child.pk}" in page


def test_the_download_is_a_zip_of_the_modules_and_is_audited(client):
    with_a_request(child_on_roll(SettingFactory()))
    client.force_login(caseworker_at("801"))
    response = client.post(URL, {**census(), "download": "1"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="sen2-801-2026-01-15.zip"'
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert sorted(names) == sorted(m.filename for m in MODULES)
    event = AuditEvent.objects.get(action="export", allowed=True)
    assert "SEN2 return for 801 as at 2026-01-15: 1 people" in event.reason


def test_a_caseworker_cannot_build_another_las_return(client):
    client.force_login(caseworker_at("801"))
    response = client.post(URL, {**census(la_code="803"), "download": "1"})
    assert response.status_code == 200  # the form again, with the error
    assert "Select one of your local authorities" in response.content.decode()
    assert not AuditEvent.objects.filter(action="export").exists()


def test_a_bad_census_date_is_explained(client):
    client.force_login(caseworker_at("801"))
    page = client.post(URL, census(day="31", month="2")).content.decode()
    assert "Census date must be a real date" in page


@pytest.mark.parametrize("who", ["senco", "parent"])
def test_anyone_else_gets_not_found_and_the_attempt_is_audited(client, who):
    school = SettingFactory()
    person = staff(Role.SENCO, school) if who == "senco" else parent_of(child_on_roll(school))
    client.force_login(person)
    assert client.get(URL).status_code == 404
    assert client.post(URL, {**census(), "download": "1"}).status_code == 404
    assert AuditEvent.objects.filter(actor_id=person.pk, allowed=False).count() == 2
