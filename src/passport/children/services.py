"""Verbs for children: add a child to a setting's roll."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from passport.children.models import Child, Enrolment
from passport.core.dates import today
from passport.core.identifiers import check_nhs_number, check_uln, check_upn
from passport.organisations.models import Setting


@dataclass(frozen=True)
class ChildDetails:
    """What a setting knows about a child when it adds them."""

    given_name: str
    family_name: str
    date_of_birth: dt.date
    preferred_name: str = ""
    upn: str = ""
    uln: str = ""
    nhs_number: str = ""
    upn_la_code_confirmed: bool = False


def checked_identifiers(
    details: ChildDetails, *, exclude_child_id: int | None = None
) -> dict[str, str | None]:
    """Return normalised identifiers, or raise ValidationError naming each field at fault."""
    errors: dict[str, str] = {}
    values: dict[str, str | None] = {}
    for field, label, raw, check in (
        ("upn", "UPN", details.upn, check_upn),
        ("uln", "ULN", details.uln, check_uln),
        ("nhs_number", "NHS number", details.nhs_number, check_nhs_number),
    ):
        if not raw.strip():
            values[field] = None
            continue
        result = check(raw)
        if result.errors:
            errors[field] = f"The {label} {result.errors[0]}"
        elif result.warnings and not (field == "upn" and details.upn_la_code_confirmed):
            errors[field] = (
                f"The {label} {result.warnings[0]}. Check it, or confirm it is correct if it "
                "was issued outside England or by a former local authority"
            )
        else:
            values[field] = result.value
            clash = Child.objects.filter(**{field: result.value})
            if exclude_child_id is not None:
                clash = clash.exclude(pk=exclude_child_id)
            if clash.exists():
                errors[field] = f"A child with this {label} is already recorded: check the {label}"
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def add_child_on_roll(details: ChildDetails, setting: Setting, starts_on: dt.date) -> Child:
    """Record a child and start their enrolment at a setting, all or nothing."""
    errors: dict[str, str] = {}
    if details.date_of_birth > today():
        errors["date_of_birth"] = "Date of birth must be in the past"
    if starts_on < details.date_of_birth:
        errors["starts_on"] = "Start date must be after the date of birth"
    try:
        identifiers = checked_identifiers(details)
    except ValidationError as exc:
        errors.update({field: messages[0] for field, messages in exc.message_dict.items()})
        identifiers = {}
    if errors:
        raise ValidationError(errors)
    child = Child(
        given_name=details.given_name.strip(),
        family_name=details.family_name.strip(),
        preferred_name=details.preferred_name.strip(),
        date_of_birth=details.date_of_birth,
        **identifiers,
    )
    child.full_clean()
    child.save()
    Enrolment.objects.create(child=child, setting=setting, starts_on=starts_on)
    return child
