"""Pages work under the real Content-Security-Policy: no inline script or style but the nonce."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def violations(page: Page) -> list[str]:
    return page.evaluate("() => window.cspViolations")


def test_gov_uk_frontend_starts_under_the_policy(live_server, page: Page):
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(f"{live_server.url}/sign-in/")

    classes = page.evaluate("() => document.body.className")
    assert "js-enabled" in classes and "govuk-frontend-supported" in classes
    expect(page.locator('[data-module="govuk-button"][data-govuk-button-init]')).to_have_count(1)
    assert violations(page) == []


def test_api_documentation_renders_under_the_policy(live_server, page: Page):
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(f"{live_server.url}/api/docs")

    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Support Passport API")
    expect(page.locator(".opblock").first).to_be_visible()
    assert violations(page) == []
