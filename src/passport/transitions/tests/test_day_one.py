"""Day one: new arrivals, confirming support in place, time to support, overdue confirmations."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from passport.access.models import LocalAuthorityWideAccess
from passport.passports.models import SupportItem
from passport.people.models import Membership, Role
from passport.testing.factories import SettingFactory, UserFactory, child_on_roll, staff
from passport.transitions import services
from passport.transitions.models import Admission, SupportDecision
from passport.transitions.services import ItemDecision, record_admission

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def move():
    primary = SettingFactory(name="Brook Lane Primary")
    secondary = SettingFactory(name="Gorse Hill Academy", kind="secondary")
    child = child_on_roll(primary, given_name="Ava", family_name="Okafor")
    item = SupportItem.objects.create(
        passport=child.passport,
        description="Social stories before changes",
        intended_outcome="Manages transitions",
        delivered_by="Teaching assistant",
        group_size="one_to_one",
        minutes_per_session=10,
        sessions_per_period=5,
        period="week",
        starts_on=D(2024, 9, 2),
        layer="targeted",
    )
    senco = staff(Role.SENCO, secondary)
    return {
        "primary": primary,
        "secondary": secondary,
        "child": child,
        "item": item,
        "senco": senco,
    }


def test_time_to_support_across_the_february_half_term_counts_calendar_and_school_days():
    # First day Thursday 12 February 2026; half term 16-20 February; confirmed Tuesday 24th.
    measured = services.time_to_support(D(2026, 2, 12), D(2026, 2, 24), "801")
    assert measured == services.TimeToSupport(calendar_days=12, school_days=3)


def test_support_confirmed_before_the_first_day_took_no_time():
    assert services.time_to_support(D(2026, 9, 2), D(2026, 8, 28), None).school_days == 0


def test_confirming_support_records_each_decision_and_measures_the_wait(move):
    admission = record_admission(move["child"], move["secondary"], D(2026, 2, 12), by=None)

    confirmation = services.confirm_support_in_place(
        admission,
        by=move["senco"],
        passport_read=True,
        decisions=[ItemDecision(move["item"].pk, "stop", "We run a transition group instead")],
        on=D(2026, 2, 24),
    )

    assert (confirmation.calendar_days, confirmation.school_days) == (12, 3)
    decision = SupportDecision.objects.get(confirmation=confirmation)
    assert (decision.decision, decision.reason) == ("stop", "We run a transition group instead")
    move["item"].refresh_from_db()
    assert move["item"].ends_on == D(2026, 2, 24)


def test_a_change_or_stop_without_a_reason_is_refused_and_nothing_is_saved(move):
    admission = record_admission(move["child"], move["secondary"], D(2026, 2, 12), by=None)

    with pytest.raises(ValidationError) as refused:
        services.confirm_support_in_place(
            admission,
            by=move["senco"],
            passport_read=False,
            decisions=[ItemDecision(move["item"].pk, "change", "")],
        )

    errors = refused.value.message_dict
    assert errors["passport_read"] == ["Confirm you have read the passport"]
    assert errors[f"reason-{move['item'].pk}"] == ["Enter why this support will change"]
    assert not hasattr(Admission.objects.get(pk=admission.pk), "confirmation") or not (
        SupportDecision.objects.exists()
    )


def test_an_unconfirmed_admission_is_overdue_after_five_school_days(move):
    admission = record_admission(move["child"], move["secondary"], D(2026, 2, 12), by=None)

    # Day one Thu 12th, then Fri 13th, then half term, then Mon 23rd to Wed 25th: due the 25th.
    assert services.confirmation_due_on(admission) == D(2026, 2, 25)
    assert not services.is_overdue(admission, D(2026, 2, 25))
    assert services.is_overdue(admission, D(2026, 2, 26))


def test_receiving_senco_sees_the_child_in_new_arrivals_before_the_start_date(client, move):
    record_admission(
        move["child"], move["secondary"], dt.date.today() + dt.timedelta(days=20), by=None
    )
    client.force_login(move["senco"])

    page = client.get(reverse("new-arrivals")).content.decode()

    assert "Ava Okafor" in page
    assert "Starting soon" in page
    assert reverse("essentials", args=[move["child"].pk]) in page


def test_overdue_confirmation_is_flagged_on_new_arrivals(client, move):
    record_admission(
        move["child"], move["secondary"], dt.date.today() - dt.timedelta(days=21), by=None
    )
    client.force_login(move["senco"])

    assert "Overdue" in client.get(reverse("new-arrivals")).content.decode()


def test_senco_confirms_support_in_place_through_the_page(client, move):
    record_admission(move["child"], move["secondary"], dt.date.today(), by=None)
    client.force_login(move["senco"])
    item = move["item"].pk

    response = client.post(
        reverse("confirm-support", args=[move["child"].pk]),
        {"passport_read": "on", f"item-{item}": "continue", f"reason-{item}": ""},
    )

    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Support in place confirmed for Ava Okafor: 0 days" in page
    assert "Confirmed" in page


def test_confirm_page_shows_errors_linked_to_each_item(client, move):
    record_admission(move["child"], move["secondary"], dt.date.today(), by=None)
    client.force_login(move["senco"])

    page = client.post(reverse("confirm-support", args=[move["child"].pk]), {}).content.decode()

    assert "There is a problem" in page
    assert "Confirm you have read the passport" in page
    assert f'href="#item-{move["item"].pk}"' in page


def test_la_caseworker_sees_overdue_counts_and_only_children_they_may_see(client, move):
    record_admission(
        move["child"], move["secondary"], dt.date.today() - dt.timedelta(days=21), by=None
    )
    caseworker = UserFactory()
    Membership.objects.create(
        user=caseworker,
        role=Role.LA_CASEWORKER,
        local_authority=move["secondary"].local_authority,
        starts_on=D(2020, 1, 1),
    )
    client.force_login(caseworker)

    page = client.get(reverse("overdue-confirmations")).content.decode()
    assert "Gorse Hill Academy" in page and "(1 overdue)" in page
    assert "Ava Okafor" not in page

    LocalAuthorityWideAccess.objects.create(
        user=caseworker,
        local_authority=move["secondary"].local_authority,
        granted_by=caseworker,
        starts_on=D(2020, 1, 1),
    )
    assert "Ava Okafor" in client.get(reverse("overdue-confirmations")).content.decode()


def test_sending_senco_records_a_move_and_the_receiving_setting_gets_the_passport(client, move):
    sending = staff(Role.SENCO, move["primary"])
    client.force_login(sending)
    starts = dt.date.today() + dt.timedelta(days=7)
    child = move["child"].pk

    client.post(reverse("record-move", args=[child]), {"destination": "another_setting"})
    client.post(
        reverse("move-find-setting", args=[child]) + f"?q={move['secondary'].urn}",
        {"setting": move["secondary"].pk},
    )
    client.post(
        reverse("move-details", args=[child]),
        {
            "registration": "main",
            "starts_on-day": starts.day,
            "starts_on-month": starts.month,
            "starts_on-year": starts.year,
        },
    )
    response = client.post(reverse("move-check", args=[child]))

    assert response.status_code == 302
    assert Admission.objects.get().setting == move["secondary"]


def test_a_move_cannot_be_recorded_by_typing_a_urn(client, move):
    # Issue 19: a mistyped but valid URN moved the child at once. The first page now only asks
    # where the child is going; the school is found by name and checked before anything moves.
    client.force_login(staff(Role.SENCO, move["primary"]))

    response = client.post(
        reverse("record-move", args=[move["child"].pk]),
        {"destination": "another_setting", "urn": move["secondary"].urn},
    )

    assert response["Location"] == reverse("move-find-setting", args=[move["child"].pk])
    assert not Admission.objects.exists()


def test_phase_transfer_planner_lists_year_6_with_the_ehcp_date(client):
    primary = SettingFactory(name="Brook Lane Primary")
    today = dt.date.today()
    # Born in the school year that makes them Year 6 now.
    school_year = today.year if today.month >= 9 else today.year - 1
    child = child_on_roll(primary, given_name="Noah", date_of_birth=D(school_year - 10, 3, 1))
    child.passport.sen_provision = "E"
    child.passport.save()
    client.force_login(staff(Role.SENCO, primary))

    page = client.get(reverse("phase-transfers")).content.decode()

    assert "Year 6 to Year 7 (1)" in page
    assert f"15 February {school_year + 1}" in page
    assert "0 of 4" in page
