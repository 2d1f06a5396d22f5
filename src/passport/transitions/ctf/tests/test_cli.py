"""`passport ctf import FILE` and `passport ctf export --urn URN`."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from passport.children.models import Child
from passport.organisations.models import Setting
from passport.people.models import Role
from passport.testing.factories import child_on_roll, staff
from passport.transitions.ctf.parser import CtfReader
from passport.transitions.ctf.tests.conftest import ctf, pupil
from passport.transitions.services import record_admission

pytestmark = pytest.mark.django_db


def test_import_prints_a_summary_table(tmp_path: Path, secondary: Setting) -> None:
    path = tmp_path / "ctf.xml"
    path.write_bytes(ctf(pupil("M873200100001"), pupil("M873200100002")))
    out = io.StringIO()

    call_command("ctf", "import", str(path), stdout=out, stderr=io.StringIO())

    assert "1 created, 0 updated, 0 unchanged, 1 skipped" in out.getvalue()
    assert "Invalid UPN" in out.getvalue()
    assert Child.objects.count() == 1


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
