"""A body too large and a database that is down are told apart from our own faults: the API
answers 413 and 503 problem details (503 with Retry-After), and pages answer in GOV.UK words."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

from passport.children.models import Child
from passport.people.models import User

TEN_MEGABYTES = 10 * 1024 * 1024


def too_large_about_me() -> str:
    return json.dumps(
        {"liked_about_me": "x" * TEN_MEGABYTES, "matters_to_me": "", "how_to_support_me": ""}
    )


@pytest.fixture
def senco_client(senco: User) -> Client:
    client = Client()
    client.force_login(senco)
    return client


@contextlib.contextmanager
def database_down() -> Iterator[None]:
    def refuse(self, *args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed")

    # Every query asks for a connection first: refusing here is what a stopped server looks like.
    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", refuse):
        yield


def signed_in_without_raising(user: User) -> Client:
    # As a real server does: an exception becomes the error response instead of failing the test.
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_a_ten_megabyte_body_is_refused_with_413_and_nothing_is_saved(
    senco_client: Client, child: Child
) -> None:
    response = senco_client.put(
        f"/api/children/{child.pk}/passport/about-me",
        too_large_about_me(),
        content_type="application/json",
    )

    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 413
    assert "too large" in problem["detail"]
    assert problem["instance"] == f"/api/children/{child.pk}/passport/about-me"
    child.passport.refresh_from_db()
    assert not child.passport.liked_about_me.startswith("xxxx")


def test_a_ten_megabyte_form_post_gets_a_page_saying_it_is_too_large(
    senco_client: Client, child: Child
) -> None:
    response = senco_client.post(
        f"/children/{child.pk}/about-me/", {"liked_about_me": "x" * TEN_MEGABYTES}
    )

    assert response.status_code == 413
    assert "text/html" in response["Content-Type"]
    assert "too large" in response.content.decode()


def test_the_api_answers_503_with_retry_after_when_the_database_is_down(
    senco: User, child: Child
) -> None:
    client = signed_in_without_raising(senco)
    with database_down():
        response = client.get("/api/children")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert int(response["Retry-After"]) > 0
    problem = response.json()
    assert problem["status"] == 503
    assert problem["instance"] == "/api/children"
    assert "try again" in problem["detail"]


def test_pages_answer_503_in_plain_words_when_the_database_is_down(
    senco: User, child: Child
) -> None:
    client = signed_in_without_raising(senco)
    with database_down():
        response = client.get("/children/")

    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "Sorry, the service is unavailable" in response.content.decode()
