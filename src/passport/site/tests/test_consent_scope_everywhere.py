"""Consent scope covers every field, derived ones too: a professional whose family consented to
one section sees no value of any other section, on any child API operation or any page about
the child.

Each section is seeded with values found nowhere else, so a leak cannot hide behind a value that
happens to be shown for another reason, and each value is shown to a professional consented to
its own section, so a marker that no page or operation shows cannot make the test pass.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from passport.access import services as access_services
from passport.access.rules import current_rules
from passport.children.models import Child
from passport.organisations.models import Provider, Setting
from passport.passports.models import (
    LayerAssignment,
    Outcome,
    Review,
    Strategy,
    SupportItem,
)
from passport.people.models import Membership, Role, User
from passport.site.tests.operations import child_operations
from passport.testing.factories import (
    SettingFactory,
    UserFactory,
    child_on_roll,
    parent_of,
    staff,
)

pytestmark = pytest.mark.django_db

UPN = "U873200107917"
ULN = "8765432192"
NHS_NUMBER = "9434765919"

# Values that belong to each section and appear nowhere else. History (versions of the other
# sections) and EHC plans have no marker: their values are the other sections' values.
MARKERS: dict[str, list[str]] = {
    "identity": ["2015-11-23", "23 November 2015", UPN, ULN, "Quillfeather Primary"],
    "family": ["Zebedee Marchbanks", "zebedee.marchbanks@example.org"],
    "health": [NHS_NUMBER],
    "about_me": ["Loves the xylophone in assembly"],
    "needs": ["Struggles with kestrel-quick instructions"],
    "what_works": ["Lantern card on the desk"],
    "support": ["Harbour reading club"],
    "outcomes": ["Reads a meadow of books"],
    "reviews": ["Orchard progress all round"],
    "layer": ["targeted_plus", "Targeted Plus", "Compass of needs beyond Targeted"],
}
SECTIONS_WITH_MARKERS = sorted(MARKERS)


@pytest.fixture
def school(db: None) -> Setting:
    return SettingFactory(name="Quillfeather Primary")


@pytest.fixture
def child(school: Setting) -> Child:
    child = child_on_roll(
        school,
        given_name="Amara",
        family_name="Okafor",
        date_of_birth=dt.date(2015, 11, 23),
        upn=UPN,
        uln=ULN,
        nhs_number=NHS_NUMBER,
    )
    holder = parent_of(child)
    holder.full_name, holder.email = MARKERS["family"]
    holder.username = holder.email
    holder.save()
    senco = staff(Role.SENCO, school)
    passport = child.passport
    passport.liked_about_me = MARKERS["about_me"][0]
    passport.sen_provision = "K"
    passport.needs_description = MARKERS["needs"][0]
    passport.save()
    Strategy.objects.create(passport=passport, description=MARKERS["what_works"][0])
    SupportItem.objects.create(
        passport=passport,
        description=MARKERS["support"][0],
        intended_outcome="Reads with fluency",
        delivered_by="Teaching assistant",
        group_size="small_group",
        minutes_per_session=20,
        sessions_per_period=3,
        period="week",
        starts_on=dt.date(2024, 9, 2),
        layer="targeted_plus",
    )
    Outcome.objects.create(
        passport=passport, description=MARKERS["outcomes"][0], target_date=dt.date(2025, 7, 18)
    )
    Review.objects.create(
        passport=passport,
        held_on=dt.date(2024, 12, 6),
        participants="SENCO",
        child_views="Fine",
        progress_summary=MARKERS["reviews"][0],
        decision="continue",
        next_review_on=dt.date(2025, 4, 4),
    )
    LayerAssignment.objects.create(
        passport=passport,
        layer="targeted_plus",
        starts_on=dt.date(2024, 9, 1),
        reason=MARKERS["layer"][2],
        recorded_by=senco,
    )
    return child


def professional_consented_to(child: Child, section: str) -> User:
    """Return a therapist referred to the child whose family consented to one section."""
    trust = Provider.objects.create(name="Avon Trust", kind="nhs_trust")
    therapist = UserFactory(full_name="Tess Ward")
    Membership.objects.create(
        user=therapist, role=Role.HEALTH_PROFESSIONAL, provider=trust, starts_on=dt.date(2020, 1, 1)
    )
    school = child.enrolments.get().setting
    access_services.record_referral(
        child, trust, "Speech and language therapy", dt.date(2024, 1, 1), staff(Role.SENCO, school)
    )
    holder = child.parental_responsibilities.get().person
    access_services.give_consent(child, trust, [section], holder)
    return therapist


def _only_the_child(pattern: str) -> bool:
    return re.findall(r"<[^>]+>", pattern) == ["<int:child_id>"]


def _child_pages(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    """Return the name of every page whose only parameter is the child."""
    resolver = resolver or get_resolver()
    names: list[str] = []
    for entry in resolver.url_patterns:
        pattern = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if not pattern.startswith("api/"):
                names += _child_pages(entry, pattern)
        elif isinstance(entry, URLPattern) and entry.name and _only_the_child(pattern):
            names.append(entry.name)
    return names


def everything_shown_to(client: Client, user: User, child: Child) -> dict[str, str]:
    """GET every child API operation and every page about the child; return each body by URL."""
    client.force_login(user)
    item_ids = {
        "strategy": child.passport.strategies.get().pk,
        "support_item": child.passport.support_items.get().pk,
        "outcome": child.passport.outcomes.get().pk,
        "review": child.passport.reviews.get().pk,
        "transfer": 0,
    }
    urls = [op.url(child.pk, item_ids) for op in child_operations() if op.is_read]
    urls += ["/api/children", f"/api/children?q={child.family_name}"]
    urls += [reverse(name, args=[child.pk]) for name in _child_pages()]
    shown: dict[str, str] = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code < 500, url
        shown[url] = response.content.decode(errors="replace")
    return shown


def test_every_section_is_covered_by_a_marker_or_said_not_to_need_one() -> None:
    assert set(current_rules().sections) - set(MARKERS) == {"history", "ehcp"}


@pytest.mark.parametrize("section", SECTIONS_WITH_MARKERS)
def test_a_professional_consented_to_one_section_sees_no_value_of_another(
    client: Client, child: Child, section: str
) -> None:
    professional = professional_consented_to(child, section)

    shown = everything_shown_to(client, professional, child)

    leaks = [
        f"{other} value {marker!r} on {url}"
        for url, body in shown.items()
        for other, markers in MARKERS.items()
        if other != section
        for marker in markers
        if marker in body
    ]
    assert not leaks, "\n".join(leaks)
    own = [marker for marker in MARKERS[section] if any(marker in b for b in shown.values())]
    assert own, f"No page or operation showed the {section} section to a consented professional"
