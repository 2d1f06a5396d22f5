"""Run the shape checks, then the whole test suite on SQLite and on PostgreSQL (`make test`).

    python scripts/run_tests.py [--engine sqlite|postgresql|both] [--no-static] [pytest arguments...]

First the checks that hold the house's shape (docs/architecture.md): `lint-imports` (the
import contracts in pyproject.toml), `mypy src` and `ruff check`. A failure there fails the run,
but the tests still run so that one report shows everything. `--no-static` skips them.

Each engine gets its own pytest run with `-n 2` (pytest-xdist) unless you pass -n yourself.

* SQLite: DATABASE_URL is removed from the environment, so the settings' SQLite default applies,
  and PASSPORT_VAR_DIR points at a temporary folder, so var/passport.sqlite3 is never touched.
* PostgreSQL: DATABASE_URL from the environment if set (its user needs CREATEDB, since
  pytest-django creates test_passport, test_passport_gw0, ...), otherwise a throwaway server
  started by scripts/throwaway_postgres.py and deleted afterwards.

It prints which engine and server version each run uses, a summary at the end, and exits
non-zero if any engine failed (a run that collected no tests counts as failed).
"""

# ruff: noqa: S603 - runs fixed local tools (pytest, PostgreSQL binaries), never user input
from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from throwaway_postgres import PostgresError, throwaway_postgres  # noqa: E402

ENGINES = ("sqlite", "postgresql")
USAGE = __doc__ or ""


@dataclass
class Outcome:
    engine: str
    label: str = ""
    ran: bool = False
    exit_code: int | None = None
    problem: str = ""
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.ran and self.exit_code == 0 and not self.problem

    def describe(self) -> str:
        if self.passed:
            verdict = "passed"
        elif self.exit_code == 5:
            verdict = "FAILED (no tests were collected)"
        elif self.problem:
            verdict = f"FAILED ({self.problem})"
        elif self.exit_code is None:
            verdict = "not run"
        else:
            verdict = f"FAILED (pytest exit code {self.exit_code})"
        details = ", ".join(f"{n} {name}" for name, n in self.counts.items() if n)
        timing = f" in {self.seconds:.1f}s" if self.ran else ""
        return (
            f"{self.label or self.engine}: {verdict}"
            + (f" ({details})" if details else "")
            + timing
        )


def banner(text: str) -> None:
    line = "=" * 72
    print(f"\n{line}\n  {text}\n{line}", flush=True)


STATIC_CHECKS = (
    ("import contracts", ["lint-imports", "--no-cache"]),
    ("types", ["mypy", "src"]),
    ("lint", ["ruff", "check", "src", "tests", "scripts"]),
)


def run_static_checks() -> Outcome:
    """Run the shape checks from the virtual environment this script runs in."""
    outcome = Outcome("static", label="Shape checks (lint-imports, mypy, ruff)")
    banner(outcome.label)
    bin_dir = Path(sys.executable).parent
    started = time.monotonic()
    failed = []
    for name, (tool, *args) in STATIC_CHECKS:
        command = [str(bin_dir / tool), *args]
        print("$ " + " ".join([tool, *args]), flush=True)
        if subprocess.run(command, cwd=PROJECT_DIR, check=False).returncode != 0:
            failed.append(name)
    outcome.seconds = time.monotonic() - started
    outcome.ran = True
    outcome.exit_code = 1 if failed else 0
    if failed:
        outcome.problem = "failed: " + ", ".join(failed)
    return outcome


def split_args(argv: list[str]) -> tuple[list[str], list[str]]:
    """Take --engine and --no-static off the command line; everything else goes to pytest."""
    engines = list(ENGINES)
    rest: list[str] = []
    args = iter(argv)
    for arg in args:
        if arg == "--no-static":
            continue
        if arg in {"--engine", "--engines"}:
            value = next(args, "")
        elif arg.startswith(("--engine=", "--engines=")):
            value = arg.split("=", 1)[1]
        elif arg == "--runner-help":
            print(USAGE)
            sys.exit(0)
        else:
            rest.append(arg)
            continue
        value = {"postgres": "postgresql", "pg": "postgresql", "all": "both"}.get(value, value)
        if value == "both":
            engines = list(ENGINES)
        elif value in ENGINES:
            engines = [value]
        else:
            sys.exit(f"--engine must be sqlite, postgresql or both, not {value!r}")
    return engines, rest


def has_option(args: list[str], *names: str) -> bool:
    return any(
        arg == name
        or arg.startswith(name + "=")
        or (
            name.startswith("-")
            and not name.startswith("--")
            and arg.startswith(name)
            and len(arg) > len(name)
        )
        for arg in args
        for name in names
    )


def read_counts(junit: Path) -> dict[str, int]:
    """passed/failed/errors/skipped from pytest's JUnit XML report."""
    try:
        root = ET.parse(junit).getroot()  # noqa: S314 - our own pytest's report
    except (OSError, ET.ParseError):
        return {}
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    total = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for suite in suites:
        for key in total:
            total[key] += int(suite.get(key, 0) or 0)
    failed = total["failures"]
    errors = total["errors"]
    skipped = total["skipped"]
    passed = total["tests"] - failed - errors - skipped
    return {"passed": passed, "failed": failed, "errors": errors, "skipped": skipped}


def run_pytest(outcome: Outcome, env: dict[str, str], pytest_args: list[str]) -> None:
    with tempfile.TemporaryDirectory(prefix=f"passport-{outcome.engine}-") as tmp:
        env = {**env, "PASSPORT_VAR_DIR": str(Path(tmp) / "var")}
        junit = Path(tmp) / "junit.xml"
        command = [sys.executable, "-m", "pytest"]
        xdist_off = "no:xdist" in " ".join(pytest_args)
        if not xdist_off and not has_option(pytest_args, "-n", "--numprocesses"):
            command += ["-n", "2"]
        own_junit = not has_option(pytest_args, "--junitxml", "--junit-xml")
        if own_junit:
            command += [f"--junitxml={junit}"]
        command += pytest_args
        print("$ " + " ".join(command), flush=True)
        started = time.monotonic()
        process = subprocess.Popen(command, cwd=PROJECT_DIR, env=env)
        try:
            outcome.exit_code = process.wait()
        except KeyboardInterrupt:
            # pytest got the Ctrl-C too (same process group); let it finish tidying up.
            try:
                process.wait(timeout=30)
            except (KeyboardInterrupt, subprocess.TimeoutExpired):
                process.kill()
                process.wait()
            raise
        finally:
            outcome.seconds = time.monotonic() - started
        outcome.ran = True
        if own_junit:
            outcome.counts = read_counts(junit)
            if outcome.exit_code == 0 and outcome.counts.get("passed", 0) == 0:
                outcome.problem = "no test passed"


def redact(url: str) -> str:
    """The URL with its password hidden."""
    parts = urllib.parse.urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        parts = parts._replace(netloc=netloc)
    return urllib.parse.urlunsplit(parts)


def postgres_facts(url: str) -> tuple[str, str]:
    """Connect once before pytest does: return (server version, warning or '')."""
    import psycopg  # the project's driver, installed in the venv

    last_error: Exception | None = None
    parts = urllib.parse.urlsplit(url)._replace(scheme="postgresql")  # libpq knows no pgsql://
    # The named database need not exist: Django's test runner connects to `postgres` to create
    # test databases, so try that one as well.
    candidates = [
        urllib.parse.urlunsplit(parts),
        urllib.parse.urlunsplit(parts._replace(path="/postgres")),
    ]
    for candidate in candidates:
        try:
            with psycopg.connect(candidate, connect_timeout=10) as conn:
                version_row = conn.execute("SHOW server_version").fetchone()
                version = version_row[0] if version_row else "unknown"
                row = conn.execute(
                    "SELECT rolsuper OR rolcreatedb FROM pg_roles WHERE rolname = current_user"
                ).fetchone()
                warning = (
                    ""
                    if row and row[0]
                    else (
                        "the database user lacks CREATEDB, so pytest-django cannot create databases"
                    )
                )
                return str(version).split()[0], warning
        except psycopg.Error as exc:
            last_error = exc
    raise PostgresError(f"cannot connect to {redact(url)}: {last_error}")


@contextlib.contextmanager
def postgres_url() -> Iterator[tuple[str, str]]:
    """Yield (DATABASE_URL, where it came from)."""
    given = os.environ.get("DATABASE_URL", "")
    if given:
        if not given.startswith(("postgres://", "postgresql://", "pgsql://", "postgis://")):
            raise PostgresError(f"DATABASE_URL is set but is not PostgreSQL: {redact(given)}")
        yield given, "DATABASE_URL from the environment"
        return
    with throwaway_postgres() as url:
        yield url, "throwaway server started for this run"


def run_sqlite(pytest_args: list[str]) -> Outcome:
    outcome = Outcome("sqlite", label=f"SQLite {sqlite3.sqlite_version}")
    banner(f"{outcome.label}: running the test suite")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["PASSPORT_TEST_EXPECT_VENDOR"] = "sqlite"
    run_pytest(outcome, env, pytest_args)
    return outcome


def run_postgresql(pytest_args: list[str]) -> Outcome:
    outcome = Outcome("postgresql", label="PostgreSQL")
    try:
        with postgres_url() as (url, source):
            version, warning = postgres_facts(url)
            outcome.label = f"PostgreSQL {version}"
            banner(f"{outcome.label}: running the test suite ({source}: {redact(url)})")
            if warning:
                print(f"warning: {warning}", flush=True)
            env = {**os.environ, "DATABASE_URL": url, "PASSPORT_TEST_EXPECT_VENDOR": "postgresql"}
            run_pytest(outcome, env, pytest_args)
    except PostgresError as exc:
        banner("PostgreSQL: could not run")
        print(f"error: {exc}", file=sys.stderr, flush=True)
        outcome.problem = str(exc).splitlines()[0]
    return outcome


def main(argv: list[str]) -> int:
    engines, pytest_args = split_args(argv)
    print(f"Support Passport tests on: {', '.join(engines)}", flush=True)
    outcomes: list[Outcome] = []
    started = time.monotonic()
    try:
        if "--no-static" not in argv:
            outcomes.append(run_static_checks())
        for engine in engines:
            outcomes.append(
                run_sqlite(pytest_args) if engine == "sqlite" else run_postgresql(pytest_args)
            )
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130

    banner(f"Summary ({time.monotonic() - started:.0f}s)")
    for outcome in outcomes:
        print(outcome.describe())
    for engine in ENGINES:
        if engine not in engines:
            print(f"{'SQLite' if engine == 'sqlite' else 'PostgreSQL'}: not run (--engine)")
    totals = {
        key: sum(o.counts.get(key, 0) for o in outcomes)
        for key in ("passed", "failed", "errors", "skipped")
    }
    failed = totals["failed"] + totals["errors"]
    ok = bool(outcomes) and all(o.passed for o in outcomes)
    if not ok and failed == 0:
        failed = sum(1 for o in outcomes if not o.passed)  # an engine that could not run at all
    # The plain closing line CI reads: "N passed, N failed[, N skipped]".
    print(
        f"total: {totals['passed']} passed, {failed} failed, {totals['skipped']} skipped",
        flush=True,
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
