"""Staff sign in with a password and a code from an authenticator app; families with a password."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from passport.core.tests.test_settings import start
from passport.people.models import STAFF_ROLES, Role
from passport.people.services import (
    RECOVERY_CODE_COUNT,
    current_code,
    issue_recovery_codes,
    needs_second_factor,
    recovery_codes_left,
    secret_key_text,
)
from passport.people.tests.conftest import sign_in_with_password
from passport.testing.signing_in import give_authenticator


def code_now(device: TOTPDevice) -> str:
    return current_code(device)[0]


def test_parent_signs_in_with_a_password_alone(client, parent):
    response = sign_in_with_password(client, parent)

    assert response["Location"] == reverse("home")
    assert client.get(reverse("children")).status_code == 200


def test_senco_with_an_authenticator_is_asked_for_its_code(client, senco):
    give_authenticator(senco)

    response = sign_in_with_password(client, senco)

    assert response["Location"] == reverse("sign-in-code")
    page = client.get(reverse("sign-in-code")).content.decode()
    assert "Enter the code from your authenticator app" in page


def test_senco_who_enters_the_code_reaches_the_page_they_asked_for(client, senco, child):
    device = give_authenticator(senco)
    wanted = reverse("passport", args=[child.pk])

    sign_in_with_password(client, senco, next=wanted)
    response = client.post(reverse("sign-in-code"), {"code": code_now(device)})

    assert response["Location"] == wanted
    assert client.get(wanted).status_code == 200


def test_a_wrong_code_says_so_and_keeps_the_senco_at_the_code_step(client, senco):
    device = give_authenticator(senco)
    sign_in_with_password(client, senco)
    wrong = str((int(code_now(device)) + 500_000) % 1_000_000).zfill(6)

    page = client.post(reverse("sign-in-code"), {"code": wrong}).content.decode()

    assert "The code is not correct" in page
    assert 'href="#code"' in page
    assert client.get(reverse("children"))["Location"] == reverse("sign-in-code")


def test_an_empty_code_asks_for_one(client, senco):
    give_authenticator(senco)
    sign_in_with_password(client, senco)

    page = client.post(reverse("sign-in-code"), {"code": ""}).content.decode()

    assert "Enter the 6-digit code from your authenticator app" in page


def test_a_code_works_only_once(client, senco):
    device = give_authenticator(senco)
    code = code_now(device)
    sign_in_with_password(client, senco)
    client.post(reverse("sign-in-code"), {"code": code})
    client.post(reverse("sign-out"))

    sign_in_with_password(client, senco)
    page = client.post(reverse("sign-in-code"), {"code": code}).content.decode()

    assert "The code is not correct" in page


def test_wrong_codes_in_a_row_make_the_senco_wait(client, senco):
    device = give_authenticator(senco)
    sign_in_with_password(client, senco)
    for _ in range(3):
        client.post(reverse("sign-in-code"), {"code": "000000"})

    page = client.post(reverse("sign-in-code"), {"code": code_now(device)}).content.decode()

    assert "You entered a wrong code too many times: wait" in page


def test_senco_without_an_authenticator_sets_one_up_and_sees_recovery_codes_once(client, senco):
    response = sign_in_with_password(client, senco)
    assert response["Location"] == reverse("set-up-authenticator")

    page = client.get(reverse("set-up-authenticator")).content.decode()
    device = TOTPDevice.objects.get(user=senco, confirmed=False)
    assert secret_key_text(device) in page
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", secret_key_text(device))
    assert "otpauth://totp/Support%20Passport%3A" in page
    assert '<img src="data:image/svg+xml' in page and 'alt="QR code' in page

    response = client.post(reverse("set-up-authenticator"), {"code": code_now(device)})
    assert response["Location"] == reverse("recovery-codes")
    page = client.get(reverse("recovery-codes")).content.decode()
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", page)
    assert len(codes) == RECOVERY_CODE_COUNT == recovery_codes_left(senco)
    assert client.get(reverse("recovery-codes"))["Location"] == reverse("home")
    assert client.get(reverse("children")).status_code == 200


def test_the_set_up_page_keeps_the_same_key_when_reloaded(client, senco):
    sign_in_with_password(client, senco)

    first = client.get(reverse("set-up-authenticator")).content.decode()
    second = client.get(reverse("set-up-authenticator")).content.decode()

    key = secret_key_text(TOTPDevice.objects.get(user=senco))
    assert key in first and key in second


def test_a_wrong_code_at_set_up_leaves_the_app_unconfirmed(client, senco):
    sign_in_with_password(client, senco)
    client.get(reverse("set-up-authenticator"))

    page = client.post(reverse("set-up-authenticator"), {"code": "12345"}).content.decode()

    assert "The code is not correct: check the key" in page
    assert not TOTPDevice.objects.filter(user=senco, confirmed=True).exists()


def test_a_senco_with_an_authenticator_cannot_set_up_another_with_the_password_alone(client, senco):
    give_authenticator(senco)
    sign_in_with_password(client, senco)

    response = client.get(reverse("set-up-authenticator"))

    assert response["Location"] == reverse("sign-in-code")
    assert TOTPDevice.objects.filter(user=senco).count() == 1


def test_a_recovery_code_signs_in_once(client, senco):
    give_authenticator(senco)
    sign_in_with_password(client, senco)
    codes = issue_recovery_codes(senco)

    response = client.post(reverse("sign-in-code"), {"code": codes[0].upper()}, follow=True)
    assert "You have 9 recovery codes left" in response.content.decode()
    client.post(reverse("sign-out"))
    sign_in_with_password(client, senco)
    page = client.post(reverse("sign-in-code"), {"code": codes[0]}).content.decode()
    assert "The code is not correct" in page


@pytest.mark.parametrize("name", ["children", "add-child", "recovery-codes"])
def test_before_the_code_a_senco_reaches_only_the_code_step(client, senco, name):
    give_authenticator(senco)
    sign_in_with_password(client, senco)

    assert client.get(reverse(name))["Location"] == reverse("sign-in-code")


def test_before_the_code_a_senco_can_sign_out(client, senco):
    give_authenticator(senco)
    sign_in_with_password(client, senco)

    assert client.post(reverse("sign-out"))["Location"] == reverse("sign-in")
    assert client.get(reverse("children"))["Location"].startswith(reverse("sign-in"))


def test_before_the_code_the_api_answers_401(client, senco, child):
    give_authenticator(senco)
    sign_in_with_password(client, senco)

    response = client.get(f"/api/children/{child.pk}/passport")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"].startswith("Sign in")


def test_the_code_pages_send_a_parent_home(client, parent):
    sign_in_with_password(client, parent)

    assert client.get(reverse("sign-in-code"))["Location"] == reverse("home")
    assert client.get(reverse("set-up-authenticator"))["Location"] == reverse("home")


def test_with_the_rule_off_staff_sign_in_with_a_password(client, senco, settings):
    settings.PASSPORT_REQUIRE_STAFF_MFA = False

    assert sign_in_with_password(client, senco)["Location"] == reverse("home")
    assert client.get(reverse("children")).status_code == 200


def test_production_refuses_to_start_with_the_rule_off(tmp_path):
    result = start(tmp_path, PASSPORT_REQUIRE_STAFF_MFA="false")

    assert result.returncode != 0
    assert "PASSPORT_REQUIRE_STAFF_MFA is off in production" in result.stderr


def test_every_staff_role_needs_the_code_and_families_do_not():
    assert all(needs_second_factor({role}) for role in STAFF_ROLES)
    assert not needs_second_factor({Role.PARENT_CARER, Role.YOUNG_PERSON})
    assert needs_second_factor({Role.PARENT_CARER, Role.TEACHER})


def test_force_login_in_tests_passes_the_second_factor(client, senco):
    client.force_login(senco)

    assert client.get(reverse("children")).status_code == 200
