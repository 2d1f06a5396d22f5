"""About me and My needs edited at the same time: no acknowledged change is lost, and a stale
form is shown side by side with the saved text instead of overwriting it."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.urls import reverse

from passport.passports import services
from passport.passports.models import Passport
from passport.people.models import Role
from passport.testing.factories import SettingFactory, child_on_roll, staff

pytestmark = pytest.mark.django_db

ABOUT_ME = {
    "liked_about_me": "Kind and funny",
    "matters_to_me": "My dog, Biscuit",
    "how_to_support_me": "Tell me what is coming next",
}
NEEDS = {
    "sen_provision": "K",
    "primary_need": "SLCN",
    "secondary_need": "",
    "broad_areas": ["CI"],
    "needs_description": "Finds spoken instructions hard to follow",
}


@pytest.fixture
def school():
    return SettingFactory(name="Oakfield Primary")


@pytest.fixture
def senco(school):
    return staff(Role.SENCO, school)


@pytest.fixture
def teacher_who_writes(school):
    return staff(Role.SENCO, school)


@pytest.fixture
def child(school):
    return child_on_roll(school, given_name="Amara", family_name="Okafor")


def test_about_me_and_my_needs_saved_from_the_same_loaded_passport_both_survive(
    senco, teacher_who_writes, child
):
    seen_by_senco = Passport.objects.get(child=child)
    seen_by_teacher = Passport.objects.get(child=child)

    services.update_about_me(seen_by_senco, **ABOUT_ME, by=senco)
    services.set_needs(
        seen_by_teacher,
        sen_provision="K",
        need_types=["SLCN"],
        broad_areas=["CI"],
        needs_description="Finds spoken instructions hard to follow",
        by=teacher_who_writes,
    )

    saved = Passport.objects.get(child=child)
    assert saved.matters_to_me == "My dog, Biscuit"
    assert saved.needs_description == "Finds spoken instructions hard to follow"
    assert saved.version == 3


def test_each_section_save_is_kept_in_the_history_without_undoing_the_other(
    senco, teacher_who_writes, child
):
    seen_by_senco = Passport.objects.get(child=child)
    seen_by_teacher = Passport.objects.get(child=child)

    services.update_about_me(seen_by_senco, **ABOUT_ME, by=senco)
    services.set_needs(
        seen_by_teacher,
        sen_provision="K",
        need_types=["SLCN"],
        broad_areas=["CI"],
        needs_description="Finds spoken instructions hard to follow",
        by=teacher_who_writes,
    )

    latest = Passport.history.filter(id=seen_by_senco.pk).order_by("-history_date").first()
    assert (latest.matters_to_me, latest.history_user) == ("My dog, Biscuit", teacher_who_writes)
    changed = [c.fields for c in services.passport_history(seen_by_senco) if c.what == "Changed"]
    assert "What is important to me" not in changed[0]


def test_saving_about_me_from_a_stale_section_version_saves_nothing(senco, child):
    passport = Passport.objects.get(child=child)
    read_at = passport.about_me_version
    services.update_about_me(passport, **ABOUT_ME, by=senco)

    with pytest.raises(services.StaleSection):
        services.update_about_me(
            Passport.objects.get(child=child),
            **{**ABOUT_ME, "matters_to_me": "Football"},
            by=senco,
            expected_section_version=read_at,
        )

    assert Passport.objects.get(child=child).matters_to_me == "My dog, Biscuit"


def open_form(client, child, name):
    """Load an edit page and return the section version its form carries."""
    page = client.get(reverse(name, args=[child.pk])).content.decode()
    marker = 'name="version" value="'
    assert marker in page, "the form carries the version it was filled from"
    return page.split(marker, 1)[1].split('"', 1)[0]


def test_a_stale_about_me_form_is_not_saved_and_shows_both_versions(
    client, senco, teacher_who_writes, child
):
    client.force_login(senco)
    version = open_form(client, child, "edit-about-me")
    services.update_about_me(
        Passport.objects.get(child=child),
        **{**ABOUT_ME, "matters_to_me": "Swimming on Saturdays"},
        by=teacher_who_writes,
    )

    response = client.post(
        reverse("edit-about-me", args=[child.pk]), {**ABOUT_ME, "version": version}
    )

    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else changed About me while you were editing" in page
    assert "Your version" in page and "My dog, Biscuit" in page
    assert "Saved version" in page and "Swimming on Saturdays" in page
    assert "Save my version" in page and "Keep the saved version" in page
    assert Passport.objects.get(child=child).matters_to_me == "Swimming on Saturdays"


def test_save_my_version_on_the_conflict_page_saves_it(client, senco, teacher_who_writes, child):
    client.force_login(senco)
    version = open_form(client, child, "edit-about-me")
    services.update_about_me(
        Passport.objects.get(child=child),
        **{**ABOUT_ME, "matters_to_me": "Swimming on Saturdays"},
        by=teacher_who_writes,
    )
    conflict = client.post(
        reverse("edit-about-me", args=[child.pk]), {**ABOUT_ME, "version": version}
    ).content.decode()
    current = conflict.split('name="version" value="', 1)[1].split('"', 1)[0]

    response = client.post(
        reverse("edit-about-me", args=[child.pk]), {**ABOUT_ME, "version": current}
    )

    assert response.status_code == 302
    assert Passport.objects.get(child=child).matters_to_me == "My dog, Biscuit"


def test_a_stale_needs_form_is_not_saved_and_shows_both_descriptions(
    client, senco, teacher_who_writes, child
):
    client.force_login(senco)
    version = open_form(client, child, "edit-needs")
    services.set_needs(
        Passport.objects.get(child=child),
        sen_provision="K",
        need_types=["ASD"],
        broad_areas=["CI"],
        needs_description="Needs a quiet space at lunchtime",
        by=teacher_who_writes,
    )

    response = client.post(reverse("edit-needs", args=[child.pk]), {**NEEDS, "version": version})

    assert response.status_code == 409
    page = response.content.decode()
    assert "Finds spoken instructions hard to follow" in page
    assert "Needs a quiet space at lunchtime" in page
    saved = Passport.objects.get(child=child)
    assert saved.needs_description == "Needs a quiet space at lunchtime"
    assert list(saved.ranked_needs.values_list("need_type", flat=True)) == ["ASD"]


def test_changing_about_me_does_not_make_an_open_needs_form_stale(
    client, senco, teacher_who_writes, child
):
    client.force_login(senco)
    version = open_form(client, child, "edit-needs")
    services.update_about_me(Passport.objects.get(child=child), **ABOUT_ME, by=teacher_who_writes)

    response = client.post(reverse("edit-needs", args=[child.pk]), {**NEEDS, "version": version})

    assert response.status_code == 302
    saved = Passport.objects.get(child=child)
    assert (saved.matters_to_me, saved.needs_description) == (
        "My dog, Biscuit",
        "Finds spoken instructions hard to follow",
    )


def test_a_form_with_a_version_never_issued_gets_the_conflict_page(client, senco, child):
    client.force_login(senco)

    response = client.post(
        reverse("edit-about-me", args=[child.pk]), {**ABOUT_ME, "version": "abc"}
    )

    assert response.status_code == 409
    assert Passport.objects.get(child=child).matters_to_me == ""


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has one writer at a time anyway"
)
@pytest.mark.django_db(transaction=True)
def test_saves_at_the_same_moment_keep_one_about_me_and_every_needs_change(
    senco, teacher_who_writes, child
):
    writers = 4
    loaded = [Passport.objects.get(child=child) for _ in range(2 * writers)]
    read_at = loaded[0].about_me_version
    start = threading.Barrier(2 * writers)
    saved_about_me: list[str] = []
    refused: list[BaseException] = []
    failures: list[BaseException] = []

    def save_about_me(passport: Passport, number: int) -> None:
        try:
            start.wait()
            answer = f"Answer {number}"
            services.update_about_me(
                passport,
                **{**ABOUT_ME, "matters_to_me": answer},
                by=senco,
                expected_section_version=read_at,
            )
            saved_about_me.append(answer)
        except services.StaleSection as exc:
            refused.append(exc)
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)
        finally:
            connection.close()

    def save_needs(passport: Passport, number: int) -> None:
        try:
            start.wait()
            services.set_needs(
                passport,
                sen_provision="K",
                need_types=["SLCN"],
                broad_areas=["CI"],
                needs_description=f"Description {number}",
                by=teacher_who_writes,
            )
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save_about_me if n < writers else save_needs, args=(p, n))
        for n, p in enumerate(loaded)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert (len(saved_about_me), len(refused)) == (1, writers - 1)
    saved = Passport.objects.get(child=child)
    assert saved.matters_to_me == saved_about_me[0]
    assert saved.needs_description.startswith("Description ")
    assert saved.version == 1 + 1 + writers
