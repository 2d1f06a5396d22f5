"""The History page says what changed, item by item, before and after, and opens any earlier
version, showing only the sections the reader may see."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.urls import reverse

from passport.access.tests.test_consent_scope import therapist_with_consent_for
from passport.audit.models import AuditAction, AuditEvent
from passport.core.policy import current_pack
from passport.passports import services
from passport.passports.models import GroupSize, Period, SupportItem
from passport.people.models import Role
from passport.testing.factories import SettingFactory, child_on_roll, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def school():
    return SettingFactory(name="Oakfield Primary")


@pytest.fixture
def senco(school):
    return staff(Role.SENCO, school)


@pytest.fixture
def child(school):
    return child_on_roll(school, given_name="Amara", family_name="Okafor")


@pytest.fixture
def therapy(child, senco) -> SupportItem:
    """Speech and language therapy, added, then changed from one to one to a small group."""
    item = SupportItem(
        description="Speech and language therapy, weekly",
        intended_outcome="Follows two-step instructions",
        delivered_by="Avon Trust therapist",
        group_size=GroupSize.ONE_TO_ONE,
        minutes_per_session=30,
        sessions_per_period=1,
        period=Period.WEEK,
        starts_on=dt.date(2025, 9, 3),
        layer=current_pack().layer_choices()[0][0],
    )
    services.save_item(child.passport, item, senco)
    item.group_size = GroupSize.SMALL_GROUP
    item.starts_on = dt.date(2025, 9, 10)
    services.save_item(child.passport, item, senco)
    return item


def text_of(response) -> str:
    """The page's words as a person reads them, tags dropped and spaces closed up."""
    html = re.sub(r"</?(strong|span)\b[^>]*>", "", response.content.decode())
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def version_links(response) -> list[str]:
    return re.findall(r'href="([^"]*/history/[^"]+/\d+/)"', response.content.decode())


def test_a_change_names_the_item_and_says_before_and_after_in_words(client, senco, child, therapy):
    client.force_login(senco)
    page = text_of(client.get(reverse("history", args=[child.pk])))
    assert "Support in place: 'Speech and language therapy, weekly' Changed" in page
    assert "Group size Before: One to one After: Small group" in page
    assert "Starts on Before: 3 September 2025 After: 10 September 2025" in page
    assert "Support in place: 'Speech and language therapy, weekly' Added" in page


def test_a_removed_item_is_named_and_said_to_be_removed(client, senco, child, therapy):
    services.remove_item(child.passport, therapy, senco)
    client.force_login(senco)
    page = text_of(client.get(reverse("history", args=[child.pk])))
    assert "Support in place: 'Speech and language therapy, weekly' Removed" in page


def test_long_text_is_kept_whole_behind_show_the_full_text(client, senco, child):
    long_words = "Likes to know what is coming next. " * 10 + "The very end."
    services.update_about_me(
        child.passport, liked_about_me=long_words, matters_to_me="", how_to_support_me="", by=senco
    )
    client.force_login(senco)
    response = client.get(reverse("history", args=[child.pk]))
    page = text_of(response)
    assert "About me Changed" in page
    assert "Show the full text" in page and "The very end." in page
    assert "Before: Nothing recorded" in page


def test_an_earlier_version_opens_as_it_was_then(client, senco, child, therapy):
    therapy.description = "Speech therapy in a small group"
    services.save_item(child.passport, therapy, senco)
    client.force_login(senco)
    links = version_links(client.get(reverse("history", args=[child.pk])))
    first = [link for link in links if "/support/" in link][-1]  # newest first: when added
    response = client.get(first)
    assert response.status_code == 200
    page = text_of(response)
    assert "Support in place as it was on" in page
    assert "Speech and language therapy, weekly" in page
    assert "Speech therapy in a small group" not in page
    assert "Group size One to one" in page and "Starts on 3 September 2025" in page
    assert "<form" not in response.content.decode().split("govuk-main-wrapper")[-1]


def test_opening_a_version_is_recorded_as_a_read_of_the_child(client, senco, child, therapy):
    client.force_login(senco)
    link = version_links(client.get(reverse("history", args=[child.pk])))[0]
    client.get(link)
    read = AuditEvent.objects.filter(child_id=child.pk, action=AuditAction.READ).last()
    assert read is not None and read.actor_id == senco.pk and read.allowed
    assert read.path == link


def test_a_version_of_another_childs_passport_is_not_found(client, senco, school, therapy):
    other = child_on_roll(school, given_name="Leo", family_name="Marsh")
    client.force_login(senco)
    version = therapy.history.earliest("history_date").history_id
    url = reverse("history-version", args=[other.pk, "support", version])
    assert client.get(url).status_code == 404
    assert client.get(reverse("history-version", args=[other.pk, "nonsense", 1])).status_code == 404


def test_a_professional_sees_only_the_changes_to_sections_the_family_shared(
    client, senco, child, therapy
):
    services.update_about_me(
        child.passport,
        liked_about_me="Kind to younger children",
        matters_to_me="My dog, Biscuit",
        how_to_support_me="",
        by=senco,
    )
    therapist = therapist_with_consent_for(child, ["history", "support"])
    client.force_login(therapist)
    response = client.get(reverse("history", args=[child.pk]))
    page = text_of(response)
    assert "Speech and language therapy, weekly" in page
    assert "Biscuit" not in page and "What is important to me" not in page
    assert "About me" not in page
    passport_version = child.passport.history.latest("history_date").history_id
    url = reverse("history-version", args=[child.pk, "passport", passport_version])
    assert client.get(url).status_code == 404
    for link in version_links(response):
        assert "Biscuit" not in text_of(client.get(link))
    client.force_login(senco)
    assert "My dog, Biscuit" in text_of(client.get(url))


def test_someone_without_the_history_section_cannot_open_a_version(client, school, child, therapy):
    client.force_login(staff(Role.TEACHER, school))
    version = therapy.history.earliest("history_date").history_id
    url = reverse("history-version", args=[child.pk, "support", version])
    assert client.get(url).status_code == 404


def test_a_layer_version_names_who_recorded_it_and_the_layer_by_name(client, senco, child):
    code, name = current_pack().layer_choices()[0]
    services.change_layer(
        child.passport, layer=code, starts_on=dt.date(2025, 9, 3), reason="Settling in", by=senco
    )
    client.force_login(senco)
    links = version_links(client.get(reverse("history", args=[child.pk])))
    link = next(link for link in links if "/layer/" in link)
    page = text_of(client.get(link))
    assert f"{name} from 3 September 2025" in page
    assert f"Recorded by {senco}" in page and "Reason Settling in" in page
