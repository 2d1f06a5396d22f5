"""The footer's pages: on every page, open to anyone signed out, and true to the settings."""

from __future__ import annotations

import pytest
from django.urls import reverse

from passport.core.policy import current_pack

FOOTER_PAGES = {
    "help": "Help and contact",
    "accessibility": "Accessibility statement for Support Passport",
    "privacy": "Privacy notice",
    "cookies": "Cookies",
}


@pytest.mark.django_db
def test_the_footer_links_to_every_page_people_expect(client):
    page = client.get(reverse("sign-in")).content.decode()
    footer = page[page.index('<footer class="govuk-footer">') :]
    for name in FOOTER_PAGES:
        assert f'href="{reverse(name)}"' in footer, name


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "heading"), FOOTER_PAGES.items())
def test_anyone_can_read_the_footer_pages_without_signing_in(client, name, heading):
    response = client.get(reverse(name))

    assert response.status_code == 200
    assert f'<h1 class="govuk-heading-xl">{heading}</h1>' in response.content.decode()


@pytest.mark.django_db
def test_the_accessibility_statement_says_how_to_complain_and_when_it_was_written(client):
    page = client.get(reverse("accessibility")).content.decode()

    for part in ("Compliance status", "Enforcement procedure", "Equality Advisory and Support"):
        assert part in page
    assert "This statement was prepared on" in page


@pytest.mark.django_db
def test_the_privacy_notice_gives_the_lawful_bases_and_the_retention_in_the_policy(client):
    page = client.get(reverse("privacy")).content.decode()

    assert "Article 6(1)(e)" in page
    assert "Article 9(2)(g)" in page
    assert "Schedule 1" in page
    years = current_pack().retention.sen_records_years_after_birth
    assert f"until they are {years} years old" in page


@pytest.mark.django_db
def test_the_cookies_page_names_the_cookies_the_service_sets(client, settings):
    page = client.get(reverse("cookies")).content.decode()

    for cookie in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, "messages"):
        assert f'<th scope="row" class="govuk-table__header">{cookie}</th>' in page
    assert f"after {settings.PASSPORT_SESSION_IDLE_SECONDS // 60} minutes" in page
    assert 'class="passport-table-scroll" tabindex="0" role="region"' in page


@pytest.mark.django_db
def test_the_phase_banner_and_back_link_are_inside_landmarks(client):
    page = client.get(reverse("sign-in")).content.decode()

    header = page[page.index("<header") : page.index("</header>")]
    assert "govuk-phase-banner" in header
    assert 'aria-label="Menu"' not in page.replace('<nav aria-label="Menu"', "")
