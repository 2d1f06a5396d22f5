"""Forms for the "Record a move" journey: find the new setting, then when and how they start."""

from __future__ import annotations

from typing import Any

from django import forms

from passport.core.forms import GovukDateField, GovukForm, text_field
from passport.core.text import SHORT_TEXT
from passport.organisations.models import Setting


class FindSettingForm(GovukForm):
    """The words to look for: part of a name, a local authority, or a URN."""

    q = text_field("School, college or nursery", max_length=SHORT_TEXT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].error_messages["required"] = (
            "Enter part of the school, college or nursery's name, its town or its URN"
        )


class ChooseSettingForm(GovukForm):
    """One setting from the search results."""

    setting = forms.ChoiceField(
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the school, college or nursery they are moving to",
            "invalid_choice": "Select the school, college or nursery they are moving to",
        },
    )

    def __init__(self, *args: Any, found: list[Setting], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["setting"]
        field.choices = [(str(s.pk), s.name) for s in found]  # type: ignore[attr-defined]
        field.choice_hints = {  # type: ignore[attr-defined]
            str(s.pk): f"{s.local_authority.name} · URN {s.urn} · {s.phase or s.get_kind_display()}"
            for s in found
        }
        self.found = {s.pk: s for s in found}

    def chosen(self) -> Setting:
        return self.found[int(self.cleaned_data["setting"])]


class MoveDetailsForm(GovukForm):
    """When the child starts at the new setting, and whether they stay on roll here too."""

    starts_on = GovukDateField(subject="First day at the new setting")
    registration = forms.ChoiceField(
        widget=forms.RadioSelect,
        choices=[
            ("main", "They leave this setting (single registration)"),
            ("subsidiary", "They stay on roll here too (dual registration)"),
        ],
        error_messages={
            "required": "Select how the child is registered there",
            "invalid_choice": "Select how the child is registered there",
        },
    )
