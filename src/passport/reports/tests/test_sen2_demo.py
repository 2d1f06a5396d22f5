"""Done when: the demo local authority's SEN2 return passes every DfE field check."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command

from passport.children.models import Child
from passport.core.dates import today
from passport.demo.generator import DEMO_LA_CODE
from passport.ehcp.models import AssessmentRequest, Plan
from passport.organisations.models import LocalAuthority
from passport.people.models import User
from passport.reports.sen2.export import export_sen2, next_census_date
from passport.reports.sen2.spec import MODULES, Kind, code_list
from passport.reports.sen2.validate import check_value, validate_return

pytestmark = pytest.mark.django_db


def give_plans_to_demo_children_with_ehc_provision(la: LocalAuthority) -> None:
    """Record a plan for each demo child whose passport says E but who has no plan yet.

    The demo's passports say which children have EHC plans; the plans themselves, made before
    the service, are recorded here as the LA would record its existing caseload.
    """
    caseworker = User.objects.get(email="caseworker@la.demo.example")
    for child in Child.objects.filter(passport__sen_provision="E", ehc_plans__isnull=True):
        setting = child.enrolments.order_by("-starts_on").first().setting
        Plan.objects.create(
            child=child,
            local_authority=la,
            route=Plan.Route.LEGACY_PRE_REFORM,
            status=Plan.Status.FINAL,
            finalised_on=max(child.date_of_birth, dt.date(2020, 1, 1)) + dt.timedelta(days=400),
            placement=setting,
            updated_by=caseworker,
        )


def test_demo_la_sen2_return_passes_every_dfe_check(tmp_path):
    call_command(
        "demo", "--children", "80", verbosity=0, stdout=io.StringIO(), stderr=io.StringIO()
    )
    la = LocalAuthority.objects.get(code=DEMO_LA_CODE)
    give_plans_to_demo_children_with_ehc_provision(la)
    census = next_census_date(today())

    result = export_sen2(la, census_date=census, out_dir=tmp_path)

    # Read the files back and check them, independently of what the exporter kept in memory.
    tables: dict[str, list[dict[str, str]]] = {}
    for module in MODULES:
        with (tmp_path / module.filename).open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            assert reader.fieldnames == module.columns, module.title
            tables[module.key] = list(reader)
        for row in tables[module.key]:
            for field in module.fields:
                value = row[field.name]
                assert check_value(field, value, census_date=census) is None, (field.name, value)
                if field.kind is Kind.CODE and value:
                    assert value in code_list(field.codes or ""), (field.name, value)
    assert validate_return(tables, census_date=census) == []
    assert result.problems == []
    assert not (tmp_path / "sen2_problems.csv").exists()

    # Everyone the LA holds a request or plan for is in the return, once.
    expected = set(
        Plan.objects.filter(local_authority=la).values_list("child_id", flat=True)
    ) | set(AssessmentRequest.objects.filter(local_authority=la).values_list("child_id", flat=True))
    assert len(expected) > 20
    assert {row["PersonRef"] for row in tables["person"]} == {f"P{pk}" for pk in expected}
    assert len(tables["named_plan"]) >= len(tables["active_plans"]) > 20
    assert tables["placement"] and tables["sen_need"]
