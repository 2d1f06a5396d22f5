"""Importing a CTF: pupils matched by UPN, SEN data into the passport, admitted to the
destination; one bad pupil never stops the rest, and a bad file writes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from passport.audit.models import AuditEvent
from passport.children.models import Child, Enrolment
from passport.organisations.models import Setting
from passport.passports.models import Passport
from passport.passports.services import set_needs
from passport.people.models import Role, User
from passport.testing.factories import SettingFactory, child_on_roll, local_authority, staff
from passport.transitions.ctf.importer import Outcome, import_ctf
from passport.transitions.ctf.parser import CtfError
from passport.transitions.ctf.tests.conftest import FILE_DATE, ctf, pupil
from passport.transitions.models import Admission, PendingTransfer
from passport.transitions.services import confirm_pending_transfer

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "leavers_801_2001_to_801_4001.xml"
MAYA, BEN, ZOE = "M873200100001", "B873200100002", "Q873200100003"


def outcomes(report) -> dict[str, tuple[Outcome, list[str]]]:
    return {p.upn: (p.outcome, p.reasons) for p in report.pupils}


def needs_of(child: Child) -> tuple[str, list[tuple[str, int]]]:
    passport = Passport.objects.get(child=child)
    return passport.sen_provision, list(
        passport.ranked_needs.order_by("rank").values_list("need_type", "rank")
    )


def test_the_sample_file_creates_children_with_their_sen_data_admitted_to_the_secondary(
    db: None,
) -> None:
    SettingFactory(name="Oak Primary", estab="2001")
    secondary = SettingFactory(name="Gorse Hill", kind="secondary", estab="4001")
    senco = staff(Role.SENCO, secondary)

    report = import_ctf(SAMPLE, by=senco)

    assert report.counts == {
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
        "pending_transfer": 0,
    }
    maya = Child.objects.get(upn="F801200100001")
    assert needs_of(maya) == ("E", [("ASD", 1), ("SLCN", 2)])
    assert needs_of(Child.objects.get(upn="V801200100002")) == ("K", [("NSA", 1)])
    admission = Admission.objects.get(child=maya)
    assert (admission.setting, admission.starts_on, admission.source) == (
        secondary,
        dt.date(2025, 7, 18),
        "ctf",
    )


def test_importing_the_same_file_again_changes_nothing(secondary: Setting, secondary_senco: User):
    content = ctf(pupil(MAYA, provision="E", needs=[("ASD", 1), ("SLCN", 2)]), pupil(BEN))
    import_ctf(content, by=secondary_senco)
    versions = dict(Passport.objects.values_list("child__upn", "version"))
    history = Passport.history.count()  # type: ignore[attr-defined]

    again = import_ctf(content, by=secondary_senco)

    assert again.counts == {
        "created": 0,
        "updated": 0,
        "unchanged": 2,
        "skipped": 0,
        "pending_transfer": 0,
    }
    assert dict(Passport.objects.values_list("child__upn", "version")) == versions
    assert Passport.history.count() == history  # type: ignore[attr-defined]
    assert Admission.objects.count() == 2


def test_a_need_rank_of_3_skips_that_pupil_and_the_others_are_imported(
    secondary: Setting, secondary_senco: User
) -> None:
    content = ctf(
        pupil(MAYA),
        pupil(BEN, needs=[("SLCN", 1), ("ASD", 3)]),
        pupil(ZOE),
    )

    report = import_ctf(content, by=secondary_senco)

    outcome, reasons = outcomes(report)[BEN]
    assert outcome is Outcome.SKIPPED
    assert reasons == ["SENtypeRank 3 for ASD: ranks are 1 (primary) and 2 (secondary)"]
    assert set(Child.objects.values_list("upn", flat=True)) == {MAYA, ZOE}


CENSUS_NEEDS = "SPLD, MLD, SLD, PMLD, SEMH, SLCN, ASD, HI, VI, MSI, PD, DS, OTH, NSA"


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (pupil("M873200100002"), "UPN M873200100002 has the wrong check letter"),
        (
            pupil(BEN, provision="E", needs=[("NSA", 1)]),
            "NSA is only valid with SEN support (K), not with Education, health and care plan (E)",
        ),
        (
            pupil(BEN, sen_start=dt.date(2010, 1, 1)),
            "SEN StartDate 2010-01-01 is before the date of birth 2014-03-21",
        ),
        (
            pupil(BEN, sen_start=dt.date(2026, 1, 1)),
            "SEN StartDate 2026-01-01 is after the file's DateTime (2025-07-18)",
        ),
        (
            pupil(BEN, needs=[("SLCN", 1), ("ASD", 1)]),
            "SENtypeRank 1 is given to both SLCN and ASD: each rank is used once (ranks are 1 "
            "(primary) and 2 (secondary))",
        ),
        (
            pupil(BEN, needs=[("SLCN", 1), ("SLCN", 2)]),
            "SENtype SLCN appears more than once: list each need once",
        ),
        (
            pupil(BEN, needs=[("XYZ", 1)]),
            f"SENtype XYZ is not a census need code: use one of {CENSUS_NEEDS}",
        ),
        (
            pupil(BEN, provision=None),
            "SENneeds SLCN but no SEN record in SENhistory: add a SEN record with its StartDate "
            "and SENprovision (K or E)",
        ),
        (
            pupil(BEN, dob=dt.date(2025, 9, 1), sen_start=dt.date(2025, 9, 2)),
            "Date of birth 2025-09-01 is after the first day at Gorse Hill Academy (18 July "
            "2025): check DOB in the sending school's MIS, or choose a later first day",
        ),
        (
            pupil(BEN, dob=dt.date(2099, 1, 4)),
            "Date of birth 2099-01-04 is in the future (DOB in the file)",
        ),
        (
            pupil(BEN, needs=[]),
            "SENprovision K (SEN support) needs a primary need: a SENneed with SENtypeRank 1",
        ),
        (
            pupil(BEN, provision="N"),
            "SENprovision N (No special educational need) has SENtype SLCN: remove the needs, "
            "or change SENprovision",
        ),
        (
            pupil(BEN, needs=[("ASD", 2)]),
            "SENtypeRank 2 for ASD has no SENtypeRank 1 beside it: the primary need is rank 1",
        ),
        (
            pupil(BEN, provision="X"),
            "SENprovision X (from 2020-09-03) is not a census code: use K (SEN support), "
            "E (Education, health and care plan), N (No special educational need)",
        ),
    ],
    ids=[
        "upn",
        "nsa-with-e",
        "sen-before-birth",
        "sen-after-file",
        "same-rank",
        "same-need",
        "unknown-need",
        "no-history",
        "born-after-start",
        "born-in-the-future",
        "support-without-a-need",
        "no-sen-with-needs",
        "secondary-without-primary",
        "unknown-provision",
    ],
)
def test_a_pupil_with_bad_data_is_skipped_with_the_element_and_value_named(
    secondary: Setting, secondary_senco: User, bad, reason: str
) -> None:
    report = import_ctf(ctf(pupil(MAYA), bad), by=secondary_senco)

    outcome, reasons = report.pupils[1].outcome, report.pupils[1].reasons
    assert outcome is Outcome.SKIPPED
    assert any(text.startswith(reason) for text in reasons), reasons
    assert not any("Select the primary need" in text for text in reasons)
    assert list(Child.objects.values_list("upn", flat=True)) == [MAYA]


def test_a_pupil_twice_in_one_file_is_skipped_both_times(
    secondary: Setting, secondary_senco: User
) -> None:
    report = import_ctf(ctf(pupil(MAYA), pupil(BEN), pupil(MAYA)), by=secondary_senco)

    assert [p.outcome for p in report.pupils] == [Outcome.SKIPPED, Outcome.CREATED, Outcome.SKIPPED]
    assert report.pupils[0].reasons[0].startswith(f"UPN {MAYA} appears more than once in the file")
    assert list(Child.objects.values_list("upn", flat=True)) == [BEN]


def test_an_admission_date_before_the_date_of_birth_skips_the_pupil(
    secondary: Setting, secondary_senco: User
) -> None:
    report = import_ctf(ctf(pupil(MAYA)), by=secondary_senco, starts_on=dt.date(2010, 9, 1))

    assert report.pupils[0].outcome is Outcome.SKIPPED
    reason = report.pupils[0].reasons[0]
    assert reason.startswith(
        "Date of birth 2014-03-21 is after the first day at Gorse Hill Academy (1 September 2010)"
    )
    assert not Child.objects.exists()


@pytest.mark.parametrize("dest", [("873", "9999"), ("999", "4001")])
def test_an_unknown_destination_refuses_the_whole_file(secondary: Setting, dest) -> None:
    with pytest.raises(CtfError, match="No setting in this service has LA code"):
        import_ctf(ctf(pupil(MAYA), dest=dest), by=None)

    assert not Child.objects.exists()


def test_an_unknown_destination_code_mmm_refuses_the_whole_file(secondary: Setting) -> None:
    with pytest.raises(CtfError, match="MMM/MMMM"):
        import_ctf(ctf(pupil(MAYA), dest=("MMM", "MMMM")), by=None)


def test_a_truncated_file_writes_nothing(secondary: Setting) -> None:
    whole = ctf(pupil(MAYA), pupil(BEN), pupil(ZOE))

    with pytest.raises(CtfError, match="ends too early"):
        import_ctf(whole[: int(len(whole) * 0.7)], by=None)

    assert not Child.objects.exists()
    assert not Enrolment.objects.exists()


def test_someone_who_cannot_add_children_at_the_destination_is_refused(
    secondary: Setting, primary: Setting
) -> None:
    primary_senco = staff(Role.SENCO, primary)

    with pytest.raises(PermissionDenied):
        import_ctf(
            ctf(pupil(MAYA)),
            by=primary_senco,
            allowed_settings=Setting.objects.filter(pk=primary.pk),
        )

    assert not Child.objects.exists()


def test_a_child_already_known_is_updated_and_moves_once_the_primary_confirms(
    primary: Setting, secondary: Setting, secondary_senco: User
) -> None:
    child = child_on_roll(primary, upn=MAYA, date_of_birth=dt.date(2014, 3, 21))
    primary_senco = staff(Role.SENCO, primary)
    set_needs(
        child.passport,
        sen_provision="K",
        need_types=["SLCN"],
        broad_areas=["CI"],
        needs_description="Finds spoken instructions hard",
        by=primary_senco,
    )
    version = Passport.objects.get(child=child).version

    report = import_ctf(
        ctf(pupil(MAYA, provision="E", needs=[("SLCN", 1), ("ASD", 2)])), by=secondary_senco
    )

    assert report.pupils[0].outcome is Outcome.PENDING_TRANSFER
    assert needs_of(child) == ("K", [("SLCN", 1)])
    confirm_pending_transfer(PendingTransfer.objects.get(child=child), by=primary_senco)
    passport = Passport.objects.get(child=child)
    assert needs_of(child) == ("E", [("SLCN", 1), ("ASD", 2)])
    assert passport.version == version + 1
    assert passport.needs_description == "Finds spoken instructions hard"
    assert Enrolment.objects.get(
        child=child, setting=primary
    ).ends_on == FILE_DATE.date() - dt.timedelta(days=1)


def test_a_child_already_on_roll_at_the_destination_is_not_admitted_twice(
    secondary: Setting, secondary_senco: User
) -> None:
    child = child_on_roll(secondary, upn=MAYA, date_of_birth=dt.date(2014, 3, 21))
    set_needs(
        child.passport,
        sen_provision="K",
        need_types=["SLCN"],
        broad_areas=[],
        needs_description="x",
        by=secondary_senco,
    )

    report = import_ctf(ctf(pupil(MAYA)), by=secondary_senco)

    assert report.pupils[0].outcome is Outcome.UNCHANGED
    assert Enrolment.objects.filter(child=child).count() == 1


def test_a_later_enrolment_at_the_destination_overlapping_skips_the_pupil(
    secondary: Setting, secondary_senco: User
) -> None:
    child = child_on_roll(secondary, upn=MAYA, date_of_birth=dt.date(2014, 3, 21))
    Enrolment.objects.filter(child=child).update(starts_on=dt.date(2025, 9, 3))

    report = import_ctf(ctf(pupil(MAYA)), by=secondary_senco)

    assert report.pupils[0].outcome is Outcome.SKIPPED
    assert "already on roll" in report.pupils[0].reasons[0]
    assert Passport.objects.get(child=child).ranked_needs.count() == 0


def test_a_upn_held_with_another_date_of_birth_neither_confirms_nor_denies_it_and_is_audited(
    primary: Setting, secondary: Setting, secondary_senco: User
) -> None:
    child = child_on_roll(primary, upn=MAYA, date_of_birth=dt.date(2014, 1, 1))

    report = import_ctf(ctf(pupil(MAYA)), by=secondary_senco)

    assert report.pupils[0].outcome is Outcome.SKIPPED
    assert report.pupils[0].reasons == [
        "This pupil could not be matched: ask the child's current school or the local authority"
    ]
    assert "date of birth" not in report.pupils[0].reasons[0]
    (attempt,) = AuditEvent.objects.filter(child_id=child.pk, actor_id=secondary_senco.pk)
    assert (attempt.action, attempt.allowed, attempt.setting_id) == (
        "request_transfer",
        False,
        primary.pk,
    )


def test_a_upn_from_outside_england_is_imported_with_a_note(
    secondary: Setting, secondary_senco: User
) -> None:
    from passport.core.identifiers import make_upn

    welsh = make_upn("660", "2001", 1)

    report = import_ctf(ctf(pupil(welsh)), by=secondary_senco)

    assert report.pupils[0].outcome is Outcome.CREATED
    assert "not an English local authority code" in report.pupils[0].reasons[0]
    assert local_authority("873").code == "873"
