"""A CTF naming a child on roll at another setting waits for that setting or the LA to agree:
nobody takes a child over by uploading a file with their UPN and date of birth."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from passport.audit.models import AuditEvent
from passport.children.models import Child, Enrolment
from passport.organisations.models import Setting
from passport.passports.models import Passport
from passport.passports.services import set_needs
from passport.people.models import Membership, Role, User
from passport.testing.factories import (
    MembershipFactory,
    SettingFactory,
    child_on_roll,
    local_authority,
    staff,
)
from passport.transitions import services
from passport.transitions.ctf import importer
from passport.transitions.ctf.builder import build_ctf
from passport.transitions.ctf.importer import Outcome, import_ctf
from passport.transitions.ctf.tests.conftest import FILE_DATE, ctf, header, pupil
from passport.transitions.models import Admission, PendingTransfer
from passport.transitions.services import record_admission

pytestmark = pytest.mark.django_db

MAYA = "M873200100001"
DOB = dt.date(2014, 3, 21)


def upload(client: Client, content: bytes):
    return client.post(
        "/api/ctf/imports", {"file": SimpleUploadedFile("ctf.xml", content, "application/xml")}
    )


def needs_of(child: Child) -> tuple[str, list[str], int]:
    passport = Passport.objects.get(child=child)
    return (
        passport.sen_provision,
        list(passport.ranked_needs.order_by("rank").values_list("need_type", flat=True)),
        passport.version,
    )


@pytest.fixture
def maya_at_the_primary(primary: Setting) -> Child:
    child = child_on_roll(primary, upn=MAYA, date_of_birth=DOB, given_name="Maya")
    set_needs(
        child.passport,
        sen_provision="K",
        need_types=["SLCN"],
        broad_areas=["CI"],
        needs_description="Finds spoken instructions hard",
        by=staff(Role.SENCO, primary),
    )
    return child


def test_a_ctf_from_another_school_does_not_take_over_a_child_on_roll_elsewhere(
    client: Client,
    primary: Setting,
    secondary: Setting,
    secondary_senco: User,
    maya_at_the_primary: Child,
) -> None:
    child = maya_at_the_primary
    before = needs_of(child)
    client.force_login(secondary_senco)

    response = upload(client, ctf(pupil(MAYA, provision="E", needs=[("ASD", 1)], dob=DOB)))

    assert response.status_code == 200
    (line,) = response.json()["pupils"]
    assert line["outcome"] == "pending_transfer"
    assert line["child_id"] is None
    assert line["reasons"] == [importer.WAITING]
    assert client.get(f"/api/children/{child.pk}").status_code == 404
    assert client.get(f"/api/children/{child.pk}/passport").status_code == 404
    assert list(Enrolment.objects.filter(child=child).values_list("setting", "ends_on")) == [
        (primary.pk, None)
    ]
    assert needs_of(child) == before
    assert AuditEvent.objects.filter(
        action="request_transfer", child_id=child.pk, actor_id=secondary_senco.pk
    ).exists()


def test_the_report_says_the_same_whichever_school_the_file_claims_to_come_from(
    client: Client, secondary: Setting, secondary_senco: User, maya_at_the_primary: Child
) -> None:
    claims = [
        header(source_estab="2999", source_name="Elm Primary"),  # a school the child never saw
        header(),  # the child's own school, Oak Primary, as the attacker guessed
    ]
    client.force_login(secondary_senco)

    lines = [upload(client, build_ctf(claim, [pupil(MAYA, dob=DOB)])).json() for claim in claims]

    assert lines[0]["pupils"] == lines[1]["pupils"]
    assert "Oak Primary" not in str(lines[0])
    assert lines[0]["pupils"][0]["reasons"] == [
        "Pending transfer: waiting for the child's current school or the local authority to "
        "confirm. Nothing is admitted or changed until then"
    ]


def test_the_pending_transfer_keeps_the_files_needs_and_every_request_is_audited(
    primary: Setting, secondary: Setting, secondary_senco: User, maya_at_the_primary: Child
) -> None:
    content = ctf(pupil(MAYA, provision="E", needs=[("ASD", 1), ("SLCN", 2)], dob=DOB))

    first = import_ctf(content, by=secondary_senco)
    again = import_ctf(content, by=secondary_senco)

    assert [p.outcome for p in first.pupils + again.pupils] == [Outcome.PENDING_TRANSFER] * 2
    # Waiting is not refused: `passport ctf import` exits 0.
    assert (first.exit_status, first.headline) == (
        0,
        "No pupil was refused: some wait for their current school or the LA to confirm",
    )
    pending = PendingTransfer.objects.get()
    assert (pending.child, pending.from_setting, pending.to_setting) == (
        maya_at_the_primary,
        primary,
        secondary,
    )
    assert (pending.requested_by, pending.status) == (secondary_senco, "pending")
    assert (pending.sen_provision, pending.need_types) == ("E", ["ASD", "SLCN"])
    assert pending.starts_on == FILE_DATE.date()
    asked, asked_again = AuditEvent.objects.filter(action="request_transfer").order_by("position")
    for event in (asked, asked_again):
        assert (event.child_id, event.actor_id, event.setting_id, event.acting_for) == (
            maya_at_the_primary.pk,
            secondary_senco.pk,
            primary.pk,
            "Gorse Hill Academy",
        )
        # The file's free-text SchoolName is never shown back, to the family or anyone.
        assert "Oak Primary" not in event.reason
    assert "waiting for the child's current school" in asked.reason
    assert "asked again while the first request is waiting" in asked_again.reason
    assert not Admission.objects.exists()


def test_a_command_line_import_as_the_system_also_waits_for_confirmation(
    primary: Setting, secondary: Setting, maya_at_the_primary: Child
) -> None:
    report = import_ctf(ctf(pupil(MAYA, dob=DOB)), by=None)

    assert report.pupils[0].outcome is Outcome.PENDING_TRANSFER
    assert Enrolment.objects.get(child=maya_at_the_primary).ends_on is None


def test_a_senco_of_both_schools_moves_the_child_at_once(
    primary: Setting, secondary: Setting, secondary_senco: User, maya_at_the_primary: Child
) -> None:
    MembershipFactory(user=secondary_senco, role=Role.SENCO, setting=primary)

    report = import_ctf(
        ctf(pupil(MAYA, provision="E", needs=[("ASD", 1)], dob=DOB)), by=secondary_senco
    )

    assert report.pupils[0].outcome is Outcome.UPDATED
    assert Admission.objects.get(child=maya_at_the_primary).setting == secondary
    assert not PendingTransfer.objects.exists()


def test_a_child_the_sending_school_already_admitted_to_the_destination_is_imported(
    primary: Setting, secondary: Setting, secondary_senco: User, maya_at_the_primary: Child
) -> None:
    record_admission(
        maya_at_the_primary, secondary, FILE_DATE.date(), by=staff(Role.SENCO, primary)
    )

    report = import_ctf(
        ctf(pupil(MAYA, provision="E", needs=[("ASD", 1)], dob=DOB)), by=secondary_senco
    )

    assert report.pupils[0].outcome is Outcome.UPDATED
    assert needs_of(maya_at_the_primary)[:2] == ("E", ["ASD"])
    assert not PendingTransfer.objects.exists()


def test_in_one_chunk_only_the_child_on_roll_elsewhere_waits(
    primary: Setting, secondary: Setting, secondary_senco: User, maya_at_the_primary: Child
) -> None:
    child_on_roll(secondary, upn="B873200100002", date_of_birth=DOB)

    report = import_ctf(
        ctf(pupil("Q873200100003", dob=DOB), pupil(MAYA, dob=DOB), pupil("B873200100002", dob=DOB)),
        by=secondary_senco,
        chunk_size=5,
    )

    assert [p.outcome for p in report.pupils] == [
        Outcome.CREATED,
        Outcome.PENDING_TRANSFER,
        Outcome.UPDATED,
    ]
    assert [p.child_id is None for p in report.pupils] == [False, True, False]
    assert not Admission.objects.filter(child=maya_at_the_primary).exists()


# Deciding: the setting the child is on roll at, or the local authority.


@pytest.fixture
def pending(
    secondary: Setting, secondary_senco: User, maya_at_the_primary: Child
) -> PendingTransfer:
    import_ctf(ctf(pupil(MAYA, provision="E", needs=[("ASD", 1)], dob=DOB)), by=secondary_senco)
    return PendingTransfer.objects.get()


def test_the_current_schools_senco_confirms_and_the_child_moves_with_the_files_needs(
    client: Client,
    primary: Setting,
    secondary: Setting,
    secondary_senco: User,
    pending: PendingTransfer,
) -> None:
    child = pending.child
    primary_senco = staff(Role.SENCO, primary)
    client.force_login(primary_senco)
    listed = client.get(reverse("pending-transfers"))
    assert child.full_name in listed.content.decode()

    response = client.post(reverse("pending-transfers"), {"transfer": pending.pk})

    assert response.status_code == 302
    admission = Admission.objects.get(child=child)
    assert (admission.setting, admission.starts_on, admission.sending_setting) == (
        secondary,
        FILE_DATE.date(),
        primary,
    )
    assert Enrolment.objects.get(
        child=child, setting=primary
    ).ends_on == FILE_DATE.date() - dt.timedelta(days=1)
    assert needs_of(child)[:2] == ("E", ["ASD"])
    pending.refresh_from_db()
    assert (pending.status, pending.decided_by) == ("confirmed", primary_senco)
    assert AuditEvent.objects.filter(
        action="confirm_transfer", child_id=child.pk, actor_id=primary_senco.pk, allowed=True
    ).exists()
    client.force_login(secondary_senco)
    assert client.get(f"/api/children/{child.pk}").status_code == 200
    client.force_login(primary_senco)
    again = client.post(reverse("pending-transfers"), {"transfer": pending.pk})
    assert again.status_code == 404


def test_an_la_caseworker_for_the_child_confirms(
    secondary: Setting, pending: PendingTransfer
) -> None:
    caseworker = MembershipFactory(
        role=Role.LA_CASEWORKER, setting=None, local_authority=local_authority("873")
    ).user

    assert services.pending_transfers_to_decide(caseworker) == [pending]
    services.confirm_pending_transfer(pending, by=caseworker)

    assert Admission.objects.get(child=pending.child).setting == secondary


@pytest.mark.parametrize("who", ["third school's SENCO", "requesting SENCO", "other LA"])
def test_nobody_else_can_confirm_or_decline_or_learn_of_the_child(
    client: Client, secondary_senco: User, pending: PendingTransfer, who: str
) -> None:
    child = pending.child
    user = {
        "third school's SENCO": lambda: staff(Role.SENCO, SettingFactory(name="Far Away")),
        "requesting SENCO": lambda: secondary_senco,
        "other LA": lambda: (
            MembershipFactory(
                role=Role.LA_CASEWORKER, setting=None, local_authority=local_authority("801")
            ).user
        ),
    }[who]()
    client.force_login(user)
    before = needs_of(child)

    confirm = client.post(reverse("pending-transfers"), {"transfer": pending.pk})
    decline_page = client.get(reverse("decline-transfer", args=[pending.pk]))
    decline = client.post(reverse("decline-transfer", args=[pending.pk]), {"reason": "No"})
    listed = client.get(reverse("pending-transfers"))

    assert (confirm.status_code, decline_page.status_code, decline.status_code) == (404, 404, 404)
    for response in (confirm, decline_page, decline, listed):
        assert child.family_name not in response.content.decode()
    assert not Admission.objects.exists()
    assert needs_of(child) == before
    pending.refresh_from_db()
    assert pending.status == "pending"
    assert AuditEvent.objects.filter(
        action="confirm_transfer", child_id=child.pk, actor_id=user.pk, allowed=False
    ).exists()


def test_declining_needs_a_reason(
    client: Client, primary: Setting, pending: PendingTransfer
) -> None:
    client.force_login(staff(Role.SENCO, primary))

    response = client.post(reverse("decline-transfer", args=[pending.pk]), {"reason": "  "})

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#reason"' in page
    assert "Enter why you are declining the transfer" in page
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_declining_records_why_and_changes_nothing_else(
    client: Client,
    primary: Setting,
    secondary_senco: User,
    pending: PendingTransfer,
) -> None:
    child = pending.child
    before = needs_of(child)
    primary_senco = staff(Role.SENCO, primary)
    client.force_login(primary_senco)

    response = client.post(
        reverse("decline-transfer", args=[pending.pk]),
        {"reason": "Maya is staying with us; we do not know this request"},
    )

    assert response.status_code == 302
    pending.refresh_from_db()
    assert (pending.status, pending.decided_by, pending.reason) == (
        "declined",
        primary_senco,
        "Maya is staying with us; we do not know this request",
    )
    assert needs_of(child) == before
    assert list(Enrolment.objects.filter(child=child).values_list("setting", "ends_on")) == [
        (primary.pk, None)
    ]
    assert not Admission.objects.exists()
    assert AuditEvent.objects.filter(
        action="decline_transfer", child_id=child.pk, actor_id=primary_senco.pk
    ).exists()
    client.force_login(secondary_senco)
    assert client.get(f"/api/children/{child.pk}").status_code == 404


def test_new_arrivals_links_to_the_transfers_waiting(client: Client, primary: Setting) -> None:
    client.force_login(staff(Role.SENCO, primary))

    page = client.get(reverse("new-arrivals")).content.decode()

    assert reverse("pending-transfers") in page


def test_the_childs_school_is_emailed_once_without_the_childs_details(
    primary: Setting, secondary_senco: User, maya_at_the_primary: Child
) -> None:
    primary_senco = staff(Role.SENCO, primary)
    content = ctf(pupil(MAYA, dob=DOB))

    import_ctf(content, by=secondary_senco)
    import_ctf(content, by=secondary_senco)

    told = [m for m in mail.outbox if "asked to admit" in m.subject]
    sencos_at_primary = Membership.objects.filter(setting=primary, role=Role.SENCO)
    assert sorted(m.to[0] for m in told) == sorted(
        sencos_at_primary.values_list("user__email", flat=True)
    )
    assert primary_senco.email in [m.to[0] for m in told]
    for message in told:
        assert reverse("pending-transfers") in message.body
        assert "Maya" not in message.body and MAYA not in message.body


def test_when_a_chunk_falls_back_to_one_pupil_at_a_time_the_child_still_waits(
    secondary: Setting,
    secondary_senco: User,
    maya_at_the_primary: Child,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def written_meanwhile(*args: object, **kwargs: object) -> None:
        raise IntegrityError("someone else wrote one of these pupils")

    monkeypatch.setattr(importer, "_write_chunk", written_meanwhile)
    before = needs_of(maya_at_the_primary)

    report = import_ctf(
        ctf(pupil(MAYA, provision="E", needs=[("ASD", 1)], dob=DOB)), by=secondary_senco
    )

    assert report.pupils[0].outcome is Outcome.PENDING_TRANSFER
    assert needs_of(maya_at_the_primary) == before
    assert not Admission.objects.exists()
    assert PendingTransfer.objects.get().need_types == ["ASD"]


def test_a_transfer_that_can_no_longer_be_admitted_says_why_and_changes_nothing(
    client: Client, primary: Setting, pending: PendingTransfer
) -> None:
    # The child joined the primary after the first day the file proposed at the new school.
    Enrolment.objects.filter(child=pending.child).update(starts_on=dt.date(2025, 9, 1))
    client.force_login(staff(Role.SENCO, primary))

    response = client.post(reverse("pending-transfers"), {"transfer": pending.pk})

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "already admitted to Oak Primary from 1 September 2025" in page
    pending.refresh_from_db()
    assert pending.status == "pending"
    assert not Admission.objects.exists()
