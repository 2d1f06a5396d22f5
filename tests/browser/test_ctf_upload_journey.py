"""A secondary's SENCO imports the Common Transfer File the primary's MIS sent: the page offers
the next school day as the first day, a missing file is asked for, and the report counts each
outcome with a reason per refused pupil. Real headless Chromium, axe-core on every page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from passport.children.models import Child
from passport.people.models import Membership, Role
from passport.testing.browser import sign_in
from passport.testing.factories import SettingFactory, UserFactory, local_authority
from passport.testing.signing_in import give_authenticator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MIS_FILE = (
    Path(__file__).resolve().parents[2]
    / "src/passport/transitions/ctf/tests/files/mis_spec_shape.xml"
)


@pytest.fixture(autouse=True)
def tasks_run_immediately(settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_a_senco_imports_a_ctf_and_reads_the_report(
    live_server, page: Page, transactional_db, assert_no_axe_violations
) -> None:
    secondary = SettingFactory(
        name="Gorse Hill Academy",
        kind="secondary",
        local_authority=local_authority("873"),
        estab="4001",
        statutory_low_age=11,
        statutory_high_age=16,
    )
    senco = UserFactory(username="senco@gorse.example", email="senco@gorse.example")
    Membership.objects.create(
        user=senco, role=Role.SENCO, setting=secondary, starts_on=dt.date(2015, 9, 1)
    )
    device = give_authenticator(senco)
    base = live_server.url

    sign_in(page, base, "senco@gorse.example", device)
    page.goto(f"{base}/common-transfer-files/import/")
    expect(page.get_by_role("heading", name="Import a Common Transfer File")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Import the file").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose the Common Transfer File to import")
    assert_no_axe_violations(page)

    page.get_by_label("Common Transfer File").set_input_files(str(MIS_FILE))
    group = page.get_by_role("group", name="First day at your setting")
    group.get_by_label("Day").fill("3")
    group.get_by_label("Month").fill("9")
    group.get_by_label("Year").fill("2025")
    page.get_by_role("button", name="Import the file").click()

    expect(page.get_by_role("heading", name="Import report")).to_be_visible()
    expect(page.get_by_text("All 4 pupils were imported")).to_be_visible()
    expect(page.get_by_text("SENtype BESD kept as history")).to_be_visible()
    assert_no_axe_violations(page)
    assert Child.objects.count() == 4
