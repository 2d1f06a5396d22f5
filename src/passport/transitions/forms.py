"""Forms for moves: recording a move, confirming support in place, planning a phase transfer."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from passport.core.forms import GovukDateField, GovukForm, text_field
from passport.core.text import LONG_TEXT, SHORT_TEXT
from passport.organisations.models import Setting
from passport.passports.models import SupportItem
from passport.transitions.models import Leaving, SupportDecision

TO_SETTING = "another_setting"


def _radios(subject: str, choices: list[tuple[str, str]], **kwargs: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": f"Select {subject}", "invalid_choice": f"Select {subject}"},
        **kwargs,
    )


class MoveForm(GovukForm):
    """Where a child is going: another setting (an admission there) or off every roll."""

    destination = _radios("where the child is going", list(Leaving.Destination.choices))
    urn = forms.CharField(required=False, max_length=8, strip=True)
    registration = _radios(
        "how the child is registered there",
        [
            ("main", "They leave this setting (single registration)"),
            ("subsidiary", "They stay on roll here too (dual registration)"),
        ],
        required=False,
    )
    starts_on = GovukDateField(subject="First day at the new setting", required=False)
    last_day = GovukDateField(subject="Last day on roll here", required=False)
    detail = text_field("Details", max_length=SHORT_TEXT, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("destination") == TO_SETTING:
            urn = data.get("urn", "")
            if not urn:
                self.add_error("urn", "Enter the new setting's URN, like 100123")
            else:
                setting = Setting.objects.filter(urn=urn).first()
                if setting is None:
                    self.add_error(
                        "urn", "No setting has that URN: check it on Get Information about Schools"
                    )
                data["setting"] = setting
            if not data.get("starts_on") and "starts_on" not in self.errors:
                self.add_error("starts_on", "Enter the first day at the new setting")
        elif data.get("destination") and not data.get("last_day") and "last_day" not in self.errors:
            self.add_error("last_day", "Enter the last day on roll here")
        return data


class SupportInPlaceForm(GovukForm):
    """The receiving SENCO confirms they read the passport, and decides on each support item."""

    passport_read = forms.BooleanField(
        required=False,
    )

    def __init__(self, *args: Any, items: list[SupportItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"item-{item.pk}"] = _radios(
                "whether this support continues, changes or stops",
                list(SupportDecision.Decision.choices),
            )
            self.fields[f"reason-{item.pk}"] = text_field(
                "The reason", max_length=LONG_TEXT, required=False, long=True
            )

    def clean_passport_read(self) -> bool:
        if not self.cleaned_data.get("passport_read"):
            raise ValidationError("Confirm you have read the passport")
        return True

    def rows(self) -> list[tuple[SupportItem, str, str]]:
        """Return each support item with the names of its decision and reason fields."""
        return [(item, f"item-{item.pk}", f"reason-{item.pk}") for item in self.items]


class TransferPlanForm(GovukForm):
    """Destination and readiness for a phase transfer."""

    destination_urn = forms.CharField(required=False, max_length=8, strip=True)
    destination_text = text_field("The destination", max_length=SHORT_TEXT, required=False)
    passport_reviewed = forms.BooleanField(required=False)
    essentials_shared = forms.BooleanField(required=False)
    meeting_held_on = GovukDateField(
        subject="The date of the transition meeting", required=False, past_only=True
    )

    def clean_destination_urn(self) -> Setting | None:
        urn = self.cleaned_data.get("destination_urn", "")
        if not urn:
            return None
        setting = Setting.objects.filter(urn=urn).first()
        if setting is None:
            raise ValidationError(
                "No setting has that URN: check it on Get Information about Schools"
            )
        return setting


class DeclineTransferForm(GovukForm):
    """Why the setting the child is on roll at, or the LA, declines a transfer a CTF asked for."""

    reason = text_field(
        "Why you are declining the transfer", max_length=LONG_TEXT, long=True, required=True
    )


class ConfirmTransferForm(GovukForm):
    """The Confirm button of one pending transfer."""

    transfer = forms.IntegerField(min_value=1, max_value=2**63 - 1)


class ReleaseTransferForm(GovukForm):
    """The Release button of one declined transfer that holds further requests."""

    release = forms.IntegerField(min_value=1, max_value=2**63 - 1)
