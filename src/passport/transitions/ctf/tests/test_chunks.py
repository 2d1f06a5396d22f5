"""Importing a CTF a chunk of pupils at a time: a bad pupil in a chunk is skipped and the rest of
the chunk lands, a crash leaves whole pupils only, a second run changes nothing, and the
receiving SENCO gets one email per import."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from passport.audit.models import AuditEvent
from passport.audit.services import verify_chain
from passport.children.models import Child, Enrolment
from passport.core.identifiers import make_upn
from passport.organisations.models import Setting
from passport.passports.models import Passport, RankedNeed
from passport.passports.services import passport_history
from passport.people.models import Role, User
from passport.testing.factories import MembershipFactory, child_on_roll
from passport.transitions.ctf import importer
from passport.transitions.ctf.importer import Outcome, import_ctf
from passport.transitions.ctf.tests.conftest import FILE_DATE, ctf, pupil
from passport.transitions.models import Admission

pytestmark = pytest.mark.django_db


def upn(n: int) -> str:
    return make_upn("873", "2001", n)


def five_pupils(**bad: object) -> list:
    """Five pupils; `bad` replaces the third with a pupil made from these changes."""
    pupils = [pupil(upn(n), surname=f"Family{n}", forename=f"Pupil{n}") for n in range(1, 6)]
    if bad:
        pupils[2] = pupil(upn(3), **bad)  # type: ignore[arg-type]
    return pupils


def whole(child: Child, destination: Setting) -> bool:
    """A pupil is whole when it has its passport, its needs and its admission."""
    passport = Passport.objects.filter(child=child).first()
    return (
        passport is not None
        and passport.ranked_needs.exists()
        and Admission.objects.filter(child=child, setting=destination).exists()
        and Enrolment.objects.filter(child=child, setting=destination).exists()
    )


def test_pupils_in_several_chunks_are_reported_in_file_order(
    secondary: Setting, secondary_senco: User
) -> None:
    report = import_ctf(ctf(*five_pupils()), by=secondary_senco, chunk_size=2)

    assert [p.upn for p in report.pupils] == [upn(n) for n in range(1, 6)]
    assert report.counts == {
        "created": 5,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
        "pending_transfer": 0,
    }
    assert all(whole(child, secondary) for child in Child.objects.all())
    assert verify_chain().ok


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ({"surname": "<b>Hughes</b>"}, "must not contain HTML"),
        ({"needs": [("SLCN", 1), ("ASD", 3)]}, "SENtypeRank 3 for ASD"),
    ],
    ids=["markup-in-name", "bad-rank"],
)
def test_a_bad_pupil_in_the_middle_of_a_chunk_is_skipped_and_the_rest_land(
    secondary: Setting, secondary_senco: User, bad: dict, reason: str
) -> None:
    report = import_ctf(ctf(*five_pupils(**bad)), by=secondary_senco, chunk_size=5)

    assert [p.outcome for p in report.pupils] == [
        Outcome.CREATED,
        Outcome.CREATED,
        Outcome.SKIPPED,
        Outcome.CREATED,
        Outcome.CREATED,
    ]
    assert any(reason in text for text in report.pupils[2].reasons), report.pupils[2].reasons
    assert set(Child.objects.values_list("upn", flat=True)) == {upn(n) for n in (1, 2, 4, 5)}
    assert all(whole(child, secondary) for child in Child.objects.all())


def test_a_known_pupil_whose_admission_is_refused_mid_chunk_keeps_the_rest_of_the_chunk(
    primary: Setting, secondary: Setting, secondary_senco: User
) -> None:
    # Already on roll at the destination from a later date: refused when the chunk is written.
    known = child_on_roll(secondary, upn=upn(3), date_of_birth=dt.date(2014, 3, 21))
    Enrolment.objects.filter(child=known).update(starts_on=dt.date(2025, 9, 3))
    other = child_on_roll(primary, upn=upn(4), date_of_birth=dt.date(2014, 3, 21))
    # The importer leads the primary too, so its pupil moves at once rather than waiting.
    MembershipFactory(user=secondary_senco, role=Role.SENCO, setting=primary)

    report = import_ctf(ctf(*five_pupils()), by=secondary_senco, chunk_size=5)

    outcomes = [p.outcome for p in report.pupils]
    assert outcomes == [
        Outcome.CREATED,
        Outcome.CREATED,
        Outcome.SKIPPED,
        Outcome.UPDATED,
        Outcome.CREATED,
    ]
    assert "already on roll" in report.pupils[2].reasons[0]
    # Nothing of the refused pupil was written: not even the needs from the file.
    assert not RankedNeed.objects.filter(passport__child=known).exists()
    assert whole(other, secondary)
    assert Enrolment.objects.get(
        child=other, setting=primary
    ).ends_on == FILE_DATE.date() - dt.timedelta(days=1)


def test_a_upn_held_with_another_date_of_birth_mid_chunk_is_skipped_without_saying_why(
    primary: Setting, secondary: Setting, secondary_senco: User
) -> None:
    known = child_on_roll(primary, upn=upn(3), date_of_birth=dt.date(2014, 1, 1))

    report = import_ctf(ctf(*five_pupils()), by=secondary_senco, chunk_size=5)

    assert report.pupils[2].outcome is Outcome.SKIPPED
    assert report.pupils[2].reasons == [importer.UNMATCHED]
    assert report.count(Outcome.CREATED) == 4
    # The attempt is kept, though the chunk it was refused from was rolled back and written again.
    (attempt,) = AuditEvent.objects.filter(child_id=known.pk, action="request_transfer")
    assert (attempt.allowed, attempt.actor_id, attempt.setting_id) == (
        False,
        secondary_senco.pk,
        primary.pk,
    )


def test_the_same_file_twice_changes_nothing_the_second_time(
    primary: Setting, secondary: Setting, secondary_senco: User
) -> None:
    child_on_roll(primary, upn=upn(2), date_of_birth=dt.date(2014, 3, 21))
    content = ctf(*five_pupils(surname="<i>x</i>"))
    import_ctf(content, by=secondary_senco, chunk_size=2)

    def state() -> tuple:
        return (
            list(Child.objects.order_by("pk").values_list("pk", "upn")),
            list(Passport.objects.order_by("pk").values_list("pk", "version")),
            Passport.history.count(),  # type: ignore[attr-defined]
            RankedNeed.history.count(),  # type: ignore[attr-defined]
            list(Enrolment.objects.order_by("pk").values_list("pk", "starts_on", "ends_on")),
            Admission.objects.count(),
            AuditEvent.objects.exclude(action="request_transfer").count(),
        )

    before = state()
    asked = AuditEvent.objects.filter(action="request_transfer").count()
    again = import_ctf(content, by=secondary_senco, chunk_size=2)

    # The pupil on roll at the primary waits for it to confirm, asked for once only.
    assert again.counts == {
        "created": 0,
        "updated": 0,
        "unchanged": 3,
        "skipped": 1,
        "pending_transfer": 1,
    }
    assert state() == before
    # Asking again is a probe of that child, kept in their audit trail.
    assert AuditEvent.objects.filter(action="request_transfer").count() == asked + 1


def test_a_crash_mid_file_leaves_whole_pupils_and_a_second_run_finishes(
    secondary: Setting, secondary_senco: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = ctf(*five_pupils())
    real_admit = importer.admit_chunk
    calls = []

    def crash_on_second_chunk(*args: object, **kwargs: object):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt("the process was stopped")
        return real_admit(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(importer, "admit_chunk", crash_on_second_chunk)
    with pytest.raises(KeyboardInterrupt):
        import_ctf(content, by=secondary_senco, chunk_size=2)

    assert set(Child.objects.values_list("upn", flat=True)) == {upn(1), upn(2)}
    assert all(whole(child, secondary) for child in Child.objects.all())
    assert not Passport.objects.exclude(child__upn__in=[upn(1), upn(2)]).exists()

    monkeypatch.setattr(importer, "admit_chunk", real_admit)
    report = import_ctf(content, by=secondary_senco, chunk_size=2)

    assert report.counts == {
        "created": 3,
        "updated": 0,
        "unchanged": 2,
        "skipped": 0,
        "pending_transfer": 0,
    }
    assert all(whole(child, secondary) for child in Child.objects.all())
    assert verify_chain().ok


def test_the_receiving_senco_gets_one_email_for_the_whole_import(
    secondary: Setting, secondary_senco: User
) -> None:
    import_ctf(ctf(*five_pupils()), by=secondary_senco, chunk_size=2)

    assert [m.to for m in mail.outbox] == [[secondary_senco.email]]
    message = mail.outbox[0]
    assert "5 children have been admitted to Gorse Hill Academy" in message.body
    for detail in ("Pupil1", "Family1", upn(1)):
        assert detail not in message.body + message.subject
    assert not Admission.objects.filter(notified_at__isnull=True).exists()

    import_ctf(ctf(*five_pupils()), by=secondary_senco, chunk_size=2)

    assert len(mail.outbox) == 1


def test_a_new_pupil_has_the_history_and_state_the_one_by_one_path_writes(
    secondary: Setting, secondary_senco: User
) -> None:
    needs = [("ASD", 1), ("SLCN", 2)]
    import_ctf(ctf(pupil(upn(1), provision="E", needs=needs)), by=secondary_senco)
    context = importer._Context(
        importer.survey(importer.CtfReader(ctf(pupil(upn(2))))).header,
        secondary,
        FILE_DATE.date(),
        frozenset(),
        secondary_senco,
    )
    one_by_one = pupil(upn(2), provision="E", needs=needs)
    importer._import_pupil(importer._checked(one_by_one, context), context)

    def described(upn_: str) -> tuple:
        passport = Passport.objects.get(child__upn=upn_)
        changes = sorted(
            (c.section, c.what, tuple(sorted(c.fields)), c.who) for c in passport_history(passport)
        )
        return (
            passport.version,
            passport.updated_by_id,
            passport.sen_provision,
            passport.broad_areas,
            passport.needs_description,
            list(passport.ranked_needs.values_list("need_type", "rank")),
            changes,
        )

    assert described(upn(1)) == described(upn(2))
    assert described(upn(1))[0] == 2
    assert [c[1] for c in described(upn(1))[-1]] == ["Added", "Changed", "Added", "Added"]
    audit = [
        list(AuditEvent.objects.filter(child_id=c).values_list("relationship", "reason"))
        for c in Child.objects.order_by("upn").values_list("pk", flat=True)
    ]
    assert audit[0] == audit[1]
