"""Recording a move to another setting (issue 19): find the school by name, check the answers
with its name shown, confirm once; the person who recorded it can undo it within a day, and the
roll goes back exactly as it was."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from passport.audit.models import AuditEvent
from passport.children.models import Enrolment
from passport.core.dates import today
from passport.people.models import Role
from passport.testing.factories import SettingFactory, child_on_roll, staff
from passport.transitions.models import Admission, RecordedMove

pytestmark = pytest.mark.django_db

STARTS = today() + dt.timedelta(days=7)


@pytest.fixture
def move(client):
    primary = SettingFactory(name="Brook Lane Primary")
    wanted = SettingFactory(name="Gorse Hill Academy", urn="137001", phase="Secondary")
    # The same words, a different school: why the results show the URN and the place.
    SettingFactory(name="Gorse Hill Primary", urn="137002")
    child = child_on_roll(primary, given_name="Ava", family_name="Okafor")
    senco = staff(Role.SENCO, primary)
    client.force_login(senco)
    return {"primary": primary, "wanted": wanted, "child": child, "senco": senco}


def walk_to_check_answers(client, child, setting, *, words="gorse", registration="main"):
    """Answer every question of the journey; return the check answers page."""
    start = client.post(reverse("record-move", args=[child.pk]), {"destination": "another_setting"})
    assert start["Location"] == reverse("move-find-setting", args=[child.pk])
    search = reverse("move-find-setting", args=[child.pk]) + f"?q={words}"
    chosen = client.post(search, {"setting": setting.pk})
    assert chosen["Location"] == reverse("move-details", args=[child.pk])
    details = client.post(
        reverse("move-details", args=[child.pk]),
        {
            "starts_on-day": STARTS.day,
            "starts_on-month": STARTS.month,
            "starts_on-year": STARTS.year,
            "registration": registration,
        },
    )
    assert details["Location"] == reverse("move-check", args=[child.pk])
    return client.get(reverse("move-check", args=[child.pk])).content.decode()


def confirm(client, child):
    return client.post(reverse("move-check", args=[child.pk]))


def test_searching_by_name_lists_each_match_with_its_urn_place_and_phase(client, move):
    page = client.get(
        reverse("move-find-setting", args=[move["child"].pk]) + "?q=Gorse+Hill"
    ).content.decode()

    assert "2 settings match" in page
    assert "Gorse Hill Academy" in page and "Gorse Hill Primary" in page
    assert "URN 137001" in page and "Secondary" in page
    assert move["wanted"].local_authority.name in page


def test_searching_by_exact_urn_finds_the_one_school(client, move):
    page = client.get(
        reverse("move-find-setting", args=[move["child"].pk]) + "?q=137001"
    ).content.decode()

    assert "1 setting matches" in page and "Gorse Hill Academy" in page
    assert "Gorse Hill Primary" not in page


def test_a_search_that_finds_nothing_says_so(client, move):
    page = client.get(
        reverse("move-find-setting", args=[move["child"].pk]) + "?q=999999"
    ).content.decode()

    assert "No open setting matches" in page


def test_nothing_moves_before_confirming_and_check_answers_names_the_school(client, move):
    page = walk_to_check_answers(client, move["child"], move["wanted"])

    assert "Gorse Hill Academy" in page and "URN 137001" in page
    assert "Brook Lane Primary" in page  # moving from
    child = move["child"].pk
    assert reverse("move-find-setting", args=[child]) + "?change=1" in page  # Change links
    assert reverse("move-details", args=[child]) in page
    assert "Confirm and record the move" in page
    assert not Admission.objects.exists()


def test_confirming_moves_the_child_and_shows_a_reference_and_what_happens_next(client, move):
    walk_to_check_answers(client, move["child"], move["wanted"])

    response = confirm(client, move["child"])

    recorded = RecordedMove.objects.get()
    assert response["Location"] == reverse("move-recorded", args=[recorded.reference])
    admission = Admission.objects.get()
    assert admission.setting == move["wanted"] and admission.starts_on == STARTS
    page = client.get(response["Location"]).content.decode()
    assert "Move recorded" in page and recorded.reference in page
    assert "What happens next" in page and "Undo this move" in page


def test_a_double_submit_of_confirm_moves_once(client, move):
    walk_to_check_answers(client, move["child"], move["wanted"])

    first = confirm(client, move["child"])
    second = confirm(client, move["child"])

    assert first["Location"] == second["Location"]
    assert Admission.objects.count() == 1 and RecordedMove.objects.count() == 1
    assert Enrolment.objects.filter(child=move["child"]).count() == 2


def test_a_double_submit_after_the_move_ended_the_senders_access_moves_once(client, move):
    # A move from today: the sending school's roll ended yesterday, so its SENCO can no longer
    # open the child. The second click must still land on the confirmation, not a 404.
    client.post(reverse("record-move", args=[move["child"].pk]), {"destination": "another_setting"})
    client.post(
        reverse("move-find-setting", args=[move["child"].pk]) + "?q=137001",
        {"setting": move["wanted"].pk},
    )
    on = today()
    client.post(
        reverse("move-details", args=[move["child"].pk]),
        {
            "starts_on-day": on.day,
            "starts_on-month": on.month,
            "starts_on-year": on.year,
            "registration": "main",
        },
    )

    first = confirm(client, move["child"])
    second = confirm(client, move["child"])

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Admission.objects.count() == 1


def _snapshot(child):
    return sorted(
        Enrolment.objects.filter(child=child).values_list(
            "pk", "setting_id", "starts_on", "ends_on", "registration"
        )
    )


def test_undo_within_a_day_restores_the_roll_exactly_and_is_audited(client, move):
    before = _snapshot(move["child"])
    walk_to_check_answers(client, move["child"], move["wanted"])
    confirm(client, move["child"])
    recorded = RecordedMove.objects.get()
    assert _snapshot(move["child"]) != before
    undo = reverse("move-undo", args=[recorded.reference])

    assert "Are you sure you want to undo this move?" in client.get(undo).content.decode()
    page = client.post(undo).content.decode()

    assert "Move undone" in page
    assert _snapshot(move["child"]) == before
    assert not Admission.objects.exists()
    undone = AuditEvent.objects.filter(
        child_id=move["child"].pk, reason__contains=f"Move {recorded.reference} undone"
    )
    assert set(undone.values_list("setting_id", flat=True)) == {
        move["wanted"].pk,
        move["primary"].pk,
    }
    # Once only: a second undo is refused.
    again = client.post(undo)
    assert again.status_code == 403 and "already been undone" in again.content.decode()


def test_undo_after_a_day_is_refused_with_a_clear_page(client, move):
    walk_to_check_answers(client, move["child"], move["wanted"])
    confirm(client, move["child"])
    recorded = RecordedMove.objects.get()
    RecordedMove.objects.filter(pk=recorded.pk).update(
        moved_at=timezone.now() - dt.timedelta(hours=24, minutes=1)
    )

    response = client.post(reverse("move-undo", args=[recorded.reference]))

    assert response.status_code == 403
    assert "within a day" in response.content.decode()
    assert Admission.objects.filter(setting=move["wanted"]).exists()
    assert (
        "Undo this move"
        not in client.get(reverse("move-recorded", args=[recorded.reference])).content.decode()
    )


def test_undo_by_someone_else_is_refused_without_naming_the_child(client, move):
    walk_to_check_answers(client, move["child"], move["wanted"])
    confirm(client, move["child"])
    recorded = RecordedMove.objects.get()
    # Even the head of the same school: only the person who recorded the move may undo it.
    client.force_login(staff(Role.SETTING_HEAD, move["primary"]))

    response = client.post(reverse("move-undo", args=[recorded.reference]))
    shown = client.get(reverse("move-recorded", args=[recorded.reference]))

    assert response.status_code == shown.status_code == 403
    text = response.content.decode()
    assert "Only the person who recorded a move can undo it" in text
    assert "Ava" not in text and "Ava" not in shown.content.decode()
    assert Admission.objects.filter(setting=move["wanted"]).exists()
    assert AuditEvent.objects.filter(
        child_id=move["child"].pk, allowed=False, reason__contains="refused"
    ).exists()


def test_a_dual_registration_keeps_the_child_on_roll_here_and_undo_removes_only_the_new_one(
    client, move
):
    before = _snapshot(move["child"])
    walk_to_check_answers(client, move["child"], move["wanted"], registration="subsidiary")
    confirm(client, move["child"])
    assert Enrolment.objects.get(child=move["child"], setting=move["primary"]).ends_on is None

    client.post(reverse("move-undo", args=[RecordedMove.objects.get().reference]))

    assert _snapshot(move["child"]) == before


def test_an_empty_search_asks_for_words(client, move):
    page = client.get(
        reverse("move-find-setting", args=[move["child"].pk]) + "?q="
    ).content.decode()

    assert "Enter part of the school, college or nursery" in page
    assert "its town or its URN" in page
    assert "There is a problem" in page and "<title>Error:" in page
