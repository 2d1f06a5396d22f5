"""The SEN2 return page's form: which local authority, and the census date."""

from __future__ import annotations

from typing import Any

from django import forms

from passport.core.forms import GovukDateField, GovukForm


class Sen2ReturnForm(GovukForm):
    local_authority: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None,
        empty_label=None,
        error_messages={
            "required": "Select the local authority",
            "invalid_choice": "Select one of your local authorities",
        },
    )
    census_date = GovukDateField(subject="Census date")

    def __init__(self, *args: Any, local_authorities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["local_authority"].queryset = local_authorities  # type: ignore[attr-defined]
