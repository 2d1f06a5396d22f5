"""The pages that keep the record trustworthy, in Chromium, by keyboard, with axe-core on each.

A school's SENCO decides transfers another school asked for by importing a Common Transfer File;
an LA caseworker reviews an emergency opening of the record of a child on no roll, who is named
by record number only.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Locator, Page, expect

from passport.access.models import LocalAuthorityWideAccess
from passport.children.models import Child, Enrolment
from passport.passports.models import Passport
from passport.people.models import Membership, Role, User
from passport.testing.browser import sign_in, sign_out
from passport.testing.factories import (
    ChildFactory,
    SettingFactory,
    UserFactory,
    child_on_roll,
    local_authority,
)
from passport.testing.signing_in import give_authenticator
from passport.transitions.ctf.builder import build_ctf
from passport.transitions.ctf.importer import Outcome, import_ctf
from passport.transitions.ctf.tests.conftest import FILE_DATE, header, pupil
from passport.transitions.models import Admission, PendingTransfer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def tasks_run_immediately(settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def staff_member(email: str, name: str, role: Role, **where) -> tuple[User, TOTPDevice]:
    user = UserFactory(username=email, email=email, full_name=name)
    Membership.objects.create(user=user, role=role, starts_on=dt.date(2015, 9, 1), **where)
    return user, give_authenticator(user)


def press(page: Page, target: Locator, key: str = "Enter") -> None:
    target.focus()
    page.keyboard.press(key)


def type_into(page: Page, target: Locator, text: str) -> None:
    target.focus()
    page.keyboard.type(text)


def ctf_pupil(child: Child):
    return pupil(
        child.upn,
        provision="K",
        needs=[("SLCN", 1)],
        dob=child.date_of_birth,
        surname=child.family_name,
        forename=child.given_name,
    )


def test_senco_declines_without_a_reason_then_confirms_another_transfer_by_keyboard(
    live_server, page: Page, assert_no_axe_violations
):
    base = live_server.url
    oak = local_authority("873")
    primary = SettingFactory(name="Oak Primary", local_authority=oak, estab="2001")
    secondary = SettingFactory(
        name="Gorse Hill Academy",
        kind="secondary",
        local_authority=oak,
        estab="4001",
        statutory_low_age=11,
        statutory_high_age=16,
    )
    _, primary_device = staff_member("senco@oak.example", "Sian Patel", Role.SENCO, setting=primary)
    secondary_senco, _ = staff_member(
        "senco@gorse.example", "Grace Mensah", Role.SENCO, setting=secondary
    )
    born = dt.date(2014, 3, 21)
    maya = child_on_roll(primary, given_name="Maya", family_name="Hughes", date_of_birth=born)
    kofi = child_on_roll(primary, given_name="Kofi", family_name="Mensah", date_of_birth=born)
    # Gorse Hill imports a file naming two children on Oak's roll: nothing moves until Oak agrees.
    report = import_ctf(build_ctf(header(), [ctf_pupil(maya), ctf_pupil(kofi)]), by=secondary_senco)
    assert [p.outcome for p in report.pupils] == [Outcome.PENDING_TRANSFER] * 2

    sign_in(page, base, "senco@oak.example", primary_device)
    page.goto(f"{base}/new-arrivals/")
    press(page, page.get_by_role("link", name="Transfers of your children asked for by other"))
    expect(page.get_by_role("heading", name="Transfers waiting for your decision")).to_be_visible()
    expect(page.get_by_role("heading", name="Maya Hughes", level=2)).to_be_visible()
    expect(page.get_by_role("heading", name="Kofi Mensah", level=2)).to_be_visible()
    assert_no_axe_violations(page)

    # Declining needs a reason; the error summary takes the SENCO straight to the box.
    press(page, page.get_by_role("button", name="Decline the transfer of Maya Hughes"))
    expect(
        page.get_by_role("heading", name="Decline the transfer to Gorse Hill Academy")
    ).to_be_visible()
    press(page, page.get_by_role("button", name="Decline the transfer"))
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    error_link = summary.get_by_role("link", name="Enter why you are declining the transfer")
    expect(error_link).to_have_attribute("href", "#reason")
    assert_no_axe_violations(page)
    press(page, error_link)
    expect(page.get_by_label("Why are you declining the transfer?")).to_be_focused()
    assert PendingTransfer.objects.get(child=maya).status == PendingTransfer.Status.PENDING

    # Back to the list, and Kofi's transfer is confirmed with the space bar.
    press(page, page.get_by_role("link", name="Back to transfers waiting for your decision"))
    press(page, page.get_by_role("button", name="Confirm the transfer of Kofi Mensah"), "Space")
    expect(
        page.get_by_text("Kofi Mensah is admitted to Gorse Hill Academy from 18 July 2025")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Kofi Mensah", level=2)).to_have_count(0)
    expect(page.get_by_role("heading", name="Maya Hughes", level=2)).to_be_visible()
    assert_no_axe_violations(page)

    first_day = FILE_DATE.date()
    admission = Admission.objects.get(child=kofi)
    assert (admission.setting, admission.starts_on) == (secondary, first_day)
    assert Enrolment.objects.get(child=kofi, setting=primary).ends_on == first_day - dt.timedelta(
        days=1
    )
    assert Enrolment.objects.get(child=kofi, setting=secondary).ends_on is None
    assert not Admission.objects.filter(child=maya).exists()
    assert Enrolment.objects.get(child=maya).ends_on is None


def test_emergency_opening_of_a_child_on_no_roll_reaches_their_la_by_record_number(
    live_server, page: Page, assert_no_axe_violations
):
    base = live_server.url
    bristol = local_authority("801")
    teacher, teacher_device = staff_member(
        "teacher@elm.example", "Tom Reed", Role.TEACHER, setting=SettingFactory(name="Elm Primary")
    )
    caseworker, caseworker_device = staff_member(
        "casework@bristol.example", "Dan Hughes", Role.LA_CASEWORKER, local_authority=bristol
    )
    LocalAuthorityWideAccess.objects.create(
        user=caseworker,
        local_authority=bristol,
        granted_by=caseworker,
        starts_on=dt.date(2020, 1, 1),
    )
    child = ChildFactory(given_name="Rosa", family_name="Lindqvist", home_local_authority=bristol)
    Passport.objects.create(child=child)
    reason = "She collapsed at our holiday club and we need her care plan"

    sign_in(page, base, teacher.email, teacher_device)
    press(page, page.get_by_role("link", name="Emergency access", exact=True))
    expect(page.get_by_role("heading", name="Emergency access to a child's record")).to_be_visible()
    type_into(page, page.get_by_label("The child's UPN"), child.upn)
    type_into(page, page.get_by_label("Why do you need emergency access?"), reason)
    press(page, page.get_by_role("button", name="Open the record"))
    expect(page.get_by_text("You opened this record with emergency access")).to_be_visible()
    sign_out(page)

    sign_in(page, base, caseworker.email, caseworker_device)
    press(page, page.get_by_role("link", name="Emergency access reviews"))
    expect(
        page.get_by_role("heading", name="Emergency access to children on no roll")
    ).to_be_visible()
    row = page.get_by_role("row").filter(has_text=reason)
    expect(row).to_contain_text(f"Tom Reed (teacher@elm.example) opened child record {child.pk}")
    expect(row).to_contain_text("Bristol")
    assert_no_axe_violations(page)
    expect(page.get_by_role("main")).not_to_contain_text("Rosa")
    expect(page.get_by_role("main")).not_to_contain_text("Lindqvist")
