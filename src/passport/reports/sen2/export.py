"""Build a local authority's SEN2 return from its records and write one CSV per module.

Who is in the return: every child with an EHC needs assessment request or an EHC plan held by the
local authority that is open at the census date or was decided, issued or ceased in the
collection year (the calendar year before the census). Each request (or a plan made without one)
becomes one chain: request, assessment, named plan, active plan, placements and needs.
Everything is as it stood on the census date: later decisions are left out.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from django.db.models import Q, QuerySet
from tqdm import tqdm

from passport.audit import services as audit
from passport.audit.models import AuditAction
from passport.children.models import Child, Enrolment
from passport.core.clocks import Clock
from passport.core.dates import add_years
from passport.ehcp.models import (
    AnnualReview,
    AssessmentDecision,
    AssessmentRequest,
    ClockException,
    Plan,
)
from passport.organisations.models import LocalAuthority, Setting
from passport.passports.models import RankedNeed
from passport.people.models import User
from passport.reports.sen2.spec import (
    ACTIVE_PLANS,
    ASSESSMENT,
    CODES_DIR,
    MODULES,
    NAMED_PLAN,
    PERSON,
    PLACEMENT,
    REQUESTS,
    SEN_NEED,
)
from passport.reports.sen2.validate import Problem, validate_return
from passport.web.charts import csv_cell

# The product does not record sex or ethnicity yet: the DfE's own "not known" codes say so
# honestly rather than guessing (see docs/sen2.md).
SEX_NOT_RECORDED = "U"
ETHNICITY_NOT_RECORDED = "NOBT"
PROBLEMS_FILE = "sen2_problems.csv"
# What of a child's record the return carries: names, birth date and UPN; needs; EHC steps.
RETURN_SECTIONS = ("identity", "needs", "ehcp")


def census_date_for(year: int) -> dt.date:
    """Return the SEN2 census date in January of `year`: the third Thursday, as in most years.

    The DfE names the date in each year's guide (2021's was the second Thursday): pass
    `--census-date` when it differs.
    """
    first = dt.date(year, 1, 1)
    first_thursday = first + dt.timedelta(days=(3 - first.weekday()) % 7)
    return first_thursday + dt.timedelta(weeks=2)


def next_census_date(on: dt.date) -> dt.date:
    """Return the first census date on or after `on`."""
    this_year = census_date_for(on.year)
    return this_year if on <= this_year else census_date_for(on.year + 1)


@dataclass
class Sen2Return:
    """The rows of every module, and what is wrong with them."""

    local_authority: LocalAuthority
    census_date: dt.date
    tables: dict[str, list[dict[str, str]]]
    problems: list[Problem] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)

    def child_ids(self) -> list[int]:
        """Return the children the return names, in the order of module 1."""
        return [int(row["PersonRef"][1:]) for row in self.tables[PERSON.key]]

    def counts(self) -> dict[str, int]:
        """Return the number of rows in each module, in DfE order."""
        return {module.key: len(self.tables[module.key]) for module in MODULES}


def _day(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def _cease_codes() -> dict[str, str]:
    """Map the policy pack's ceasing reason codes to the SEN2 codes 1-9."""
    with (CODES_DIR / "cease_reason.csv").open(encoding="utf-8", newline="") as handle:
        return {row["pack_code"]: row["code"] for row in csv.DictReader(handle)}


def placement_columns(setting: Setting | None) -> dict[str, str]:
    """Return URN, UKPRN and SENsetting for a setting: a GIAS URN, or the SEN2 setting type."""
    if setting is None:
        return {"URN": "", "UKPRN": "", "SENsetting": ""}
    if setting.gias_type_code is not None:
        return {"URN": setting.urn, "UKPRN": "", "SENsetting": ""}
    # Only early years providers are in the service without a GIAS record: their URN is
    # Ofsted's, which SEN2 does not take.
    if setting.kind == Setting.Kind.EARLY_YEARS:
        return {"URN": "", "UKPRN": "", "SENsetting": "EYP"}
    return {"URN": "", "UKPRN": "", "SENsetting": ""}


def _request_ref(request_id: int) -> str:
    return f"R{request_id}"


def _plan_only_ref(plan_id: int) -> str:
    return f"L{plan_id}"


def _person_ref(child_id: int) -> str:
    return f"P{child_id}"


@dataclass
class _Chain:
    """One request (or a plan made without one) and what followed, as at the census date."""

    ref: str
    child_id: int
    request: AssessmentRequest | None
    plan: Plan | None
    request_outcome: str = ""
    assessment_outcome: str = ""


class _Builder:
    def __init__(
        self,
        la: LocalAuthority,
        census_date: dt.date,
        bar: tqdm,
        children: QuerySet[Child] | None = None,
    ) -> None:
        self.la = la
        self.children = children
        self.census = census_date
        self.year_starts = dt.date(census_date.year - 1, 1, 1)
        self.bar = bar
        self.chains: list[_Chain] = []

    # -- who is in the return --

    def _plans(self) -> list[Plan]:
        """Plans issued by the census date and not ceased before the collection year."""
        plans = Plan.objects.filter(local_authority=self.la, finalised_on__lte=self.census)
        if self.children is not None:
            plans = plans.filter(child__in=self.children)
        return list(
            plans.filter(
                Q(ceased_on__isnull=True) | Q(ceased_on__gte=self.year_starts)
            ).select_related("placement")
        )

    def _requests(self, plan_request_ids: set[int]) -> list[AssessmentRequest]:
        """Requests received by the census date that are open, recent, or behind a plan."""
        requests = AssessmentRequest.objects.filter(
            local_authority=self.la, received_on__lte=self.census
        )
        if self.children is not None:
            requests = requests.filter(child__in=self.children)
        return list(
            requests.filter(
                Q(received_on__gte=self.year_starts)
                | Q(pk__in=plan_request_ids)
                | Q(status__in=AssessmentRequest.OPEN)
                | Q(decisions__decided_on__gte=self.year_starts)
            )
            .distinct()
            .prefetch_related("decisions")
        )

    def collect(self) -> None:
        plans = self._plans()
        by_request = {p.request_id: p for p in plans if p.request_id is not None}
        requests = self._requests(set(by_request))
        for request in sorted(requests, key=lambda r: (r.received_on, r.pk)):
            chain = _Chain(
                _request_ref(request.pk), request.child_id, request, by_request.get(request.pk)
            )
            self._outcomes(chain)
            self.chains.append(chain)
        in_return = {r.pk for r in requests}
        for plan in plans:
            if plan.request_id is None or plan.request_id not in in_return:
                chain = _Chain(_plan_only_ref(plan.pk), plan.child_id, None, plan, "H", "H")
                self.chains.append(chain)

    def _decision(self, request: AssessmentRequest, stage: str) -> AssessmentDecision | None:
        return next(
            (
                d
                for d in request.decisions.all()
                if d.stage == stage and d.decided_on <= self.census
            ),
            None,
        )

    def _outcomes(self, chain: _Chain) -> None:
        request = chain.request
        assert request is not None
        assess = self._decision(request, AssessmentDecision.Stage.ASSESS)
        issue = self._decision(request, AssessmentDecision.Stage.ISSUE)
        withdrawn = request.status == AssessmentRequest.Status.WITHDRAWN
        if assess is None:
            chain.request_outcome = "W" if withdrawn else "A"
            return
        if assess.decided_on < self.year_starts:
            chain.request_outcome = "H"
        else:
            chain.request_outcome = "Y" if assess.kind == AssessmentDecision.Kind.ASSESS else "N"
        if assess.kind == AssessmentDecision.Kind.NOT_ASSESS:
            return
        if issue is None:
            chain.assessment_outcome = "W" if withdrawn else "A"
        elif issue.decided_on < self.year_starts:
            chain.assessment_outcome = "H"
        else:
            chain.assessment_outcome = "Y" if issue.kind == AssessmentDecision.Kind.ISSUE else "N"

    # -- the modules --

    def person_rows(self) -> list[dict[str, str]]:
        ids = sorted({c.child_id for c in self.chains})
        children = Child.objects.in_bulk(ids)
        outcomes: dict[int, set[str]] = defaultdict(set)
        for chain in self.chains:
            outcomes[chain.child_id].add(chain.request_outcome)
            outcomes[chain.child_id].add(chain.assessment_outcome)
        rows = []
        for child_id in ids:
            child = children[child_id]
            rows.append(
                {
                    "PersonRef": _person_ref(child.pk),
                    "Surname": child.family_name.strip(),
                    "Forename": child.given_name.strip(),
                    "PersonBirthDate": _day(child.date_of_birth),
                    "Sex": SEX_NOT_RECORDED,
                    "Ethnicity": ETHNICITY_NOT_RECORDED,
                    "PostCode": "",
                    "UPN": child.upn or "",
                    "UniqueLearnerNumber": child.uln or "",
                    "UPNunknown": self._upn_unknown(child, outcomes[child_id]),
                }
            )
            self.bar.update(1)
        return rows

    def _upn_unknown(self, child: Child, outcomes: set[str]) -> str:
        """Return the reason a child has neither a UPN nor a ULN, where the records show it."""
        if child.upn or child.uln:
            return ""
        if self.census < add_years(child.date_of_birth, 6):
            return "UN1"
        if outcomes <= {"N", "W", ""}:
            return "UN10"
        # Anything else needs a person to say why: the validator reports the row.
        return ""

    def request_rows(self) -> list[dict[str, str]]:
        rows = []
        for chain in self.chains:
            request = chain.request
            decided = None
            if request is not None and chain.request_outcome in ("Y", "N"):
                decided = self._decision(request, AssessmentDecision.Stage.ASSESS)
            rows.append(
                {
                    "PersonRef": _person_ref(chain.child_id),
                    "RequestRef": chain.ref,
                    "ReceivedDate": _day(request.received_on) if request else "",
                    "RequestOutcomeDate": _day(decided.decided_on) if decided else "",
                    "RequestOutcome": chain.request_outcome,
                    # Mediation and tribunals are not recorded in the service yet.
                    "RequestMediation": "",
                    "RequestTribunal": "",
                }
            )
        return rows

    def assessment_rows(self) -> list[dict[str, str]]:
        excepted = self._requests_with_final_plan_exceptions()
        rows = []
        for chain in self.chains:
            if not chain.assessment_outcome:
                continue
            outcome, when = chain.assessment_outcome, None
            if chain.request is not None and outcome == "N":
                decision = self._decision(chain.request, AssessmentDecision.Stage.ISSUE)
                when = decision.decided_on if decision else None
            elif outcome == "Y" and chain.plan is not None:
                finalised = chain.plan.finalised_on
                when = finalised if finalised and finalised <= self.census else None
            week20 = ""
            if when is not None:
                week20 = "1" if chain.request and chain.request.pk in excepted else "0"
            rows.append(
                {
                    "RequestRef": chain.ref,
                    "AssessmentOutcome": outcome,
                    "AssessmentOutcomeDate": _day(when),
                    "AssessmentMediation": "",
                    "AssessmentTribunal": "",
                    "Week20": week20,
                }
            )
        return rows

    def _requests_with_final_plan_exceptions(self) -> set[int]:
        """Return requests whose 20-week clock (or 16 weeks, for a refusal) had an exception."""
        ids = [c.request.pk for c in self.chains if c.request is not None]
        return set(
            ClockException.objects.filter(
                statutory_clock__request_id__in=ids,
                statutory_clock__clock__in=[Clock.FINAL_PLAN, Clock.DECIDE_NOT_TO_ISSUE],
                starts_on__lte=self.census,
            ).values_list("statutory_clock__request_id", flat=True)
        )

    def _issued(self) -> list[_Chain]:
        return [
            c
            for c in self.chains
            if c.plan is not None
            and c.plan.finalised_on is not None
            and c.plan.finalised_on <= self.census
        ]

    def named_plan_rows(self) -> list[dict[str, str]]:
        cease_codes = _cease_codes()
        rows = []
        for chain in self._issued():
            plan = chain.plan
            assert plan is not None
            ceased = plan.ceased_on if plan.ceased_on and plan.ceased_on <= self.census else None
            rows.append(
                {
                    "RequestRef": chain.ref,
                    "StartDate": _day(plan.finalised_on),
                    **placement_columns(plan.placement),
                    "CeaseDate": _day(ceased),
                    # An unmapped reason stays visible to the validator instead of vanishing.
                    "CeaseReason": cease_codes.get(plan.ceasing_reason, plan.ceasing_reason)
                    if ceased
                    else "",
                }
            )
        return rows

    def active_plan_rows(self) -> list[dict[str, str]]:
        issued = self._issued()
        last_review: dict[int, dt.date | None] = {}
        for plan_id, decided_on in (
            AnnualReview.objects.filter(
                plan_id__in=[c.plan.pk for c in issued if c.plan],
                decided_on__lte=self.census,
            )
            .order_by("decided_on")
            .values_list("plan_id", "decided_on")
        ):
            last_review[plan_id] = decided_on
        rows = []
        for chain in issued:
            assert chain.plan is not None
            rows.append(
                {
                    "RequestRef": chain.ref,
                    # Transfers in from another LA are not recorded in the service yet.
                    "TransferLA": "",
                    "LastReview": _day(last_review.get(chain.plan.pk)),
                }
            )
        return rows

    def placement_rows(self) -> list[dict[str, str]]:
        issued = self._issued()
        by_child: dict[int, list[Enrolment]] = defaultdict(list)
        for enrolment in (
            Enrolment.objects.filter(
                child_id__in={c.child_id for c in issued}, starts_on__lte=self.census
            )
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=self.year_starts))
            .select_related("setting")
            .order_by("starts_on", "pk")
        ):
            by_child[enrolment.child_id].append(enrolment)
        rows = []
        for chain in issued:
            for enrolment in by_child[chain.child_id]:
                left = (
                    enrolment.ends_on
                    if enrolment.ends_on and enrolment.ends_on <= self.census
                    else None
                )
                rows.append(
                    {
                        "RequestRef": chain.ref,
                        **placement_columns(enrolment.setting),
                        "PlacementRank": "1"
                        if enrolment.registration == Enrolment.Registration.MAIN
                        else "2",
                        "EntryDate": _day(enrolment.starts_on),
                        "LeavingDate": _day(left),
                    }
                )
        return rows

    def sen_need_rows(self) -> list[dict[str, str]]:
        issued = self._issued()
        needs: dict[int, list[tuple[str, int]]] = defaultdict(list)
        for child_id, need_type, rank in (
            RankedNeed.objects.filter(passport__child_id__in={c.child_id for c in issued})
            .order_by("rank")
            .values_list("passport__child_id", "need_type", "rank")
        ):
            needs[child_id].append((need_type, rank))
        return [
            {"RequestRef": chain.ref, "SENtype": need_type, "SENtypeRank": str(rank)}
            for chain in issued
            for need_type, rank in needs[chain.child_id]
        ]


def build_sen2(
    local_authority: LocalAuthority,
    *,
    census_date: dt.date,
    children: QuerySet[Child] | None = None,
    progress: TextIO | None = None,
) -> Sen2Return:
    """Build every module's rows for the local authority as at the census date, and check them.

    `children` limits the return to those children (the ones the person building it may see);
    None builds it for every child, as the operator's command does.
    """
    with tqdm(
        total=0,
        file=progress,
        disable=progress is None,
        unit="person",
        desc="Finding requests and plans",
        leave=False,
    ) as bar:
        builder = _Builder(local_authority, census_date, bar, children)
        builder.collect()
        bar.total = len({c.child_id for c in builder.chains})
        bar.set_description("Building the return")
        tables = {
            PERSON.key: builder.person_rows(),
            REQUESTS.key: builder.request_rows(),
            ASSESSMENT.key: builder.assessment_rows(),
            NAMED_PLAN.key: builder.named_plan_rows(),
            ACTIVE_PLANS.key: builder.active_plan_rows(),
            PLACEMENT.key: builder.placement_rows(),
            SEN_NEED.key: builder.sen_need_rows(),
        }
    result = Sen2Return(local_authority, census_date, tables)
    result.problems = validate_return(tables, census_date=census_date)
    return result


def _write_csv(path: Path, columns: list[str], rows: Iterable[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\r\n")
        writer.writeheader()
        # Names and free text could start with = + - @: a spreadsheet must not run them.
        writer.writerows(
            {
                key: csv_cell(value) if isinstance(value, str) else value
                for key, value in row.items()
            }
            for row in rows
        )


def export_sen2(
    local_authority: LocalAuthority,
    *,
    census_date: dt.date,
    out_dir: Path,
    children: QuerySet[Child] | None = None,
    progress: TextIO | None = None,
) -> Sen2Return:
    """Build, check and write the return: one CSV per module, and the problems found, if any.

    Rows with problems are written too, so nobody drops out of the return unseen; the problems
    file names each one and how to fix it before the return goes to the DfE.
    """
    result = build_sen2(
        local_authority, census_date=census_date, children=children, progress=progress
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    for module in MODULES:
        path = out_dir / module.filename
        _write_csv(path, module.columns, result.tables[module.key])
        result.files[module.key] = path
    problems_path = out_dir / PROBLEMS_FILE
    if result.problems:
        _write_csv(
            problems_path,
            ["Module", "Row", "Column", "Value", "Reference", "Problem"],
            (
                {
                    "Module": p.module,
                    "Row": str(p.row),
                    "Column": p.column,
                    "Value": p.value,
                    "Reference": p.person,
                    "Problem": p.message,
                }
                for p in result.problems
            ),
        )
        result.files["problems"] = problems_path
    elif problems_path.exists():
        problems_path.unlink()
    return result


def record_return(result: Sen2Return, *, by: User | None, role: str, path: str = "") -> None:
    """Write one audit row per child the return names, so each family sees the child was in it."""
    la = result.local_authority
    reason = f"SEN2 return for {la.code} as at {result.census_date.isoformat()}"
    audit.record_many(
        audit.Entry(
            actor=by,
            role=role,
            relationship="",
            acting_for=la.name,
            setting_id=None,
            action=AuditAction.STATUTORY_RETURN,
            child_id=child_id,
            sections=RETURN_SECTIONS,
            reason=reason,
            allowed=True,
            path=path,
        )
        for child_id in result.child_ids()
    )
