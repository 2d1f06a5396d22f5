"""Every role's main pages at 320 CSS pixels wide (WCAG 2.2 1.4.10 Reflow), in Chromium, on the
demo local authority: no sideways scrolling of the page (a wide table scrolls in its own box),
and axe-core clean with its best-practice rules as well as WCAG A and AA.

The demo data is what people try the service with: long names, full passports, EHC cases.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page

from passport.demo.generator import CASEWORKER_EMAIL, DEMO_PASSWORD, PARENT_EMAIL, build_demo
from passport.ehcp.models import Plan
from passport.testing.signing_in import code_for_another_sign_in

from .conftest import AXE_TAGS_WITH_BEST_PRACTICE, format_violations, run_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARROW = {"width": 320, "height": 640}
SENCO_EMAIL = "senco@primary.demo.example"

# Pages that still scroll sideways at 320 px, by URL name, with the reason. Empty: every page
# visited below must fit. Add a page here only with its reason and an issue to fix it.
KNOWN_OVERFLOW: dict[str, str] = {}


@pytest.fixture
def demo(transactional_db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    build_demo(children=40)


def sign_in_as(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    device = TOTPDevice.objects.filter(user__email=email).first()
    if device is not None:
        page.get_by_label("Enter the code from your authenticator app").fill(
            code_for_another_sign_in(device)
        )
        page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()


def first_child_id(page: Page, base: str) -> int:
    page.goto(f"{base}{reverse('children')}")
    with_passport = page.locator("table tbody tr").filter(has_not=page.locator(".govuk-tag--grey"))
    href = with_passport.first.locator("a[href^='/children/']").first.get_attribute("href")
    assert href is not None
    return int(href.strip("/").split("/")[1])


def problems_on(page: Page, url: str) -> list[str]:
    """Why this page fails at 320 px: sideways scrolling, or axe-core's findings."""
    response = page.goto(url)
    assert response is not None and response.ok, f"{url} answered {response and response.status}"
    found = []
    width = page.evaluate("() => document.documentElement.scrollWidth")
    if width > NARROW["width"]:
        wide = page.evaluate(
            """() => [...document.querySelectorAll('main *, header *, footer *')]
                .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5
                    && !el.closest('.passport-table-scroll'))
                .slice(0, 3)
                .map((el) => el.tagName.toLowerCase() + '.' + [...el.classList].join('.'))"""
        )
        found.append(f"{url} is {width} px wide at 320 px: {', '.join(wide)}")
    violations = run_axe(page, AXE_TAGS_WITH_BEST_PRACTICE).get("violations", [])
    if violations:
        found.append(format_violations(violations, url))
    return found


def check_pages(page: Page, base: str, names_and_urls: list[tuple[str, str]]) -> None:
    page.set_viewport_size(NARROW)
    failures = []
    for name, path in names_and_urls:
        problems = problems_on(page, f"{base}{path}")
        if name in KNOWN_OVERFLOW:
            continue
        failures.extend(problems)
    assert not failures, "\n".join(failures)


def test_pages_anyone_can_open_fit_a_phone(live_server, page: Page):
    pages = [(name, reverse(name)) for name in ("sign-in", "help", "accessibility")]
    pages += [(name, reverse(name)) for name in ("privacy", "cookies")]
    check_pages(page, live_server.url, pages)


def test_a_sencos_main_pages_fit_a_phone(live_server, page: Page, demo):
    base = live_server.url
    page.set_viewport_size(NARROW)
    sign_in_as(page, base, SENCO_EMAIL)
    child = first_child_id(page, base)
    pages = [(name, reverse(name)) for name in ("children", "directory", "pending-transfers")]
    pages += [
        (name, reverse(name, args=[child]))
        for name in ("passport", "history", "edit-about-me", "ehcp-timeline")
    ]
    check_pages(page, base, pages)


def test_a_parents_main_pages_fit_a_phone(live_server, page: Page, demo):
    base = live_server.url
    page.set_viewport_size(NARROW)
    sign_in_as(page, base, PARENT_EMAIL)
    child = first_child_id(page, base)
    pages = [("children", reverse("children"))]
    pages += [
        (name, reverse(name, args=[child]))
        for name in ("passport", "consents", "download", "ehcp-timeline")
    ]
    check_pages(page, base, pages)


def test_a_caseworkers_main_pages_fit_a_phone(live_server, page: Page, demo):
    base = live_server.url
    page.set_viewport_size(NARROW)
    sign_in_as(page, base, CASEWORKER_EMAIL)
    child = Plan.objects.order_by("pk").values_list("child_id", flat=True).first()
    assert child is not None, "the demo has EHC plans"
    pages = [(name, reverse(name)) for name in ("children", "ehcp-dashboard", "term-dates")]
    pages += [
        (name, reverse(name, args=[child]))
        for name in ("passport", "ehcp-timeline", "ehcp-case", "ehcp-plan")
    ]
    check_pages(page, base, pages)
