"""National-scale data for benchmarks: `passport bench generate --scale F`.

At `--scale 1.0` England: 538,547 children with an EHC plan and 1,319,780 on SEN support
(January 2026), all 153 local authorities and about 24,000 settings, each child with an on-roll
history, a support passport with every section, years of reviews and layer changes, versions in
the django-simple-history tables, and a hash-chained audit trail.

A smaller scale shrinks the country, not the places in it: fewer local authorities (153 x scale,
at least one) and fewer settings (24,000 x scale, at least five), each about as big as a real one.
So a SENCO's roll, a passport and an LA caseworker's dashboard are the same size at every scale,
and only the tables grow: what the benchmark measures is how pages cope with national tables.

The generator streams: it plans the settings and people (small), then writes children in chunks
(PostgreSQL COPY, SQLite executemany), committing each chunk, so memory stays flat. The audit pass
keeps two compact id arrays (parent and caseworker per child, 16 bytes a child) to choose actors.
Everything is drawn from `random.Random(seed)` and dates relative to today: the same seed gives
the same rows on the same day.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import math
import random
import time
from array import array
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import models

from passport.access.models import CaseloadAssignment
from passport.access.rules import Relationship, current_rules
from passport.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent
from passport.audit.services import HASHED_FIELDS, compute_row_hash
from passport.benchmarking import texts
from passport.benchmarking.loading import Row, Sink, next_ids
from passport.children.models import Child, Enrolment, ParentalResponsibility
from passport.core.dates import add_months, today
from passport.core.identifiers import make_upn
from passport.core.policy import current_pack
from passport.organisations.models import LocalAuthority, Setting
from passport.passports.models import (
    AboutMeContribution,
    LayerAssignment,
    Outcome,
    Passport,
    RankedNeed,
    Review,
    Strategy,
    SupportItem,
)
from passport.people.models import Membership, Role, User
from passport.transitions.models import Admission, SupportConfirmation

# England, January 2026 (DOMAIN.md).
NATIONAL_EHCP = 538_547
NATIONAL_SEN_SUPPORT = 1_319_780
NATIONAL_LAS = 153
NATIONAL_SETTINGS = 24_000
MIN_SETTINGS = 5

BENCH_EMAIL_DOMAIN = "bench.example"
BENCH_PASSWORD = "bench-passport-2026"
DEFAULT_SEED = 2026
DEFAULT_AUDIT_PER_CHILD = 10
DEFAULT_HISTORY_YEARS = 10
DEFAULT_CHUNK = 2_000
URN_BASE = 2_000_000
CASELOAD_SIZE = 180  # EHC plans per LA SEND caseworker
PARENT_SHARE = 0.55  # children with a parent who has an account


@dataclass(frozen=True)
class Kind:
    """A kind of setting: its share of settings, SEN pupils per setting, EHCP share, ages."""

    code: str
    phase: str
    share: float
    pupils: float
    ehcp_share: float
    years: tuple[int, int]  # national curriculum years taught (Reception 0, nursery -1)
    ages: tuple[int, int]


KINDS = (
    Kind("primary", "Primary", 0.66, 1.0, 0.20, (0, 6), (4, 11)),
    Kind("secondary", "Secondary", 0.14, 3.4, 0.22, (7, 11), (11, 16)),
    Kind("special", "Not applicable", 0.05, 1.7, 0.97, (0, 13), (3, 19)),
    Kind("early_years", "Nursery", 0.10, 0.35, 0.06, (-1, -1), (2, 4)),
    Kind("college", "16 plus", 0.05, 2.2, 0.24, (12, 14), (16, 25)),
)

# Primary need, January 2025 shares (rounded): SEN support and EHC plans differ a lot.
NEEDS_SEN_SUPPORT = {
    "SLCN": 25, "SEMH": 21, "MLD": 16, "SPLD": 14, "ASD": 9, "NSA": 4, "OTH": 3, "PD": 2.5,
    "HI": 1.5, "VI": 0.8, "SLD": 0.6, "MSI": 0.2, "PMLD": 0.1, "DS": 0.3,
}  # fmt: skip
NEEDS_EHCP = {
    "ASD": 33, "SLCN": 21, "SEMH": 15, "SLD": 8, "MLD": 7, "PD": 4, "SPLD": 3, "PMLD": 2,
    "HI": 2, "VI": 1, "OTH": 2, "MSI": 0.5, "DS": 1.5,
}  # fmt: skip
SECOND_NEED_SHARE = 0.45
SUPPORT_LAYERS = {"universal": 20, "targeted": 55, "targeted_plus": 25}


@dataclass
class Plan:
    """How many children of each kind, and where: the small part held in memory."""

    scale: float
    ehcp: int
    sen_support: int
    la_ids: list[int] = field(default_factory=list)
    la_codes: list[str] = field(default_factory=list)
    settings: list[dict[str, Any]] = field(default_factory=list)

    @property
    def children(self) -> int:
        return self.ehcp + self.sen_support


@dataclass
class Summary:
    counts: Counter[str]
    seconds: float
    database_bytes: int
    children: int
    ehcp: int
    settings: int
    local_authorities: int
    audit_head: int


def apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Split `total` in proportion to `weights` with whole numbers that add up exactly."""
    weight_sum = sum(weights)
    if total <= 0 or weight_sum <= 0:
        return [0] * len(weights)
    raw = [total * w / weight_sum for w in weights]
    parts = [int(r) for r in raw]
    rest = total - sum(parts)
    order = sorted(range(len(raw)), key=lambda i: (parts[i] - raw[i], i))
    for i in order[:rest]:
        parts[i] += 1
    return parts


def _capped(total: int, weights: Sequence[float], caps: Sequence[int]) -> list[int]:
    """Apportion with each part at most its cap, moving the overflow to parts with room."""
    parts = [min(p, c) for p, c in zip(apportion(total, weights), caps, strict=True)]
    short = total - sum(parts)
    while short > 0:
        room = [i for i in range(len(parts)) if parts[i] < caps[i]]
        if not room:
            break
        for i in sorted(room, key=lambda i: (parts[i] - caps[i], i))[:short]:
            parts[i] += 1
            short -= 1
    return parts


@functools.cache
def bench_password_hash() -> str:
    """One hash for every bench account (hashing is slow on purpose; the accounts are made up)."""
    return make_password(BENCH_PASSWORD, salt="benchpassport2026")


def person_name(user_id: int) -> str:
    """A made-up name that follows from the id, so the audit pass needs no table of names."""
    h = (user_id * 2654435761) % 2**32
    return f"{texts.GIVEN_NAMES[h % len(texts.GIVEN_NAMES)]} {texts.FAMILY_NAMES[(h >> 8) % len(texts.FAMILY_NAMES)]}"


def school_year_start(day: dt.date) -> int:
    return day.year if day.month >= 9 else day.year - 1


def september(year: int) -> dt.date:
    """The first weekday on or after 3 September: a typical first day of the autumn term."""
    day = dt.date(year, 9, 3)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


class Generator:
    """Plans the country and streams it into a sink."""

    MODELS: tuple[type[models.Model], ...] = (
        User,
        Membership,
        Setting,
        Child,
        Enrolment,
        ParentalResponsibility,
        CaseloadAssignment,
        Passport,
        RankedNeed,
        Strategy,
        SupportItem,
        Outcome,
        Review,
        LayerAssignment,
        AboutMeContribution,
        Admission,
        SupportConfirmation,
        AuditEvent,
    )

    def __init__(
        self,
        sink: Sink,
        *,
        scale: float,
        seed: int = DEFAULT_SEED,
        audit_per_child: float = DEFAULT_AUDIT_PER_CHILD,
        history_years: int = DEFAULT_HISTORY_YEARS,
        chunk: int = DEFAULT_CHUNK,
        first_ids: dict[type[models.Model], int] | None = None,
        audit_head: tuple[int, str] = (0, GENESIS_HASH),
        progress: Callable[[str, int], Any] | None = None,
        on: dt.date | None = None,
    ) -> None:
        if not 0 < scale <= 1.0:
            raise ValueError("scale must be more than 0 and at most 1.0")
        self.sink = sink
        self.scale = scale
        self.rng = random.Random(seed)  # noqa: S311 - made-up benchmark data, not secrets
        self.audit_per_child = audit_per_child
        self.history_years = history_years
        self.chunk = chunk
        self.today = on or today()
        self.school_year = school_year_start(self.today)
        self.audit_head = audit_head
        self.progress = progress or (lambda stage, n: None)
        self.pack = current_pack()
        self.layer_order = [code for code, _ in self.pack.layer_choices()]
        self.password = bench_password_hash()
        # The manager behind `Model.history` is rebuilt at every access: look it up once.
        self.history_of = {m: m.history.model for m in self._history_models()}  # type: ignore[attr-defined]
        history_models = list(self.history_of.values())
        all_models = [*self.MODELS, *history_models]
        # Parents before children in every flush: the order models are first added.
        for model in all_models:
            sink.pending.setdefault(model, [])
        self.ids = dict(first_ids) if first_ids else dict.fromkeys(all_models, 1)
        for model in all_models:
            self.ids.setdefault(model, 1)
        rules = current_rules()
        self.sections = {
            role: sorted(
                (rules.grant_for(Relationship.ON_ROLL_AT_MY_SETTING, role) or _NoGrant()).sections
                or ()
            )
            for role in (Role.SENCO, Role.TEACHER)
        }
        parent_grant = rules.grant_for(Relationship.PARENTAL_RESPONSIBILITY, Role.PARENT_CARER)
        caseload_grant = rules.grant_for(Relationship.LA_CASELOAD, Role.LA_CASEWORKER)
        self.parent_sections = sorted((parent_grant.sections or ()) if parent_grant else ())
        self.caseload_sections = sorted((caseload_grant.sections or ()) if caseload_grant else ())
        self.upn_serials: Counter[tuple[int, int]] = Counter()

    @staticmethod
    def _history_models() -> list[type[models.Model]]:
        return [
            Passport,
            RankedNeed,
            Strategy,
            SupportItem,
            Outcome,
            Review,
            LayerAssignment,
            AboutMeContribution,
        ]

    # -- small helpers --

    def _id(self, model: type[models.Model]) -> int:
        value = self.ids[model]
        self.ids[model] = value + 1
        return value

    def _moment(self, day: dt.date) -> dt.datetime:
        seconds = 8 * 3600 + self.rng.randrange(9 * 3600)
        return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC) + dt.timedelta(
            seconds=seconds, microseconds=self.rng.randrange(1_000_000)
        )

    def _between(self, start: dt.date, end: dt.date) -> dt.date:
        if end <= start:
            return start
        return start + dt.timedelta(days=self.rng.randrange((end - start).days + 1))

    def _text(self, pool: Sequence[str], low: int, high: int) -> str:
        return " ".join(self.rng.sample(pool, self.rng.randint(low, min(high, len(pool)))))

    def _weighted(self, weights: Mapping[str, float]) -> str:
        return self.rng.choices(list(weights), list(weights.values()))[0]

    def _history(
        self,
        model: type[models.Model],
        row: Row,
        when: dt.datetime,
        by: int | None,
        kind: str = "+",
    ) -> None:
        history = self.history_of[model]
        self.sink.add(
            history,
            {
                **row,
                "history_id": self._id(history),
                "history_date": when,
                "history_type": kind,
                "history_change_reason": None,
                "history_user_id": by,
            },
        )

    # -- the plan --

    def plan(self) -> Plan:
        rng = self.rng
        plan = Plan(
            scale=self.scale,
            ehcp=round(NATIONAL_EHCP * self.scale),
            sen_support=round(NATIONAL_SEN_SUPPORT * self.scale),
        )
        las = list(
            LocalAuthority.objects.filter(is_current=True)
            .order_by("code")
            .values_list("id", "code")
        )
        count = max(1, min(len(las), round(NATIONAL_LAS * self.scale)))
        chosen = sorted(rng.sample(las, count), key=lambda la: la[1])
        plan.la_ids = [la_id for la_id, _ in chosen]
        plan.la_codes = [code for _, code in chosen]
        total_settings = max(MIN_SETTINGS, round(NATIONAL_SETTINGS * self.scale), count)
        # Local authorities differ a lot in size (Kent has ~30 times Rutland's pupils).
        la_weights = [rng.lognormvariate(0, 0.6) for _ in chosen]
        per_la = _capped(total_settings, la_weights, [10**6] * count)
        per_la = [max(1, n) for n in per_la]
        settings: list[dict[str, Any]] = []
        for (la_id, la_code), n in zip(chosen, per_la, strict=True):
            for index in range(n):
                kind = rng.choices(KINDS, [k.share for k in KINDS])[0]
                settings.append(
                    {
                        "la_id": la_id,
                        "la_code": la_code,
                        "kind": kind,
                        "estab": f"{2000 + index:04d}",
                        "weight": kind.pupils * rng.lognormvariate(0, 0.35),
                    }
                )
        children = apportion(plan.children, [s["weight"] for s in settings])
        ehcp = _capped(
            plan.ehcp,
            [c * s["kind"].ehcp_share for c, s in zip(children, settings, strict=True)],
            children,
        )
        for setting, c, e in zip(settings, children, ehcp, strict=True):
            setting["children"], setting["ehcp"] = c, e
        plan.settings = settings
        return plan

    # -- writing --

    def run(self, plan: Plan) -> int:
        """Write everything; return the last audit position."""
        self._write_organisations(plan)
        self._write_children(plan)
        return self._write_audit(plan)

    def _staff(self, role: Role, starts_on: dt.date, label: str, **where: Any) -> int:
        user_id = self._id(User)
        name = person_name(user_id)
        given, _, family = name.partition(" ")
        email = f"{label}.{user_id}@{BENCH_EMAIL_DOMAIN}"
        self.sink.add(
            User,
            {
                "id": user_id,
                "password": self.password,
                "last_login": None,
                "is_superuser": False,
                "username": email,
                "first_name": given,
                "last_name": family,
                "email": email,
                "is_staff": False,
                "is_active": True,
                "date_joined": self._moment(starts_on),
                "full_name": name,
            },
        )
        self.sink.add(
            Membership,
            {
                "id": self._id(Membership),
                "user_id": user_id,
                "role": str(role),
                "setting_id": where.get("setting_id"),
                "local_authority_id": where.get("local_authority_id"),
                "provider_id": None,
                "school_group_id": None,
                "starts_on": starts_on,
                "ends_on": None,
            },
        )
        return user_id

    def _write_organisations(self, plan: Plan) -> None:
        rng = self.rng
        for setting in plan.settings:
            setting_id = self._id(Setting)
            kind: Kind = setting["kind"]
            setting["id"] = setting_id
            setting["name"] = (
                f"{rng.choice(texts.FAMILY_NAMES)} {kind.code.replace('_', ' ').title()} "
                f"{'College' if kind.code == 'college' else 'School'} {setting_id}"
            )
            self.sink.add(
                Setting,
                {
                    "id": setting_id,
                    "name": setting["name"],
                    "kind": kind.code,
                    "urn": str(URN_BASE + setting_id),
                    "local_authority_id": setting["la_id"],
                    "estab": setting["estab"],
                    "phase": kind.phase,
                    "gias_type_code": None,
                    "statutory_low_age": kind.ages[0],
                    "statutory_high_age": kind.ages[1],
                },
            )
        for setting in plan.settings:
            since = self.today - dt.timedelta(days=rng.randrange(30, 3650))
            sid = setting["id"]
            setting["senco"] = self._staff(Role.SENCO, since, "senco", setting_id=sid)
            self._staff(Role.SETTING_HEAD, since, "head", setting_id=sid)
            self._staff(Role.DATA_PROTECTION_LEAD, since, "dpl", setting_id=sid)
            teachers = max(1, round(setting["children"] / 30))
            setting["teachers"] = [
                self._staff(Role.TEACHER, since, "teacher", setting_id=sid) for _ in range(teachers)
            ]
        # LA SEND caseworkers, each with a caseload of about CASELOAD_SIZE EHC plans.
        ehcp_by_la: Counter[int] = Counter()
        for setting in plan.settings:
            ehcp_by_la[setting["la_id"]] += setting["ehcp"]
        self.caseworkers: dict[int, list[int]] = {}
        for la_id in plan.la_ids:
            n = max(1, math.ceil(ehcp_by_la[la_id] / CASELOAD_SIZE))
            since = self.today - dt.timedelta(days=rng.randrange(30, 3650))
            self.caseworkers[la_id] = [
                self._staff(Role.LA_CASEWORKER, since, "caseworker", local_authority_id=la_id)
                for _ in range(n)
            ]
        self.sink.flush()
        self.settings_by_la: dict[int, list[dict[str, Any]]] = {}
        for setting in plan.settings:
            self.settings_by_la.setdefault(setting["la_id"], []).append(setting)

    def _write_children(self, plan: Plan) -> None:
        self.first_child_id = self.ids[Child]
        self.setting_starts: list[int] = []  # first child id of each setting, for bisect
        self.parent_of = array("q")
        self.caseworker_of = array("q")
        pending = 0
        caseload_turn: Counter[int] = Counter()
        for setting in plan.settings:
            self.setting_starts.append(self.ids[Child])
            for index in range(setting["children"]):
                ehcp = index < setting["ehcp"]
                self._child(setting, ehcp, caseload_turn)
                pending += 1
                if pending >= self.chunk:
                    self.sink.flush()
                    self.progress("children", pending)
                    pending = 0
        self.sink.flush()
        self.progress("children", pending)

    def _dob(self, kind: Kind) -> tuple[dt.date, int]:
        year_group = self.rng.randint(*kind.years)
        born_from = dt.date(self.school_year - 5 - year_group, 9, 1)
        return self._between(born_from, dt.date(born_from.year + 1, 8, 31)), year_group

    def _child(self, setting: dict[str, Any], ehcp: bool, caseload_turn: Counter[int]) -> None:
        rng, today_ = self.rng, self.today
        kind: Kind = setting["kind"]
        child_id = self._id(Child)
        dob, year_group = self._dob(kind)
        # First day at this setting: the September the child joined the phase, or a move in-year.
        if kind.code in {"primary", "secondary", "college"} and rng.random() < 0.88:
            joined_year = self.school_year - (year_group - kind.years[0])
            entry = september(joined_year)
        else:
            entry = self._between(
                max(dob + dt.timedelta(days=730), today_ - dt.timedelta(days=3 * 365)), today_
            )
        entry = min(max(entry, dob + dt.timedelta(days=730)), today_)
        serial_key = (setting["id"], entry.year)
        serial = self.upn_serials[serial_key]
        self.upn_serials[serial_key] += 1
        upn = (
            make_upn(setting["la_code"], setting["estab"], serial, year=entry.year)
            if serial < 1000
            else None
        )
        family = rng.choice(texts.FAMILY_NAMES)
        passport_start = self._passport_start(dob)
        senco = setting["senco"]
        self.sink.add(
            Child,
            {
                "id": child_id,
                "given_name": rng.choice(texts.GIVEN_NAMES),
                "family_name": family,
                "preferred_name": "",
                "date_of_birth": dob,
                "upn": upn,
                "uln": None,
                "nhs_number": None,
                "home_local_authority_id": setting["la_id"],
                "own_account_id": None,
                "created_at": self._moment(min(passport_start, entry)),
            },
        )
        # The on-roll history: a previous setting for most children who moved phase.
        previous = None
        moved = kind.code in {"secondary", "college"} or rng.random() < 0.3
        neighbours = self.settings_by_la[setting["la_id"]]
        if moved and len(neighbours) > 1:
            earliest = max(dob + dt.timedelta(days=3 * 365), entry - dt.timedelta(days=6 * 365))
            if earliest < entry - dt.timedelta(days=30):
                # Any other setting in the LA, without building a list per child.
                previous = neighbours[rng.randrange(len(neighbours) - 1)]
                if previous is setting:
                    previous = neighbours[-1]
                self.sink.add(
                    Enrolment,
                    {
                        "id": self._id(Enrolment),
                        "child_id": child_id,
                        "setting_id": previous["id"],
                        "starts_on": self._between(earliest, entry - dt.timedelta(days=30)),
                        "ends_on": entry - dt.timedelta(days=1),
                        "registration": "main",
                    },
                )
        enrolment_id = self._id(Enrolment)
        self.sink.add(
            Enrolment,
            {
                "id": enrolment_id,
                "child_id": child_id,
                "setting_id": setting["id"],
                "starts_on": entry,
                "ends_on": None,
                "registration": "main",
            },
        )
        if today_ - entry <= dt.timedelta(weeks=13):
            self._admission(child_id, setting, enrolment_id, entry, previous)

        parent_id = 0
        if rng.random() < PARENT_SHARE:
            parent_id = self._parent(child_id, family, dob)
        self.parent_of.append(parent_id)
        caseworker_id = 0
        if ehcp:
            workers = self.caseworkers[setting["la_id"]]
            caseworker_id = workers[caseload_turn[setting["la_id"]] % len(workers)]
            caseload_turn[setting["la_id"]] += 1
            self.sink.add(
                CaseloadAssignment,
                {
                    "id": self._id(CaseloadAssignment),
                    "caseworker_id": caseworker_id,
                    "child_id": child_id,
                    "starts_on": max(passport_start, today_ - dt.timedelta(days=900)),
                    "ends_on": None,
                },
            )
        self.caseworker_of.append(caseworker_id)
        self._passport(child_id, setting, ehcp, passport_start, senco, parent_id)

    def _admission(
        self,
        child_id: int,
        setting: dict[str, Any],
        enrolment_id: int,
        entry: dt.date,
        previous: dict[str, Any] | None,
    ) -> None:
        rng = self.rng
        admission_id = self._id(Admission)
        self.sink.add(
            Admission,
            {
                "id": admission_id,
                "child_id": child_id,
                "setting_id": setting["id"],
                "enrolment_id": enrolment_id,
                "starts_on": entry,
                "registration": "main",
                "source": "ctf" if previous else "form",
                "sending_setting_id": previous["id"] if previous else None,
                "recorded_by_id": setting["senco"],
                "recorded_at": self._moment(entry - dt.timedelta(days=rng.randrange(1, 60))),
                "notified_at": None,
            },
        )
        if rng.random() < 0.75:
            days = rng.randrange(0, 20)
            confirmed_on = min(entry + dt.timedelta(days=days), self.today)
            self.sink.add(
                SupportConfirmation,
                {
                    "id": self._id(SupportConfirmation),
                    "admission_id": admission_id,
                    "passport_read": True,
                    "confirmed_on": confirmed_on,
                    "confirmed_by_id": setting["senco"],
                    "confirmed_at": self._moment(confirmed_on),
                    "calendar_days": (confirmed_on - entry).days,
                    "school_days": (confirmed_on - entry).days * 5 // 7,
                    "policy_version": "",
                },
            )

    def _parent(self, child_id: int, family: str, dob: dt.date) -> int:
        user_id = self._id(User)
        given = texts.GIVEN_NAMES[(user_id * 7) % len(texts.GIVEN_NAMES)]
        email = f"parent.{user_id}@{BENCH_EMAIL_DOMAIN}"
        self.sink.add(
            User,
            {
                "id": user_id,
                "password": self.password,
                "last_login": None,
                "is_superuser": False,
                "username": email,
                "first_name": given,
                "last_name": family,
                "email": email,
                "is_staff": False,
                "is_active": True,
                "date_joined": self._moment(max(dob, self.today - dt.timedelta(days=3000))),
                "full_name": f"{given} {family}",
            },
        )
        self.sink.add(
            Membership,
            {
                "id": self._id(Membership),
                "user_id": user_id,
                "role": str(Role.PARENT_CARER),
                "setting_id": None,
                "local_authority_id": None,
                "provider_id": None,
                "school_group_id": None,
                "starts_on": dob,
                "ends_on": None,
            },
        )
        self.sink.add(
            ParentalResponsibility,
            {
                "id": self._id(ParentalResponsibility),
                "child_id": child_id,
                "person_id": user_id,
                "relationship": self.rng.choice(
                    ("Mother", "Father", "Foster carer", "Grandparent")
                ),
                "starts_on": dob,
                "ends_on": None,
            },
        )
        return user_id

    def _passport_start(self, dob: dt.date) -> dt.date:
        earliest = max(
            dob + dt.timedelta(days=2 * 365),
            self.today - dt.timedelta(days=365 * self.history_years),
        )
        latest = self.today - dt.timedelta(days=14)
        age_days = int(self.rng.expovariate(1 / (2.5 * 365)))
        return min(max(latest - dt.timedelta(days=age_days), earliest), latest)

    def _layer_path(self, ehcp: bool) -> list[str]:
        final = "specialist" if ehcp else self._weighted(SUPPORT_LAYERS)
        top = self.layer_order.index(final)
        start = self.rng.randint(max(0, top - 2), top)
        return self.layer_order[start : top + 1]

    def _needs(self, ehcp: bool) -> list[str]:
        weights = NEEDS_EHCP if ehcp else NEEDS_SEN_SUPPORT
        first = self._weighted(weights)
        needs = [first]
        if first != "NSA" and self.rng.random() < SECOND_NEED_SHARE:
            second = self._weighted({k: v for k, v in weights.items() if k not in {first, "NSA"}})
            needs.append(second)
        return needs

    def _passport(
        self,
        child_id: int,
        setting: dict[str, Any],
        ehcp: bool,
        start: dt.date,
        senco: int,
        parent_id: int,
    ) -> None:
        rng, today_ = self.rng, self.today
        passport_id = self._id(Passport)
        path = self._layer_path(ehcp)
        interval = self.pack.review_interval_months(path[-1])
        # Reviews every interval since the start; one passport in ten has let its review lapse.
        reviews: list[dt.date] = []
        held = add_months(start, interval)
        while held <= today_:
            reviews.append(self._between(held - dt.timedelta(days=10), held))
            held = add_months(held, interval)
        if reviews and rng.random() < 0.1:
            reviews.pop()
        needs = self._needs(ehcp)
        areas = list(
            dict.fromkeys(
                (self.pack.need_type(code).broad_area or "CL")  # type: ignore[union-attr]
                for code in needs
            )
        )
        versions = 1
        started_at = self._moment(start)
        passport = {
            "id": passport_id,
            "child_id": child_id,
            "version": 1,
            "liked_about_me": self._text(texts.LIKED, 2, 4),
            "matters_to_me": self._text(texts.MATTERS, 2, 4),
            "how_to_support_me": self._text(texts.HOW_TO_SUPPORT, 2, 5),
            "sen_provision": "E" if ehcp else "K",
            "broad_areas": areas,
            "needs_description": self._text(texts.NEEDS_DESCRIPTION, 1, 3),
            "created_at": started_at,
            "updated_at": started_at,
            "updated_by_id": senco,
        }
        rows: list[tuple[type[models.Model], Row, dt.date]] = []
        for rank, code in enumerate(needs, start=1):
            rows.append(
                (
                    RankedNeed,
                    {
                        "id": self._id(RankedNeed),
                        "passport_id": passport_id,
                        "need_type": code,
                        "rank": rank,
                    },
                    start,
                )
            )
        for _ in range(rng.randint(2, 4)):
            rows.append(
                (
                    Strategy,
                    {
                        "id": self._id(Strategy),
                        "passport_id": passport_id,
                        "kind": "strategy" if rng.random() < 0.7 else "adjustment",
                        "description": rng.choice(texts.STRATEGIES),
                        "created_at": started_at,
                    },
                    start,
                )
            )
        # Layer changes happen at reviews, the first at the start.
        change_points = sorted(rng.sample(range(len(reviews)), min(len(path) - 1, len(reviews))))
        path = path[-(len(change_points) + 1) :]
        layer_days = [start] + [reviews[i] for i in change_points]
        for layer, day in zip(path, layer_days, strict=True):
            rows.append(
                (
                    LayerAssignment,
                    {
                        "id": self._id(LayerAssignment),
                        "passport_id": passport_id,
                        "layer": layer,
                        "starts_on": day,
                        "reason": rng.choice(texts.LAYER_REASONS),
                        "recorded_by_id": senco,
                        "recorded_at": self._moment(day),
                    },
                    day,
                )
            )
        layer_now, layer_since = path[-1], layer_days[-1]
        for n in range(rng.randint(2, 5) if ehcp else rng.randint(1, 4)):
            what, why = rng.choice(texts.SUPPORT)
            begins = self._between(layer_since, min(today_, layer_since + dt.timedelta(days=30)))
            rows.append(
                (
                    SupportItem,
                    {
                        "id": self._id(SupportItem),
                        "passport_id": passport_id,
                        "description": what,
                        "intended_outcome": why,
                        "delivered_by": rng.choice(texts.DELIVERED_BY),
                        "provider_id": None,
                        "group_size": rng.choice(("one_to_one", "small_group", "whole_class")),
                        "minutes_per_session": rng.choice((10, 15, 20, 30, 45, 60)),
                        "sessions_per_period": rng.randint(1, 5),
                        "period": rng.choice(("day", "week", "week", "week", "term")),
                        "starts_on": begins,
                        "ends_on": None
                        if n < 3
                        else max(begins, today_ - dt.timedelta(days=rng.randrange(1, 60))),
                        "layer": layer_now if n < 2 else rng.choice(path),
                        "rationale": rng.choice(texts.RATIONALE),
                    },
                    begins,
                )
            )
        set_on = reviews[-1] if reviews else start
        for _ in range(rng.randint(2, 3)):
            progress = rng.choices(("not_started", "some", "good", "achieved"), (15, 45, 30, 10))[0]
            rows.append(
                (
                    Outcome,
                    {
                        "id": self._id(Outcome),
                        "passport_id": passport_id,
                        "description": rng.choice(texts.OUTCOMES),
                        "target_date": add_months(set_on, interval),
                        "progress": progress,
                        "progress_notes": rng.choice(texts.PROGRESS_NOTES),
                    },
                    set_on,
                )
            )
        decisions = {reviews[i]: "step_up" for i in change_points}
        for held_on in reviews:
            rows.append(
                (
                    Review,
                    {
                        "id": self._id(Review),
                        "passport_id": passport_id,
                        "held_on": held_on,
                        "participants": rng.choice(texts.PARTICIPANTS),
                        "child_views": rng.choice(texts.CHILD_VIEWS),
                        "parent_views": rng.choice(texts.PARENT_VIEWS),
                        "progress_summary": rng.choice(texts.PROGRESS_SUMMARY),
                        "decision": decisions.get(held_on, "continue"),
                        "next_review_on": add_months(held_on, interval),
                    },
                    held_on,
                )
            )
        if rng.random() < 0.3:
            voice = "parent" if parent_id else "child"
            day = self._between(start, today_)
            rows.append(
                (
                    AboutMeContribution,
                    {
                        "id": self._id(AboutMeContribution),
                        "passport_id": passport_id,
                        "voice": voice,
                        "text": rng.choice(texts.CONTRIBUTIONS),
                        "author_id": parent_id or senco,
                        "created_at": self._moment(day),
                    },
                    day,
                )
            )
        # Versions: the passport's own changes at recent reviews, and one per section row.
        changes = [day for day in reviews[-3:]]
        versions += len(changes) + sum(1 for model, _, _ in rows if model is not RankedNeed)
        last_day = max([start, *changes, *(day for _, _, day in rows)])
        passport["version"] = versions
        passport["updated_at"] = self._moment(last_day)
        self.sink.add(Passport, passport)
        self._history(Passport, passport, started_at, senco)
        for day in changes:
            self._history(Passport, passport, self._moment(day), senco, "~")
        for model, row, day in rows:
            self.sink.add(model, row)
            self._history(
                model,
                row,
                self._moment(day),
                row.get("recorded_by_id") or row.get("author_id") or senco,
            )
            if model is Outcome and row["progress"] != "not_started":
                self._history(
                    model, row, self._moment(min(today_, day + dt.timedelta(days=60))), senco, "~"
                )

    # -- the audit trail --

    def _write_audit(self, plan: Plan) -> int:
        """Append the audit rows in time order, chained from the current head."""
        rng = self.rng
        total = round((self.ids[Child] - self.first_child_id) * self.audit_per_child)
        position, previous_hash = self.audit_head
        if total <= 0:
            return position
        end = dt.datetime.combine(self.today, dt.time(), tzinfo=dt.UTC)
        start = end - dt.timedelta(days=365 * self.history_years)
        step = (end - start) / total
        settings = plan.settings
        first_child, last_child = self.first_child_id, self.ids[Child] - 1
        names: dict[int, str] = {}

        def name(user_id: int) -> str:
            if user_id not in names:
                if len(names) > 100_000:
                    names.clear()
                names[user_id] = person_name(user_id)
            return names[user_id]

        pending = 0
        for n in range(total):
            child_id = rng.randint(first_child, last_child)
            setting = settings[bisect.bisect_right(self.setting_starts, child_id) - 1]
            offset = child_id - first_child
            parent_id, caseworker_id = self.parent_of[offset], self.caseworker_of[offset]
            occurred_at = (
                start
                + step * n
                + dt.timedelta(microseconds=rng.randrange(max(1, int(step.total_seconds() * 1e6))))
            )
            draw = rng.random()
            row: dict[str, Any] = {
                "actor_id": setting["senco"],
                "role": str(Role.SENCO),
                "relationship": str(Relationship.ON_ROLL_AT_MY_SETTING),
                "acting_for": setting["name"],
                "action": "read",
                "child_id": child_id,
                "setting_id": setting["id"],
                "sections": self.sections[Role.SENCO],
                "reason": "",
                "allowed": True,
                "flagged": False,
                "path": f"/children/{child_id}/",
            }
            if draw < 0.25:
                row["actor_id"] = rng.choice(setting["teachers"])
                row["role"] = str(Role.TEACHER)
                row["sections"] = self.sections[Role.TEACHER]
            elif draw < 0.35:
                row["action"] = "write"
                row["path"] = (
                    f"/children/{child_id}/{rng.choice(('support', 'outcomes', 'reviews', 'what-works'))}/add/"
                )
            elif draw < 0.43 and parent_id:
                row.update(
                    actor_id=parent_id,
                    role=str(Role.PARENT_CARER),
                    relationship=str(Relationship.PARENTAL_RESPONSIBILITY),
                    acting_for="Parent or carer",
                    setting_id=None,
                    sections=self.parent_sections,
                )
            elif draw < 0.48 and caseworker_id:
                row.update(
                    actor_id=caseworker_id,
                    role=str(Role.LA_CASEWORKER),
                    relationship=str(Relationship.LA_CASELOAD),
                    acting_for=f"Local authority {setting['la_code']}",
                    setting_id=None,
                    sections=self.caseload_sections,
                    path=f"/api/children/{child_id}/passport",
                )
            elif draw < 0.52:
                row.update(
                    action="list",
                    child_id=None,
                    relationship="",
                    acting_for="",
                    setting_id=None,
                    sections=[],
                    reason=f"children list: {setting['children']} children",
                    path="/children/",
                )
            elif draw < 0.55:
                stranger = settings[rng.randrange(len(settings))]
                row.update(
                    actor_id=stranger["senco"],
                    relationship="",
                    acting_for="",
                    sections=[],
                    allowed=False,
                )
            elif draw < 0.56:
                row["action"] = "export"
                row["path"] = f"/children/{child_id}/download/json/"
            values = {
                **row,
                "actor_name": name(row["actor_id"]),
                "position": position + 1,
                "occurred_at": occurred_at,
                "request_id": f"{rng.getrandbits(128):032x}",
                "previous_hash": previous_hash,
            }
            values["row_hash"] = compute_row_hash({k: values[k] for k in HASHED_FIELDS})
            values["id"] = self._id(AuditEvent)
            position, previous_hash = position + 1, values["row_hash"]
            self.sink.add(AuditEvent, values)
            pending += 1
            if pending >= self.chunk * 5 or n == total - 1:
                self.sink.flush(after=functools.partial(self._save_head, position, previous_hash))
                self.progress("audit", pending)
                pending = 0
        return position

    def _save_head(self, position: int, row_hash: str) -> None:
        if self.sink.vendor == "memory":
            return
        AuditChainHead.objects.update_or_create(
            pk=1, defaults={"position": position, "row_hash": row_hash}
        )


class _NoGrant:
    sections: frozenset[str] = frozenset()


def existing_bench_data() -> bool:
    """Return whether benchmark data is already in the database."""
    return User.objects.filter(email__endswith=f"@{BENCH_EMAIL_DOMAIN}").exists()


def current_audit_head() -> tuple[int, str]:
    head = AuditChainHead.objects.filter(pk=1).values_list("position", "row_hash").first()
    if head is not None:
        return head
    last = AuditEvent.objects.order_by("-position").values_list("position", "row_hash").first()
    return last or (0, GENESIS_HASH)


def generate(
    sink: Sink,
    *,
    scale: float,
    seed: int = DEFAULT_SEED,
    audit_per_child: float = DEFAULT_AUDIT_PER_CHILD,
    history_years: int = DEFAULT_HISTORY_YEARS,
    chunk: int = DEFAULT_CHUNK,
    progress: Callable[[str, int], Any] | None = None,
    database: bool = True,
) -> tuple[Plan, Counter[str], float]:
    """Generate into the sink; return the plan, rows per table and seconds taken."""
    started = time.perf_counter()
    all_models = [*Generator.MODELS, *(m.history.model for m in Generator._history_models())]  # type: ignore[attr-defined]
    generator = Generator(
        sink,
        scale=scale,
        seed=seed,
        audit_per_child=audit_per_child,
        history_years=history_years,
        chunk=chunk,
        first_ids=next_ids(all_models) if database else None,
        audit_head=current_audit_head() if database else (0, GENESIS_HASH),
        progress=progress,
    )
    plan = generator.plan()
    generator.run(plan)
    sink.finish()
    return plan, sink.counts, time.perf_counter() - started
