"""Verbs for children: add a child to a setting's roll, or record one who is on no roll."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from passport.children.models import Child, Enrolment
from passport.children.validators import check_date_of_birth, check_start_date
from passport.core.identifiers import check_nhs_number, check_uln, check_upn
from passport.organisations.models import LocalAuthority, Setting


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


# How each identifier is named to people, by field.
IDENTIFIER_LABELS = {"upn": "UPN", "uln": "ULN", "nhs_number": "NHS number"}


class IdentifierErrors(ValidationError):
    """Identifiers at fault, by field; `matches` names the child already recorded with any of
    them, so the caller can record on that child's audit trail that someone was told."""

    def __init__(self, errors: dict[str, str], matches: dict[str, int]) -> None:
        super().__init__(errors)
        self.matches = matches


def checked_identifiers(
    details: ChildDetails, *, exclude_child_id: int | None = None
) -> dict[str, str | None]:
    """Return normalised identifiers, or raise IdentifierErrors naming each field at fault."""
    errors: dict[str, str] = {}
    matches: dict[str, int] = {}
    values: dict[str, str | None] = {}
    for field, raw, check in (
        ("upn", details.upn, check_upn),
        ("uln", details.uln, check_uln),
        ("nhs_number", details.nhs_number, check_nhs_number),
    ):
        label = IDENTIFIER_LABELS[field]
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
            match = clash.values_list("pk", flat=True).first()
            if match is not None:
                errors[field] = f"A child with this {label} is already recorded: check the {label}"
                matches[field] = match
    if errors:
        raise IdentifierErrors(errors, matches)
    return values


@transaction.atomic
def add_child_on_roll(details: ChildDetails, setting: Setting, starts_on: dt.date) -> Child:
    """Record a child and start their enrolment at a setting, all or nothing.

    Raises IdentifierErrors (a ValidationError) naming every field at fault, and any child
    already recorded with one of the identifiers.
    """
    errors: dict[str, str] = {}
    matches: dict[str, int] = {}
    for field, check, value in (
        ("date_of_birth", check_date_of_birth, details.date_of_birth),
        ("starts_on", check_start_date, starts_on),
    ):
        try:
            check(value)
        except ValidationError as exc:
            errors[field] = exc.messages[0]
    if "starts_on" not in errors and starts_on < details.date_of_birth:
        errors["starts_on"] = "Start date must be after the date of birth"
    try:
        identifiers = checked_identifiers(details)
    except IdentifierErrors as exc:
        errors.update({field: messages[0] for field, messages in exc.message_dict.items()})
        matches = exc.matches
        identifiers = {}
    if errors:
        raise IdentifierErrors(errors, matches)
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


@transaction.atomic
def add_child_without_setting(details: ChildDetails, home_local_authority: LocalAuthority) -> Child:
    """Record a child who is on no setting's roll (a baby with complex needs known from birth,
    a child out of education), owned by the local authority they live in (Children and
    Families Act 2014 s22: the LA identifies the children in its area who have or may have
    SEN). Who may see the child is the access rules' `home_la_no_setting` grant.

    Raises IdentifierErrors naming every field at fault, as `add_child_on_roll`.
    """
    errors: dict[str, str] = {}
    matches: dict[str, int] = {}
    try:
        check_date_of_birth(details.date_of_birth)
    except ValidationError as exc:
        errors["date_of_birth"] = exc.messages[0]
    try:
        identifiers = checked_identifiers(details)
    except IdentifierErrors as exc:
        errors.update({field: messages[0] for field, messages in exc.message_dict.items()})
        matches = exc.matches
        identifiers = {}
    if errors:
        raise IdentifierErrors(errors, matches)
    child = Child(
        given_name=details.given_name.strip(),
        family_name=details.family_name.strip(),
        preferred_name=details.preferred_name.strip(),
        date_of_birth=details.date_of_birth,
        home_local_authority=home_local_authority,
        **identifiers,
    )
    child.full_clean()
    child.save()
    return child
