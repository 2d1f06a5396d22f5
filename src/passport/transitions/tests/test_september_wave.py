"""`passport september_wave`: many admissions from one file, safe to run twice."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from passport.children.models import Enrolment
from passport.testing.factories import SettingFactory, child_on_roll
from passport.transitions.models import Admission

pytestmark = pytest.mark.django_db


def run(path) -> tuple[str, int]:
    out = StringIO()
    try:
        call_command("september_wave", str(path), "--batch-size", "2", stdout=out)
    except SystemExit as exit_:
        return out.getvalue(), int(exit_.code or 0)
    return out.getvalue(), 0


def test_the_wave_admits_every_good_row_reports_the_bad_ones_and_is_safe_to_rerun(tmp_path):
    primary = SettingFactory()
    secondary = SettingFactory(urn="700001")
    children = [child_on_roll(primary) for _ in range(3)]
    start = dt.date.today() + dt.timedelta(days=30)
    lines = ["upn,urn,start_date"]
    lines += [f"{c.upn},700001,{start:%d/%m/%Y}" for c in children]
    lines += ["A000000000000,700001,2026-09-03", f"{children[0].upn},999999,2026-09-03"]
    path = tmp_path / "wave.csv"
    path.write_text("\n".join(lines) + "\n")

    summary, code = run(path)

    assert code == 1
    assert "5 row(s): 3 admitted, 0 already admitted, 2 refused" in summary
    assert "row 5: no child has UPN A000000000000" in summary
    assert "row 6: no setting has URN 999999" in summary
    assert Admission.objects.filter(setting=secondary).count() == 3
    assert (
        Enrolment.objects.filter(setting=primary, ends_on=start - dt.timedelta(days=1)).count() == 3
    )

    again, _ = run(path)

    assert "3 already admitted" in again
    assert Admission.objects.count() == 3


def test_a_file_without_the_columns_is_refused(tmp_path):
    path = tmp_path / "wave.csv"
    path.write_text("pupil,school\n1,2\n")

    with pytest.raises(Exception, match="no upn, urn, start_date column"):
        call_command("september_wave", str(path))
