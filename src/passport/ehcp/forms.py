"""Forms for EHC needs assessments and plans. They check shape; services check the order of
steps and the dates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from passport.core.forms import (
    FormTokenField,
    GovukDateField,
    GovukForm,
    SectionVersionField,
    text_field,
)
from passport.core.policy import current_pack
from passport.core.text import LONG_TEXT, SHORT_TEXT
from passport.ehcp.models import AdviceRequest, AnnualReview, Plan, PreferenceRefusal
from passport.organisations.models import Setting


def _radios(subject: str, choices: list[tuple[str, str]], **kwargs: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": f"Select {subject}", "invalid_choice": f"Select {subject}"},
        **kwargs,
    )


class SettingByUrn(forms.CharField):
    """A setting typed as its URN; a URN no setting has is an error, not a 500."""

    def __init__(self, subject: str, **kwargs: Any) -> None:
        self.subject = subject
        super().__init__(max_length=8, strip=True, **kwargs)

    def clean(self, value: Any) -> Setting | None:
        urn = super().clean(value)
        if not urn:
            return None
        setting = Setting.objects.filter(urn=urn).first()
        if setting is None:
            raise forms.ValidationError(
                f"No setting has the URN {urn}: check {self.subject} on Get Information about "
                "Schools"
            )
        return setting


class CaseStepForm(GovukForm):
    """A form on the caseworker's case page for one step of the case, with a one-time token so
    that sending it twice takes the step once."""

    form_token = FormTokenField()

    def answers(self) -> dict[str, Any]:
        """Return the answers as typed, without the token."""
        return {k: v for k, v in self.cleaned_data.items() if k != "form_token"}

    def step_arguments(self) -> dict[str, Any]:
        """Return what the step's service is given (`services.case_steps`), from the answers."""
        return self.answers()


class RequestForm(GovukForm):
    form_token = FormTokenField()
    reason = text_field("Why an assessment is needed", max_length=LONG_TEXT, long=True)


class DecideToAssessForm(CaseStepForm):
    assess = _radios(
        "whether the local authority will assess",
        [("yes", "Yes, carry out an assessment"), ("no", "No, do not assess")],
    )
    decided_on = GovukDateField(subject="Date of the decision", past_only=True)
    reason = text_field("Reason", max_length=LONG_TEXT, long=True, required=False)
    notice_sent_on = GovukDateField(
        subject="Date the notice of the decision was sent", past_only=True, required=False
    )

    def step_arguments(self) -> dict[str, Any]:
        return {**self.answers(), "assess": self.cleaned_data["assess"] == "yes"}


class AdviceForm(CaseStepForm):
    adviser_kind = _radios("who is asked for advice", list(AdviceRequest.AdviserKind.choices))
    adviser = text_field("Name of the adviser or service", max_length=SHORT_TEXT)
    asked_on = GovukDateField(subject="Date advice was asked for", past_only=True)


class AdviceReceivedForm(CaseStepForm):
    advice_id = forms.TypedChoiceField(
        coerce=int,
        choices=[],
        error_messages={
            "required": "Select whose advice arrived",
            "invalid_choice": "Select whose advice arrived",
        },
    )
    received_on = GovukDateField(subject="Date the advice arrived", past_only=True)

    def __init__(self, *args: Any, advice: list[tuple[int, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["advice_id"].choices = [("", "Choose the adviser"), *list(advice)]  # type: ignore[attr-defined]

    def step_arguments(self) -> dict[str, Any]:
        return {
            "advice_request_id": self.cleaned_data["advice_id"],
            "received_on": self.cleaned_data["received_on"],
        }


class NotToIssueForm(CaseStepForm):
    reason = text_field("Reason for not issuing a plan", max_length=LONG_TEXT, long=True)
    decided_on = GovukDateField(subject="Date of the decision", past_only=True)
    # Its own name: the case page also shows the decision-to-assess form.
    not_to_issue_notice_sent_on = GovukDateField(
        subject="Date the notice of the decision was sent", past_only=True, required=False
    )

    def step_arguments(self) -> dict[str, Any]:
        return {
            "reason": self.cleaned_data["reason"],
            "decided_on": self.cleaned_data["decided_on"],
            "notice_sent_on": self.cleaned_data["not_to_issue_notice_sent_on"],
        }


class DraftForm(CaseStepForm):
    issued_on = GovukDateField(subject="Date the draft plan is sent", past_only=True)


class FamilyResponseForm(CaseStepForm):
    responded_on = GovukDateField(subject="Date the family responded", past_only=True)
    comments = text_field("The family's comments", max_length=LONG_TEXT, long=True, required=False)
    preferred_urn = SettingByUrn("the setting the family would like", required=False)

    def step_arguments(self) -> dict[str, Any]:
        return {
            "responded_on": self.cleaned_data["responded_on"],
            "comments": self.cleaned_data["comments"],
            "preferred_setting": self.cleaned_data["preferred_urn"],
        }


class FinaliseForm(CaseStepForm):
    placement_urn = SettingByUrn("the named setting", required=False)
    placement_type = text_field("Type of placement", max_length=SHORT_TEXT, required=False)
    finalised_on = GovukDateField(subject="Date the final plan is issued", past_only=True)
    preference_not_named_because = _radios(
        "why the setting the family asked for is not named",
        list(PreferenceRefusal.choices),
        required=False,
    )

    def step_arguments(self) -> dict[str, Any]:
        return {
            "placement": self.cleaned_data["placement_urn"],
            "placement_type": self.cleaned_data["placement_type"],
            "finalised_on": self.cleaned_data["finalised_on"],
            "preference_not_named_because": self.cleaned_data["preference_not_named_because"],
        }


class ReviewMeetingForm(CaseStepForm):
    meeting_on = GovukDateField(subject="Date of the review meeting", past_only=True)
    notes = text_field("Notes", max_length=LONG_TEXT, long=True, required=False)


class ReviewDecisionForm(CaseStepForm):
    outcome = _radios("the decision after the review", list(AnnualReview.Outcome.choices))
    decided_on = GovukDateField(subject="Date of the decision", past_only=True)
    ceasing_reason = forms.ChoiceField(required=False, choices=[])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ceasing_reason"].choices = [  # type: ignore[attr-defined]
            ("", "Only if the plan is ceasing")
        ] + [(r.code, r.name) for r in current_pack().ehcp.ceasing_reasons]


class ExceptionForm(CaseStepForm):
    # Names unlike the other forms' on the case page, so no two inputs share an id.
    clock_id = forms.TypedChoiceField(
        coerce=int,
        choices=[],
        error_messages={"required": "Select the step", "invalid_choice": "Select the step"},
    )
    exception_code = _radios("which exception the law lists applies", [])
    exception_details = text_field("What happened", max_length=LONG_TEXT, long=True, required=False)
    exception_starts_on = GovukDateField(subject="Date the circumstance began")
    exception_ends_on = GovukDateField(subject="Date the circumstance ended", required=False)

    def __init__(self, *args: Any, clocks: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["clock_id"].choices = [("", "Choose a step"), *clocks]  # type: ignore[attr-defined]
        self.fields["exception_code"].choices = [  # type: ignore[attr-defined]
            (e.code, f"{e.name} ({e.law})") for e in current_pack().ehcp.clock_exceptions
        ]

    def add_service_errors(self, error: ValidationError) -> None:
        """The service names `code`, `starts_on`...; this form's fields carry a prefix."""
        if hasattr(error, "error_dict"):
            error = ValidationError(
                {
                    (f"exception_{k}" if f"exception_{k}" in self.fields else k): v
                    for k, v in error.message_dict.items()
                }
            )
        super().add_service_errors(error)

    def step_arguments(self) -> dict[str, Any]:
        return {
            "clock_id": self.cleaned_data["clock_id"],
            "code": self.cleaned_data["exception_code"],
            "details": self.cleaned_data["exception_details"],
            "starts_on": self.cleaned_data["exception_starts_on"],
            "ends_on": self.cleaned_data["exception_ends_on"],
        }


def _section_field(name: str) -> forms.CharField:
    label = str(getattr(Plan._meta.get_field(name), "verbose_name", name))
    field = text_field(label, max_length=LONG_TEXT, long=True, required=False)
    field.label = label
    return field


class PlanSectionsForm(GovukForm):
    """The text sections of a draft plan (E and F are items, each changed on its own page),
    with the plan version the page showed, so a save over someone else's change is refused."""

    version = SectionVersionField()
    section_a = _section_field("section_a")
    section_b = _section_field("section_b")
    section_c = _section_field("section_c")
    section_d = _section_field("section_d")
    section_g = _section_field("section_g")
    section_h1 = _section_field("section_h1")
    section_h2 = _section_field("section_h2")
    section_j = _section_field("section_j")
    section_k = _section_field("section_k")

    def sections(self) -> dict[str, str]:
        """Return the sections as typed."""
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class ConsultSettingForm(GovukForm):
    """Consult a setting on naming it: one consultation per setting, so sending twice is refused
    by the service rather than writing two."""

    setting_urn = SettingByUrn("the setting to consult")
    sent_on = GovukDateField(subject="Date the draft plan was sent to the setting", past_only=True)


class SettingResponseForm(GovukForm):
    """The consulted setting's response, with the version the page showed."""

    version = SectionVersionField()
    responded_on = GovukDateField(subject="Date the setting responded", past_only=True)
    response = text_field("What the setting said", max_length=LONG_TEXT, long=True)


def _review_dates(value: str) -> list[dt.date]:
    """Read review meeting dates typed one a line as day/month/year."""
    meetings = []
    for line in (raw.strip() for raw in value.splitlines()):
        if not line:
            continue
        try:
            meetings.append(dt.datetime.strptime(line, "%d/%m/%Y").date())
        except ValueError:
            raise forms.ValidationError(
                f"Enter each review date as day/month/year, like 11/3/2025: '{line[:20]}' is not"
            ) from None
    return meetings


class ExistingPlanForm(GovukForm):
    """A plan that already exists, as the caseworker has it in front of them."""

    form_token = FormTokenField()
    route = _radios(
        "how the plan was made",
        [
            ("legacy_pre_reform", "Before the reform"),
            ("reform", "After an EHC needs assessment under the reform"),
            ("from_birth", "From birth, for complex needs known early"),
        ],
    )
    issued_on = GovukDateField(subject="The date the plan was issued", past_only=True)
    transferred_from_la_code = forms.CharField(
        required=False,
        max_length=3,
        strip=True,
        error_messages={"max_length": "Enter the 3-digit local authority code"},
    )
    transferred_in_on = GovukDateField(
        subject="The date the plan transferred to you", past_only=True, required=False
    )
    review_meetings = text_field(
        "The dates of the review meetings", max_length=400, required=False, long=True
    )
    placement_urn = SettingByUrn("the URN", required=False)
    placement_type = text_field("The type of placement", max_length=SHORT_TEXT, required=False)
    section_a = text_field("Section A", max_length=LONG_TEXT, required=False, long=True)
    section_b = text_field("Section B", max_length=LONG_TEXT, required=False, long=True)
    section_f = text_field("Section F", max_length=LONG_TEXT, required=False, long=True)
    details_to_confirm = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[("yes", "Some dates or sections are not known yet: flag the plan to confirm")],
    )

    def clean_review_meetings(self) -> list[dt.date]:
        return _review_dates(self.cleaned_data.get("review_meetings") or "")

    def sections(self) -> dict[str, str]:
        return {
            name: self.cleaned_data[name]
            for name in ("section_a", "section_b")
            if self.cleaned_data.get(name)
        }


class ConfirmPlanDetailsForm(GovukForm):
    """The details of a recorded plan that were not known when it was recorded."""

    version = SectionVersionField()
    issued_on = GovukDateField(subject="The date the plan was issued", past_only=True)
    section_a = text_field("Section A", max_length=LONG_TEXT, required=False, long=True)
    section_b = text_field("Section B", max_length=LONG_TEXT, required=False, long=True)

    def sections(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name) or "" for name in ("section_a", "section_b")}


class AmendmentNoticeForm(GovukForm):
    """The notice of proposed amendments; a second notice while one is under way is refused by
    the service (one open amendment per plan), so sending the form twice writes one."""

    proposed = text_field("The amendments proposed", max_length=LONG_TEXT, long=True)
    notice_sent_on = GovukDateField(subject="Date the notice was sent", past_only=True)


class RepresentationsForm(GovukForm):
    version = SectionVersionField()
    received_on = GovukDateField(subject="Date the representations arrived", past_only=True)
    representations = text_field("What the family said", max_length=LONG_TEXT, long=True)


class AmendedPlanForm(PlanSectionsForm):
    """The amended plan's text sections, the day it is sent, and the plan version shown."""

    issued_on = GovukDateField(subject="Date the amended plan is sent", past_only=True)

    def sections(self) -> dict[str, str]:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("version", "issued_on")}


class ItemVersionForm(GovukForm):
    """A page changing one item of a plan or review: the version the page showed must come back,
    so that a change made from an older page is refused rather than landing on another item."""

    version = SectionVersionField()

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if self.cleaned_data.get("version") is None:
            raise ValidationError("The page was missing its version: go back and try again")
        return cleaned


class OutcomeForm(ItemVersionForm):
    """One outcome of section E."""

    description = text_field("Outcome", max_length=LONG_TEXT, long=True)
    broad_area = forms.ChoiceField(required=False, choices=[])
    by_when = GovukDateField(subject="Date the outcome is due", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["broad_area"].choices = [  # type: ignore[attr-defined]
            ("", "No broad area"),
            *current_pack().broad_area_choices(),
        ]


class ProvisionForm(ItemVersionForm):
    """One item of special educational provision in section F."""

    description = text_field("Provision", max_length=LONG_TEXT, long=True)
    delivered_by = text_field("Who delivers it", max_length=SHORT_TEXT, required=False)
    how_often = text_field("How often and for how long", max_length=SHORT_TEXT, required=False)
    outcome_position = forms.TypedChoiceField(
        required=False, choices=[], coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, outcomes: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome_position"].choices = [  # type: ignore[attr-defined]
            ("", "No outcome")
        ] + [(str(position), f"{position}. {text}") for position, text in outcomes]


class ReviewMeetingPageForm(CaseStepForm):
    """The review meeting, with the day its notice went out (reg 20)."""

    meeting_on = GovukDateField(subject="Date of the review meeting", past_only=True)
    invitations_sent_on = GovukDateField(subject="Date the invitations were sent", past_only=True)
    notes = text_field("Notes", max_length=LONG_TEXT, long=True, required=False)


class ReviewReportForm(ItemVersionForm):
    """The written report of a review meeting and the day it was sent (reg 20(7))."""

    sent_on = GovukDateField(subject="Date the report was sent", past_only=True)
    report = text_field("Report of the meeting", max_length=LONG_TEXT, long=True)
