"""A setting's SENCO or head invites staff by a one-time link and removes leavers."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlparse

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from passport.access.policies import visible_children
from passport.audit.models import AuditAction, AuditEvent
from passport.core.dates import today
from passport.notifications.models import Notification
from passport.people.models import Invitation, Membership, Role, User
from passport.testing.factories import SettingFactory, child_on_roll, staff
from passport.testing.signing_in import sign_in_as

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "correct horse battery staple"


def signed_in(user: User) -> Client:
    client = Client()
    sign_in_as(client, user)
    return client


def invite(client: Client, setting, *, email="new.teacher@example.org", role=Role.TEACHER):
    return client.post(
        reverse("invite-staff", args=[setting.pk]),
        {"full_name": "Nia Roberts", "email": email, "role": role.value},
    )


def link_sent_to(email: str) -> str:
    """The link waiting in the queued message (the test's transaction never commits, so the
    background task that sends it, and then forgets the link, does not run)."""
    notification = Notification.objects.get(event="staff_invited", email_address=email)
    return urlparse(notification.personalisation["link"]).path


def test_an_invited_teacher_accepts_sets_a_password_and_sees_the_settings_children() -> None:
    setting = SettingFactory()
    child = child_on_roll(setting)
    child_elsewhere = child_on_roll(SettingFactory())
    senco = staff(Role.SENCO, setting)

    response = invite(signed_in(senco), setting)
    assert response.status_code == 302
    link = link_sent_to("new.teacher@example.org")
    token = link.rstrip("/").rsplit("/", 1)[1]
    invitation = Invitation.objects.get()
    assert token not in invitation.token_hash  # only a hash is kept
    assert invitation.expires_at - timezone.now() > dt.timedelta(days=6, hours=23)
    listing = signed_in(senco).get(reverse("setting-staff", args=[setting.pk])).content.decode()
    assert "new.teacher@example.org" in listing and "Invitations not yet accepted" in listing

    visitor = Client()
    page = visitor.get(link)
    assert page.status_code == 200
    assert "Create a password" in page.content.decode()
    weak = visitor.post(link, {"password": "password123", "password_again": "password123"})
    assert "This password is too common" in weak.content.decode()
    assert not User.objects.filter(email="new.teacher@example.org").exists()

    done = visitor.post(link, {"password": GOOD_PASSWORD, "password_again": GOOD_PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("sign-in")

    teacher = User.objects.get(email="new.teacher@example.org")
    assert teacher.check_password(GOOD_PASSWORD)
    assert teacher.full_name == "Nia Roberts"
    membership = Membership.objects.get(user=teacher)
    assert (membership.role, membership.setting, membership.starts_on) == (
        Role.TEACHER,
        setting,
        today(),
    )
    assert list(visible_children(teacher)) == [child]
    assert child_elsewhere not in visible_children(teacher)
    reasons = list(
        AuditEvent.objects.filter(action=AuditAction.USE_DUTY, allowed=True).values_list(
            "actor_id", "reason"
        )
    )
    assert (
        senco.pk,
        f"lead_setting at setting {setting.pk}: invited as teacher (invitation {invitation.pk})",
    ) in reasons
    assert any(actor == teacher.pk and "accepted invitation" in why for actor, why in reasons)


def test_a_used_link_gives_a_clear_page() -> None:
    setting = SettingFactory()
    invite(signed_in(staff(Role.SETTING_HEAD, setting)), setting)
    link = link_sent_to("new.teacher@example.org")
    Client().post(link, {"password": GOOD_PASSWORD, "password_again": GOOD_PASSWORD})

    again = Client().get(link)
    assert again.status_code == 410
    assert "The link has already been used" in again.content.decode()
    second = Client().post(link, {"password": GOOD_PASSWORD, "password_again": GOOD_PASSWORD})
    assert second.status_code == 410
    assert Membership.objects.filter(role=Role.TEACHER).count() == 1


def test_an_expired_link_gives_a_clear_page_and_starts_nothing() -> None:
    setting = SettingFactory()
    invite(signed_in(staff(Role.SENCO, setting)), setting)
    link = link_sent_to("new.teacher@example.org")
    Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))

    page = Client().post(link, {"password": GOOD_PASSWORD, "password_again": GOOD_PASSWORD})
    assert page.status_code == 410
    assert "The link has expired" in page.content.decode()
    assert not User.objects.filter(email="new.teacher@example.org").exists()


def test_an_unknown_or_withdrawn_link_starts_nothing() -> None:
    setting = SettingFactory()
    senco = staff(Role.SENCO, setting)
    assert Client().get(reverse("accept-invitation", args=["not-a-token"])).status_code == 410
    invite(signed_in(senco), setting)
    link = link_sent_to("new.teacher@example.org")
    invitation = Invitation.objects.get()

    signed_in(senco).post(reverse("withdraw-invitation", args=[setting.pk, invitation.pk]))
    page = Client().get(link)
    assert page.status_code == 410
    assert "withdrawn" in page.content.decode()
    listing = signed_in(senco).get(reverse("setting-staff", args=[setting.pk])).content.decode()
    assert "There are no invitations waiting" in listing


def test_a_teacher_cannot_invite_and_is_refused_as_for_a_missing_page() -> None:
    setting = SettingFactory()
    teacher = staff(Role.TEACHER, setting)
    client = signed_in(teacher)
    assert client.get(reverse("setting-staff", args=[setting.pk])).status_code == 404
    assert invite(client, setting).status_code == 404
    assert not Invitation.objects.exists()
    assert AuditEvent.objects.filter(actor=teacher, allowed=False).exists()


def test_a_senco_cannot_invite_staff_at_another_setting() -> None:
    mine, other = SettingFactory(), SettingFactory()
    assert invite(signed_in(staff(Role.SENCO, mine)), other).status_code == 404
    assert not Invitation.objects.exists()


def test_a_senco_cannot_invite_a_head_but_a_head_can() -> None:
    setting = SettingFactory()
    senco = staff(Role.SENCO, setting)
    form = signed_in(senco).get(reverse("invite-staff", args=[setting.pk])).content.decode()
    assert 'value="teacher"' in form and 'value="setting_head"' not in form

    refused = invite(signed_in(senco), setting, role=Role.SETTING_HEAD)
    assert refused.status_code == 200
    assert "Select one of the roles shown" in refused.content.decode()
    assert not Invitation.objects.exists()

    head = staff(Role.SETTING_HEAD, setting)
    assert invite(signed_in(head), setting, role=Role.SETTING_HEAD).status_code == 302
    assert Invitation.objects.get().role == Role.SETTING_HEAD


def test_a_leaver_loses_access_at_once_and_their_session_ends() -> None:
    setting = SettingFactory()
    child = child_on_roll(setting)
    senco = staff(Role.SENCO, setting)
    teacher = staff(Role.TEACHER, setting)
    teacher_browser = signed_in(teacher)
    assert child.given_name in teacher_browser.get(reverse("children")).content.decode()
    membership = Membership.objects.get(user=teacher)

    confirm = signed_in(senco).get(reverse("remove-staff", args=[setting.pk, membership.pk]))
    assert "Remove access" in confirm.content.decode()
    removed = signed_in(senco).post(reverse("remove-staff", args=[setting.pk, membership.pk]))
    assert removed.status_code == 302

    membership.refresh_from_db()
    assert membership.ends_on == today() - dt.timedelta(days=1)
    assert not visible_children(teacher).exists()
    assert not [
        s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(teacher.pk)
    ]
    after = teacher_browser.get(reverse("children"))
    assert after.status_code == 302 and after["Location"].startswith(reverse("sign-in"))
    assert AuditEvent.objects.filter(
        actor=senco, reason__contains=f"removed person {teacher.pk} as teacher"
    ).exists()


def test_a_senco_cannot_remove_the_head() -> None:
    setting = SettingFactory()
    senco = staff(Role.SENCO, setting)
    head = staff(Role.SETTING_HEAD, setting)
    membership = Membership.objects.get(user=head)
    response = signed_in(senco).post(reverse("remove-staff", args=[setting.pk, membership.pk]))
    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.ends_on is None
