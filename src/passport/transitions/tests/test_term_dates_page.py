"""The term dates page: a local authority's caseworkers see and import their own term dates; a
file with mistakes is refused row by row, on the page, changing nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from passport.organisations.models import SchoolTerm
from passport.people.models import Role
from passport.testing.factories import MembershipFactory, SettingFactory, local_authority, staff

pytestmark = pytest.mark.django_db


def caseworker_at(code: str):
    return MembershipFactory(
        role=Role.LA_CASEWORKER, setting=None, local_authority=local_authority(code)
    ).user


def upload(client, text: str, la: str = "801"):
    return client.post(
        f"{reverse('term-dates')}?la={la}",
        {"file": SimpleUploadedFile("terms.csv", text.encode(), content_type="text/csv")},
        follow=True,
    )


def test_a_caseworker_imports_their_authoritys_term_dates(client):
    client.force_login(caseworker_at("801"))
    page = client.get(reverse("term-dates")).content.decode()
    assert "Term dates for Bristol" in page
    assert "England&#39;s usual dates" in page or "England's usual dates" in page

    response = upload(
        client,
        "school_year,term,first_day,last_day\n2026/27,1,2026-09-03,2026-10-23\n"
        "2026/27,2,2026-11-02,2026-12-18\n2026/27,3,2027-01-05,2027-07-21\n",
    )
    page = response.content.decode()
    assert "Imported 3 terms for Bristol, City of: 2026 to 2027" in page
    assert "Your dates" in page and "5 January 2027" in page
    assert SchoolTerm.objects.filter(local_authority__code="801").count() == 3
    csv = client.get(reverse("term-dates-csv") + "?la=801")
    assert csv["Content-Type"].startswith("text/csv")
    assert b"2026/27,3,2027-01-05,2027-07-21" in csv.content


def test_a_file_with_mistakes_is_refused_row_by_row(client):
    client.force_login(caseworker_at("801"))
    response = upload(
        client,
        "school_year,term,first_day,last_day\n2026,1,2026-09-03,2026-10-23\n"
        "2026,2,3 November,2026-12-18\n",
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Row 3: first_day &#34;3 November&#34; is not a date" in page or (
        "Row 3: first_day &quot;3 November&quot; is not a date" in page
    )
    assert not SchoolTerm.objects.exists()


def test_only_that_authoritys_caseworkers_may_see_or_change_its_dates(client):
    client.force_login(caseworker_at("802"))
    assert client.get(reverse("term-dates") + "?la=801").status_code == 404
    assert upload(client, "school_year,term,first_day,last_day\n").status_code == 404
    assert client.get(reverse("term-dates-csv") + "?la=801").status_code == 404
    client.force_login(staff(Role.SENCO, SettingFactory()))
    assert client.get(reverse("term-dates")).status_code == 404
    assert not SchoolTerm.objects.exists()
