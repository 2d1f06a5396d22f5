"""The service directory page and a dashboard chart in real Chromium: accessible (axe-core) and
working under the real Content-Security-Policy (no inline style or script)."""

from __future__ import annotations

import datetime as dt

import altair as alt
import pytest
from django.template import engines
from playwright.sync_api import Page, expect

from passport.directory.demo import DEMO_FILE
from passport.directory.services import import_services, read_document
from passport.people.models import Membership, Role
from passport.testing.factories import TEST_PASSWORD, SettingFactory, UserFactory
from passport.testing.signing_in import code_for_another_sign_in, give_authenticator
from passport.web.charts import render_chart

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def chart_html() -> str:
    rows = [("Speech and language therapy", 12400), ("Educational psychology", 6500)]
    chart = (
        alt.Chart(alt.Data(values=[{"kind": k, "pounds": p} for k, p in rows]))
        .mark_bar()
        .encode(x=alt.X("pounds:Q", title="Spent (£)"), y=alt.Y("kind:N", title=None))
        .properties(
            title="Spend by kind of support",
            description="Speech and language therapy is the largest spend.",
        )
    )
    rendered = render_chart(
        chart, headers=["Kind of support", "Spent (£)"], rows=rows, chart_id="spend"
    )
    template = engines["jinja2"].from_string(
        '{% from "chart.html" import chart_with_table %}'
        '{{ chart_with_table(chart, csv_url="/spend.csv") }}'
    )
    return template.render({"chart": rendered})


def test_a_chart_shows_under_the_policy_and_is_an_image_with_a_name(
    live_server, page: Page, assert_no_axe_violations
) -> None:
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(f"{live_server.url}/sign-in/")

    page.evaluate("(html) => { document.querySelector('main').innerHTML = html; }", chart_html())

    expect(page.get_by_role("img", name="Spend by kind of support")).to_be_visible()
    expect(page.get_by_role("row", name="Speech and language therapy 12,400")).to_be_visible()
    assert page.evaluate("() => window.cspViolations") == []
    assert_no_axe_violations(page)


def test_the_check_would_see_an_inline_style(live_server, page: Page) -> None:
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(f"{live_server.url}/sign-in/")

    page.evaluate(
        "() => { document.querySelector('main').innerHTML = '<p style=\"color: red\">x</p>'; }"
    )

    page.wait_for_function("() => window.cspViolations.length > 0")
    assert page.evaluate("() => window.cspViolations")[0].startswith("style-src")


def test_the_directory_page_lists_services_accessibly(
    live_server, page: Page, assert_no_axe_violations
) -> None:
    import_services(read_document(DEMO_FILE.read_bytes()), by=None)
    user = UserFactory(username="senco@brook.example", email="senco@brook.example")
    Membership.objects.create(
        user=user, role=Role.SENCO, setting=SettingFactory(), starts_on=dt.date(2020, 9, 1)
    )
    device = give_authenticator(user)
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Email address").fill("senco@brook.example")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Enter the code from your authenticator app").fill(
        code_for_another_sign_in(device)
    )
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("link", name="Service directory").click()
    expect(page.get_by_role("heading", name="Service directory")).to_be_visible()
    page.get_by_label("Kind of support").select_option("Occupational therapy")
    page.get_by_role("button", name="Show services").click()

    expect(page.get_by_role("cell", name="£85 per hour")).to_be_visible()
    expect(page.get_by_text("1 service", exact=True)).to_be_visible()
    assert page.evaluate("() => window.cspViolations") == []
    assert_no_axe_violations(page)
