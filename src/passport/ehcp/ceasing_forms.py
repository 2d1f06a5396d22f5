"""The forms of the ceasing page: one per step, each carrying the version of the proposal the
page showed (SEND Regulations 2014 reg 31; Children and Families Act 2014 s45(4))."""

from __future__ import annotations

from django import forms

from passport.core.forms import GovukDateField, GovukForm, SectionVersionField
from passport.core.policy import current_pack
from passport.ehcp.models import CeasingProposal


def _radios(subject: str, choices: list[tuple[str, str]]) -> forms.ChoiceField:
    return forms.ChoiceField(
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": f"Select {subject}", "invalid_choice": f"Select {subject}"},
    )


class ProposeForm(GovukForm):
    """The LA tells the family it is considering ceasing the plan and consults."""

    ceasing_reason = _radios("why the LA is considering ceasing the plan", [])
    proposed_on = GovukDateField(subject="Date the family was told", past_only=True)
    setting_consulted_on = GovukDateField(
        subject="Date the head of the setting was consulted", past_only=True, required=False
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        ehcp = current_pack().ehcp
        self.fields["ceasing_reason"].choices = [  # type: ignore[attr-defined]
            (r.code, r.name)
            for r in ehcp.ceasing_reasons
            if r.code not in ehcp.cease_at_once_reasons
        ]


class DecideForm(GovukForm):
    """The decision to cease and the day its notice was sent."""

    version = SectionVersionField()
    setting_consulted_on = GovukDateField(
        subject="Date the head of the setting was consulted", past_only=True, required=False
    )
    notice_sent_on = GovukDateField(subject="Date the notice was sent", past_only=True)


class AppealForm(GovukForm):
    """The family's appeal to the SEND Tribunal."""

    version = SectionVersionField()
    registered_on = GovukDateField(subject="Date the appeal was registered", past_only=True)


class OutcomeForm(GovukForm):
    """What the Tribunal decided."""

    version = SectionVersionField()
    outcome = _radios("what the Tribunal decided", CeasingProposal.TribunalOutcome.choices)
    decided_on = GovukDateField(subject="Date of the Tribunal's decision", past_only=True)
