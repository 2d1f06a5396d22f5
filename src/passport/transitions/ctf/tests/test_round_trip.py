"""Exporting a CTF for leavers, and the round trip: export from one setting, import into another."""

from __future__ import annotations

import datetime as dt

import pytest
from lxml import etree

from passport.audit.models import AuditEvent
from passport.children.models import Child
from passport.organisations.models import Setting
from passport.passports.models import Passport
from passport.passports.services import set_needs
from passport.people.models import Role, User
from passport.testing.factories import child_on_roll, staff
from passport.transitions.ctf.exporter import export_ctf, leavers
from passport.transitions.ctf.importer import import_ctf
from passport.transitions.ctf.parser import CtfHeader, CtfPupil, CtfReader
from passport.transitions.services import record_admission

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
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
            # An EHC plan comes from the local authority's plan records, not the needs page:
            # here the passport is simply saved with it, as the plan service would leave it.
            passport = Passport.objects.get(child=child)
            passport.sen_provision = "E"
            passport.save()
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
