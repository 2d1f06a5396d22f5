"""Forms for emergency access, consent and a young person's sharing choices."""

from __future__ import annotations

from typing import Any

from django import forms

from passport.access.break_glass import check_emergency_reason
from passport.core.forms import GovukForm, text_field
from passport.core.identifiers import check_upn, normalise
from passport.core.text import LONG_TEXT

SECTION_NAMES = {
    "identity": "Name, date of birth and setting",
    "family": "Family and contacts",
    "health": "Health, including NHS number",
    "about_me": "About me",
    "needs": "My needs",
    "what_works": "What works",
    "support": "Support in place",
    "outcomes": "Outcomes",
    "reviews": "Reviews",
    "layer": "Layer of support",
    "history": "History of changes",
}


class BreakGlassForm(GovukForm):
    """The UPN and the reason, both checked before the UPN is looked up."""

    upn = text_field("UPN", max_length=20)
    reason = text_field("Reason for emergency access", max_length=LONG_TEXT, long=True)

    def clean_upn(self) -> str:
        upn = normalise(self.cleaned_data["upn"])
        check = check_upn(upn)
        if check.errors:
            raise forms.ValidationError(
                f"Enter the UPN in the correct format: it {check.errors[0]}"
            )
        return upn

    def clean_reason(self) -> str:
        reason: str = self.cleaned_data["reason"]
        check_emergency_reason(reason)
        return reason


class ConsentForm(GovukForm):
    sections = forms.MultipleChoiceField(
        choices=list(SECTION_NAMES.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select the sections the professionals may see",
            "invalid_choice": "Select sections from the list",
        },
    )


class SharingForm(GovukForm):
    keeps_access = forms.ChoiceField(
        choices=[("yes", "Yes, they can keep seeing my passport"), ("no", "No, stop their access")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether they can keep seeing your passport"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
