"""Forms for each section of the passport, with GOV.UK error messages."""

from __future__ import annotations

from typing import Any

from django import forms

from passport.children.models import Child, Enrolment
from passport.core.dates import today
from passport.core.forms import (
    FormTokenField,
    GovukDateField,
    GovukForm,
    SectionVersionField,
    text_field,
)
from passport.core.policy import current_pack
from passport.core.text import LONG_TEXT, SHORT_TEXT, reject_hidden_formatting
from passport.organisations.models import SchoolGroup
from passport.passports.models import (
    AboutMeContribution,
    GroupSize,
    Outcome,
    Period,
    Review,
    Strategy,
)


def _choice(subject: str, choices: list[tuple[str, str]], **kwargs: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": f"Select {subject}",
            "invalid_choice": f"Select {subject} from the list",
        },
        **kwargs,
    )


def _name_field(subject: str, *, required: bool = True) -> forms.CharField:
    """Return a field for a child's name, which refuses hidden formatting characters too."""
    field = text_field(subject, max_length=100, required=required)

    def no_hidden_formatting(value: str) -> None:
        try:
            reject_hidden_formatting(value)
        except forms.ValidationError as exc:
            raise forms.ValidationError(f"{subject} {exc.messages[0]}") from exc

    field.validators.append(no_hidden_formatting)
    return field


class ChildForm(GovukForm):
    given_name = _name_field("First name")
    family_name = _name_field("Last name")
    preferred_name = _name_field("Name they like to be called", required=False)
    date_of_birth = GovukDateField(subject="Date of birth", past_only=True)
    upn = text_field("UPN", max_length=20, required=False)
    upn_la_code_confirmed = forms.BooleanField(required=False)
    uln = text_field("ULN", max_length=20, required=False)
    nhs_number = text_field("NHS number", max_length=20, required=False)
    starts_on = GovukDateField(subject="Date they joined the setting")
    setting: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select one of your settings"},
    )

    def __init__(self, *args: Any, settings_queryset: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["setting"].queryset = settings_queryset  # type: ignore[attr-defined]
        self.settings_to_choose_from = list(settings_queryset)

    def clean_setting(self) -> Any:
        """Use the user's only setting without asking; ask when they work at several."""
        chosen = self.cleaned_data.get("setting")
        if chosen is None and len(self.settings_to_choose_from) == 1:
            return self.settings_to_choose_from[0]
        if chosen is None:
            raise forms.ValidationError("Select the setting the child is joining")
        return chosen


class AboutMeForm(GovukForm):
    version = SectionVersionField()
    liked_about_me = text_field(
        "What people like and admire about me", max_length=LONG_TEXT, required=False, long=True
    )
    matters_to_me = text_field(
        "What is important to me", max_length=LONG_TEXT, required=False, long=True
    )
    how_to_support_me = text_field(
        "How best to support me", max_length=LONG_TEXT, required=False, long=True
    )


class ContributionForm(GovukForm):
    form_token = FormTokenField()
    voice = _choice("whose words these are", AboutMeContribution.Voice.choices[:2])
    text = text_field("What you want to add", max_length=LONG_TEXT, long=True)


class NeedsForm(GovukForm):
    version = SectionVersionField()
    sen_provision = forms.ChoiceField(widget=forms.RadioSelect)
    primary_need = forms.ChoiceField(required=False)
    secondary_need = forms.ChoiceField(required=False)
    broad_areas = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select broad areas of need from the list"},
    )
    needs_description = text_field(
        "Description of the child's needs", max_length=LONG_TEXT, long=True
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pack = current_pack()
        self.fields["sen_provision"].choices = pack.provision_choices()  # type: ignore[attr-defined]
        self.fields["sen_provision"].error_messages.update(
            {
                "required": "Select the SEN provision",
                "invalid_choice": "Select the SEN provision from the list",
            }
        )
        need_choices = [("", "None"), *pack.need_type_choices()]
        for name in ("primary_need", "secondary_need"):
            self.fields[name].choices = need_choices  # type: ignore[attr-defined]
            self.fields[name].error_messages["invalid_choice"] = "Select a need type from the list"
        self.fields["broad_areas"].choices = pack.broad_area_choices()  # type: ignore[attr-defined]


class ItemForm(GovukForm):
    """A list section's item: the item's version it was filled in from, and a token so that
    sending a new item's page twice adds it once."""

    version = SectionVersionField()
    form_token = FormTokenField()

    # Fields that say how the form was sent rather than what the item says.
    CONTROL_FIELDS = ("version", "form_token")

    def item_fields(self) -> dict[str, Any]:
        """Return what the item says, as typed."""
        return {k: v for k, v in self.cleaned_data.items() if k not in self.CONTROL_FIELDS}


class RemoveItemForm(GovukForm):
    """The question before removing an item, carrying the version of the item it showed."""

    version = SectionVersionField()


class StrategyForm(ItemForm):
    kind = _choice("whether this is a strategy or an adjustment", Strategy.Kind.choices)
    description = text_field("What works", max_length=LONG_TEXT, long=True)


class SupportItemForm(ItemForm):
    description = text_field("What the support is", max_length=LONG_TEXT, long=True)
    intended_outcome = text_field("What the support is for", max_length=LONG_TEXT, long=True)
    delivered_by = text_field("Who provides it", max_length=SHORT_TEXT)
    group_size = _choice("how the support is given", GroupSize.choices)
    minutes_per_session = forms.IntegerField(
        min_value=1,
        max_value=600,
        error_messages={
            "required": "Enter how many minutes each session lasts",
            "invalid": "Minutes must be a whole number, like 30",
            "min_value": "Minutes must be 1 or more",
            "max_value": "Minutes must be 600 or fewer",
        },
    )
    sessions_per_period = forms.IntegerField(
        min_value=1,
        max_value=100,
        error_messages={
            "required": "Enter how many sessions there are",
            "invalid": "Sessions must be a whole number, like 2",
            "min_value": "Sessions must be 1 or more",
            "max_value": "Sessions must be 100 or fewer",
        },
    )
    period = _choice("how often", Period.choices)
    starts_on = GovukDateField(subject="Start date")
    ends_on = GovukDateField(subject="End or review date", required=False)
    layer = forms.ChoiceField(widget=forms.RadioSelect)
    support_kind = forms.ChoiceField(required=False, widget=forms.Select)
    rationale = text_field("Why this support", max_length=LONG_TEXT, required=False, long=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["layer"].choices = current_pack().layer_choices()  # type: ignore[attr-defined]
        self.fields["support_kind"].choices = [  # type: ignore[attr-defined]
            ("", "Not a commissioned service"),
            *current_pack().support_kind_choices(),
        ]
        self.fields["support_kind"].error_messages.update(
            {"invalid_choice": "Select the kind of support from the list"}
        )
        self.fields["layer"].error_messages.update({"required": "Select the layer of support"})


class OutcomeForm(ItemForm):
    description = text_field("What we are aiming for", max_length=LONG_TEXT, long=True)
    target_date = GovukDateField(subject="Target date")
    progress = _choice("the progress so far", Outcome.Progress.choices)
    progress_notes = text_field(
        "Notes on progress", max_length=LONG_TEXT, required=False, long=True
    )


class ReviewForm(ItemForm):
    held_on = GovukDateField(subject="Date of the review", past_only=True)
    participants = text_field("Who took part", max_length=LONG_TEXT, long=True)
    child_views = text_field("The child's views", max_length=LONG_TEXT, long=True)
    parent_views = text_field(
        "The parents' or carers' views", max_length=LONG_TEXT, required=False, long=True
    )
    progress_summary = text_field("Progress", max_length=LONG_TEXT, long=True)
    decision = _choice("the decision", Review.Decision.choices)
    next_review_on = GovukDateField(subject="Next review date")


class LayerForm(GovukForm):
    layer = forms.ChoiceField(widget=forms.RadioSelect)
    starts_on = GovukDateField(subject="Start date")
    reason = text_field("Reason for the change", max_length=LONG_TEXT, long=True)
    # Asked on the same page rather than revealed by the layer's radio, so it works without
    # JavaScript; the service says which layers need them.
    professionals_involved = text_field(
        "Professionals involved", max_length=LONG_TEXT, required=False, long=True
    )
    school_group = forms.ModelChoiceField(
        queryset=SchoolGroup.objects.none(),
        required=False,
        empty_label="None",
        error_messages={"invalid_choice": "Select a school group from the list"},
    )
    provision_package = text_field(
        "Specialist Provision Package", max_length=SHORT_TEXT, required=False
    )

    def __init__(self, *args: Any, child: Child | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups = SchoolGroup.objects.none()
        if child is not None:
            groups = SchoolGroup.objects.filter(
                settings__enrolments__in=Enrolment.objects.live_on(today()).filter(child=child)
            ).distinct()
        self.fields["school_group"].queryset = groups  # type: ignore[attr-defined]
        pack = current_pack()
        self.fields["layer"].choices = pack.layer_choices()  # type: ignore[attr-defined]
        self.fields["layer"].error_messages.update({"required": "Select the layer of support"})
        self.fields["layer"].choice_hints = {  # type: ignore[attr-defined]
            layer.code: layer.description for layer in pack.layers.layer
        }


ITEM_FORMS: dict[str, type[ItemForm]] = {
    "what-works": StrategyForm,
    "support": SupportItemForm,
    "outcomes": OutcomeForm,
    "reviews": ReviewForm,
}


class ChildWithoutSettingForm(GovukForm):
    """A child on no setting's roll, recorded by the local authority they live in."""

    form_token = FormTokenField()
    given_name = _name_field("First name")
    family_name = _name_field("Last name")
    preferred_name = _name_field("Name they like to be called", required=False)
    date_of_birth = GovukDateField(subject="Date of birth", past_only=True)
    nhs_number = text_field("NHS number", max_length=20, required=False)
    local_authority: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select a local authority you work for"},
    )

    def __init__(self, *args: Any, authorities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["local_authority"].queryset = authorities  # type: ignore[attr-defined]
        self.authorities = list(authorities)

    def clean_local_authority(self) -> Any:
        chosen = self.cleaned_data.get("local_authority")
        if chosen is None and len(self.authorities) == 1:
            return self.authorities[0]
        if chosen is None:
            raise forms.ValidationError("Select the local authority the child lives in")
        return chosen
