"""Items of What works, Support in place, Outcomes and Reviews edited at the same time: a form
opened before someone else saved the same item gets the conflict page instead of overwriting
them, a stale removal removes nothing, and sending an add page twice adds one item."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from passport.core.dates import today
from passport.passports import services
from passport.passports.models import AboutMeContribution, Outcome, Passport, Review
from passport.people.models import Role
from passport.testing.factories import SettingFactory, child_on_roll, parent_of, staff

pytestmark = pytest.mark.django_db


def date_fields(name: str, day: dt.date) -> dict[str, str]:
    return {
        f"{name}-day": str(day.day),
        f"{name}-month": str(day.month),
        f"{name}-year": str(day.year),
    }


# A valid page form for each list section, and the free-text field two people both change.
FORMS: dict[str, tuple[dict[str, str], str]] = {
    "what-works": ({"kind": "strategy", "description": "Visual timetable"}, "description"),
    "support": (
        {
            "description": "Speech and language programme",
            "intended_outcome": "Understand who and where questions",
            "delivered_by": "Teaching assistant",
            "group_size": "small_group",
            "minutes_per_session": "30",
            "sessions_per_period": "2",
            "period": "week",
            "layer": "targeted",
            "rationale": "",
            **date_fields("starts_on", dt.date(2026, 9, 7)),
        },
        "rationale",
    ),
    "outcomes": (
        {
            "description": "Asks for help using the help card",
            "progress": "some",
            "progress_notes": "",
            **date_fields("target_date", dt.date(2027, 7, 16)),
        },
        "progress_notes",
    ),
    "reviews": (
        {
            "participants": "SENCO, parent, Amara",
            "child_views": "I like the quiet room",
            "parent_views": "",
            "progress_summary": "Settling well",
            "decision": "continue",
            **date_fields("held_on", today() - dt.timedelta(days=7)),
            **date_fields("next_review_on", today() + dt.timedelta(days=60)),
        },
        "progress_summary",
    ),
}
SECTIONS = list(FORMS)


@pytest.fixture
def school():
    return SettingFactory(name="Oakfield Primary")


@pytest.fixture
def senco(school):
    return staff(Role.SENCO, school)


@pytest.fixture
def colleague(school):
    return staff(Role.SENCO, school)


@pytest.fixture
def child(school):
    return child_on_roll(school, given_name="Amara", family_name="Okafor")


def items_in(child, section: str):
    return services.ITEM_SECTIONS[section].objects.filter(passport__child=child)


def hidden(page: str, name: str) -> str:
    marker = f'name="{name}" value="'
    assert marker in page, f"the form carries {name}"
    return page.split(marker, 1)[1].split('"', 1)[0]


def add_one(client: Client, child, section: str) -> int:
    data, _ = FORMS[section]
    response = client.post(reverse("add-item", args=[child.pk, section]), data)
    assert response.status_code == 302
    return items_in(child, section).get().pk


def open_edit(client: Client, child, section: str, item_id: int) -> str:
    page = client.get(reverse("edit-item", args=[child.pk, section, item_id])).content.decode()
    return hidden(page, "version")


@pytest.mark.parametrize("section", SECTIONS)
def test_a_stale_item_form_is_not_saved_and_shows_both_versions(
    client, senco, colleague, child, section
):
    data, changed = FORMS[section]
    client.force_login(senco)
    item_id = add_one(client, child, section)
    other = Client()
    other.force_login(colleague)
    mine = open_edit(client, child, section, item_id)
    theirs = open_edit(other, child, section, item_id)
    url = reverse("edit-item", args=[child.pk, section, item_id])

    first = other.post(url, {**data, changed: "Written first", "version": theirs})
    second = client.post(
        url, {**data, changed: "Written second, from a stale page", "version": mine}
    )

    assert first.status_code == 302
    assert second.status_code == 409
    page = second.content.decode()
    assert "while you were editing" in page
    assert "Written first" in page and "Written second, from a stale page" in page
    assert getattr(items_in(child, section).get(), changed) == "Written first"


def test_save_my_version_on_an_item_conflict_saves_it_dates_and_all(
    client, senco, colleague, child
):
    data, _ = FORMS["outcomes"]
    client.force_login(senco)
    item_id = add_one(client, child, "outcomes")
    version = open_edit(client, child, "outcomes", item_id)
    outcome = Outcome.objects.get(pk=item_id)
    outcome.progress_notes = "Uses the card in maths"
    services.save_item(child.passport, outcome, colleague)
    url = reverse("edit-item", args=[child.pk, "outcomes", item_id])
    mine = {
        **data,
        "progress_notes": "Uses the card every lesson",
        **date_fields("target_date", dt.date(2027, 12, 17)),
    }
    conflict = client.post(url, {**mine, "version": version}).content.decode()

    response = client.post(
        url, {**mine, "version": hidden(conflict, "version"), "target_date-day": "17"}
    )

    assert response.status_code == 302
    saved = Outcome.objects.get(pk=item_id)
    assert (saved.progress_notes, saved.target_date) == (
        "Uses the card every lesson",
        dt.date(2027, 12, 17),
    )


def test_a_change_to_another_item_does_not_make_an_open_item_form_stale(client, senco, child):
    client.force_login(senco)
    item_id = add_one(client, child, "what-works")
    version = open_edit(client, child, "what-works", item_id)
    services.save_item(
        child.passport, Outcome(description="Reads aloud", target_date=today()), senco
    )

    response = client.post(
        reverse("edit-item", args=[child.pk, "what-works", item_id]),
        {"kind": "strategy", "description": "Movement breaks", "version": version},
    )

    assert response.status_code == 302
    assert items_in(child, "what-works").get().description == "Movement breaks"


def test_a_removal_asked_before_someone_changed_the_item_removes_nothing(
    client, senco, colleague, child
):
    client.force_login(senco)
    item_id = add_one(client, child, "outcomes")
    url = reverse("remove-item", args=[child.pk, "outcomes", item_id])
    version = hidden(client.get(url).content.decode(), "version")
    outcome = Outcome.objects.get(pk=item_id)
    outcome.description = "Asks for help on their own"
    services.save_item(child.passport, outcome, colleague)

    stale = client.post(url, {"version": version})
    again = client.post(url, {"version": hidden(stale.content.decode(), "version")})

    assert stale.status_code == 200
    assert "Someone else changed this outcome" in stale.content.decode()
    assert "Asks for help on their own" in stale.content.decode()
    assert again.status_code == 302
    assert not Outcome.objects.filter(pk=item_id).exists()


def test_saving_an_item_someone_removed_meanwhile_does_not_bring_it_back(senco, child):
    seen = Outcome(description="Reads aloud", target_date=today())
    services.save_item(child.passport, seen, senco)
    removed = Outcome.objects.get(pk=seen.pk)
    services.remove_item(child.passport, removed, senco)
    seen.progress_notes = "Reads a page aloud"

    with pytest.raises(services.StaleItem):
        services.save_item(child.passport, seen, senco)

    assert not Outcome.objects.filter(pk=seen.pk).exists()


@pytest.mark.parametrize("section", SECTIONS)
def test_sending_an_add_page_twice_adds_one_item(client, senco, child, section):
    data, _ = FORMS[section]
    client.force_login(senco)
    page = client.get(reverse("add-item", args=[child.pk, section])).content.decode()
    token = hidden(page, "form_token")
    url = reverse("add-item", args=[child.pk, section])

    first = client.post(url, {**data, "form_token": token})
    second = client.post(url, {**data, "form_token": token})

    assert (first.status_code, second.status_code) == (302, 302)
    assert second["Location"] == first["Location"]
    assert items_in(child, section).count() == 1
    assert Passport.objects.get(child=child).version == 2


def test_each_drawing_of_an_add_page_adds_its_own_item(client, senco, child):
    client.force_login(senco)
    url = reverse("add-item", args=[child.pk, "what-works"])
    for description in ["Visual timetable", "Movement breaks"]:
        token = hidden(client.get(url).content.decode(), "form_token")
        client.post(url, {"kind": "strategy", "description": description, "form_token": token})

    assert items_in(child, "what-works").count() == 2


def test_a_refused_add_leaves_its_token_free_to_send_again(client, senco, child):
    client.force_login(senco)
    url = reverse("add-item", args=[child.pk, "what-works"])
    token = hidden(client.get(url).content.decode(), "form_token")

    refused = client.post(url, {"kind": "strategy", "description": "", "form_token": token})
    corrected = client.post(
        url, {"kind": "strategy", "description": "Visual timetable", "form_token": token}
    )

    assert refused.status_code == 200
    assert corrected.status_code == 302
    assert items_in(child, "what-works").count() == 1


def test_a_review_asking_for_an_assessment_sent_twice_goes_on_to_the_request_both_times(
    client, senco, child
):
    data, _ = FORMS["reviews"]
    client.force_login(senco)
    url = reverse("add-item", args=[child.pk, "reviews"])
    token = hidden(client.get(url).content.decode(), "form_token")
    body = {**data, "decision": "request_assessment", "form_token": token}

    first = client.post(url, body)
    second = client.post(url, body)

    assert Review.objects.filter(passport__child=child).count() == 1
    assert second["Location"] == first["Location"]
    assert reverse("ehcp-request", args=[child.pk]) in first["Location"]


def test_sending_add_to_about_me_twice_adds_it_once(client, school, child):
    parent = parent_of(child)
    client.force_login(parent)
    url = reverse("add-contribution", args=[child.pk])
    token = hidden(client.get(url).content.decode(), "form_token")
    body = {"voice": "parent", "text": "She loves drawing horses", "form_token": token}

    responses = [client.post(url, body), client.post(url, body)]

    assert [r.status_code for r in responses] == [302, 302]
    assert AboutMeContribution.objects.filter(passport__child=child).count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has one writer at a time anyway"
)
@pytest.mark.django_db(transaction=True)
def test_saves_of_one_item_at_the_same_moment_keep_exactly_one(senco, colleague, child):
    first = Outcome(description="Reads aloud", target_date=today())
    services.save_item(Passport.objects.get(child=child), first, senco)
    writers = 4
    loaded = [Outcome.objects.get(pk=first.pk) for _ in range(writers)]
    start = threading.Barrier(writers)
    saved: list[str] = []
    refused: list[BaseException] = []
    failures: list[BaseException] = []

    def save(outcome: Outcome, number: int) -> None:
        try:
            start.wait()
            outcome.progress_notes = f"Notes {number}"
            services.save_item(
                Passport.objects.get(child=child),
                outcome,
                colleague,
                expected_item_version=outcome.version,
            )
            saved.append(outcome.progress_notes)
        except services.StaleItem as exc:
            refused.append(exc)
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(o, n)) for n, o in enumerate(loaded)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert (len(saved), len(refused)) == (1, writers - 1)
    assert Outcome.objects.get(pk=first.pk).progress_notes == saved[0]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has one writer at a time anyway"
)
@pytest.mark.django_db(transaction=True)
def test_an_add_page_sent_twice_at_the_same_moment_adds_one_item(senco, child):
    url = reverse("add-item", args=[child.pk, "what-works"])
    reader = Client()
    reader.force_login(senco)
    token = hidden(reader.get(url).content.decode(), "form_token")
    senders = 4
    start = threading.Barrier(senders)
    statuses: list[int] = []
    failures: list[BaseException] = []

    def send() -> None:
        try:
            client = Client()
            client.force_login(senco)
            start.wait()
            body = {"kind": "strategy", "description": "Visual timetable", "form_token": token}
            statuses.append(client.post(url, body).status_code)
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert statuses == [302] * senders
    assert items_in(child, "what-works").count() == 1
