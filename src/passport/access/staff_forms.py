"""Forms for inviting staff to a setting and for accepting an invitation."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms

from passport.core.forms import GovukForm, text_field
from passport.people.models import Role

ROLE_HINTS = {
    Role.SENCO: "Leads SEN support: sees and changes every child's passport at the setting",
    Role.TEACHER: "Reads the passports of children at the setting",
    Role.SETTING_HEAD: "Leads the setting: sees and changes every child's passport, invites staff",
    Role.DATA_PROTECTION_LEAD: "Sees who has opened children's records",
}


class InviteStaffForm(GovukForm):
    full_name = text_field("Full name", max_length=200)
    email = forms.EmailField(
        max_length=254,
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    role = forms.ChoiceField(
        choices=[], widget=forms.RadioSelect, error_messages={"required": "Select a role"}
    )

    def __init__(self, roles: Iterable[Role], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["role"]
        field.choices = [(role.value, role.label) for role in roles]  # type: ignore[attr-defined]
        field.choice_hints = {role.value: ROLE_HINTS.get(role, "") for role in roles}  # type: ignore[attr-defined]
        field.error_messages["invalid_choice"] = "Select one of the roles shown"


class AcceptInvitationForm(GovukForm):
    """A new person's password, typed twice; someone with an account already leaves it out."""

    password = forms.CharField(
        strip=False,
        max_length=200,
        widget=forms.PasswordInput,
        error_messages={"required": "Enter a password"},
    )
    password_again = forms.CharField(
        strip=False,
        max_length=200,
        widget=forms.PasswordInput,
        error_messages={"required": "Enter the password again"},
    )

    def __init__(self, *args: Any, needs_password: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not needs_password:
            del self.fields["password"]
            del self.fields["password_again"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        both = "password" in data and "password_again" in data
        if both and data["password"] != data["password_again"]:
            self.add_error("password_again", "The passwords do not match")
        return data
