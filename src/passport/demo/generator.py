"""Build one realistic local authority to try the service: settings, people, children, passports.

Everything is drawn from `random.Random(seed)` and dates relative to today, so one seed gives the
same children on the same day. Rows are bulk-created for speed; every passport section still gets
a history row with the user who would have made the change and when, as the services record it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TextIO

from django.contrib.auth.hashers import make_password
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from tqdm import tqdm

from passport.access import services as access_services
from passport.access.policies import Action, get_child_for
from passport.children.models import Child, Enrolment, ParentalResponsibility
from passport.core.dates import add_months, add_years, national_curriculum_year, today
from passport.core.identifiers import make_upn
from passport.core.policy import current_pack
from passport.core.safety import refuse_in_production
from passport.demo import content
from passport.demo.content import NEEDS, NeedText, Support
from passport.directory.demo import build_directory, remove_demo_directory
from passport.ehcp.demo import build_ehcp_cases, build_recorded_plans
from passport.funding.demo import build_funding_demo, remove_funding_demo
from passport.organisations.models import LocalAuthority, Provider, SchoolGroup, Setting
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
from passport.passports.services import check_needs
from passport.people.models import STAFF_ROLES, Membership, Role, User

DEMO_PASSWORD = "demo-passport-2026"
# Why a live service must never hold the demo: anyone who has read this file can sign in as staff.
DEMO_REFUSAL = (
    "makes hundreds of accounts that share one published password, with authenticator keys "
    "anyone can work out from the source code"
)
DEMO_EMAIL_DOMAIN = "demo.example"
DEMO_LA_CODE = "801"
DEFAULT_SEED = 2026
DEFAULT_CHILDREN = 300
CHILDREN_WITHOUT_PASSPORT = 5

# (role, email, what they can see): the README quotes this list, and a test checks that it says
# "no children" exactly for the accounts the access policy shows no child.
DEMO_SIGN_INS: list[tuple[str, str, str]] = [
    (
        "SENCO",
        "senco@primary.demo.example",
        "Every child on roll at Brook Lane Primary School: reads and changes their passports, and "
        "starts passports for the 5 children who have none yet",
    ),
    (
        "Teacher",
        "teacher@primary.demo.example",
        "Children on roll at Brook Lane Primary School: reads their passports",
    ),
    (
        "Head of setting",
        "head@primary.demo.example",
        "Every child on roll at Brook Lane Primary School: reads and changes their passports",
    ),
    (
        "Data protection lead",
        "data-protection@primary.demo.example",
        "Brook Lane Primary School: emergency (break-glass) openings and refused attempts, at "
        "/data-protection/; no children's passports",
    ),
    (
        "SENCO at another primary",
        "senco@other-primary.demo.example",
        "Children at St Swithin's Church of England Primary School only, not Brook Lane's",
    ),
    (
        "SENCO at a secondary",
        "senco@secondary.demo.example",
        "Children on roll at Gorse Hill Community School, including those who moved up from the "
        "demo primaries",
    ),
    (
        "Local authority SEND caseworker",
        "caseworker@la.demo.example",
        "Bristol City Council (LA 801): reads the passports of the 15 children with EHC plans "
        "on his caseload, and runs 5 EHC needs assessments at different steps (EHC plans: one "
        "overdue, one due this week, one at risk)",
    ),
    (
        "Analyst",
        "analyst@la.demo.example",
        "Bristol City Council (LA 801); no children: analysts see numbers, never named children",
    ),
    (
        "Health or therapy professional",
        "therapist@nhs.demo.example",
        "Speech and language therapist at Avon Vale Children's Community Health NHS Trust: "
        "children referred to the trust whose families consented, and only the sections they "
        "named (Leo Hartley among them); one family in five has not consented yet. Records "
        "sessions for the group's therapy commission at /funding/",
    ),
    (
        "Cluster lead",
        "cluster-lead@partnership.demo.example",
        "Frome Valley Inclusion Partnership (6 settings): its pots, ledger and dashboard; "
        "no children's passports: when choosing who a commission is for, only the names and "
        "Support in place of children on roll at the group's settings",
    ),
    (
        "Administrator",
        "admin@service.demo.example",
        "Runs the service; no children's records",
    ),
    (
        "Parent or carer",
        "parent@family.demo.example",
        "Leo Hartley at Brook Lane Primary School: reads his passport, adds to About me, gives "
        "or withdraws consent for the speech and language therapist, sees who has seen it",
    ),
    (
        "Young person",
        "young-person@student.demo.example",
        "Maya Patel at City Harbour College, past compulsory school age: her own passport, and "
        "she decides whether her parents keep seeing it",
    ),
]


@dataclass(frozen=True)
class SettingSpec:
    """One demo setting and who works there."""

    key: str
    name: str
    kind: str
    urn: str
    estab: str
    phase: str
    gias_type_code: int | None
    low_age: int
    high_age: int
    year_groups: tuple[int, ...]
    weight: int
    senco: str
    mail: str


K = Setting.Kind
# Real DfE conventions: maintained URNs 10xxxx, academies 13xxxx-14xxxx, FE 13xxxx; estab 1xxx
# nursery, 2xxx primary, 3xxx voluntary primary, 4xxx secondary, 7xxx special; an Ofsted URN and
# no GIAS record for a private, voluntary or independent nursery; no DfE number for an FE college.
# fmt: off
DEMO_SETTINGS: tuple[SettingSpec, ...] = (
    # key, name, kind, URN, estab, GIAS phase, GIAS type, ages, year groups, share, SENCO, mail
    SettingSpec("nursery", "Redfield Rise Nursery School", K.EARLY_YEARS, "108902", "1012",
                "Nursery", 15, 2, 5, (-2, -1), 5, "Kerry Mason", "redfield-rise"),
    SettingSpec("pvi", "Little Acorns Day Nursery", K.EARLY_YEARS, "2718204", "",
                "Not applicable", None, 0, 5, (-3, -2, -1), 3, "Stacey Cox", "little-acorns"),
    SettingSpec("primary", "Brook Lane Primary School", K.PRIMARY, "108931", "2143",
                "Primary", 1, 4, 11, tuple(range(7)), 12, "Priya Sharma", "primary"),
    SettingSpec("other_primary", "St Swithin's Church of England Primary School", K.PRIMARY,
                "109041", "3061", "Primary", 3, 4, 11, tuple(range(7)), 8, "Gareth Morgan",
                "other-primary"),
    SettingSpec("primary_3", "Our Lady of the Vale Catholic Primary School", K.PRIMARY, "109058",
                "3437", "Primary", 2, 4, 11, tuple(range(7)), 8, "Joanne Kelly",
                "our-lady-of-the-vale"),
    SettingSpec("primary_4", "Frome Valley Primary Academy", K.PRIMARY, "138522", "2156",
                "Primary", 34, 4, 11, tuple(range(7)), 8, "Imran Hussain", "frome-valley"),
    SettingSpec("primary_5", "Kingfisher Primary Academy", K.PRIMARY, "142817", "2201",
                "Primary", 28, 4, 11, tuple(range(7)), 8, "Louise Barnes", "kingfisher"),
    SettingSpec("primary_6", "Avon Meadows Primary School", K.PRIMARY, "108962", "2178",
                "Primary", 5, 3, 11, tuple(range(-1, 7)), 8, "Natalie Webb", "avon-meadows"),
    SettingSpec("secondary", "Gorse Hill Community School", K.SECONDARY, "109216", "4127",
                "Secondary", 1, 11, 16, tuple(range(7, 12)), 14, "Rachel Osei", "secondary"),
    SettingSpec("secondary_2", "Brunel Park Academy", K.SECONDARY, "137604", "4032",
                "Secondary", 34, 11, 18, tuple(range(7, 14)), 13, "Andrew Knight",
                "brunel-park"),
    SettingSpec("special", "Willow Bank School", K.SPECIAL, "109315", "7023",
                "Not applicable", 7, 2, 19, tuple(range(-2, 15)), 10, "Helen Griffiths",
                "willow-bank"),
    SettingSpec("college", "City Harbour College", K.COLLEGE, "130541", "", "16 plus", 18,
                16, 25, (12, 12, 12, 13, 13, 13, 14, 15), 9, "Dean Tucker", "city-harbour"),
)
# fmt: on
SETTINGS_BY_KEY = {spec.key: spec for spec in DEMO_SETTINGS}
DEMO_URNS = frozenset(spec.urn for spec in DEMO_SETTINGS)
GROUP_NAME = "Frome Valley Inclusion Partnership"
GROUP_MEMBERS = ("nursery", "primary", "other_primary", "primary_4", "primary_5", "secondary")
NHS_TRUST = "Avon Vale Children's Community Health NHS Trust"
CASEWORKER_EMAIL = "caseworker@la.demo.example"
TEACHER_EMAIL = "teacher@primary.demo.example"
CASELOAD_SIZE = 15
REFERRALS = 10
CONSENTED_SECTIONS = ["about_me", "needs", "what_works", "support", "outcomes", "reviews"]
LA_SERVICE = "Bristol Inclusion and Sensory Support Service"


@dataclass(frozen=True)
class StaffSpec:
    """A demo sign-in that is not a setting's SENCO, parent or young person."""

    role: Role
    email: str
    full_name: str
    setting: str | None = None
    where: str | None = None  # "la", "nhs" or "group"


STAFF: tuple[StaffSpec, ...] = (
    StaffSpec(Role.TEACHER, TEACHER_EMAIL, "Tom Fletcher", setting="primary"),
    StaffSpec(Role.SETTING_HEAD, "head@primary.demo.example", "Helen Okafor", setting="primary"),
    StaffSpec(
        Role.DATA_PROTECTION_LEAD,
        "data-protection@primary.demo.example",
        "Lisa Harvey",
        setting="primary",
    ),
    StaffSpec(Role.LA_CASEWORKER, CASEWORKER_EMAIL, "Daniel Brennan", where="la"),
    StaffSpec(Role.ANALYST, "analyst@la.demo.example", "Mei Chen", where="la"),
    StaffSpec(Role.HEALTH_PROFESSIONAL, "therapist@nhs.demo.example", "Nadia Rahman", where="nhs"),
    StaffSpec(
        Role.CLUSTER_LEAD, "cluster-lead@partnership.demo.example", "Claire Vaughan", where="group"
    ),
    StaffSpec(Role.ADMINISTRATOR, "admin@service.demo.example", "Sam Pearce"),
)
PARENT_EMAIL = "parent@family.demo.example"
YOUNG_PERSON_EMAIL = "young-person@student.demo.example"

# Census need types by where the child learns and their SEN provision: weights follow the
# national picture (DfE "Special educational needs in England", January 2025) rounded.
NEED_WEIGHTS: dict[str, dict[str, float]] = {
    "K": {
        "SLCN": 24,
        "SEMH": 20,
        "MLD": 14,
        "SPLD": 14,
        "ASD": 9,
        "NSA": 6,
        "OTH": 3,
        "PD": 2.5,
        "HI": 1.5,
        "VI": 0.8,
        "SLD": 0.6,
        "DS": 0.3,
        "MSI": 0.2,
    },
    "E": {
        "ASD": 34,
        "SLCN": 21,
        "SEMH": 15,
        "MLD": 7,
        "SLD": 5,
        "PD": 4,
        "SPLD": 3,
        "DS": 3,
        "HI": 2,
        "OTH": 2,
        "VI": 1,
        "PMLD": 1,
        "MSI": 0.3,
    },
    "special": {
        "ASD": 35,
        "SLD": 20,
        "PMLD": 10,
        "SEMH": 10,
        "MLD": 8,
        "DS": 7,
        "PD": 5,
        "SLCN": 3,
        "HI": 1,
        "MSI": 1,
    },
    "ey": {
        "SLCN": 55,
        "ASD": 12,
        "NSA": 8,
        "SEMH": 6,
        "PD": 5,
        "OTH": 5,
        "DS": 3,
        "HI": 3,
        "MLD": 2,
        "VI": 1,
    },
}
# Which secondary needs go with a primary need.
SECONDARY_NEEDS = {
    "SLCN": ("SEMH", "ASD", "MLD", "SPLD"),
    "ASD": ("SLCN", "SEMH", "MLD", "SLD"),
    "SEMH": ("SLCN", "SPLD", "ASD", "MLD"),
    "MLD": ("SLCN", "SEMH", "SPLD", "PD"),
    "SPLD": ("SEMH", "SLCN"),
    "SLD": ("ASD", "PD", "SLCN", "HI"),
    "PMLD": ("PD", "VI", "HI"),
    "HI": ("SLCN", "MLD"),
    "VI": ("PD", "MLD"),
    "MSI": ("PD", "SLD"),
    "PD": ("SLCN", "MLD", "VI"),
    "DS": ("SLCN", "HI", "MLD"),
    "OTH": ("SEMH", "MLD"),
    "NSA": (),
}
COMPLEX_FROM_EARLY = frozenset({"PMLD", "SLD", "DS", "MSI"})
# Share of passports with an EHC plan (census January 2026: 538,547 of 1,858,327 with SEN).
EHC_SHARE = 0.29
# Extra weight for an EHC plan by kind of setting (special schools: every child has one).
EHC_WEIGHT: dict[str, float] = {
    K.EARLY_YEARS: 0.25,
    K.PRIMARY: 1.0,
    K.SECONDARY: 1.3,
    K.COLLEGE: 1.6,
}
HISTORY_START = dt.time(9, 0)


@dataclass
class DemoSummary:
    """What the demo built, for the table printed at the end."""

    settings: list[tuple[str, str, str, int, int]]
    passports_by_layer: list[tuple[str, int]]
    passports_by_provision: list[tuple[str, int]]
    users_by_role: list[tuple[str, int]]
    children: int
    children_without_passport: int
    users: int


# --- School calendar ---------------------------------------------------------------------


def _weekday_on_or_before(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=max(0, day.weekday() - 4))


def _weekday_on_or_after(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=(7 - day.weekday()) % 7 if day.weekday() > 4 else 0)


def autumn_term_starts(year: int) -> dt.date:
    """Return the first day of the school year that starts in September of `year`."""
    return _weekday_on_or_after(dt.date(year, 9, 3))


def summer_term_ends(year: int) -> dt.date:
    """Return the last day of the school year that ends in July of `year`."""
    return _weekday_on_or_before(dt.date(year, 7, 22))


def in_term(day: dt.date, *, forward: bool = False) -> dt.date:
    """Move a date in the summer or Christmas holidays to the end of term (or the next start)."""
    if day.month == 8 or (day.month == 7 and day > summer_term_ends(day.year)):
        return autumn_term_starts(day.year) if forward else summer_term_ends(day.year)
    if day.month == 12 and day.day > 19:
        return (
            _weekday_on_or_after(dt.date(day.year + 1, 1, 5))
            if forward
            else _weekday_on_or_before(dt.date(day.year, 12, 19))
        )
    if day.month == 1 and day < _weekday_on_or_after(dt.date(day.year, 1, 5)):
        return (
            _weekday_on_or_after(dt.date(day.year, 1, 5))
            if forward
            else _weekday_on_or_before(dt.date(day.year - 1, 12, 19))
        )
    return day


def _term_starts_after(day: dt.date) -> dt.date:
    """Return the first day of the first term that starts on or after a date."""
    for year in (day.year - 1, day.year, day.year + 1):
        for start in (
            _weekday_on_or_after(dt.date(year, 1, 5)),
            _weekday_on_or_after(dt.date(year, 4, 20)),
            autumn_term_starts(year),
        ):
            if start >= day:
                return start
    raise AssertionError("unreachable")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z]+", "", text.lower())


# --- The plan for one child ------------------------------------------------------------------


@dataclass
class _Child:
    child: Child
    sex: str
    setting: SettingSpec
    year_group: int
    provision: str | None = None
    enrolments: list[tuple[SettingSpec, dt.date, dt.date | None]] = field(default_factory=list)
    parents: list[tuple[User, str]] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)
    layers: list[str] | None = None


@dataclass
class _Family:
    family_name: str
    parents: list[tuple[User, str]]
    births: list[dt.date]


_Row = tuple[models.Model, User, dt.date]  # a row, who wrote it and on which day


@dataclass
class _Draft:
    """One passport while it is being planned."""

    plan: _Child
    passport: Passport
    start: dt.date
    opened_by: User
    reviews: list[dt.date]
    interval: int
    changes: list[tuple[str, dt.date, int | None]]  # layer, from, index of the deciding review
    band: str
    first: NeedText
    second: NeedText | None
    interest: str


class _Builder:
    """Plan every row in memory, then write them in dependency order."""

    def __init__(self, seed: int, children: int, bar: tqdm) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - made-up demo data, not secrets
        self.wanted = children
        self.bar = bar
        self.today = today()
        self.school_year = self.today.year if self.today.month >= 9 else self.today.year - 1
        self.pack = current_pack()
        self.password = make_password(DEMO_PASSWORD)
        self.la = LocalAuthority.objects.get(code=DEMO_LA_CODE)
        self.settings: dict[str, Setting] = {}
        self.provider: dict[str, Provider] = {}
        self.group: SchoolGroup | None = None
        self.users: list[User] = []
        self.memberships: list[Membership] = []
        self.senco: dict[str, User] = {}
        self.staff_names: dict[str, list[str]] = {}
        self.emails: set[str] = set()
        self.plans: list[_Child] = []
        self.families: list[_Family] = []
        self.upn_serials: Counter[tuple[str, str, int]] = Counter()
        self.ulns: set[str] = set()
        self.nhs_numbers: set[str] = set()
        self.rows: dict[type[models.Model], list[models.Model]] = {
            model: []
            for model in (
                Passport,
                RankedNeed,
                Strategy,
                SupportItem,
                Outcome,
                Review,
                LayerAssignment,
                AboutMeContribution,
            )
        }

    # -- helpers --

    def _aware(self, day: dt.date) -> dt.datetime:
        moment = dt.datetime.combine(day, HISTORY_START) + dt.timedelta(
            minutes=self.rng.randint(0, 7 * 60)
        )
        return timezone.make_aware(moment)

    def _between(self, start: dt.date, end: dt.date) -> dt.date:
        if end <= start:
            return start
        day = start + dt.timedelta(days=self.rng.randint(0, (end - start).days))
        return max(start, _weekday_on_or_before(day))

    def _school_day(self, start: dt.date, end: dt.date) -> dt.date:
        """Return a random day in term time between two dates, if there is one."""
        day = self._between(start, end)
        return max(start, in_term(day))

    def _draw(self, pool: Sequence[str], count: int) -> list[str]:
        """Return `count` texts from a pool, repeating only once every text has been used."""
        drawn: list[str] = []
        while len(drawn) < count:
            batch = list(pool)
            self.rng.shuffle(batch)
            drawn.extend(batch)
        return drawn[:count]

    def _weighted(self, weights: dict[str, float]) -> str:
        return self.rng.choices(list(weights), list(weights.values()))[0]

    def _user(self, email: str, full_name: str) -> User:
        email = email.lower()
        given, _, family = full_name.partition(" ")
        user = User(
            username=email,
            email=email,
            full_name=full_name,
            first_name=given,
            last_name=family,
            password=self.password,
        )
        self.emails.add(email)
        self.users.append(user)
        return user

    def _member(self, user: User, role: Role, starts_on: dt.date, **where: object) -> None:
        self.memberships.append(Membership(user=user, role=role, starts_on=starts_on, **where))

    def _staff_name(self) -> str:
        sex = self.rng.choice("fm")
        title = self.rng.choice(
            content.STAFF_TITLES_WOMEN if sex == "f" else content.STAFF_TITLES_MEN
        )
        return f"{title} {self.rng.choice(content.FAMILY_NAMES)}"

    def _history(self, row: models.Model, by: User, day: dt.date) -> dt.datetime:
        """Note who made a change and when, for its first history version; return when."""
        when = self._aware(day)
        row._history_user = by  # type: ignore[attr-defined]
        row._history_date = when  # type: ignore[attr-defined]
        return when

    # -- organisations and staff --

    def build_organisations(self) -> None:
        for spec in DEMO_SETTINGS:
            setting = Setting(
                name=spec.name,
                kind=spec.kind,
                urn=spec.urn,
                local_authority=self.la,
                estab=spec.estab,
                phase=spec.phase,
                gias_type_code=spec.gias_type_code,
                statutory_low_age=spec.low_age,
                statutory_high_age=spec.high_age,
            )
            setting.full_clean(exclude=["local_authority"], validate_unique=False)
            self.settings[spec.key] = setting
        Setting.objects.bulk_create(self.settings.values())
        self.group = SchoolGroup.objects.create(name=GROUP_NAME)
        self.group.settings.set([self.settings[key] for key in GROUP_MEMBERS])
        self.provider["nhs"] = Provider(
            name=NHS_TRUST, kind=Provider.Kind.NHS_TRUST, local_authority=self.la
        )
        self.provider["la"] = Provider(
            name=LA_SERVICE, kind=Provider.Kind.LA_SERVICE, local_authority=self.la
        )
        Provider.objects.bulk_create(self.provider.values())

        started = dt.date(self.school_year - 6, 9, 1)
        for spec in DEMO_SETTINGS:
            user = self._user(f"senco@{spec.mail}.{DEMO_EMAIL_DOMAIN}", spec.senco)
            self._member(user, Role.SENCO, started, setting=self.settings[spec.key])
            self.senco[spec.key] = user
            self.staff_names[spec.key] = [self._staff_name() for _ in range(6)]
        where: dict[str, dict[str, object]] = {
            "la": {"local_authority": self.la},
            "nhs": {"provider": self.provider["nhs"]},
            "group": {"school_group": self.group},
        }
        for staff in STAFF:
            user = self._user(staff.email, staff.full_name)
            place = (
                {"setting": self.settings[staff.setting]}
                if staff.setting
                else where.get(staff.where or "", {})
            )
            self._member(user, staff.role, started, **place)

    # -- children --

    def _dob(self, year_group: int) -> dt.date:
        cohort = self.school_year - year_group
        return self._between(dt.date(cohort - 5, 9, 1), dt.date(cohort - 4, 8, 31))

    def _new_child(
        self,
        spec: SettingSpec,
        year_group: int,
        *,
        given: str | None = None,
        family: str | None = None,
        sex: str | None = None,
        dob: dt.date | None = None,
    ) -> _Child:
        sex = sex or self.rng.choice("fm")
        given = given or self.rng.choice(content.GIRLS if sex == "f" else content.BOYS)
        family = family or self.rng.choice(content.FAMILY_NAMES)
        preferred = content.PREFERRED_NAMES.get(given, "")
        child = Child(
            given_name=given,
            family_name=family,
            preferred_name=preferred if preferred and self.rng.random() < 0.5 else "",
            date_of_birth=dob or self._dob(year_group),
        )
        plan = _Child(child=child, sex=sex, setting=spec, year_group=year_group)
        self.plans.append(plan)
        return plan

    def plan_children(self) -> None:
        primary = SETTINGS_BY_KEY["primary"]
        leo = self._new_child(primary, 3, given="Leo", family="Hartley", sex="m")
        leo.provision = "K"
        leo.needs = ["SLCN", "SEMH"]
        leo.layers = ["targeted", "targeted_plus"]
        maya_dob = dt.date(self.school_year - 17, 8, 20)
        maya = self._new_child(
            SETTINGS_BY_KEY["college"], 13, given="Maya", family="Patel", sex="f", dob=maya_dob
        )
        maya.provision = "E"
        maya.needs = ["ASD", "SEMH"]
        maya.layers = ["targeted_plus", "specialist"]
        self.leo, self.maya = leo, maya
        self.without_passport = [
            self._new_child(primary, self.rng.choice((0, 0, 1, 2)))
            for _ in range(CHILDREN_WITHOUT_PASSPORT)
        ]
        specs = list(DEMO_SETTINGS)
        for _ in range(max(0, self.wanted - len(self.plans))):
            spec = self.rng.choices(specs, [s.weight for s in specs])[0]
            self._new_child(spec, self.rng.choice(spec.year_groups))

        with_passport = [p for p in self.plans if p not in self.without_passport]
        for plan in with_passport:
            if plan.setting.kind == K.SPECIAL:
                plan.provision = "E"
        target = round(EHC_SHARE * len(with_passport))
        have = sum(p.provision == "E" for p in with_passport)
        open_ = [p for p in with_passport if p.provision is None]
        weights = [EHC_WEIGHT[p.setting.kind] for p in open_]
        chosen: set[int] = set()
        while len(chosen) < min(max(0, target - have), len(open_)):
            chosen.add(self.rng.choices(range(len(open_)), weights)[0])
        for index, plan in enumerate(open_):
            plan.provision = "E" if index in chosen else "K"

    def _enrolment_history(self, plan: _Child) -> list[tuple[SettingSpec, dt.date, dt.date | None]]:
        rng, spec, year = self.rng, plan.setting, plan.year_group
        dob = plan.child.date_of_birth
        reception = autumn_term_starts(self.school_year - year)
        year7 = autumn_term_starts(self.school_year - (year - 7))
        recent = self.today - dt.timedelta(days=14)
        others = [s for s in DEMO_SETTINGS if s.kind == spec.kind and s.key != spec.key]
        primaries = [s for s in DEMO_SETTINGS if s.kind == K.PRIMARY]
        history: list[tuple[SettingSpec, dt.date, dt.date | None]] = []

        def moved_from(past: SettingSpec, past_start: dt.date, earliest_move: dt.date) -> dt.date:
            """Record an earlier place the child left in-year; return when they started here."""
            leave = self._between(earliest_move, self.today - dt.timedelta(days=45))
            leave = max(past_start, min(leave, self.today - dt.timedelta(days=1)))
            history.append((past, past_start, leave))
            arrive = _weekday_on_or_after(leave + dt.timedelta(days=rng.randint(7, 21)))
            return min(arrive, self.today)

        if spec.kind == K.EARLY_YEARS:
            age = rng.choice((2, 3)) if spec.low_age >= 2 else 1
            start = min(_term_starts_after(add_years(dob, age)), recent)
        elif spec.kind == K.PRIMARY:
            nursery_class = _term_starts_after(add_years(dob, 3))
            start = reception
            if year < 0 or (spec.low_age <= 3 and rng.random() < 0.6):
                start = nursery_class
            elif rng.random() < 0.3:
                nursery = rng.choice([s for s in DEMO_SETTINGS if s.kind == K.EARLY_YEARS])
                if nursery_class < reception:
                    history.append((nursery, nursery_class, summer_term_ends(reception.year)))
            if year >= 1 and rng.random() < 0.12:
                start = moved_from(
                    rng.choice(others), reception, autumn_term_starts(reception.year + 1)
                )
            start = min(start, recent)
        elif spec.kind == K.SECONDARY:
            start = year7
            if year >= 12 and spec.high_age > 16 and rng.random() < 0.3:
                # Joined the sixth form from an 11-16 school.
                start = autumn_term_starts(self.school_year - (year - 12))
                history.append((SETTINGS_BY_KEY["secondary"], year7, summer_term_ends(start.year)))
            else:
                if rng.random() < 0.75:
                    history.append((rng.choice(primaries), reception, summer_term_ends(year7.year)))
                if year >= 8 and rng.random() < 0.06:
                    start = moved_from(
                        rng.choice(others), year7, autumn_term_starts(year7.year + 1)
                    )
        elif spec.kind == K.SPECIAL:
            start = _term_starts_after(add_years(dob, rng.choice((2, 3, 4))))
            if year >= 2 and rng.random() < 0.5:
                latest = min(self.today, summer_term_ends(reception.year + 7))
                leave = self._between(
                    autumn_term_starts(reception.year + 1), latest - dt.timedelta(days=30)
                )
                history.append((rng.choice(primaries), reception, leave))
                start = _term_starts_after(leave + dt.timedelta(days=1))
            start = min(start, recent)
        else:
            start = autumn_term_starts(self.school_year - min(year - 12, rng.randint(0, 2)))
            roll = rng.random()
            if roll < 0.9:
                # Left school at 16, or at 18 from a school with a sixth form (special: 19).
                if roll < 0.2:
                    school, last_year = SETTINGS_BY_KEY["special"], year7.year + 8
                elif start.year - year7.year > 5:
                    school, last_year = SETTINGS_BY_KEY["secondary_2"], year7.year + 7
                else:
                    school, last_year = (
                        rng.choice([s for s in DEMO_SETTINGS if s.kind == K.SECONDARY]),
                        start.year,
                    )
                history.append((school, year7, summer_term_ends(min(start.year, last_year))))
        history.append((spec, start, None))
        history.sort(key=lambda row: row[1])
        return history

    def _upn(self, plan: _Child) -> str | None:
        reception_year = self.school_year - plan.year_group
        for spec, start, _ in plan.enrolments:
            if spec.estab and spec.kind != K.COLLEGE and start.year <= reception_year + 1:
                la, estab, year = DEMO_LA_CODE, spec.estab, start.year
                break
        else:
            if plan.year_group < 0:
                return None
            # A UPN from a school outside the demo, in this LA or a neighbour.
            la = self.rng.choice((DEMO_LA_CODE,) * 5 + ("803", "802", "800"))
            estab = str(self.rng.randint(2001, 2999))
            year = reception_year
        self.upn_serials[(la, estab, year)] += 1
        return make_upn(la, estab, self.upn_serials[(la, estab, year)], year=year)

    def _uln(self) -> str:
        while True:
            stem = str(self.rng.randint(100_000_000, 999_999_999))
            remainder = sum(int(d) * w for d, w in zip(stem, range(10, 1, -1), strict=True)) % 11
            if remainder and stem + str(10 - remainder) not in self.ulns:
                value = stem + str(10 - remainder)
                self.ulns.add(value)
                return value

    def _nhs_number(self) -> str:
        # 999 numbers are never issued to patients: NHS England reserves them for test data.
        while True:
            stem = "999" + f"{self.rng.randint(0, 999_999):06d}"
            check = 11 - sum(int(d) * w for d, w in zip(stem, range(10, 1, -1), strict=True)) % 11
            check = 0 if check == 11 else check
            if check != 10 and stem + str(check) not in self.nhs_numbers:
                self.nhs_numbers.add(stem + str(check))
                return stem + str(check)

    def _parent_email(self, given: str, family: str) -> str:
        base = f"{_slug(given)}.{_slug(family)}"
        email, n = f"{base}@family.{DEMO_EMAIL_DOMAIN}", 1
        while email in self.emails:
            n += 1
            email = f"{base}{n}@family.{DEMO_EMAIL_DOMAIN}"
        return email

    def _parents(self, plan: _Child) -> list[tuple[User, str]]:
        if plan is self.leo:
            return [(self._user(PARENT_EMAIL, "Sarah Hartley"), "Mother")]
        rng = self.rng
        born = plan.child.date_of_birth
        siblings = [
            family
            for family in self.families
            if all(abs((born - other).days) > 400 for other in family.births)
        ]
        if plan is not self.maya and siblings and rng.random() < 0.06:
            family_of = rng.choice(siblings)
            plan.child.family_name = family_of.family_name
            family_of.births.append(born)
            return family_of.parents
        family = plan.child.family_name if rng.random() < 0.9 else rng.choice(content.FAMILY_NAMES)
        roll = rng.random()
        first = (
            "Grandmother (special guardian)"
            if roll < 0.05
            else "Father"
            if roll < 0.25
            else "Mother"
        )
        relations = [first]
        if first != "Grandmother (special guardian)" and rng.random() < 0.3:
            relations.append("Father" if first == "Mother" else "Mother")
        parents = []
        for relation in relations:
            given = rng.choice(content.MEN if relation == "Father" else content.WOMEN)
            surname = plan.child.family_name if relation == "Father" else family
            user = self._user(self._parent_email(given, surname), f"{given} {surname}")
            parents.append((user, relation))
        self.families.append(_Family(plan.child.family_name, parents, [born]))
        return parents

    def plan_people(self) -> None:
        for plan in self.plans:
            child = plan.child
            plan.enrolments = self._enrolment_history(plan)
            child.upn = self._upn(plan)
            if plan.year_group >= 12 or (plan.year_group >= 10 and self.rng.random() < 0.6):
                child.uln = self._uln()
            if self.rng.random() < 0.9:
                child.nhs_number = self._nhs_number()
            child.full_clean(exclude=["own_account"], validate_unique=False)
            plan.parents = self._parents(plan)
        maya_user = self._user(YOUNG_PERSON_EMAIL, "Maya Patel")
        self.maya.child.own_account = maya_user
        self._member(maya_user, Role.YOUNG_PERSON, self.maya.enrolments[-1][1])

    # -- passports --

    def _fmt(self, text: str, plan: _Child, **extra: str) -> str:
        he, him, his = ("she", "her", "her") if plan.sex == "f" else ("he", "him", "his")
        places: dict[str, str] = {K.EARLY_YEARS: "nursery", K.COLLEGE: "college"}
        place = places.get(plan.setting.kind, "school")
        values = {
            "name": plan.child.known_as,
            "he": he,
            "him": him,
            "his": his,
            "He": he.capitalize(),
            "His": his.capitalize(),
            "place": place,
            **extra,
        }
        return text.format_map(values)

    def _setting_on(self, plan: _Child, day: dt.date) -> SettingSpec:
        for spec, start, end in reversed(plan.enrolments):
            if start <= day and (end is None or day <= end):
                return spec
        return plan.enrolments[0][0] if day < plan.enrolments[0][1] else plan.setting

    def _choose_needs(self, plan: _Child) -> list[str]:
        if plan.needs:
            return plan.needs
        if plan.setting.kind == K.SPECIAL:
            weights = NEED_WEIGHTS["special"]
        elif plan.year_group < 0:
            weights = {
                c: w for c, w in NEED_WEIGHTS["ey"].items() if plan.provision == "K" or c != "NSA"
            }
        else:
            weights = dict(NEED_WEIGHTS[plan.provision or "K"])
            if plan.year_group >= 7 and "SLCN" in weights:
                weights.update(
                    SLCN=weights["SLCN"] * 0.5,
                    SEMH=weights["SEMH"] * 1.5,
                    SPLD=weights["SPLD"] * 1.4,
                )
        first = self._weighted(weights)
        needs = [first]
        second_chance = 0.5 if plan.provision == "E" else 0.35
        options = [
            code
            for code in SECONDARY_NEEDS[first]
            if plan.year_group >= 0 or code not in ("MLD", "SPLD")
        ]
        if options and self.rng.random() < second_chance:
            needs.append(self.rng.choice(options))
        return needs

    def _layer_path(self, plan: _Child) -> list[str]:
        if plan.layers:
            return plan.layers
        roll = self.rng.random()
        if plan.provision == "E":
            if plan.needs[0] in COMPLEX_FROM_EARLY or (
                plan.setting.kind == K.SPECIAL and roll < 0.5
            ):
                return ["specialist"]
            if roll < 0.2:
                return ["targeted", "targeted_plus", "specialist"]
            return ["targeted_plus", "specialist"] if roll < 0.7 else ["specialist"]
        if roll < 0.10:
            return ["universal"]
        if roll < 0.72:
            step = self.rng.random()
            if step < 0.3:
                return ["universal", "targeted"]
            return ["targeted_plus", "targeted"] if step < 0.38 else ["targeted"]
        return ["targeted", "targeted_plus"] if self.rng.random() < 0.5 else ["targeted_plus"]

    def _passport_start(self, plan: _Child) -> dt.date:
        first_start = plan.enrolments[0][1]
        latest = self.today - dt.timedelta(days=14)
        if plan is self.leo:
            return self._school_day(
                autumn_term_starts(self.school_year - 2) + dt.timedelta(days=30),
                autumn_term_starts(self.school_year - 2) + dt.timedelta(days=90),
            )
        earliest = max(
            first_start + dt.timedelta(days=20),
            add_years(plan.child.date_of_birth, 2),
            self.today - dt.timedelta(days=4 * 365),
        )
        if earliest > latest:
            return max(first_start, min(latest, self.today))
        return self._school_day(earliest, latest)

    def _review_dates(self, plan: _Child, start: dt.date, interval: int) -> list[dt.date]:
        dates: list[dt.date] = []
        latest = self.today - dt.timedelta(days=3)
        day = add_months(start, interval)
        while day <= latest:
            held = _weekday_on_or_before(day - dt.timedelta(days=self.rng.randint(0, 10)))
            if in_term(held) != held:
                later = in_term(held, forward=True) + dt.timedelta(days=self.rng.randint(0, 20))
                held = _weekday_on_or_before(later) if later <= latest else in_term(held)
            if held > (dates[-1] if dates else start):
                dates.append(held)
            day = add_months(max(held, day - dt.timedelta(days=10)), interval)
        dates = dates[-4:]
        if len(dates) >= 2 and plan is not self.leo and self.rng.random() < 0.1:
            dates.pop()  # this passport's review is overdue
        return dates

    def build_passport(self, plan: _Child) -> None:
        """Plan one child's passport and every section, with who wrote each part and when."""
        draft = self._draft(plan)
        rows = [
            *self._need_and_strategy_rows(draft),
            *self._layer_rows(draft),
            *self._support_rows(draft),
            *self._outcome_rows(draft),
            *self._review_rows(draft),
            *self._contribution_rows(draft),
        ]
        passport = draft.passport
        # One version for opening the passport, About me and My needs, then one per change.
        passport.version = 3 + sum(not isinstance(row, RankedNeed) for row, _, _ in rows)
        passport.updated_at = self._aware(max(day for _, _, day in rows))
        self._check(passport)
        self.rows[Passport].append(passport)
        for row, by, day in rows:
            self._check(row)
            when = self._history(row, by, day)
            if isinstance(row, Strategy | AboutMeContribution):
                row.created_at = when
            if isinstance(row, LayerAssignment):
                row.recorded_at = when
            self.rows[type(row)].append(row)

    def _draft(self, plan: _Child) -> _Draft:
        rng, pack = self.rng, self.pack
        plan.needs = self._choose_needs(plan)
        path = self._layer_path(plan)
        start = self._passport_start(plan)
        interval = pack.review_interval_months(path[-1])
        reviews = self._review_dates(plan, start, interval)
        band = content.band_for_year(plan.year_group)
        first = NEEDS[plan.needs[0]]
        second = NEEDS[plan.needs[1]] if len(plan.needs) > 1 else None

        areas = []
        for code in plan.needs:
            area = pack.need_type(code).broad_area  # type: ignore[union-attr]
            areas.append(area or ("SP" if code == "OTH" else rng.choice(("CL", "CI", "SEMH"))))
        areas = list(dict.fromkeys(areas))
        check_needs(plan.provision or "K", plan.needs, areas)
        described = [content.text_of(d) for d in first.descriptions if content.fits(d, band)]
        description = self._fmt(rng.choice(described), plan)
        if second is not None and second.also:
            description += " " + self._fmt(second.also, plan)
        how = [rng.choice(first.how_to_support)]
        if second is not None:
            how.append(rng.choice(second.how_to_support))
        interest, other_interest = rng.sample(content.INTERESTS[band], 2)
        traits = content.EARLY_TRAITS if band == content.EY else content.TRAITS
        t1, t2 = rng.sample(traits, 2)
        passport = Passport(
            child=plan.child,
            liked_about_me=rng.choice(content.LIKED[band]).format(t1=t1, t2=t2),
            matters_to_me=self._fmt(
                rng.choice(content.MATTERS_TEMPLATES),
                plan,
                i1=interest,
                i2=other_interest,
                m=self._fmt(rng.choice(content.MATTERS[band]), plan),
            ),
            how_to_support_me=" ".join(how),
            sen_provision=plan.provision or "K",
            broad_areas=areas,
            needs_description=description,
            updated_by=self.senco[self._setting_on(plan, self.today).key],
        )
        opened_by = self.senco[self._setting_on(plan, start).key]
        passport.created_at = self._history(passport, opened_by, start)
        return _Draft(
            plan=plan,
            passport=passport,
            start=start,
            opened_by=opened_by,
            reviews=reviews,
            interval=interval,
            changes=self._layer_changes(plan, path, start, reviews),
            band=band,
            first=first,
            second=second,
            interest=interest,
        )

    def _layer_changes(
        self, plan: _Child, path: list[str], start: dt.date, reviews: list[dt.date]
    ) -> list[tuple[str, dt.date, int | None]]:
        """Date each layer on the path: the first from the start, each later one at a review."""
        wanted = len(path) - 1
        usable = list(range(len(reviews)))
        if path[-1] == "specialist" and wanted:
            # An EHC plan is issued some weeks after the review that asked for a needs
            # assessment (20 weeks is the legal limit, often missed).
            latest = self.today - dt.timedelta(days=7)
            usable = [i for i in usable if reviews[i] + dt.timedelta(weeks=16) <= latest]
        if len(usable) < wanted:
            path = path[-(len(usable) + 1) :]
            wanted = len(path) - 1
        picks = sorted(self.rng.sample(usable, wanted)) if wanted else []
        if plan is self.leo and picks:
            picks = [usable[-1]]
        changes: list[tuple[str, dt.date, int | None]] = [(path[0], start, None)]
        for layer, index in zip(path[1:], picks, strict=True):
            held = reviews[index]
            if layer == "specialist":
                weeks = dt.timedelta(weeks=self.rng.randint(16, 30))
                issued = min(held + weeks, self.today - dt.timedelta(days=7))
                changes.append((layer, _weekday_on_or_before(issued), index))
            else:
                changes.append((layer, held, index))
        return changes

    def _need_and_strategy_rows(self, d: _Draft) -> list[_Row]:
        rows: list[_Row] = [
            (RankedNeed(passport=d.passport, need_type=code, rank=rank), d.opened_by, d.start)
            for rank, code in enumerate(d.plan.needs, start=1)
        ]
        strategies = [(k, t) for k, t in d.first.strategies if content.fits(t, d.band)]
        self.rng.shuffle(strategies)
        chosen = strategies[: self.rng.randint(2, 3)]
        extra = [
            (k, t) for k, t in (d.second.strategies if d.second else ()) if content.fits(t, d.band)
        ]
        if extra:
            chosen.append(self.rng.choice(extra))
        for kind, text in chosen:
            description = self._fmt(content.text_of(text), d.plan)
            rows.append(
                (
                    Strategy(passport=d.passport, kind=kind, description=description),
                    d.opened_by,
                    d.start,
                )
            )
        return rows

    def _layer_rows(self, d: _Draft) -> list[_Row]:
        rows: list[_Row] = []
        for position, (layer, day, review_index) in enumerate(d.changes):
            if review_index is None:
                reason = content.FIRST_LAYER_REASONS[layer]
                if layer == "specialist" and d.plan.needs[0] not in COMPLEX_FROM_EARLY:
                    reason = content.PLAN_IN_PLACE_REASON
            elif layer == "specialist":
                review = d.reviews[review_index]
                reason = content.PLAN_ISSUED_REASON.format(
                    issued=f"{day:%-d %B %Y}", review=f"{review:%-d %B %Y}"
                )
            elif self._is_step_up(d.changes[position - 1][0], layer):
                reason = content.STEP_UP_REASON.format(
                    review=f"{day:%-d %B %Y}", prof=d.first.professional
                )
            else:
                reason = content.STEP_DOWN_REASON.format(review=f"{day:%-d %B %Y}")
            by = self.senco[self._setting_on(d.plan, day).key]
            text = self._fmt(reason, d.plan, area=d.first.area, prof=d.first.professional)
            pack_layer = self.pack.layer(layer)
            assignment = LayerAssignment(
                passport=d.passport,
                layer=layer,
                starts_on=day,
                reason=text,
                recorded_by=by,
                professionals_involved=(
                    f"{d.first.professional[0].upper()}{d.first.professional[1:]} through Experts "
                    "at Hand, every other week"
                    if pack_layer and pack_layer.records_professionals
                    else ""
                ),
                provision_package=(
                    f"Specialist Provision Package: {self._need_name(d.plan.needs[0])}"
                    if pack_layer and pack_layer.records_provision_package
                    else ""
                ),
            )
            rows.append((assignment, by, day))
        return rows

    def _need_name(self, code: str) -> str:
        need = self.pack.need_type(code)
        return need.name if need else code

    def _is_step_up(self, before: str, after: str) -> bool:
        order = [code for code, _ in self.pack.layer_choices()]
        return order.index(after) > order.index(before)

    def _support_rows(self, d: _Draft) -> list[_Row]:
        """Plan the support in place now, and what was in place before the last change."""
        rng, plan = self.rng, d.plan
        layer_now, layer_since, _ = d.changes[-1]
        enrolled_since = plan.enrolments[-1][1]
        since = max(layer_since, enrolled_since)
        count = rng.randint(2, 3) if layer_now == "specialist" else rng.randint(1, 2)
        items: list[tuple[str, dt.date, dt.date | None]] = [(layer_now, since, None)] * count
        order = [code for code, _ in self.pack.layer_choices()]
        if layer_now != order[0] and rng.random() < 0.7:
            below = order[order.index(layer_now) - 1]
            items.append((below, max(enrolled_since, d.start), None))
        if len(d.changes) > 1:
            before, before_start, _ = d.changes[-2]
            first_enrolled = plan.enrolments[0][1]
            ended = layer_since - dt.timedelta(days=1)
            items.append((before, max(before_start, first_enrolled), ended))
        rows: list[_Row] = []
        used: set[str] = set()
        for layer, earliest, ends_on in items:
            template = self._support_template(plan, layer, d.band, used)
            if template is None:
                continue
            starts_on = self._school_day(
                earliest, min(self.today, earliest + dt.timedelta(days=20))
            )
            item = SupportItem(
                passport=d.passport,
                description=self._fmt(template.description, plan),
                intended_outcome=self._fmt(template.intended_outcome, plan),
                delivered_by=template.delivered_by,
                provider=self.provider[template.provider] if template.provider else None,
                group_size=template.group_size,
                minutes_per_session=template.minutes,
                sessions_per_period=template.sessions,
                period=template.period,
                starts_on=starts_on,
                ends_on=max(ends_on, starts_on) if ends_on else None,
                layer=layer,
                rationale=self._fmt(template.rationale, plan),
            )
            rows.append((item, self.senco[self._setting_on(plan, starts_on).key], starts_on))
        return rows

    def _outcome_rows(self, d: _Draft) -> list[_Row]:
        """Plan the outcomes set at the last review, and sometimes one from the review before."""
        rng, plan = self.rng, d.plan
        next_review = add_months(d.reviews[-1] if d.reviews else d.start, d.interval)
        suitable = [content.text_of(t) for t in d.first.outcomes if content.fits(t, d.band)]
        chosen = rng.sample(suitable, min(2, len(suitable)))
        also = [
            content.text_of(t)
            for t in (d.second.outcomes if d.second else ())
            if content.fits(t, d.band) and content.text_of(t) not in chosen
        ]
        if also:
            chosen.append(rng.choice(also))
        set_on = d.reviews[-1] if d.reviews else d.start
        fresh = (self.today - set_on).days < 42
        senco_now = self.senco[self._setting_on(plan, self.today).key]
        rows: list[_Row] = []
        for text in chosen:
            if fresh and rng.random() < 0.6:
                progress = "not_started"
            else:
                progress = rng.choices(
                    ("some", "good", "achieved", "not_started"), (45, 35, 12, 8)
                )[0]
            outcome = Outcome(
                passport=d.passport,
                description=self._fmt(text, plan),
                target_date=max(next_review, self.today + dt.timedelta(days=21)),
                progress=progress,
                progress_notes=self._fmt(content.PROGRESS_NOTES[progress], plan),
            )
            rows.append((outcome, senco_now, set_on))
        if len(d.reviews) >= 2 and rng.random() < 0.5:
            text = rng.choice([t for t in suitable if t not in chosen] or suitable)
            progress = rng.choice(("achieved", "achieved", "not_achieved"))
            outcome = Outcome(
                passport=d.passport,
                description=self._fmt(text, plan),
                target_date=d.reviews[-1],
                progress=progress,
                progress_notes=self._fmt(content.PROGRESS_NOTES[progress], plan),
            )
            set_before = d.reviews[-2]
            rows.append((outcome, self.senco[self._setting_on(plan, set_before).key], set_before))
        return rows

    def _review_rows(self, d: _Draft) -> list[_Row]:
        rng, plan = self.rng, d.plan
        count = len(d.reviews)
        decisions = {index: layer for layer, _, index in d.changes if index is not None}
        parent_names = ", ".join(
            f"{user.full_name} ({relation.split(' ')[0].lower()})"
            for user, relation in plan.parents
        )
        # Children with the most complex needs share their views through the adults who know them.
        observed = plan.needs[0] in COMPLEX_FROM_EARLY
        parent_views = self._draw(content.PARENT_VIEWS, count)
        child_views = {band: self._draw(v, count) for band, v in content.CHILD_VIEWS.items()}
        summaries = {decision: self._draw(v, count) for decision, v in content.PROGRESS.items()}
        professional = d.first.professional
        rows: list[_Row] = []
        for index, held in enumerate(d.reviews):
            spec = self._setting_on(plan, held)
            layer_then = next(layer for layer, day, _ in reversed(d.changes) if day < held)
            moved_to = decisions.get(index)
            if moved_to == "specialist":
                decision = "request_assessment"
            elif moved_to is None:
                decision = "continue"
            else:
                decision = "step_up" if self._is_step_up(layer_then, moved_to) else "step_down"
            layer_after = moved_to if moved_to and moved_to != "specialist" else layer_then
            band_then = content.band_for_year(
                national_curriculum_year(plan.child.date_of_birth, held)
            )
            people = [
                plan.child.known_as,
                parent_names,
                f"{self.senco[spec.key].full_name} (SENCO)",
                f"{rng.choice(self.staff_names[spec.key])} ({content.STAFF_ROLE[band_then]})",
            ]
            if layer_then in ("targeted_plus", "specialist") or decision != "continue":
                people.append(professional.removeprefix("the ").capitalize())
            review = Review(
                passport=d.passport,
                held_on=held,
                participants=", ".join(person for person in people if person),
                child_views=self._fmt(
                    child_views[content.EY if observed else band_then][index], plan
                ),
                parent_views=self._fmt(parent_views[index], plan)
                if plan.parents and rng.random() < 0.85
                else "",
                progress_summary=self._fmt(
                    summaries[decision][index], plan, area=d.first.area, prof=professional
                ),
                decision=decision,
                next_review_on=add_months(held, self.pack.review_interval_months(layer_after)),
            )
            rows.append((review, self.senco[spec.key], held))
        return rows

    def _contribution_rows(self, d: _Draft) -> list[_Row]:
        """Plan what parents, and the young person, added to About me in their own words."""
        rng, plan = self.rng, d.plan
        rows: list[_Row] = []
        if plan.parents and (plan is self.leo or rng.random() < 0.3):
            parent = plan.parents[0][0]
            day = self._between(d.reviews[-1] if d.reviews else d.start, self.today)
            text = self._fmt(rng.choice(content.PARENT_CONTRIBUTIONS), plan, i1=d.interest)
            contribution = AboutMeContribution(
                passport=d.passport, voice="parent", author=parent, text=text
            )
            rows.append((contribution, parent, day))
        if plan is self.maya and plan.child.own_account is not None:
            for text in content.YOUNG_PERSON_CONTRIBUTIONS[:2]:
                day = self._between(self.today - dt.timedelta(days=60), self.today)
                author = plan.child.own_account
                contribution = AboutMeContribution(
                    passport=d.passport, voice="child", text=text, author=author
                )
                rows.append((contribution, author, day))
        return rows

    def _support_template(
        self, plan: _Child, layer: str, band: str, used: set[str]
    ) -> Support | None:
        pools = [NEEDS[code].support.get(layer, ()) for code in plan.needs]
        pools.append(content.GENERAL_SUPPORT.get(layer, ()))
        for pool in pools:
            options = [
                s
                for s in pool
                if band in s.bands
                and s.description not in used
                and not (s.mainstream_only and plan.setting.kind == K.SPECIAL)
            ]
            if options:
                choice = self.rng.choice(options)
                used.add(choice.description)
                return choice
        return None

    @staticmethod
    def _check(row: models.Model) -> None:
        """Run the same field validators a form would, without a query per foreign key."""
        foreign = [f.name for f in row._meta.fields if f.is_relation]
        row.full_clean(exclude=foreign, validate_unique=False, validate_constraints=False)

    # -- writing --

    def write(self) -> None:
        step = self.bar.set_description
        step("Saving people")
        User.objects.bulk_create(self.users)
        Membership.objects.bulk_create(self.memberships)
        staff_users = {id(m.user): m.user for m in self.memberships if m.role in STAFF_ROLES}
        TOTPDevice.objects.bulk_create(
            TOTPDevice(
                user=user,
                name="Demo authenticator app",
                key=demo_authenticator_key(user.email),
                confirmed=True,
            )
            for user in staff_users.values()
        )
        self.bar.update(1)
        step("Saving children")
        Child.objects.bulk_create([plan.child for plan in self.plans])
        enrolments = []
        responsibilities = []
        parent_since: dict[int, dt.date] = {}
        for plan in self.plans:
            for spec, start, end in plan.enrolments:
                enrolments.append(
                    Enrolment(
                        child=plan.child,
                        setting=self.settings[spec.key],
                        starts_on=start,
                        ends_on=end,
                    )
                )
            dob = plan.child.date_of_birth
            for user, relation in plan.parents:
                starts = (
                    dob if "guardian" not in relation else add_years(dob, self.rng.randint(1, 4))
                )
                adult = add_years(dob, 18)
                # Parental responsibility ends at 18 (Children Act 1989 s.105).
                responsibilities.append(
                    ParentalResponsibility(
                        child=plan.child,
                        person=user,
                        relationship=relation,
                        starts_on=starts,
                        ends_on=adult - dt.timedelta(days=1) if adult <= self.today else None,
                    )
                )
                parent_since[id(user)] = min(parent_since.get(id(user), starts), starts)
        Enrolment.objects.bulk_create(enrolments)
        ParentalResponsibility.objects.bulk_create(responsibilities)
        parents = {id(user): user for plan in self.plans for user, _ in plan.parents}
        Membership.objects.bulk_create(
            [
                Membership(user=user, role=Role.PARENT_CARER, starts_on=parent_since[key])
                for key, user in parents.items()
            ]
        )
        self.bar.update(1)
        for model, rows in self.rows.items():
            step(f"Saving {model._meta.verbose_name_plural}")
            _save_with_history(model, rows)
            self.bar.update(1)

    def link_professionals(self) -> None:
        """Give the caseworker a caseload and the therapist referrals with the families' consent."""
        caseworker = User.objects.get(email=CASEWORKER_EMAIL)
        therapist_provider = self.provider["nhs"]
        senco = self.senco[self.leo.setting.key]
        with_plans = [p for p in self.plans if p.provision == "E"]
        for plan in with_plans[:CASELOAD_SIZE]:
            access_services.assign_to_caseload(
                caseworker, plan.child, in_term(self.today - dt.timedelta(days=300))
            )
        speech = [p for p in self.plans if p.needs and p.needs[0] == "SLCN" and p is not self.leo]
        for number, plan in enumerate([self.leo, *speech[: REFERRALS - 1]]):
            referral_starts = in_term(self.today - dt.timedelta(days=120))
            access_services.record_referral(
                plan.child,
                therapist_provider,
                "Speech and language therapy",
                referral_starts,
                senco,
            )
            # One family in five has not decided yet: the therapist cannot see that child.
            if plan is self.leo or number % 5:
                access_services.give_consent(
                    plan.child, therapist_provider, CONSENTED_SECTIONS, plan.parents[0][0]
                )

    def open_passports_as_staff(self) -> None:
        """Have Leo's SENCO and teacher open his passport, so "who has seen" has something to say."""
        for email in (f"senco@{self.leo.setting.mail}.{DEMO_EMAIL_DOMAIN}", TEACHER_EMAIL):
            get_child_for(User.objects.get(email=email), self.leo.child.pk, Action.READ)


# Fields stamped on insert (auto_now, auto_now_add) that should say when the change was made.
_DATED_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    Passport: ("created_at", "updated_at"),
    Strategy: ("created_at",),
    LayerAssignment: ("recorded_at",),
    AboutMeContribution: ("created_at",),
}


def demo_authenticator_key(email: str) -> str:
    """Return the secret of a demo staff member's authenticator app, fixed by their email."""
    return hashlib.sha256(f"support-passport-demo:{email}".encode()).hexdigest()[:40]


def _save_with_history(model: type[models.Model], rows: list[models.Model]) -> None:
    """Insert rows and their first history version, each with its own user and date."""
    dated = _DATED_FIELDS.get(model, ())
    planned = [{name: getattr(row, name) for name in dated} for row in rows]
    model._default_manager.bulk_create(rows, batch_size=500)
    for row, values in zip(rows, planned, strict=True):
        for name, value in values.items():
            setattr(row, name, value)
    if dated:
        model._default_manager.bulk_update(rows, list(dated), batch_size=500)
    model.history.bulk_history_create(rows, batch_size=500)  # type: ignore[attr-defined]


WRITE_STEPS = 1 + 2 + 8  # organisations, people, children, then each passport table


def existing_data() -> str:
    """Say what data is already there that the demo would clash with, or '' if none."""
    children = Child.objects.count()
    if children:
        return f"{children} {'child' if children == 1 else 'children'}"
    found = []
    if Setting.objects.filter(urn__in=DEMO_URNS).exists():
        found.append("demo settings")
    if _demo_users().exists():
        found.append("demo accounts")
    if SchoolGroup.objects.filter(name=GROUP_NAME).exists():
        found.append("the demo school group")
    return " and ".join(found)


def _demo_users() -> models.QuerySet[User]:
    return User.objects.filter(
        Q(email__iendswith=f"@{DEMO_EMAIL_DOMAIN}") | Q(email__iendswith=f".{DEMO_EMAIL_DOMAIN}")
    )


def remove_demo_data() -> dict[str, int]:
    """Delete what the demo made (never the local authority list) and its history; return counts."""
    refuse_in_production("demo", DEMO_REFUSAL)
    settings = Setting.objects.filter(urn__in=DEMO_URNS)
    users = _demo_users()
    providers = Provider.objects.filter(
        name__in=[NHS_TRUST, LA_SERVICE], local_authority__code=DEMO_LA_CODE
    )
    groups = SchoolGroup.objects.filter(name=GROUP_NAME)
    child_ids = set(
        Child.objects.filter(
            Q(enrolments__setting__in=settings)
            | Q(own_account__in=users)
            | Q(parental_responsibilities__person__in=users)
        ).values_list("pk", flat=True)
    )
    passport_ids = list(
        Passport.objects.filter(child_id__in=child_ids).values_list("pk", flat=True)
    )
    remove_funding_demo(GROUP_NAME)  # first: the ledger names the demo's users and settings
    counts = {
        "children": len(child_ids),
        "passports": len(passport_ids),
        "users": users.count(),
        "settings": settings.count(),
    }
    Child.objects.filter(pk__in=child_ids).delete()
    for model in (
        RankedNeed,
        Strategy,
        SupportItem,
        Outcome,
        Review,
        LayerAssignment,
        AboutMeContribution,
    ):
        model.history.filter(passport_id__in=passport_ids).delete()
    Passport.history.filter(id__in=passport_ids).delete()
    Membership.objects.filter(
        Q(user__in=users)
        | Q(setting__in=settings)
        | Q(provider__in=providers)
        | Q(school_group__in=groups)
    ).delete()
    users.delete()
    groups.delete()
    remove_demo_directory()
    providers.delete()
    settings.delete()
    return counts


def build_demo(
    *, seed: int = DEFAULT_SEED, children: int = DEFAULT_CHILDREN, progress: TextIO | None = None
) -> DemoSummary:
    """Create the demo local authority; call inside a transaction on a database without it."""
    refuse_in_production("demo", DEMO_REFUSAL)
    total = children + WRITE_STEPS
    with tqdm(
        total=total,
        file=progress,
        disable=progress is None,
        unit="step",
        desc="Planning settings and staff",
        leave=False,
    ) as bar:
        builder = _Builder(seed, children, bar)
        builder.build_organisations()
        build_directory(builder.la)
        builder.bar.update(1)
        builder.plan_children()
        builder.plan_people()
        bar.set_description("Writing passports")
        for plan in builder.plans:
            if plan.provision is not None:
                builder.build_passport(plan)
            bar.update(1)
        builder.write()
        _refresh_planner_statistics()
        builder.link_professionals()
        build_ehcp_cases(CASEWORKER_EMAIL)
        build_recorded_plans(CASEWORKER_EMAIL)
        build_funding_demo(GROUP_NAME, NHS_TRUST)
        builder.open_passports_as_staff()
    return summarise()


def _refresh_planner_statistics() -> None:
    """Tell PostgreSQL's planner how many rows the demo just wrote.

    The demo is written in one transaction, before autovacuum can sample it, so the planner still
    believes the tables are empty and picks nested loops that take minutes on the joins the
    funding demo runs next. ANALYZE counts rows the current transaction inserted.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def summarise() -> DemoSummary:
    """Count what the demo local authority holds now."""
    pack = current_pack()
    on = today()
    settings = []
    for spec in DEMO_SETTINGS:
        setting = Setting.objects.get(urn=spec.urn)
        on_roll = Enrolment.objects.live_on(on).filter(setting=setting)
        settings.append(
            (
                spec.name,
                setting.get_kind_display(),
                spec.urn,
                on_roll.count(),
                Passport.objects.filter(child__in=on_roll.values("child_id")).count(),
            )
        )
    current: dict[int, str] = {}
    for passport_id, layer in LayerAssignment.objects.order_by("starts_on", "pk").values_list(
        "passport_id", "layer"
    ):
        current[passport_id] = layer
    by_layer = Counter(current.values())
    provisions = Counter(Passport.objects.values_list("sen_provision", flat=True))
    roles = Counter(
        Membership.objects.filter(user__in=_demo_users()).values_list("role", flat=True)
    )
    children = Child.objects.count()
    return DemoSummary(
        settings=settings,
        passports_by_layer=[(name, by_layer[code]) for code, name in pack.layer_choices()],
        passports_by_provision=[
            (name, provisions[code]) for code, name in pack.provision_choices() if provisions[code]
        ],
        users_by_role=[(label, roles[value]) for value, label in Role.choices],
        children=children,
        children_without_passport=Child.objects.filter(passport__isnull=True).count(),
        users=_demo_users().count(),
    )
