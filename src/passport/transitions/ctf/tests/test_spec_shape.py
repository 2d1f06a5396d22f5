"""CTF 25 as a school's MIS writes it: both SEN blocks inside SENhistory, codes retired in 2014
kept as history, and the files this service's own exports wrote before (needs beside
SENhistory) still read, with a warning naming that shape."""

from __future__ import annotations

from pathlib import Path

import pytest

from passport.children.models import Child
from passport.organisations.models import Setting
from passport.passports.models import Passport
from passport.people.models import User
from passport.transitions.ctf.builder import build_ctf
from passport.transitions.ctf.importer import Outcome, Result, import_ctf
from passport.transitions.ctf.parser import OLD_NEEDS_WARNING, CtfPupil, CtfReader
from passport.transitions.ctf.tests.conftest import ctf, header, pupil

pytestmark = pytest.mark.django_db

FILES = Path(__file__).resolve().parent / "files"
MIS_FILE = FILES / "mis_spec_shape.xml"
OLD_EXPORT = FILES / "export_before_ctf25_shape.xml"
MAYA, BEN = "M873200100001", "B873200100002"


def sen(upn: str) -> tuple[str, list[tuple[str, int]]]:
    passport = Passport.objects.get(child__upn=upn)
    return passport.sen_provision, list(
        passport.ranked_needs.order_by("rank").values_list("need_type", "rank")
    )


def test_a_mis_file_brings_every_sen_pupil_with_their_needs(
    secondary: Setting, secondary_senco: User
) -> None:
    report = import_ctf(MIS_FILE, by=secondary_senco)

    assert report.counts["created"] == 4, report.pupils
    assert report.result is Result.IMPORTED and report.exit_status == 0
    assert report.warnings == []
    assert sen("L873200100010") == ("E", [("ASD", 1), ("SLCN", 2)])
    assert sen("A873200100011") == ("K", [("NSA", 1)])
    assert sen("P873200100012") == ("E", [("SEMH", 1)])
    assert Child.objects.filter(upn="D873200100013").exists()


def test_codes_retired_in_2014_are_kept_as_history_not_refused(
    secondary: Setting, secondary_senco: User
) -> None:
    report = import_ctf(MIS_FILE, by=secondary_senco)

    jakub = next(p for p in report.pupils if p.upn == "P873200100012")
    assert jakub.outcome is Outcome.CREATED
    assert (
        "SENtype BESD kept as history: Behaviour, emotional and social difficulty was last a "
        "census need in 2014 (now SEMH)" in jakub.reasons
    )
    description = Passport.objects.get(child__upn="P873200100012").needs_description
    assert "SENprovision P (School Action Plus) from 4 September 2013" in description
    assert "SENprovision S (Statement of special educational needs) from 2 June 2014" in description
    assert "SENtype BESD (Behaviour, emotional and social difficulty), SENtypeRank 2" in description


def test_a_pupil_whose_latest_sen_record_is_a_statement_is_admitted_without_sen_data(
    secondary: Setting, secondary_senco: User
) -> None:
    report = import_ctf(ctf(pupil(MAYA, provision="S", needs=[("BESD", 1)])), by=secondary_senco)

    (maya,) = report.pupils
    assert maya.outcome is Outcome.CREATED
    assert any(
        r.startswith("SEN history kept: the latest SEN record is SENprovision S")
        for r in maya.reasons
    )
    assert sen(MAYA) == ("K", [])  # a new passport's default, not the file's old code
    assert "SENtype BESD, SENtypeRank 1" in Passport.objects.get(child__upn=MAYA).needs_description


def test_an_ehc_plan_with_only_a_retired_need_says_what_to_record(
    secondary: Setting, secondary_senco: User
) -> None:
    report = import_ctf(ctf(pupil(MAYA, provision="E", needs=[("BESD", 1)])), by=secondary_senco)

    assert report.pupils[0].outcome is Outcome.SKIPPED
    assert report.pupils[0].reasons == [
        "SENtype BESD is no longer a census need (now SEMH): with SENprovision E the pupil "
        "needs a current primary need, SENtypeRank 1"
    ]


def test_a_file_in_our_old_export_shape_still_imports_with_a_warning_naming_it(
    secondary: Setting, secondary_senco: User
) -> None:
    report = import_ctf(OLD_EXPORT, by=secondary_senco)

    assert report.counts["created"] == 1
    assert sen("T873200100014") == ("K", [("SPLD", 1), ("VI", 2)])
    assert report.warnings == [OLD_NEEDS_WARNING]
    assert "SENneeds is outside SENhistory" in OLD_NEEDS_WARNING
    assert OLD_NEEDS_WARNING in report.pupils[0].reasons


def test_needs_both_inside_and_outside_senhistory_read_the_ctf_25_ones() -> None:
    content = ctf(pupil(MAYA, needs=[("SLCN", 1)])).replace(
        b"</SENhistory>",
        b"</SENhistory><SENneeds><SENneed><SENtype>HI</SENtype>"
        b"<SENtypeRank>1</SENtypeRank></SENneed></SENneeds>",
    )

    with CtfReader(content) as reader:
        (maya,) = [p for p in reader.read() if isinstance(p, CtfPupil)]

    assert [(n.need_type, n.rank) for n in maya.needs] == [("SLCN", 1)]
    assert maya.warnings == [
        "SENneeds appears both inside and outside SENhistory: only the one inside SENhistory "
        "(CTF 25) was read"
    ]


def test_a_rank_that_is_not_a_number_names_the_element_and_value() -> None:
    content = ctf(pupil(MAYA)).replace(b"<SENtypeRank>1<", b"<SENtypeRank>first<")

    with CtfReader(content) as reader:
        (maya,) = [p for p in reader.read() if isinstance(p, CtfPupil)]

    assert maya.problems == [
        "SENtypeRank first for SLCN is not a rank: ranks are 1 (primary) and 2 (secondary)"
    ]


def test_the_builder_never_writes_needs_beside_senhistory() -> None:
    content = build_ctf(header(), [pupil(MAYA, provision="E", needs=[("ASD", 1), ("HI", 2)])])

    assert b"</SEN>\n        <SENneeds>" in content
    assert b"</SENneeds>\n      </SENhistory>" in content


def test_every_pupil_refused_is_nothing_imported(secondary: Setting, secondary_senco: User) -> None:
    report = import_ctf(
        ctf(pupil(MAYA, needs=[("SLCN", 3)]), pupil(BEN, needs=[("XYZ", 1)])), by=secondary_senco
    )

    assert report.result is Result.NOT_IMPORTED and report.exit_status == 1
    assert report.summary == (
        "Nothing was imported: every pupil was refused (0 created, 0 updated, 0 unchanged, "
        "2 skipped, 0 pending transfer)"
    )


def test_some_pupils_refused_is_a_partial_import(secondary: Setting, secondary_senco: User) -> None:
    report = import_ctf(ctf(pupil(MAYA), pupil(BEN, needs=[("SLCN", 3)])), by=secondary_senco)

    assert report.result is Result.PARTLY_IMPORTED and report.exit_status == 2
