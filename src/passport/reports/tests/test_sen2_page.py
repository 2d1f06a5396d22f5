"""The SEN2 return page: LA caseworkers of that authority only, every use audited."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.urls import reverse

from passport.access.models import CaseloadAssignment, LocalAuthorityWideAccess
from passport.access.standing import Duty, holds, scope
from passport.audit.models import AuditAction, AuditEvent, words_for
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
    caseworker = caseworker_at("801")
    on_caseload(caseworker, child)
    client.force_login(caseworker)
    page = client.post(URL, census()).content.decode()
    assert "1 problem to fix" in page
    assert f"P{child.pk}" in page


def test_the_download_is_a_zip_of_the_modules_and_is_audited(client):
    child = child_on_roll(SettingFactory())
    with_a_request(child)
    caseworker = caseworker_at("801")
    on_caseload(caseworker, child)
    client.force_login(caseworker)
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


def on_caseload(caseworker, child):
    CaseloadAssignment.objects.create(
        caseworker=caseworker, child=child, starts_on=dt.date(2024, 9, 1)
    )


def test_a_caseworker_s_download_holds_only_children_they_may_see(client):
    """The attack: a child the caseworker gets 404 on was in their SEN2 zip, named and dated."""
    school = SettingFactory()
    theirs = child_on_roll(school, given_name="Ayesha", family_name="Caseloaded")
    hidden = child_on_roll(school, given_name="Zebedee", family_name="Hidden", upn=None)
    with_a_request(theirs)
    with_a_request(hidden)
    caseworker = caseworker_at("801")
    on_caseload(caseworker, theirs)
    client.force_login(caseworker)
    assert client.get(f"/children/{hidden.pk}/").status_code == 404

    response = client.post(URL, {**census(), "download": "1"})

    archive = zipfile.ZipFile(io.BytesIO(response.content))
    people = archive.read("sen2_1_person.csv").decode()
    assert "Caseloaded" in people
    assert "Hidden" not in people and f"P{hidden.pk}" not in people
    requests = archive.read("sen2_2_requests.csv").decode()
    assert f"P{hidden.pk}" not in requests


def test_each_child_in_a_download_gets_an_audit_row_the_family_can_see(client):
    school = SettingFactory()
    first, second = child_on_roll(school), child_on_roll(school)
    caseworker = caseworker_at("801")
    for child in (first, second):
        with_a_request(child)
        on_caseload(caseworker, child)
    client.force_login(caseworker)

    client.post(URL, {**census(), "download": "1"})

    rows = AuditEvent.objects.filter(action=AuditAction.STATUTORY_RETURN, actor=caseworker)
    assert sorted(rows.values_list("child_id", flat=True)) == sorted([first.pk, second.pk])
    assert all("SEN2 return for 801 as at 2026-01-15" in row.reason for row in rows)
    assert "SEN2 return" in words_for(AuditAction.STATUTORY_RETURN).done


def test_a_caseworker_with_la_wide_access_builds_the_whole_return(client):
    school = SettingFactory(local_authority=local_authority("801"))
    children = [child_on_roll(school) for _ in range(3)]
    for child in children:
        with_a_request(child)
    caseworker = caseworker_at("801")
    LocalAuthorityWideAccess.objects.create(
        user=caseworker,
        local_authority=local_authority("801"),
        granted_by=UserFactory(),
        starts_on=dt.date(2024, 9, 1),
    )
    client.force_login(caseworker)
    response = client.post(URL, {**census(), "download": "1"})
    people = zipfile.ZipFile(io.BytesIO(response.content)).read("sen2_1_person.csv").decode()
    assert all(f"P{child.pk}" in people for child in children)
