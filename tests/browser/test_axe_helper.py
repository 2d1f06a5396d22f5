"""The axe-core helper really fails on inaccessible pages, and works through live_server."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.urls import path

CLEAN_PAGE = """<!doctype html>
<html lang="en-GB">
<head><meta charset="utf-8"><title>Clean page</title></head>
<body><main><h1>Support passport</h1><p>Nothing wrong here.</p>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="A blank pixel"></main></body>
</html>"""

BROKEN_PAGE = CLEAN_PAGE.replace(' alt="A blank pixel"', "").replace(' lang="en-GB"', "")

STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'"


def test_clean_page_passes(page, assert_no_axe_violations) -> None:
    page.set_content(CLEAN_PAGE)
    assert_no_axe_violations(page)


def test_page_with_violations_fails_with_a_readable_list(page, assert_no_axe_violations) -> None:
    page.set_content(BROKEN_PAGE)
    with pytest.raises(pytest.fail.Exception) as failure:
        assert_no_axe_violations(page)
    message = str(failure.value)
    assert "violation(s)" in message
    assert "- image-alt [critical]: Images must have alternative text" in message
    assert "- html-has-lang [serious]" in message
    assert "at: img" in message


def accessible_view(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(CLEAN_PAGE)
    response["Content-Security-Policy"] = STRICT_CSP
    return response


def broken_view(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(BROKEN_PAGE)
    response["Content-Security-Policy"] = STRICT_CSP
    return response


urlpatterns = [
    path("accessible/", accessible_view),
    path("broken/", broken_view),
]


@pytest.fixture
def helper_urls(settings):
    """Serve this module's two pages from the live server (settings apply to its thread too)."""
    settings.ROOT_URLCONF = __name__


def test_helper_works_under_a_strict_csp_on_the_live_server(
    live_server, helper_urls, page, assert_no_axe_violations
) -> None:
    response = page.goto(live_server.url + "/accessible/")
    assert response is not None
    assert response.ok
    assert response.headers["content-security-policy"] == STRICT_CSP
    assert_no_axe_violations(page)

    page.goto(live_server.url + "/broken/")
    with pytest.raises(pytest.fail.Exception, match="image-alt"):
        assert_no_axe_violations(page)
