"""`passport settings import-gias` and `import-early-years`: settings from the national registers,
read from files written as the registers publish them."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from passport.organisations.models import Setting
from passport.organisations.tests.gias_files import (
    EARLY_YEARS_HEADER,
    gias_row,
    write_gias,
    write_published,
)

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, int]:
    out = StringIO()
    try:
        call_command("settings", *args, stdout=out)
    except SystemExit as exit_:
        return out.getvalue(), int(exit_.code or 0)
    return out.getvalue(), 0


def extract() -> list[dict[str, str]]:
    return [
        gias_row("103254", "St Chad's Catholic Primary School", UKPRN="10076543"),
        gias_row(
            "147001",
            "École Française Jacques-Prévert",
            **{
                "TypeOfEstablishment (name)": "Other independent school",
                "PhaseOfEducation (name)": "Not applicable",
                "StatutoryLowAge": "3",
                "StatutoryHighAge": "11",
                "EstablishmentNumber": "6001",
            },
        ),
        gias_row(
            "145678",
            "Fürstenberg Academy",
            **{
                "TypeOfEstablishment (name)": "Academy special converter",
                "PhaseOfEducation (name)": "Not applicable",
                "StatutoryLowAge": "11",
                "StatutoryHighAge": "19",
                "OpenDate": "01-09-2018",
                "SEN1 (name)": "ASD - Autistic Spectrum Disorder",
                "SEN2 (name)": "SLCN - Speech, language and Communication",
                "SenUnitCapacity": "12",
                "SenUnitOnRoll": "11",
            },
        ),
        gias_row(
            "103001",
            "Bordesley Green Infant School",
            **{
                "EstablishmentStatus (name)": "Closed",
                "CloseDate": "31-08-2018",
                "StatutoryHighAge": "7",
            },
        ),
        # A Welsh school: GIAS lists it, its local authority is not English.
        gias_row(
            "401234",
            "Ysgol Gymraeg Llundain",
            **{"LA (code)": "669", "TypeOfEstablishment (name)": "Welsh establishment"},
        ),
    ]


def test_an_extract_as_published_loads_each_english_school_and_a_second_run_changes_nothing(
    tmp_path,
):
    path = write_gias(tmp_path / "edubasealldata20260901.csv", extract())

    summary, code = run("import-gias", str(path))

    assert code == 0
    assert "5 row(s): 4 new, 0 changed, 0 unchanged, 0 closed, 1 skipped" in summary
    french = Setting.objects.get(urn="147001")
    assert french.name == "École Française Jacques-Prévert"
    assert (french.kind, french.local_authority.code, french.estab) == ("primary", "330", "6001")
    special = Setting.objects.get(name="Fürstenberg Academy")
    assert special.kind == Setting.Kind.SPECIAL
    assert (special.statutory_low_age, special.statutory_high_age) == (11, 19)
    assert special.gias_type_code == 44
    assert special.opened_on == dt.date(2018, 9, 1)
    assert (special.sen_unit_capacity, special.sen_unit_on_roll) == (12, 11)
    assert special.sen_provision_types == [
        "ASD - Autistic Spectrum Disorder",
        "SLCN - Speech, language and Communication",
    ]
    closed = Setting.objects.get(urn="103001")
    assert (closed.status, closed.closed_on) == (Setting.Status.CLOSED, dt.date(2018, 8, 31))
    assert Setting.objects.get(urn="103254").ukprn == "10076543"
    assert not Setting.objects.filter(urn="401234").exists()

    again, code = run("import-gias", str(path))

    assert code == 0
    assert "5 row(s): 0 new, 0 changed, 4 unchanged, 0 closed, 1 skipped" in again


def test_a_later_extract_changes_what_changed_and_counts_the_closures(tmp_path):
    run("import-gias", str(write_gias(tmp_path / "april.csv", extract())))
    later = extract()
    later[0] = gias_row(
        "103254",
        "St Chad's Catholic Primary School",
        **{"EstablishmentStatus (name)": "Closed", "CloseDate": "31-03-2026"},
    )
    later[1]["EstablishmentName"] = "École Française Jacques-Prévert de Birmingham"

    summary, code = run("import-gias", str(write_gias(tmp_path / "may.csv", later)))

    assert code == 0
    assert "2 changed, 2 unchanged, 1 closed" in summary
    assert Setting.objects.get(urn="103254").closed_on == dt.date(2026, 3, 31)


def test_bad_rows_are_named_and_refused_while_the_rest_load(tmp_path):
    rows = [
        *extract()[:2],
        gias_row("103002", "Alum Rock Primary", CloseDate="31/08/2024"),
        gias_row("103003", "Nechells Primary", **{"LA (code)": "33"}),
        gias_row("103004", "Small Heath Nursery", StatutoryLowAge="9", StatutoryHighAge="4"),
        gias_row("103005", "Aston Manor", **{"TypeOfEstablishment (name)": "Grammar school"}),
        gias_row("10300X", "Saltley Primary"),
        gias_row("103254", "St Chad's again"),
    ]
    path = write_gias(tmp_path / "edubasealldata.csv", rows)

    summary, code = run("import-gias", str(path))

    assert code == 2
    assert "8 row(s): 2 new, 0 changed, 0 unchanged, 0 closed, 0 skipped" in summary
    assert "6 refused" in summary
    assert "line 4, URN 103002: CloseDate '31/08/2024': is not a date written dd-mm-yyyy" in summary
    assert "line 5, URN 103003: LA (code) '33': is not a 3-digit DfE local authority code" in (
        summary
    )
    assert "line 6, URN 103004: StatutoryLowAge '9': is above the high age" in summary
    assert "line 7, URN 103005: TypeOfEstablishment (name) 'Grammar school'" in summary
    assert "line 8, URN 10300X: URN '10300X': is not a GIAS URN" in summary
    assert "line 9, URN 103254: URN '103254': is already on line 2" in summary
    assert set(Setting.objects.values_list("urn", flat=True)) == {"103254", "147001"}


def test_a_file_saved_again_as_utf8_is_refused_whole(tmp_path):
    path = write_gias(tmp_path / "edubasealldata.csv", extract(), encoding="utf-8")

    with pytest.raises(CommandError, match="is in UTF-8, not Windows-1252") as refused:
        call_command("settings", "import-gias", str(path))

    assert refused.value.returncode == 1
    assert not Setting.objects.exists()
    # Told it is UTF-8, the operator may load it as such, and the names come out right.
    summary, code = run("import-gias", str(path), "--encoding", "utf-8")
    assert code == 0
    assert "4 new" in summary
    assert Setting.objects.filter(name="École Française Jacques-Prévert").exists()


def test_a_file_that_cannot_be_windows_1252_is_refused_whole(tmp_path):
    path = write_gias(tmp_path / "edubasealldata.csv", extract())
    path.write_bytes(path.read_bytes().replace(b"Chad's", b"Chad\x81s"))

    with pytest.raises(CommandError, match=r"not in cp1252: byte 0x81 on line 2"):
        call_command("settings", "import-gias", str(path))
    assert not Setting.objects.exists()


def test_a_file_that_is_not_a_gias_extract_is_refused_naming_the_missing_columns(tmp_path):
    path = tmp_path / "wave.csv"
    path.write_text("upn,urn,start_date\r\nA123,103254,2026-09-03\r\n", encoding="cp1252")

    with pytest.raises(
        CommandError, match=r"not a GIAS establishments file .*: it has no column 'URN'"
    ):
        call_command("settings", "import-gias", str(path))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("settings", "import-gias", str(tmp_path / "missing.csv"))


def test_early_years_providers_load_with_ofsted_and_local_authority_urns(tmp_path):
    rows = [
        {
            "URN": "EY123456",
            "LA (code)": "330",
            "EstablishmentName": "Les Petits Câlins Day Nursery",
            "ProviderType (name)": "Childcare on non-domestic premises",
            "EstablishmentStatus (name)": "Open",
            "OpenDate": "14-02-2019",
        },
        {
            "URN": "BHM20417",
            "LA (code)": "330",
            "EstablishmentName": "Zoë's Playgroup",
            "EstablishmentStatus (name)": "Open",
            "StatutoryLowAge": "2",
            "StatutoryHighAge": "4",
        },
        {"URN": "EY12", "LA (code)": "330", "EstablishmentName": "Short URN"},
    ]
    path = write_published(tmp_path / "early_years.csv", EARLY_YEARS_HEADER, rows)

    summary, code = run("import-early-years", str(path))

    assert code == 2
    assert "3 row(s): 2 new" in summary
    assert "line 4, URN EY12: URN 'EY12': is not an Ofsted URN" in summary
    nursery = Setting.objects.get(urn="EY123456")
    assert nursery.name == "Les Petits Câlins Day Nursery"
    assert (nursery.kind, nursery.source, nursery.gias_type_code) == (
        "early_years",
        "early_years",
        None,
    )
    assert (nursery.statutory_low_age, nursery.statutory_high_age) == (0, 5)
    assert nursery.phase == "Childcare on non-domestic premises"
    playgroup = Setting.objects.get(urn="BHM20417")
    assert (playgroup.statutory_low_age, playgroup.statutory_high_age) == (2, 4)
    playgroup.full_clean()

    again, _ = run("import-early-years", str(path))
    assert "0 new, 0 changed, 2 unchanged" in again


def test_an_early_years_file_cannot_take_over_a_school_from_gias(tmp_path):
    run("import-gias", str(write_gias(tmp_path / "gias.csv", extract()[:1])))
    row = {
        "URN": "103254",
        "LA (code)": "330",
        "EstablishmentName": "Renamed by mistake",
        "EstablishmentStatus (name)": "Open",
    }
    path = write_published(tmp_path / "early_years.csv", EARLY_YEARS_HEADER, [row])

    summary, code = run("import-early-years", str(path))

    assert code == 2
    assert "is the URN of a school or college from GIAS" in summary
    assert Setting.objects.get(urn="103254").name == "St Chad's Catholic Primary School"
