"""Exporting a CTF for leavers, and the round trip: export from one setting, import into another."""

from __future__ import annotations

import datetime as dt

import pytest
from lxml import etree

from passport.audit.models import AuditEvent
from passport.children.models import Child
from passport.organisations.models import Setting
from passport.passports.models import Passport, RankedNeed
from passport.passports.services import plan_provision_changed, set_needs
from passport.people.models import Role, User
from passport.testing.factories import child_on_roll, staff
from passport.transitions.ctf.exporter import export_ctf, leavers
from passport.transitions.ctf.importer import import_ctf
from passport.transitions.ctf.parser import CtfHeader, CtfPupil, CtfReader, CtfSen
from passport.transitions.ctf.tests.conftest import ctf, pupil
from passport.transitions.services import record_admission

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
PLAN_SINCE = dt.date(2024, 3, 4)
NEEDS = {
    "M873200100001": ("E", ["ASD", "SLCN"]),
    "B873200100002": ("K", ["NSA"]),
    "Q873200100003": ("K", ["SPLD"]),
}


def sen(child: Child) -> tuple[str, list[str]]:
    passport = Passport.objects.get(child=child)
    return passport.sen_provision, list(
        passport.ranked_needs.order_by("rank").values_list("need_type", flat=True)
    )


@pytest.fixture
def primary_senco(primary: Setting) -> User:
    return staff(Role.SENCO, primary)


@pytest.fixture
def year_6(primary: Setting, secondary: Setting, primary_senco: User) -> list[Child]:
    """Three children with SEN at the primary, admitted to the secondary from next week."""
    children = []
    for upn, (provision, needs) in NEEDS.items():
        child = child_on_roll(primary, upn=upn, date_of_birth=dt.date(2014, 3, 21))
        set_needs(
            child.passport,
            sen_provision="K",
            need_types=needs,
            broad_areas=[],
            needs_description="Needs described by the primary",
            by=primary_senco,
        )
        if provision == "E":
            # An EHC plan comes from the local authority's plan records, through the one call
            # the plan service makes when it issues or records a plan.
            plan_provision_changed(child.pk, since=PLAN_SINCE, by=primary_senco)
        record_admission(child, secondary, TODAY + dt.timedelta(days=7), by=primary_senco)
        children.append(child)
    return children


def test_leavers_are_the_children_going_to_another_setting(
    primary: Setting, year_6: list[Child]
) -> None:
    staying = child_on_roll(primary)

    assert set(leavers(primary)) == set(year_6)
    assert staying not in leavers(primary)


def test_the_export_names_the_next_setting_and_carries_the_sen_data(
    primary: Setting, year_6: list[Child], primary_senco: User
) -> None:
    export = export_ctf(primary, year_6, by=primary_senco)

    with CtfReader(export.content) as reader:
        items = list(reader.read())
    head = items[0]
    assert isinstance(head, CtfHeader)
    assert (head.source_lea, head.source_estab, head.dest_lea, head.dest_estab) == (
        "873",
        "2001",
        "873",
        "4001",
    )
    assert {
        p.upn: (p.sen_history[-1].provision, [n.need_type for n in p.needs]) for p in items[1:]
    } == {upn: (provision, needs) for upn, (provision, needs) in NEEDS.items()}
    assert export.filename == "8732001_CTF_8734001_001.xml"
    assert export.content.startswith(
        b"<?xml version='1.0' encoding='UTF-8'?>\n<CTfile>\n  <Header>"
    )


def test_every_pupil_exported_is_audited(
    primary: Setting, year_6: list[Child], primary_senco: User
) -> None:
    export_ctf(primary, year_6, by=primary_senco)

    exported = AuditEvent.objects.filter(action="export", actor_id=primary_senco.pk)
    assert sorted(exported.values_list("child_id", flat=True)) == sorted(c.pk for c in year_6)


def test_a_leaver_with_no_known_destination_goes_to_mmm(
    primary: Setting, primary_senco: User
) -> None:
    child = child_on_roll(primary)

    export = export_ctf(primary, [child], by=primary_senco)

    assert b"<LEA>MMM</LEA>" in export.content and b"<Estab>MMMM</Estab>" in export.content


def test_round_trip_into_another_service_keeps_the_sen_data_and_a_second_import_changes_nothing(
    primary: Setting, secondary: Setting, year_6: list[Child], primary_senco: User
) -> None:
    export = export_ctf(primary, year_6, by=primary_senco)
    # The receiving school's service has never seen these children.
    Child.objects.filter(pk__in=[c.pk for c in year_6]).delete()
    secondary_senco = staff(Role.SENCO, secondary)

    first = import_ctf(export.content, by=secondary_senco)
    versions = dict(Passport.objects.values_list("child__upn", "version"))
    second = import_ctf(export.content, by=secondary_senco)

    assert first.counts["created"] == 3, first.pupils
    assert {c.upn: sen(c) for c in Child.objects.all()} == NEEDS
    assert second.counts == {
        "created": 0,
        "updated": 0,
        "unchanged": 3,
        "skipped": 0,
        "pending_transfer": 0,
    }
    assert dict(Passport.objects.values_list("child__upn", "version")) == versions


def test_round_trip_within_the_service_finds_the_passport_already_there(
    primary: Setting, secondary: Setting, year_6: list[Child], primary_senco: User
) -> None:
    export = export_ctf(primary, year_6, by=primary_senco)
    versions = dict(Passport.objects.values_list("child__upn", "version"))

    report = import_ctf(
        export.content, by=staff(Role.SENCO, secondary), starts_on=TODAY + dt.timedelta(days=7)
    )

    assert report.counts["unchanged"] == 3
    assert dict(Passport.objects.values_list("child__upn", "version")) == versions


def test_the_export_puts_both_sen_blocks_inside_senhistory_as_ctf_25_does(
    primary: Setting, year_6: list[Child], primary_senco: User
) -> None:
    export = export_ctf(primary, year_6, by=primary_senco)

    document = etree.fromstring(export.content)
    maya = document.find("CTFpupilData/Pupil")
    assert maya is not None
    assert maya.find("SENneeds") is None  # never beside SENhistory
    assert [e.tag for e in maya.find("SENhistory")] == ["SEN", "SENneeds"]
    assert [
        (n.findtext("SENtype"), n.findtext("SENtypeRank"))
        for n in maya.iterfind("SENhistory/SENneeds/SENneed")
    ] == [("ASD", "1"), ("SLCN", "2")]
    assert maya.findtext("SENhistory/SEN/SENprovision") == "E"


def test_export_import_export_keeps_every_sen_provision_need_and_rank(
    primary: Setting, secondary: Setting, year_6: list[Child], primary_senco: User
) -> None:
    first = export_ctf(primary, year_6, by=primary_senco)
    Child.objects.filter(pk__in=[c.pk for c in year_6]).delete()
    secondary_senco = staff(Role.SENCO, secondary)
    report = import_ctf(first.content, by=secondary_senco)
    assert not report.warnings
    # The file's E is the sending school's word; the plan is the LA's record, made again here.
    maya = Child.objects.get(upn="M873200100001")
    plan_provision_changed(maya.pk, since=PLAN_SINCE, by=secondary_senco)

    again = export_ctf(secondary, Child.objects.order_by("pk"), by=secondary_senco)

    def sen_fields(content: bytes) -> dict[str, tuple[list[str], list[tuple[str, int]]]]:
        with CtfReader(content) as reader:
            pupils = [p for p in reader.read() if isinstance(p, CtfPupil)]
        return {
            p.upn: (
                [s.provision for s in p.sen_history][-1:],
                [(n.need_type, n.rank) for n in p.needs],
            )
            for p in pupils
        }

    assert sen_fields(again.content) == sen_fields(first.content)
    assert sen_fields(first.content)["M873200100001"] == (["E"], [("ASD", 1), ("SLCN", 2)])


def exported_history(setting: Setting, child: Child, by: User) -> list[CtfSen]:
    export = export_ctf(setting, [child], by=by)
    with CtfReader(export.content) as reader:
        (exported,) = [p for p in reader.read() if isinstance(p, CtfPupil)]
    return exported.sen_history


def recorded_on(child: Child, day: dt.date, *, needs: bool = True) -> None:
    """Date the passport's versions so far (and its needs') as if recorded on that day."""
    when = dt.datetime.combine(day, dt.time(10), tzinfo=dt.UTC)
    passport = Passport.objects.get(child=child)
    passport.history.filter(history_date__gte=when).update(history_date=when)
    if needs:
        RankedNeed.history.filter(passport_id=passport.pk, history_date__gte=when).update(
            history_date=when
        )


def test_a_child_with_a_plan_since_4_march_2024_is_exported_with_e_from_that_day(
    primary: Setting, year_6: list[Child], primary_senco: User
) -> None:
    maya = year_6[0]  # SEN support recorded today, the plan issued in March 2024

    assert exported_history(primary, maya, primary_senco) == [CtfSen(PLAN_SINCE, "E")]


def test_sen_support_starts_on_the_day_the_first_need_was_recorded(
    primary: Setting, primary_senco: User
) -> None:
    child = child_on_roll(primary, upn="M873200100001", date_of_birth=dt.date(2014, 3, 21))
    recorded_on(child, dt.date(2022, 9, 5), needs=False)  # joined: no need recorded yet
    set_needs(
        child.passport,
        sen_provision="K",
        need_types=["SPLD"],
        broad_areas=[],
        needs_description="Reading well behind her phonics",
        by=primary_senco,
    )
    recorded_on(child, dt.date(2023, 1, 16))

    assert exported_history(primary, child, primary_senco) == [CtfSen(dt.date(2023, 1, 16), "K")]


def test_a_ceased_plan_stays_in_the_history_between_periods_of_sen_support(
    primary: Setting, primary_senco: User
) -> None:
    child = child_on_roll(primary, upn="M873200100001", date_of_birth=dt.date(2014, 3, 21))
    set_needs(
        child.passport,
        sen_provision="K",
        need_types=["ASD"],
        broad_areas=[],
        needs_description="Needs described by the primary",
        by=primary_senco,
    )
    recorded_on(child, dt.date(2022, 9, 5))
    plan_provision_changed(child.pk, since=PLAN_SINCE, by=primary_senco)
    recorded_on(child, dt.date(2024, 3, 11))  # the LA recorded it a week after issuing it
    plan_provision_changed(child.pk, since=None, by=primary_senco)
    recorded_on(child, dt.date(2025, 2, 3))

    assert exported_history(primary, child, primary_senco) == [
        CtfSen(dt.date(2022, 9, 5), "K"),
        CtfSen(PLAN_SINCE, "E"),
        CtfSen(dt.date(2025, 2, 3), "K"),
    ]


def test_an_e_brought_over_without_a_plan_record_is_exported_as_sen_support(
    secondary: Setting, secondary_senco: User
) -> None:
    """A CTF's E is the sending school's word: until the LA records the plan here, the next
    school is told SEN support, with the needs, rather than of a plan no one here holds."""
    report = import_ctf(
        ctf(pupil("M873200100001", provision="E", needs=(("ASD", 1), ("SLCN", 2)))),
        by=secondary_senco,
        starts_on=TODAY,
    )
    child = Child.objects.get(upn="M873200100001")
    assert report.counts["created"] == 1 and sen(child) == ("E", ["ASD", "SLCN"])

    export = export_ctf(secondary, [child], by=secondary_senco)

    assert exported_history(secondary, child, secondary_senco) == [CtfSen(TODAY, "K")]
    assert b"<SENprovision>E</SENprovision>" not in export.content
    assert b"<SENtype>ASD</SENtype>" in export.content
