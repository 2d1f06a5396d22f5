"""Browser journeys: pytest-playwright drives Debian's Chromium against pytest-django's live_server.

Playwright cannot download its own browsers here, so tests use the system Chromium
(/usr/bin/chromium, or PASSPORT_CHROMIUM). Without it the browser tests fail, loudly, unless
PASSPORT_ALLOW_NO_BROWSER=1 is set, in which case they are skipped (never in CI).

Fixtures:
    page, context, browser       from pytest-playwright, launched headless with the flags below
    live_server                  from pytest-django (each xdist worker gets its own server)
    assert_no_axe_violations     call it with a page: runs axe-core (WCAG 2.0/2.1/2.2 A and AA)
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

# Playwright's sync API keeps an asyncio event loop running in this thread once the browser has
# started, and Django then refuses ORM calls from it (SynchronousOnlyOperation), in browser tests
# and in any test that runs after them in the same worker. The ORM calls are really synchronous
# here: the loop is Playwright's, not ours.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

# Playwright's assertions wait 5 s by default. Two xdist workers, each with a live server and a
# browser, on a 2-core machine can take longer than that to answer a heavy page (Swagger UI
# fetches and renders the whole OpenAPI document): a wait is not a failure until 20 s.
expect.set_options(timeout=20_000)

PROJECT_DIR = Path(__file__).resolve().parents[2]
AXE_JS = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# axe-core's best practices too: landmarks, one main, headings in order (tests/browser/test_reflow.py).
AXE_TAGS_WITH_BEST_PRACTICE = [*AXE_TAGS, "best-practice"]

CHROMIUM_ARGS = [
    "--no-sandbox",  # we run as root in CI; the sandbox needs an unprivileged user
    "--disable-dev-shm-usage",  # small /dev/shm in containers crashes tabs otherwise
    "--disable-gpu",
    "--disable-background-networking",  # the network is closed: no calls home
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def chromium_path() -> str | None:
    candidate = os.environ.get("PASSPORT_CHROMIUM", DEFAULT_CHROMIUM)
    if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
        return candidate
    return shutil.which(candidate) if os.sep not in candidate else None


@pytest.fixture(scope="session")
def _django_connections_before_playwright() -> dict[str, Any]:
    """Django's connection objects for this thread, taken while no event loop is running."""
    from django.db import connections

    return {alias: connections[alias] for alias in connections}


@pytest.fixture(scope="session")
def playwright(_django_connections_before_playwright: dict[str, Any], playwright: Any) -> Any:
    """pytest-playwright's Playwright, with Django kept on the same database connections.

    Django keeps connections in an asgiref Local: per thread while no event loop runs, but per
    context once one does, and Playwright's sync API leaves its loop running. Without this,
    tests after the browser starts would get new connection objects: they would lose what
    pytest-django set up on the old ones (the serialized database contents that transactional
    tests restore, open test transactions). Put the same objects in the new storage.
    """
    from django.db import connections

    for alias, connection in _django_connections_before_playwright.items():
        connections[alias] = connection
    return playwright


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright's options (--headed, --slowmo) plus the system Chromium."""
    executable = chromium_path()
    if executable is None:
        reason = (
            f"Chromium not found at {os.environ.get('PASSPORT_CHROMIUM', DEFAULT_CHROMIUM)}: "
            "install it (`apt-get install chromium`) or set PASSPORT_CHROMIUM"
        )
        if os.environ.get("PASSPORT_ALLOW_NO_BROWSER") == "1":
            pytest.skip(f"{reason} (skipped because PASSPORT_ALLOW_NO_BROWSER=1)")
        pytest.fail(
            f"{reason}. Browser tests are required; set PASSPORT_ALLOW_NO_BROWSER=1 to skip "
            "them on a machine without a browser.",
            pytrace=False,
        )
    return {
        "headless": True,
        **browser_type_launch_args,
        "executable_path": executable,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def base_url(pytestconfig: pytest.Config) -> str | None:
    """--base-url or the base_url ini value, as pytest-playwright's own fixture does.

    Redefined as a plain function: the plugin's fallback is a method, which pytest 9 warns about.
    Journeys normally use live_server.url instead.
    """
    return pytestconfig.getoption("--base-url", None) or pytestconfig.getini("base_url") or None


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # No bypass_csp: journeys run under the real Content-Security-Policy, so a page that only
    # works with inline script fails here as it would in production. The axe helper does not
    # need it (see run_axe).
    return {**browser_context_args, "locale": "en-GB"}


def format_violations(violations: list[dict[str, Any]], url: str) -> str:
    lines = [f"axe-core found {len(violations)} accessibility violation(s) on {url}:"]
    for violation in violations:
        nodes = violation.get("nodes", [])
        targets = [" ".join(map(str, node.get("target", []))) for node in nodes[:3]]
        more = f" (+{len(nodes) - 3} more)" if len(nodes) > 3 else ""
        lines.append(
            f"- {violation['id']} [{violation.get('impact') or 'unknown impact'}]: "
            f"{violation.get('help', '')}\n"
            f"    at: {', '.join(targets) or '?'}{more}\n"
            f"    see: {violation.get('helpUrl', '')}"
        )
    return "\n".join(lines)


def run_axe(page: Any, tags: list[str] = AXE_TAGS) -> dict[str, Any]:
    """Load axe-core into the page (once) and return its results for the whole document.

    The script is evaluated through the DevTools protocol (page.evaluate), which the page's CSP
    does not govern; page.add_script_tag would be blocked by a CSP without 'unsafe-inline'.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        if not AXE_JS.exists():
            pytest.fail(f"{AXE_JS} is missing: run `npm ci` (make setup)", pytrace=False)
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            pytest.fail(f"axe-core did not load into {page.url}", pytrace=False)
    options = {"runOnly": {"type": "tag", "values": tags}}
    return page.evaluate("async (options) => await axe.run(document, options)", options)


def assert_no_axe_violations(page: Any) -> None:
    """Fail the test with a readable list if axe-core reports any WCAG A/AA violation."""
    results = run_axe(page)
    violations = results.get("violations", [])
    if violations:
        pytest.fail(format_violations(violations, page.url), pytrace=False)


@pytest.fixture(name="assert_no_axe_violations")
def assert_no_axe_violations_fixture() -> Callable[[Any], None]:
    """`def test_x(page, assert_no_axe_violations): ... assert_no_axe_violations(page)`."""
    return assert_no_axe_violations


@pytest.fixture(name="axe_results")
def axe_results_fixture() -> Callable[[Any], dict[str, Any]]:
    """The raw axe-core results (violations, incomplete, passes) for custom assertions."""
    return run_axe
