"""The directory page: active services with provider, kind and price, filtered and paginated."""

from __future__ import annotations

import pytest
from django.test import Client

from passport.directory import views
from passport.directory.services import import_services
from passport.people.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(document: dict, administrator: User) -> None:
    import_services(document, by=administrator)


def test_signed_out_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get("/directory/")

    assert response.status_code == 302 and "/sign-in" in response["Location"]


@pytest.mark.usefixtures("imported")
def test_the_directory_lists_active_services_with_provider_kind_and_price(
    client: Client, senco: User
) -> None:
    client.force_login(senco)

    page = client.get("/directory/").content.decode()

    assert "7 services" in page
    assert "Avon Vale Children&#39;s Community Health NHS Trust" in page
    assert "Speech and language therapy" in page
    assert "£92 per hour" in page and "£62.50 per hour" in page and "£325 per session" in page
    assert "Nurture groups (paused)" not in page


@pytest.mark.usefixtures("imported")
def test_the_directory_filters_by_kind_of_support(client: Client, senco: User) -> None:
    client.force_login(senco)

    page = client.get("/directory/?kind=occupational_therapy").content.decode()
    unknown = client.get("/directory/?kind=astrology").content.decode()

    assert "1 service" in page and "Harbourside" in page and "Avon Vale" not in page
    assert "7 services" in unknown


@pytest.mark.usefixtures("imported")
def test_the_directory_is_paginated(
    client: Client, senco: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    client.force_login(senco)

    first = client.get("/directory/").content.decode()
    last = client.get("/directory/?page=3").content.decode()

    assert "page 1 of 3" in first and 'href="?page=2"' in first
    assert "page 3 of 3" in last


def test_an_empty_directory_says_how_to_fill_it(client: Client, senco: User) -> None:
    client.force_login(senco)

    assert "The directory has no active services yet" in client.get("/directory/").content.decode()


def test_prices_read_as_pounds() -> None:
    assert views.price_text(9200, "hour") == "£92 per hour"
    assert views.price_text(6250, "hour") == "£62.50 per hour"
    assert views.price_text(123456, "session") == "£1,234.56 per session"
