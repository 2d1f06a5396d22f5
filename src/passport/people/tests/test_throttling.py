"""Five wrong passwords for one email address from one IP address pause signing in for 15 minutes."""

from __future__ import annotations

from django.urls import reverse

from passport.people.tests.conftest import sign_in_with_password

LOCKED = "You have tried too many times"


def fail(client, email: str, times: int, **extra):
    response = None
    for _ in range(times):
        response = client.post(
            reverse("sign-in"), {"email": email, "password": "wrong-password"}, **extra
        )
    return response


def test_four_wrong_passwords_still_show_the_sign_in_form(client, parent):
    response = fail(client, parent.email, 4)

    assert response.status_code == 200
    assert "Enter a correct email address and password" in response.content.decode()


def test_the_fifth_wrong_password_locks_signing_in_for_15_minutes(client, parent):
    response = fail(client, parent.email, 5)

    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    page = response.content.decode()
    assert LOCKED in page and "Try again in 15 minutes" in page


def test_the_right_password_is_refused_while_locked(client, parent):
    fail(client, parent.email, 5)

    response = sign_in_with_password(client, parent)

    assert response.status_code == 429
    assert client.get(reverse("children"))["Location"].startswith(reverse("sign-in"))


def test_an_unknown_email_address_is_locked_the_same_way(client, parent):
    known = fail(client, parent.email, 5)
    unknown = fail(client, "nobody@example.org", 5)

    assert unknown.status_code == known.status_code == 429
    assert unknown.content.decode() == known.content.decode().replace(
        known.wsgi_request.csp_nonce, unknown.wsgi_request.csp_nonce
    )


def test_signing_in_resets_the_count(client, parent):
    fail(client, parent.email, 4)
    sign_in_with_password(client, parent)
    client.post(reverse("sign-out"))

    assert fail(client, parent.email, 4).status_code == 200


def test_the_lock_is_for_one_address_from_one_place(client, parent, senco):
    fail(client, parent.email, 5)

    assert sign_in_with_password(client, senco).status_code == 302
    client.post(reverse("sign-out"))
    elsewhere = sign_in_with_password(client, parent, REMOTE_ADDR="203.0.113.9")
    assert elsewhere.status_code == 302
