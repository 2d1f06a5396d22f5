"""Suite-wide pytest hooks, for the tests in src/ and in tests/ alike."""

from __future__ import annotations

from pathlib import Path

import pytest

BROWSER_DIR = Path(__file__).resolve().parent / "tests" / "browser"
BROWSER_FIXTURES = {"page", "context", "browser", "new_context"}
TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server", "django_db_reset_sequences"}


@pytest.fixture(autouse=True)
def fresh_term_calendars() -> None:
    """Start every test with no term calendar remembered: a test's term dates are rolled back
    with its transaction, which sends no signal to forget the calendar built from them."""
    from passport.core.schooldays import forget_calendars

    forget_calendars()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        mark_browser_test(item)
        keep_migration_data(item)


def mark_browser_test(item: pytest.Item) -> None:
    """Everything in tests/browser/, and any test that drives a page, is a `browser` test.

    So `-m "not browser"` reliably leaves out every test that needs Chromium.
    """
    in_browser_dir = BROWSER_DIR in Path(str(item.path)).resolve().parents
    uses_browser = bool(BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())))
    if (in_browser_dir or uses_browser) and item.get_closest_marker("browser") is None:
        item.add_marker(pytest.mark.browser)


def keep_migration_data(item: pytest.Item) -> None:
    """Give transactional tests (live_server, transaction=True) serialized rollback.

    Data migrations load reference data (local authorities, establishment types). A
    transactional test empties every table when it ends, so without this the next transactional
    test in the same worker finds no reference data, and whether a test passes would depend on
    which tests xdist happened to run before it. With serialized rollback Django saves the
    migrated contents once when it creates the test database and restores them before each
    such test (Django's own answer: TransactionTestCase.serialized_rollback).
    """
    from django.test import TransactionTestCase
    from pytest_django.fixtures import validate_django_db

    test_class = getattr(item, "cls", None)
    if test_class is not None and issubclass(test_class, TransactionTestCase):
        return  # a Django test class decides for itself
    fixtures = set(getattr(item, "fixturenames", ()))
    marker = item.get_closest_marker("django_db")
    if marker is not None:
        transaction, reset_sequences, databases, serialized, available_apps = validate_django_db(
            marker
        )
        transactional = transaction or reset_sequences or bool(TRANSACTIONAL_FIXTURES & fixtures)
        if not transactional or serialized:
            return
    elif TRANSACTIONAL_FIXTURES & fixtures:
        reset_sequences, databases, available_apps = False, None, None
    else:
        return
    item.add_marker(
        pytest.mark.django_db(
            transaction=True,
            reset_sequences=reset_sequences,
            databases=databases,
            serialized_rollback=True,
            available_apps=available_apps,
        ),
        append=False,
    )
