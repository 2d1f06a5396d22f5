"""Forms for pots, allocations, commissions and deliveries. Amounts are typed in pounds."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from passport.core.forms import GovukDateField, GovukForm, text_field
from passport.core.policy import current_pack
from passport.core.text import SHORT_TEXT
from passport.funding.models import Delivery
from passport.funding.services import parse_pounds


def _radios(subject: str, choices: list[tuple[str, str]], **kwargs: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": f"Select {subject}", "invalid_choice": f"Select {subject}"},
        **kwargs,
    )


class PoundsField(forms.CharField):
    """An amount in pounds, returned in pence."""

    def __init__(self, *, allow_negative: bool = False, **kwargs: Any) -> None:
        self.allow_negative = allow_negative
        kwargs.setdefault("error_messages", {"required": "Enter the amount in pounds"})
        super().__init__(max_length=20, **kwargs)

    def clean(self, value: Any) -> int | None:
        text = super().clean(value)
        if not text:
            return None
        try:
            return parse_pounds(text, allow_negative=self.allow_negative)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["amount"][0]) from exc


class PotForm(GovukForm):
    stream = _radios("the funding stream", [])
    financial_year = forms.IntegerField(
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": "Enter the year the financial year starts in, like 2026",
            "invalid": "Enter the year as 4 digits, like 2026",
            "min_value": "Enter a year from 2000",
            "max_value": "Enter a year up to 2100",
        },
    )
    allocation = PoundsField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "stream").choices = current_pack().funding.stream_choices()


def _choices(form: forms.Form, name: str) -> forms.ChoiceField:
    """Return the form's choice field, whose choices are known only when the form is made."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


class AllocationForm(GovukForm):
    kind = _radios(
        "what this is",
        [("allocation", "More money for the pot"), ("adjustment", "A correction, up or down")],
    )
    amount = PoundsField(allow_negative=True)
    memo = text_field("Note", max_length=SHORT_TEXT, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        amount = data.get("amount")
        if data.get("kind") == "allocation" and amount is not None and amount < 0:
            self.add_error("amount", "Enter an allocation more than zero, or choose a correction")
        if data.get("kind") == "adjustment" and not data.get("memo"):
            self.add_error("memo", "Enter the reason for the correction")
        return data


class OverspendForm(GovukForm):
    amount = PoundsField()
    reason = text_field("Reason", max_length=SHORT_TEXT)


class CommissionForm(GovukForm):
    """Step 2 of a commission: the service is chosen; now the pot, amount, dates and children."""

    pot = forms.ChoiceField(widget=forms.RadioSelect)
    description = text_field("What is being bought", max_length=SHORT_TEXT)
    units_per_child = forms.IntegerField(
        min_value=1,
        max_value=500,
        error_messages={
            "required": "Enter the sessions or hours for each child",
            "invalid": "Enter a whole number of sessions or hours, like 6",
            "min_value": "Enter 1 or more",
            "max_value": "Enter 500 or fewer",
        },
    )
    starts_on = GovukDateField(subject="Start date")
    ends_on = GovukDateField(subject="End date")
    children = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select the children the commission is for",
            "invalid_choice": "Select children from the list",
        },
    )

    def __init__(
        self,
        *args: Any,
        pots: list[tuple[str, str]],
        children: list[tuple[str, str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "pot").choices = pots
        self.fields["pot"].error_messages.update(
            {"required": "Select the pot that pays", "invalid_choice": "Select the pot that pays"}
        )
        _choices(self, "children").choices = [(value, text) for value, text, _ in children]
        self.fields["children"].choice_hints = {value: hint for value, _, hint in children}  # type: ignore[attr-defined]


class DeliveryForm(GovukForm):
    child = forms.ChoiceField(widget=forms.RadioSelect)
    delivered_on = GovukDateField(subject="Date of the session")
    outcome = _radios("what happened", list(Delivery.Outcome.choices))
    note = text_field("Note", max_length=SHORT_TEXT, required=False)

    def __init__(self, *args: Any, children: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "child").choices = children
        self.fields["child"].error_messages.update(
            {"required": "Select the child", "invalid_choice": "Select a child from the list"}
        )
