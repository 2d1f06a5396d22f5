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
    """Where a child is going: another setting (the move journey finds it and asks the rest) or
    off every roll."""

    destination = _radios("where the child is going", list(Leaving.Destination.choices))
    last_day = GovukDateField(subject="Last day on roll here", required=False)
    detail = text_field("Details", max_length=SHORT_TEXT, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        destination = data.get("destination")
        leaving = destination and destination != TO_SETTING
        if leaving and not data.get("last_day") and "last_day" not in self.errors:
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


class CtfUploadForm(GovukForm):
    """A Common Transfer File to import, and the pupils' first day at the setting."""

    file = forms.FileField(
        error_messages={
            "required": "Choose the Common Transfer File to import",
            "empty": "The file is empty: choose the CTF file the other school sent",
        }
    )
    starts_on = GovukDateField(subject="The pupils' first day at your setting")


class TermDatesUploadForm(GovukForm):
    """A CSV of a local authority's term dates (columns school_year,term,first_day,last_day)."""

    file = forms.FileField(
        error_messages={
            "required": "Choose the CSV file of term dates to import",
            "empty": "The file is empty: choose a CSV file with a row for each term",
        }
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > 200_000:
            raise ValidationError("The file is too big: a term dates CSV is a few kilobytes")
        try:
            text: str = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError("The file must be a CSV saved as UTF-8") from None
        return text
