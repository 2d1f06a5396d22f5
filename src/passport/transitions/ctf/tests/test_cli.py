"""`passport ctf import FILE` and `passport ctf export --urn URN`."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from passport.children.models import Child
from passport.organisations.models import Setting
from passport.people.models import Role
from passport.testing.factories import child_on_roll, staff
from passport.transitions.ctf.parser import CtfReader
from passport.transitions.ctf.tests.conftest import ctf, pupil
from passport.transitions.models import Admission
from passport.transitions.services import record_admission

pytestmark = pytest.mark.django_db


def test_import_prints_a_summary_table_and_exits_2_when_some_pupils_are_refused(
    tmp_path: Path, secondary: Setting
) -> None:
    path = tmp_path / "ctf.xml"
    path.write_bytes(ctf(pupil("M873200100001"), pupil("M873200100002")))
    out = io.StringIO()

    with pytest.raises(CommandError) as refused:
        call_command("ctf", "import", str(path), stdout=out, stderr=io.StringIO())

    assert refused.value.returncode == 2
    assert "Some pupils were refused" in str(refused.value)
    assert "1 created, 0 updated, 0 unchanged, 1 skipped, 0 pending transfer" in out.getvalue()
    assert "UPN M873200100002 has the wrong check letter" in out.getvalue()
    assert Child.objects.count() == 1


def test_import_exits_0_when_every_pupil_is_imported_and_never_shows_the_school_name(
    tmp_path: Path, secondary: Setting
) -> None:
    path = tmp_path / "ctf.xml"
    path.write_bytes(ctf(pupil("M873200100001")))
    out = io.StringIO()

    call_command("ctf", "import", str(path), stdout=out, stderr=io.StringIO())

    assert "The pupil was imported" in out.getvalue()
    assert "From 8732001 to Gorse Hill Academy, first day 18 July 2025" in out.getvalue()
    assert "Oak Primary" not in out.getvalue()  # the file's free-text SchoolName


def test_import_exits_1_when_every_pupil_is_refused(tmp_path: Path, secondary: Setting) -> None:
    path = tmp_path / "ctf.xml"
    path.write_bytes(ctf(pupil("M873200100001", needs=[("SLCN", 3)])))
    out = io.StringIO()

    with pytest.raises(CommandError) as refused:
        call_command("ctf", "import", str(path), stdout=out, stderr=io.StringIO())

    assert refused.value.returncode == 1
    assert "Nothing was imported: every pupil was refused" in str(refused.value)
    assert "SENtypeRank 3 for SLCN: ranks are 1 (primary) and 2 (secondary)" in out.getvalue()


def test_start_date_sets_the_first_day(tmp_path: Path, secondary: Setting) -> None:
    path = tmp_path / "ctf.xml"
    path.write_bytes(ctf(pupil("M873200100001")))
    out = io.StringIO()

    call_command(
        "ctf", "import", str(path), "--start-date", "2025-09-03", stdout=out, stderr=io.StringIO()
    )

    assert Admission.objects.get().starts_on == dt.date(2025, 9, 3)
    assert "first day 3 September 2025" in out.getvalue()


def test_a_start_date_that_is_not_a_date_is_refused(tmp_path: Path, secondary: Setting) -> None:
    path = tmp_path / "ctf.xml"
    path.write_bytes(ctf(pupil("M873200100001")))

    with pytest.raises(CommandError, match="is not a date like 2025-09-03"):
        call_command("ctf", "import", str(path), "--start-date", "3/9/2025")
    assert not Child.objects.exists()


def test_the_help_documents_the_exit_status() -> None:
    shown = subprocess.run(
        [sys.executable, "-m", "passport.cli", "ctf", "import", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    assert "--start-date YYYY-MM-DD" in shown
    assert "0  every pupil was imported" in shown
    assert "1  the file was refused whole, or nothing was imported" in shown
    assert "2  some pupils were refused" in shown


def test_import_as_someone_who_cannot_add_children_there_is_refused(
    tmp_path: Path, secondary: Setting, primary: Setting
) -> None:
    path = tmp_path / "ctf.xml"
    path.write_bytes(ctf(pupil("M873200100001")))
    user = staff(Role.SENCO, primary)

    with pytest.raises(CommandError, match="only its SENCO or head"):
        call_command("ctf", "import", str(path), "--as", user.email, stderr=io.StringIO())
    assert not Child.objects.exists()


def test_a_bad_file_is_refused_with_the_reason(tmp_path: Path, secondary: Setting) -> None:
    path = tmp_path / "ctf.xml"
    path.write_bytes(b"<CTfile><Header>")

    with pytest.raises(CommandError, match="ends too early"):
        call_command("ctf", "import", str(path))


def test_export_writes_the_leavers_file(
    tmp_path: Path, primary: Setting, secondary: Setting
) -> None:
    child = child_on_roll(primary, upn="M873200100001", date_of_birth=dt.date(2014, 3, 21))
    record_admission(child, secondary, dt.date.today() + dt.timedelta(days=7), by=None)
    target = tmp_path / "out.xml"

    call_command("ctf", "export", "--urn", primary.urn, "--out", str(target), stdout=io.StringIO())

    with CtfReader(target) as reader:
        assert len(list(reader.read())) == 2
