"""One permission vocabulary: outside `people` and `access`, nothing filters memberships by role.

A page, an API operation or a command that gates on something other than a child's record asks
`access.standing` (`scope`, `holds`, `require`, `holders`) about a duty declared in rules.toml; a
child's record is reached through `access.policies`. A role or membership filter written anywhere
else is a second, private definition of who may do what, which the menu and the other gates do
not share. This test names each one by file and line.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from passport.access.models import LocalAuthorityWideAccess
from passport.organisations.models import Provider, SchoolGroup
from passport.people.models import Role, User
from passport.site.navigation import navigation_items
from passport.testing.factories import (
    MembershipFactory,
    SettingFactory,
    child_on_roll,
    local_authority,
    parent_of,
    staff,
)
from passport.testing.signing_in import sign_in_as

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "passport"

# Apps that own memberships and the vocabulary itself, and the tools built on top of everything.
EXEMPT_APPS = frozenset({"people", "access", "demo", "benchmarking", "testing"})

# A membership or role filter, written any way we have seen one written. `.role` compared on
# anything named ...decision is an access decision's answer (how the person reached a child,
# `access.decisions.Decision`), not a membership, so it is not matched.
PATTERNS = {
    "live_memberships": re.compile(r"\blive_memberships\b"),
    "Membership.objects": re.compile(r"\bMembership\.objects\b"),
    "memberships__": re.compile(r"memberships__"),
    "role__in": re.compile(r"\brole__in\b"),
    "role=Role.": re.compile(r"\brole\s*=\s*Role\."),
    ".role comparison": re.compile(r"(?<!decision)\.role\s*(?:==|!=|\bnot\s+in\b|\bin\b)"),
    ".memberships.filter": re.compile(r"\.memberships\.(?:filter|exclude|get)\b"),
    "live_roles": re.compile(r"\blive_roles\b"),
}

# (path under src/, the code on the line) -> why it is not a role or membership filter. Keep this
# empty if at all possible: convert the gate to `access.standing` instead.
ALLOWED: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Finding:
    """One role or membership filter found in source."""

    path: str
    line: int
    pattern: str
    code: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.pattern}: {self.code}"


def code_lines(source: str) -> dict[int, str]:
    """Return each line's code with comments and docstrings blanked out, by line number.

    Prose may name a filter (a docstring saying what used to be done); only code is a filter.
    """
    lines = source.splitlines()
    blanked = [list(line) for line in lines]

    def blank(start: tuple[int, int], end: tuple[int, int]) -> None:
        (first_row, first_col), (last_row, last_col) = start, end
        for row in range(first_row, last_row + 1):
            chars = blanked[row - 1]
            begin = first_col if row == first_row else 0
            stop = last_col if row == last_row else len(chars)
            chars[begin:stop] = " " * (stop - begin)

    previous = tokenize.NEWLINE
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT or (
            token.type == tokenize.STRING
            and previous
            in (
                tokenize.NEWLINE,
                tokenize.NL,
                tokenize.INDENT,
                tokenize.DEDENT,
            )
        ):
            blank(token.start, token.end)
        if token.type not in (tokenize.COMMENT, tokenize.NL):
            previous = token.type
    return {number: "".join(chars) for number, chars in enumerate(blanked, start=1)}


def scan(source: str, path: str) -> list[Finding]:
    """Return every role or membership filter in the source, outside comments and docstrings."""
    found = []
    for number, code in code_lines(source).items():
        for name, pattern in PATTERNS.items():
            if pattern.search(code):
                found.append(Finding(path, number, name, code.strip()))
    return found


def scanned_modules() -> list[Path]:
    """Return the modules held to the vocabulary: every app's code but tests and migrations."""
    modules = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if parts[0] in EXEMPT_APPS or "demo" in parts[:-1] or path.name == "demo.py":
            continue
        if {"tests", "migrations"} & set(parts) or path.name.startswith("test_"):
            continue
        if path.name == "conftest.py":
            continue
        modules.append(path)
    return modules


def findings() -> list[Finding]:
    """Return every filter in the scanned modules, exceptions included."""
    return [
        finding
        for path in scanned_modules()
        for finding in scan(path.read_text(encoding="utf-8"), str(path.relative_to(SRC)))
    ]


def test_no_role_or_membership_filter_outside_people_and_access() -> None:
    unexplained = [f for f in findings() if (f.path, f.code) not in ALLOWED]
    assert not unexplained, (
        "Gate on a duty with access.standing (scope, holds, require, holders) instead of "
        "filtering memberships or roles:\n" + "\n".join(str(f) for f in unexplained)
    )


def test_every_allowed_exception_is_still_there() -> None:
    present = {(f.path, f.code) for f in findings()}
    stale = [key for key in ALLOWED if key not in present]
    assert not stale, f"Remove these exceptions, the code is gone: {stale}"


def test_the_scan_covers_the_feature_apps_and_not_the_exempt_ones() -> None:
    scanned = {path.relative_to(PACKAGE).parts[0] for path in scanned_modules()}
    assert {"transitions", "ehcp", "funding", "passports", "reports", "site"} <= scanned
    assert not scanned & EXEMPT_APPS
    assert not any(path.name == "demo.py" for path in scanned_modules())


def test_the_scanner_names_each_filter_by_line() -> None:
    source = '''"""A module that mentions role__in in its docstring, which is prose."""
from passport.people.memberships import live_memberships


def gate(user, setting):
    """Only Membership.objects in prose here."""
    # user.memberships.filter(role=Role.SENCO) in a comment is prose too
    if not user.memberships.filter(role=Role.SENCO).exists():
        raise Http404
    heads = Membership.objects.filter(setting=setting, role__in=["setting_head"])
    leads = User.objects.filter(memberships__role="cluster_lead")
    if any(m.role == "senco" for m in live_memberships(user, today())):
        return heads
    return [m for m in user.live_memberships(today()) if m.role in {"senco"}]
'''
    found = {(f.line, f.pattern) for f in scan(source, "example.py")}
    assert found == {
        (2, "live_memberships"),
        (8, ".memberships.filter"),
        (8, "role=Role."),
        (10, "Membership.objects"),
        (10, "role__in"),
        (11, "memberships__"),
        (12, ".role comparison"),
        (12, "live_memberships"),
        (14, "live_memberships"),
        (14, ".role comparison"),
    }
    assert str(scan(source, "example.py")[0]).startswith("example.py:2: live_memberships")


def test_an_access_decisions_role_is_not_a_membership_filter() -> None:
    source = (
        "if decision.role in (Role.LA_CASEWORKER,):\n"
        "    pass\n"
        "if child.access_decision.role == 'senco':\n"
        "    pass\n"
    )
    assert scan(source, "example.py") == []


# The menu and the gates: each item is shown exactly when its page lets the person in.

# Pages the menu offers only to some people, by the name of their item.
GATED_PAGES = {
    "New arrivals": "new-arrivals",
    "Phase transfers": "phase-transfers",
    "Overdue confirmations": "overdue-confirmations",
    "EHC plans": "ehcp-dashboard",
    "SEN2 return": "sen2-return",
    "Funding": "funding",
    "Data protection": "data-protection",
    "Emergency access reviews": "break-glass-reviews",
    "Emergency access": "break-glass",
}


def _people() -> dict[str, User]:
    """One person for each way the service is used, all at the same school, LA and group."""
    la = local_authority()
    school = SettingFactory(local_authority=la)
    group = SchoolGroup.objects.create(name="Valley partnership")
    group.settings.set([school])
    provider = Provider.objects.create(name="Speech therapy", kind=Provider.Kind.INDEPENDENT)

    def held_at(role: Role, **where: object) -> User:
        return MembershipFactory.create(role=role, setting=None, **where).user

    wide = held_at(Role.LA_CASEWORKER, local_authority=la)
    LocalAuthorityWideAccess.objects.create(
        user=wide, local_authority=la, granted_by=wide, starts_on=dt.date(2020, 9, 1)
    )
    return {
        "senco": staff(Role.SENCO, school),
        "head": staff(Role.SETTING_HEAD, school),
        "teacher": staff(Role.TEACHER, school),
        "data protection lead": staff(Role.DATA_PROTECTION_LEAD, school),
        "caseworker": held_at(Role.LA_CASEWORKER, local_authority=la),
        "caseworker with LA-wide access": wide,
        "cluster lead": held_at(Role.CLUSTER_LEAD, school_group=group),
        "therapist": held_at(Role.HEALTH_PROFESSIONAL, provider=provider),
        "administrator": held_at(Role.ADMINISTRATOR),
        "parent": parent_of(child_on_roll(school)),
    }


@pytest.mark.django_db
def test_the_menu_offers_a_page_exactly_when_its_gate_lets_the_person_in() -> None:
    disagreements = []
    offered_to_someone: set[str] = set()
    for who, user in _people().items():
        request = RequestFactory().get("/")
        request.user = user
        offered = {str(item["text"]) for item in navigation_items(request)}
        offered_to_someone |= offered
        browser = Client()
        sign_in_as(browser, user)
        for item, name in GATED_PAGES.items():
            status = browser.get(reverse(name)).status_code
            if (item in offered) != (status != 404):
                shown = "offers" if item in offered else "hides"
                disagreements.append(
                    f"the menu {shown} {item} to a {who}; the page answers {status}"
                )
        if "Service directory" in offered:
            assert browser.get(reverse("directory")).status_code == 200
    assert not disagreements, "\n".join(disagreements)
    assert set(GATED_PAGES) <= offered_to_someone
