"""A declined transfer holds further requests for the child from the same school until the child's
current school or the local authority releases it; nothing the file's header says is shown back."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from passport.audit.models import AuditEvent
from passport.children.models import Child
from passport.organisations.models import Setting
from passport.people.models import Role, User
from passport.site.tests.conftest import Api
from passport.testing.factories import MembershipFactory, local_authority, parent_of, staff
from passport.transitions import services
from passport.transitions.ctf import importer
from passport.transitions.ctf.builder import build_ctf
from passport.transitions.ctf.importer import Outcome, import_ctf
from passport.transitions.ctf.tests.conftest import ctf, header, pupil
from passport.transitions.ctf.tests.test_takeover import DOB, MAYA, maya_at_the_primary
from passport.transitions.models import PendingTransfer

pytestmark = pytest.mark.django_db

__all__ = ["maya_at_the_primary"]  # a fixture these tests use


@pytest.fixture
def primary_senco(primary: Setting) -> User:
    return staff(Role.SENCO, primary)


@pytest.fixture
def declined(
    primary_senco: User, secondary_senco: User, maya_at_the_primary: Child
) -> PendingTransfer:
    import_ctf(ctf(pupil(MAYA, dob=DOB)), by=secondary_senco)
    return services.decline_pending_transfer(
        PendingTransfer.objects.get(), by=primary_senco, reason="Maya is staying with us"
    )


def test_a_declined_transfer_refuses_the_same_school_asking_again_in_neutral_words(
    secondary_senco: User, declined: PendingTransfer
) -> None:
    mail.outbox.clear()

    report = import_ctf(ctf(pupil(MAYA, dob=DOB)), by=secondary_senco)

    (line,) = report.pupils
    assert (line.outcome, line.reasons, line.child_id) == (
        Outcome.SKIPPED,
        [importer.UNMATCHED],
        None,
    )
    assert list(PendingTransfer.objects.values_list("status", flat=True)) == ["declined"]
    assert not mail.outbox  # the child's school is not emailed again
    refused = AuditEvent.objects.filter(
        child_id=declined.child_id, action="request_transfer", allowed=False
    ).get()
    assert refused.actor_id == secondary_senco.pk
    assert refused.setting_id == declined.from_setting_id


def test_a_held_request_reads_exactly_as_a_wrong_date_of_birth(
    secondary_senco: User, declined: PendingTransfer
) -> None:
    held = import_ctf(ctf(pupil(MAYA, dob=DOB)), by=secondary_senco).pupils[0]
    wrong = import_ctf(ctf(pupil(MAYA, dob=DOB.replace(day=22))), by=secondary_senco).pupils[0]

    assert (held.outcome, held.reasons) == (wrong.outcome, wrong.reasons)


def test_the_current_senco_releases_it_from_the_page_and_the_school_may_ask_again(
    client: Client, primary_senco: User, secondary_senco: User, declined: PendingTransfer
) -> None:
    client.force_login(primary_senco)
    page = client.get(reverse("pending-transfers")).content.decode()
    assert "Transfers you declined" in page
    assert f'name="release" value="{declined.pk}"' in page

    response = client.post(reverse("pending-transfers"), {"release": declined.pk})

    assert response.status_code == 302
    declined.refresh_from_db()
    assert (declined.released_by, declined.holds_requests) == (primary_senco, False)
    assert AuditEvent.objects.filter(
        action="release_transfer", child_id=declined.child_id, actor_id=primary_senco.pk
    ).exists()
    again = import_ctf(ctf(pupil(MAYA, dob=DOB)), by=secondary_senco)
    assert again.pupils[0].outcome is Outcome.PENDING_TRANSFER
    assert PendingTransfer.objects.filter(status="pending").count() == 1


def test_the_local_authority_releases_it_over_the_api(
    client: Client, declined: PendingTransfer
) -> None:
    caseworker = MembershipFactory(
        role=Role.LA_CASEWORKER, setting=None, local_authority=local_authority("873")
    ).user
    api = Api(client).as_user(caseworker)

    released = api.post(f"/api/pending-transfers/{declined.pk}/release", None)
    again = api.post(f"/api/pending-transfers/{declined.pk}/release", None)

    assert released.status_code == 200
    assert released.json()["released_at"] is not None
    assert again.status_code == 409


def test_the_school_that_asked_cannot_release_its_own_hold(
    client: Client, secondary_senco: User, declined: PendingTransfer
) -> None:
    api = Api(client).as_user(secondary_senco)

    over_the_api = api.post(f"/api/pending-transfers/{declined.pk}/release", None)
    on_the_page = client.post(reverse("pending-transfers"), {"release": declined.pk})

    assert (over_the_api.status_code, on_the_page.status_code) == (404, 404)
    declined.refresh_from_db()
    assert declined.holds_requests
    assert (
        AuditEvent.objects.filter(
            action="release_transfer", actor_id=secondary_senco.pk, allowed=False
        ).count()
        == 2
    )


def test_the_family_never_sees_the_school_name_the_file_made_up(
    client: Client, secondary_senco: User, maya_at_the_primary: Child
) -> None:
    parent = parent_of(maya_at_the_primary)
    forged = build_ctf(header(source_name="Totally Real Academy"), [pupil(MAYA, dob=DOB)])
    import_ctf(forged, by=secondary_senco)
    import_ctf(forged, by=secondary_senco)
    client.force_login(parent)

    page = client.get(reverse("who-has-seen", args=[maya_at_the_primary.pk])).content.decode()

    assert "asked for Maya to move to their setting" in page
    assert "Gorse Hill Academy" in page
    assert "Totally Real Academy" not in page


def test_a_new_pupils_needs_name_the_school_that_imported_them_not_the_files_claim(
    secondary_senco: User,
) -> None:
    forged = build_ctf(header(source_name="Totally Real Academy"), [pupil(MAYA, dob=DOB)])

    (line,) = import_ctf(forged, by=secondary_senco).pupils

    described = Child.objects.get(pk=line.child_id).passport.needs_description
    assert "Totally Real Academy" not in described
    assert "imported by Gorse Hill Academy" in described
