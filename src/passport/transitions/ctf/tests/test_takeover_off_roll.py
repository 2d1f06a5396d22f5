"""A CTF naming a known child on no roll: a child who left for elective home education, left
England or went nobody knows where, or who was never enrolled anywhere, waits for the local
authority; a child whose last school's roll simply ended (a phase transfer) is admitted at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from passport.audit.models import AuditEvent
from passport.children.models import Child, Enrolment
from passport.organisations.models import Setting
from passport.people.models import Role, User
from passport.testing.factories import (
    ChildFactory,
    MembershipFactory,
    child_on_roll,
    local_authority,
    staff,
)
from passport.transitions import services
from passport.transitions.ctf import importer
from passport.transitions.ctf.importer import Outcome, import_ctf
from passport.transitions.ctf.tests.conftest import FILE_DATE, ctf, pupil
from passport.transitions.ctf.tests.test_takeover import DOB, MAYA, needs_of, upload
from passport.transitions.models import Admission, Leaving, PendingTransfer

pytestmark = pytest.mark.django_db

LAST_DAY = dt.date(2025, 3, 31)


def caseworker(code: str) -> User:
    return MembershipFactory(
        role=Role.LA_CASEWORKER, setting=None, local_authority=local_authority(code)
    ).user


def left_primary(primary: Setting, destination: str | None) -> Child:
    child = child_on_roll(primary, upn=MAYA, date_of_birth=DOB, given_name="Maya")
    if destination is None:
        Enrolment.objects.filter(child=child).update(ends_on=LAST_DAY)
    else:
        services.record_leaving(child, primary, LAST_DAY, destination, staff(Role.SENCO, primary))
    return child


@pytest.fixture
def home_educated(primary: Setting) -> Child:
    return left_primary(primary, Leaving.Destination.ELECTIVE_HOME_EDUCATION)


@pytest.fixture
def pending(secondary_senco: User, home_educated: Child) -> PendingTransfer:
    import_ctf(ctf(pupil(MAYA, provision="E", needs=[("ASD", 1)], dob=DOB)), by=secondary_senco)
    return PendingTransfer.objects.get()


def test_a_ctf_does_not_take_over_a_child_who_left_for_elective_home_education(
    client: Client, secondary_senco: User, home_educated: Child
) -> None:
    child = home_educated
    before = needs_of(child)
    client.force_login(secondary_senco)

    response = upload(client, ctf(pupil(MAYA, provision="E", needs=[("ASD", 1)], dob=DOB)))

    (line,) = response.json()["pupils"]
    assert (line["outcome"], line["child_id"]) == ("pending_transfer", None)
    # The same words as for a child on roll at a school: the reply does not say they are on none.
    assert line["reasons"] == [importer.WAITING]
    assert client.get(f"/api/children/{child.pk}").status_code == 404
    assert client.get(f"/api/children/{child.pk}/passport").status_code == 404
    assert not Admission.objects.exists()
    assert needs_of(child) == before
    pending = PendingTransfer.objects.get()
    assert (pending.child, pending.from_setting, pending.status) == (child, None, "pending")
    assert AuditEvent.objects.filter(
        action="request_transfer", child_id=child.pk, actor_id=secondary_senco.pk
    ).exists()


@pytest.mark.parametrize(
    "destination", [Leaving.Destination.LEFT_ENGLAND, Leaving.Destination.OTHER]
)
def test_a_child_who_left_england_or_went_who_knows_where_also_waits(
    primary: Setting, secondary_senco: User, destination: str
) -> None:
    left_primary(primary, destination)

    report = import_ctf(ctf(pupil(MAYA, dob=DOB)), by=secondary_senco)

    assert report.pupils[0].outcome is Outcome.PENDING_TRANSFER
    assert not Admission.objects.exists()


def test_the_local_authority_confirms_and_the_child_is_admitted_with_the_files_needs(
    client: Client, secondary: Setting, secondary_senco: User, pending: PendingTransfer
) -> None:
    # No home LA is recorded, so the LA of the last school the child attended decides.
    la = caseworker("873")
    client.force_login(la)
    listed = client.get(reverse("pending-transfers"))
    assert listed.status_code == 200
    assert "Maya" in listed.content.decode()
    assert "Not on roll anywhere" in listed.content.decode()
    (over_the_api,) = client.get("/api/pending-transfers").json()
    assert (over_the_api["id"], over_the_api["from_setting_name"]) == (pending.pk, None)
    decline_page = client.get(reverse("decline-transfer", args=[pending.pk]))
    assert "Maya is not admitted" in decline_page.content.decode()

    response = client.post(reverse("pending-transfers"), {"transfer": pending.pk})

    assert response.status_code == 302
    admission = Admission.objects.get(child=pending.child)
    assert (admission.setting, admission.starts_on) == (secondary, FILE_DATE.date())
    assert needs_of(pending.child)[:2] == ("E", ["ASD"])
    pending.refresh_from_db()
    assert (pending.status, pending.decided_by) == ("confirmed", la)
    client.force_login(secondary_senco)
    assert client.get(f"/api/children/{pending.child_id}").status_code == 200


def test_the_childs_home_la_decides_rather_than_the_last_schools(
    pending: PendingTransfer,
) -> None:
    Child.objects.filter(pk=pending.child_id).update(home_local_authority=local_authority("801"))
    pending.child.refresh_from_db()

    assert services.pending_transfers_to_decide(caseworker("873")) == []
    assert services.pending_transfers_to_decide(caseworker("801")) == [pending]


@pytest.mark.parametrize(
    "who", ["former school's SENCO", "former school's head", "requesting SENCO"]
)
def test_no_school_can_confirm_or_decline_a_move_of_a_child_on_no_roll(
    client: Client, primary: Setting, secondary_senco: User, pending: PendingTransfer, who: str
) -> None:
    user = {
        "former school's SENCO": lambda: staff(Role.SENCO, primary),
        "former school's head": lambda: staff(Role.SETTING_HEAD, primary),
        "requesting SENCO": lambda: secondary_senco,
    }[who]()
    client.force_login(user)

    confirm = client.post(reverse("pending-transfers"), {"transfer": pending.pk})
    decline = client.post(reverse("decline-transfer", args=[pending.pk]), {"reason": "No"})
    listed = client.get(reverse("pending-transfers"))

    assert (confirm.status_code, decline.status_code) == (404, 404)
    assert "Maya" not in listed.content.decode()
    assert not Admission.objects.exists()
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_no_school_is_emailed_about_a_child_on_no_roll(
    primary: Setting, secondary_senco: User, home_educated: Child
) -> None:
    staff(Role.SENCO, primary)

    import_ctf(ctf(pupil(MAYA, dob=DOB)), by=secondary_senco)

    assert not [m for m in mail.outbox if "asked to admit" in m.subject]


def test_a_child_known_only_to_the_la_waits_for_the_la(
    client: Client, secondary: Setting, secondary_senco: User
) -> None:
    # An EHC plan from birth: known to the LA, never on any roll.
    child = ChildFactory(upn=MAYA, date_of_birth=DOB, home_local_authority=local_authority("801"))
    client.force_login(secondary_senco)

    response = upload(client, ctf(pupil(MAYA, dob=DOB)))

    (line,) = response.json()["pupils"]
    assert (line["outcome"], line["reasons"]) == ("pending_transfer", [importer.WAITING])
    assert client.get(f"/api/children/{child.pk}").status_code == 404
    pending = PendingTransfer.objects.get()
    la = caseworker("801")
    assert services.pending_transfers_to_decide(la) == [pending]
    services.confirm_pending_transfer(pending, by=la)
    assert Admission.objects.get(child=child).setting == secondary


@pytest.mark.parametrize("destination", [None, Leaving.Destination.ANOTHER_SETTING])
def test_a_child_whose_last_school_roll_simply_ended_is_admitted_at_once(
    primary: Setting, secondary: Setting, secondary_senco: User, destination: str | None
) -> None:
    child = left_primary(primary, destination)

    report = import_ctf(
        ctf(pupil(MAYA, provision="E", needs=[("ASD", 1)], dob=DOB)), by=secondary_senco
    )

    assert report.pupils[0].outcome is Outcome.UPDATED
    assert Admission.objects.get(child=child).setting == secondary
    assert needs_of(child)[:2] == ("E", ["ASD"])
    assert not PendingTransfer.objects.exists()
