"""The SEN2 return: built from requests, plans, passports and enrolments, checked field by field."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from passport.core.policy import current_pack
from passport.ehcp.models import (
    AnnualReview,
    AssessmentDecision,
    AssessmentRequest,
    ClockException,
    Plan,
    StatutoryClock,
)
from passport.passports.models import RankedNeed
from passport.reports.sen2.export import (
    build_sen2,
    census_date_for,
    export_sen2,
    next_census_date,
)
from passport.reports.sen2.spec import MODULES, Field, Kind, code_list
from passport.reports.sen2.validate import check_value, validate_return
from passport.testing.factories import (
    SettingFactory,
    UserFactory,
    child_on_roll,
    local_authority,
)

pytestmark = pytest.mark.django_db

CENSUS = dt.date(2026, 1, 15)


def request_for(child, la, received_on, *, by=None, status=AssessmentRequest.Status.RECEIVED):
    return AssessmentRequest.objects.create(
        child=child,
        local_authority=la,
        requester_kind=AssessmentRequest.RequesterKind.PARENT,
        requested_by=by or UserFactory(),
        received_on=received_on,
        reason="Needs are not met by the support in place",
        status=status,
    )


def decide(request, kind, on):
    stage = "assess" if kind in ("assess", "not_assess") else "issue"
    refusal = kind in ("not_assess", "not_issue")
    return AssessmentDecision.objects.create(
        request=request,
        stage=stage,
        kind=kind,
        decided_on=on,
        decided_by=UserFactory(),
        reason="Needs can be met without a plan" if refusal else "",
        appeal_by=on + dt.timedelta(days=61) if refusal else None,
    )


def issued_plan(child, la, request, *, finalised_on, placement=None, **extra):
    return Plan.objects.create(
        child=child,
        local_authority=la,
        request=request,
        status=extra.pop("status", Plan.Status.FINAL),
        draft_issued_on=finalised_on - dt.timedelta(days=20),
        finalised_on=finalised_on,
        placement=placement,
        **extra,
    )


@pytest.fixture
def bristol():
    return local_authority("801")


@pytest.fixture
def school(bristol):
    return SettingFactory(urn="108931", local_authority=bristol)


@pytest.fixture
def child_with_plan(bristol, school):
    """A child whose plan was issued in the collection year, with two ranked needs."""
    child = child_on_roll(school, date_of_birth=dt.date(2016, 5, 1))
    RankedNeed.objects.create(passport=child.passport, need_type="SLCN", rank=1)
    RankedNeed.objects.create(passport=child.passport, need_type="ASD", rank=2)
    request = request_for(
        child, bristol, dt.date(2025, 2, 3), status=AssessmentRequest.Status.FINAL_ISSUED
    )
    decide(request, "assess", dt.date(2025, 3, 10))
    decide(request, "issue", dt.date(2025, 5, 30))
    plan = issued_plan(child, bristol, request, finalised_on=dt.date(2025, 6, 20), placement=school)
    return child, request, plan


def rows(result, module_key):
    return result.tables[module_key]


def test_a_plan_issued_in_the_year_fills_every_module(bristol, child_with_plan):
    child, _, _ = child_with_plan
    result = build_sen2(bristol, census_date=CENSUS)

    assert result.problems == []
    [person] = rows(result, "person")
    assert (person["Surname"], person["UPN"], person["PersonBirthDate"]) == (
        child.family_name,
        child.upn,
        "2016-05-01",
    )
    [req] = rows(result, "requests")
    assert (req["ReceivedDate"], req["RequestOutcome"], req["RequestOutcomeDate"]) == (
        "2025-02-03",
        "Y",
        "2025-03-10",
    )
    [assessment] = rows(result, "assessment")
    assert assessment["AssessmentOutcome"] == "Y"
    assert assessment["AssessmentOutcomeDate"] == "2025-06-20"  # the day the plan was issued
    assert assessment["Week20"] == "0"
    [named] = rows(result, "named_plan")
    assert (named["StartDate"], named["URN"], named["CeaseDate"]) == ("2025-06-20", "108931", "")
    [placement] = rows(result, "placement")
    assert (placement["URN"], placement["PlacementRank"], placement["EntryDate"]) == (
        "108931",
        "1",
        "2021-09-01",
    )
    assert [(n["SENtype"], n["SENtypeRank"]) for n in rows(result, "sen_need")] == [
        ("SLCN", "1"),
        ("ASD", "2"),
    ]


def test_an_exception_to_the_20_week_limit_is_reported(bristol, child_with_plan):
    _, request, _ = child_with_plan
    clock = StatutoryClock.objects.create(
        child=request.child,
        request=request,
        clock="final_plan",
        starts_on=request.received_on,
        due_on=request.received_on + dt.timedelta(weeks=24),
        met_on=dt.date(2025, 6, 20),
    )
    ClockException.objects.create(
        statutory_clock=clock,
        kind="pause",
        starts_on=dt.date(2025, 4, 1),
        ends_on=dt.date(2025, 4, 28),
        reason="The family was abroad for four weeks",
        recorded_by=UserFactory(),
    )
    [assessment] = rows(build_sen2(bristol, census_date=CENSUS), "assessment")
    assert assessment["Week20"] == "1"


def test_a_refused_request_and_an_undecided_one(bristol, school):
    refused = request_for(
        child_on_roll(school), bristol, dt.date(2025, 9, 1), status="not_assessing"
    )
    decide(refused, "not_assess", dt.date(2025, 10, 6))
    waiting = request_for(child_on_roll(school), bristol, dt.date(2026, 1, 5))
    result = build_sen2(bristol, census_date=CENSUS)

    outcomes = {r["RequestRef"]: r for r in rows(result, "requests")}
    assert outcomes[f"R{refused.pk}"]["RequestOutcome"] == "N"
    assert outcomes[f"R{refused.pk}"]["RequestOutcomeDate"] == "2025-10-06"
    assert outcomes[f"R{waiting.pk}"]["RequestOutcome"] == "A"
    assert outcomes[f"R{waiting.pk}"]["RequestOutcomeDate"] == ""
    assert rows(result, "assessment") == []  # no assessment followed either
    assert result.problems == []


def test_what_happened_after_the_census_date_is_left_out(bristol, school):
    request = request_for(child_on_roll(school), bristol, dt.date(2025, 12, 1))
    decide(request, "assess", dt.date(2026, 1, 20))  # after the census
    [req] = rows(build_sen2(bristol, census_date=CENSUS), "requests")
    assert (req["RequestOutcome"], req["RequestOutcomeDate"]) == ("A", "")


def test_a_ceased_plan_carries_the_sen2_code_for_the_packs_reason(bristol, child_with_plan):
    _, _, plan = child_with_plan
    Plan.objects.filter(pk=plan.pk).update(
        status="ceased", ceased_on=dt.date(2025, 11, 30), ceasing_reason="he"
    )
    result = build_sen2(bristol, census_date=CENSUS)
    [named] = rows(result, "named_plan")
    assert (named["CeaseDate"], named["CeaseReason"]) == ("2025-11-30", "3")
    assert result.problems == []


def test_every_ceasing_reason_in_the_pack_has_a_sen2_code():
    with (Path(__file__).parents[1] / "sen2" / "codes" / "cease_reason.csv").open() as handle:
        mapped = {row["pack_code"] for row in csv.DictReader(handle)}
    assert {reason.code for reason in current_pack().ehcp.ceasing_reasons} <= mapped


def test_a_plan_from_before_the_service_is_historical(bristol, school):
    child = child_on_roll(school)
    RankedNeed.objects.create(passport=child.passport, need_type="SLD", rank=1)
    plan = issued_plan(
        child,
        bristol,
        None,
        finalised_on=dt.date(2019, 3, 1),
        placement=school,
        route="legacy_pre_reform",
    )
    AnnualReview.objects.create(
        plan=plan,
        meeting_on=dt.date(2025, 3, 3),
        outcome="keep",
        decided_on=dt.date(2025, 3, 20),
        recorded_by=UserFactory(),
    )
    result = build_sen2(bristol, census_date=CENSUS)
    [req] = rows(result, "requests")
    assert (req["RequestRef"], req["RequestOutcome"], req["ReceivedDate"]) == (
        f"L{plan.pk}",
        "H",
        "",
    )
    [active] = rows(result, "active_plans")
    assert active["LastReview"] == "2025-03-20"
    assert result.problems == []


def test_another_las_plans_are_not_in_the_return(bristol, school):
    request_for(child_on_roll(school), local_authority("803"), dt.date(2025, 6, 1))
    assert build_sen2(bristol, census_date=CENSUS).counts()["person"] == 0


def test_a_child_without_a_upn_is_reported_not_dropped(bristol, child_with_plan):
    child, _, _ = child_with_plan
    child.upn = None
    child.save()
    result = build_sen2(bristol, census_date=CENSUS)

    assert len(rows(result, "person")) == 1  # still in the return
    [problem] = result.problems
    assert (problem.column, problem.person) == ("UPN", f"P{child.pk}")
    assert "UPN or ULN" in problem.message


def test_a_young_child_without_a_upn_is_under_6(bristol, school):
    child = child_on_roll(school, date_of_birth=dt.date(2022, 1, 1), upn=None)
    request_for(child, bristol, dt.date(2025, 10, 1))
    [person] = rows(build_sen2(bristol, census_date=CENSUS), "person")
    assert (person["UPN"], person["UPNunknown"]) == ("", "UN1")


def test_a_need_sen2_does_not_collect_is_reported(bristol, child_with_plan):
    child, _, _ = child_with_plan
    RankedNeed.objects.filter(passport=child.passport, rank=2).update(need_type="NSA")
    problems = build_sen2(bristol, census_date=CENSUS).problems
    assert [(p.column, p.value) for p in problems] == [("SENtype", "NSA")]


def test_a_plan_naming_no_setting_is_reported(bristol, child_with_plan):
    _, _, plan = child_with_plan
    Plan.objects.filter(pk=plan.pk).update(placement=None)
    problems = build_sen2(bristol, census_date=CENSUS).problems
    assert [(p.module, p.column) for p in problems] == [("Module 4: Named plan", "URN")]


def test_an_early_years_provider_without_a_gias_urn_is_eyp(bristol):
    nursery = SettingFactory(
        kind="early_years", urn="2718204", gias_type_code=None, local_authority=bristol
    )
    child = child_on_roll(nursery, date_of_birth=dt.date(2022, 2, 2), upn=None)
    RankedNeed.objects.create(passport=child.passport, need_type="PMLD", rank=1)
    request = request_for(child, bristol, dt.date(2025, 1, 6), status="final_issued")
    decide(request, "assess", dt.date(2025, 2, 10))
    decide(request, "issue", dt.date(2025, 4, 1))
    issued_plan(child, bristol, request, finalised_on=dt.date(2025, 5, 1), placement=nursery)
    result = build_sen2(bristol, census_date=CENSUS)
    [placement] = rows(result, "placement")
    assert (placement["URN"], placement["SENsetting"]) == ("", "EYP")
    assert result.problems == []


@pytest.mark.parametrize(
    ("field", "value", "wrong"),
    [
        (Field("D", Kind.DATE, "a date"), "15/01/2026", "YYYY-MM-DD"),
        (Field("D", Kind.DATE, "a date"), "2026-02-30", "real date"),
        (Field("D", Kind.DATE, "a date"), "2026-02-01", "census date"),
        (Field("C", Kind.CODE, "a need", codes="sen_type"), "NSA", "not in the DfE code list"),
        (Field("U", Kind.UPN, "a UPN"), "A801200001001", "check letter"),
        (Field("U", Kind.UPN, "a UPN"), "h801200001001", "upper case"),
        (Field("L", Kind.ULN, "a ULN"), "123456789", "10 digits"),
        (Field("R", Kind.URN, "a URN"), "2718204", "6 digits"),
        (Field("K", Kind.UKPRN, "a UKPRN"), "20001234", "starting with 1"),
        (Field("T", Kind.LA_CODE, "an LA"), "999", "not a DfE local authority code"),
        (Field("P", Kind.POSTCODE, "a postcode"), "bs1 5tr", "postcode"),
        (Field("S", Kind.TEXT, "a name", required=True), "", "Enter a name"),
        (Field("S", Kind.TEXT, "a name", max_length=3), "Abcd", "3 characters"),
        (Field("S", Kind.TEXT, "a name"), " Ann", "spaces"),
    ],
)
def test_a_bad_value_gets_a_message_saying_how_to_fix_it(field, value, wrong):
    message = check_value(field, value, census_date=CENSUS)
    assert message is not None and wrong in message


@pytest.mark.parametrize(
    ("field", "value"),
    [
        (Field("D", Kind.DATE, "a date"), "2026-01-15"),
        (Field("C", Kind.CODE, "a need", codes="sen_type"), "DS"),
        (Field("U", Kind.UPN, "a UPN"), "H801200001001"),
        (Field("L", Kind.ULN, "a ULN"), "1234567899"),
        (Field("T", Kind.LA_CODE, "an LA"), "801"),
        (Field("P", Kind.POSTCODE, "a postcode"), "BS1 5TR"),
        (Field("O", Kind.TEXT, "optional"), ""),
    ],
)
def test_a_good_value_passes(field, value):
    assert check_value(field, value, census_date=CENSUS) is None


def test_rows_that_point_at_nothing_and_repeated_ranks_are_reported():
    tables = {m.key: [] for m in MODULES}
    tables["sen_need"] = [
        {"RequestRef": "R1", "SENtype": "ASD", "SENtypeRank": "1"},
        {"RequestRef": "R1", "SENtype": "HI", "SENtypeRank": "1"},
    ]
    messages = {p.message for p in validate_return(tables, census_date=CENSUS)}
    assert "No request row has this reference" in messages
    assert "Give one need ranked 1, and at most one ranked 2" in messages


def test_census_dates_are_the_third_thursday_of_january():
    assert census_date_for(2025) == dt.date(2025, 1, 16)
    assert census_date_for(2024) == dt.date(2024, 1, 18)
    assert census_date_for(2023) == dt.date(2023, 1, 19)  # as the DfE's 2023 guide says
    assert next_census_date(dt.date(2026, 11, 28)) == dt.date(2027, 1, 21)
    assert next_census_date(dt.date(2027, 1, 21)) == dt.date(2027, 1, 21)


def test_export_writes_one_utf8_csv_per_module_with_dfe_columns(tmp_path, bristol, child_with_plan):
    child, _, _ = child_with_plan
    child.family_name = "Ó Súilleabháin"
    child.save()
    result = export_sen2(bristol, census_date=CENSUS, out_dir=tmp_path)

    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(m.filename for m in MODULES)
    for module in MODULES:
        with (tmp_path / module.filename).open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            assert reader.fieldnames == module.columns
            assert len(list(reader)) == result.counts()[module.key]
    person = (tmp_path / "sen2_1_person.csv").read_text(encoding="utf-8")
    assert "Ó Súilleabháin" in person


def test_export_lists_the_problems_in_a_file(tmp_path, bristol, child_with_plan):
    child, _, _ = child_with_plan
    child.upn = None
    child.save()
    export_sen2(bristol, census_date=CENSUS, out_dir=tmp_path)
    with (tmp_path / "sen2_problems.csv").open(encoding="utf-8") as handle:
        [problem] = list(csv.DictReader(handle))
    assert (problem["Column"], problem["Reference"]) == ("UPN", f"P{child.pk}")


def test_command_prints_rows_per_module(tmp_path, bristol, child_with_plan):
    out = io.StringIO()
    call_command(
        "sen2",
        "export",
        "--la",
        "801",
        "--census-date",
        "2026-01-15",
        "--out",
        str(tmp_path),
        stdout=out,
        stderr=io.StringIO(),
    )
    printed = out.getvalue()
    assert "Bristol" in printed and "census date 2026-01-15" in printed
    assert "Module 1: Person details" in printed and "1 rows" in printed
    assert "Every field matches" in printed


def test_command_fails_with_the_problems_when_the_return_has_any(
    tmp_path, bristol, child_with_plan
):
    child, _, _ = child_with_plan
    child.upn = None
    child.save()
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 problems"):
        call_command(
            "sen2",
            "export",
            "--la",
            "801",
            "--census-date",
            "2026-01-15",
            "--out",
            str(tmp_path),
            stdout=out,
            stderr=io.StringIO(),
        )
    assert "Enter the UPN or ULN" in out.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--la", "999"], "no local authority"),
        (["--la", "801", "--census-date", "15/01/2026"], "YYYY-MM-DD"),
    ],
)
def test_command_refuses_bad_options_clearly(tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("sen2", "export", *args, "--out", str(tmp_path), stdout=io.StringIO())


def test_every_code_list_has_codes():
    for module in MODULES:
        for field in module.fields:
            if field.kind is Kind.CODE:
                assert code_list(field.codes or ""), field.name


def test_a_name_that_looks_like_a_formula_is_written_as_text(tmp_path):
    from passport.reports.sen2.export import _write_csv

    path = tmp_path / "person.csv"
    _write_csv(path, ["Surname", "Forename"], [{"Surname": "=HYPERLINK(1)", "Forename": "Ana"}])
    assert path.read_text(encoding="utf-8").splitlines()[1] == "'=HYPERLINK(1),Ana"
