"""Sign-in form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from passport.core.forms import GovukForm
from passport.people.models import User


class SignInForm(GovukForm):
    email = forms.EmailField(
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    password = forms.CharField(
        strip=False,
        max_length=200,
        widget=forms.PasswordInput,
        error_messages={"required": "Enter your password"},
    )

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user: User | None = None
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if self.errors:
            return data
        user = authenticate(self.request, username=data["email"].lower(), password=data["password"])
        if user is None:
            # Never say which of the two was wrong: that would confirm an account exists.
            raise ValidationError("Enter a correct email address and password")
        self.user = user
        return data


class CodeForm(GovukForm):
    """A code from an authenticator app, or a recovery code."""

    code = forms.CharField(
        max_length=40,
        error_messages={
            "required": "Enter the 6-digit code from your authenticator app",
            "max_length": "Enter the 6-digit code from your authenticator app, or a recovery code",
        },
    )
