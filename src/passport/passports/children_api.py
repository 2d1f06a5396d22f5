"""Children over the API: list the ones you work with, read one, add one to your setting's roll."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from passport.access.policies import (
    Action,
    audit_children_listed,
    get_child_for,
    narrowed_to_section,
    record_identifier_matches,
    searched,
    sections_for_children,
    visible_children,
)
from passport.access.rules import current_rules
from passport.access.standing import Duty, scope
from passport.children.models import Child, Enrolment
from passport.children.services import (
    ChildDetails,
    IdentifierErrors,
    add_child_on_roll,
    add_child_without_setting,
)
from passport.core.dates import today
from passport.core.policy import current_pack
from passport.core.text import SHORT_TEXT
from passport.organisations.models import LocalAuthority, Setting
from passport.passports.models import LayerAssignment, RankedNeed
from passport.passports.schemas import (
    CodeName,
    Input,
    IsoDate,
    layer_named,
    need_type_named,
    provision_named,
)
from passport.passports.services import start_passport
from passport.people.models import User
from passport.web.auth import signed_in
from passport.web.params import MAX_ID, RowId
from passport.web.problems import ERRORS_ANY, ERRORS_CREATE, ERRORS_READ

router = Router(tags=["Children"])

# Far beyond any real list, and keeps SQL OFFSET within range on every database.
MAX_OFFSET = 1_000_000_000

Name = Annotated[str, Field(min_length=1, max_length=100)]
Identifier = Annotated[str, Field(max_length=SHORT_TEXT)]


def _unknown_code(codes: list[str]) -> PydanticCustomError:
    # Reported like an enum, so the problem lists the codes the pack allows.
    expected = ", ".join(repr(code) for code in codes)
    return PydanticCustomError("enum", "Input should be one of {expected}", {"expected": expected})


class ChildListQuery(Schema):
    # No control characters: PostgreSQL refuses NUL in a query.
    q: str | None = Field(
        None, max_length=100, pattern=r"^[^\x00-\x1f\x7f]*$", description="Part of a name, or a UPN"
    )
    layer: str | None = Field(None, description="Only children whose current layer has this code")
    need_type: str | None = Field(
        None, description="Only children with this need type, at any rank"
    )
    limit: int = Field(25, ge=1, le=100)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)

    @field_validator("layer")
    @classmethod
    def _known_layer(cls, value: str | None) -> str | None:
        codes = [code for code, _ in current_pack().layer_choices()]
        if value is not None and value not in codes:
            raise _unknown_code(codes)
        return value

    @field_validator("need_type")
    @classmethod
    def _known_need_type(cls, value: str | None) -> str | None:
        codes = [code for code, _ in current_pack().need_type_choices()]
        if value is not None and value not in codes:
            raise _unknown_code(codes)
        return value


SECTIONS_SHOWN = Field(
    description=(
        "The sections of the child's record your access includes (see the access rules). A "
        "field of any other section is null: date of birth, UPN, ULN and settings belong to "
        "identity, the NHS number to health, the layer to layer, needs and SEN provision to "
        "needs. Names are always given, so you can tell which child this is."
    )
)


def _sections_shown(child: Child) -> frozenset[str]:
    """Return the sections the reader may see: from the access decision `get_child_for` attached,
    or those `sections_for_children` gave a list; every section for the SENCO who has just added
    the child."""
    decision = getattr(child, "access_decision", None)
    if decision is not None:
        return frozenset(decision.sections)
    return getattr(child, "sections_shown", frozenset(current_rules().sections))


def _if_shown(child: Child, section: str, value: Any) -> Any:
    return value if section in _sections_shown(child) else None


class ChildSummary(Schema):
    id: int
    given_name: str
    family_name: str
    preferred_name: str
    date_of_birth: dt.date | None
    upn: str | None
    current_layer: CodeName | None
    primary_need: CodeName | None
    sen_provision: CodeName | None
    sections_shown: list[str] = SECTIONS_SHOWN

    @staticmethod
    def resolve_date_of_birth(obj: Child) -> dt.date | None:
        return _if_shown(obj, "identity", obj.date_of_birth)

    @staticmethod
    def resolve_upn(obj: Child) -> str | None:
        return _if_shown(obj, "identity", obj.upn)

    @staticmethod
    def resolve_current_layer(obj: Any) -> CodeName | None:
        code = _if_shown(obj, "layer", obj.layer_code)
        return layer_named(code) if code else None

    @staticmethod
    def resolve_primary_need(obj: Any) -> CodeName | None:
        code = _if_shown(obj, "needs", obj.primary_need_code)
        return need_type_named(code) if code else None

    @staticmethod
    def resolve_sen_provision(obj: Any) -> CodeName | None:
        code = _if_shown(obj, "needs", obj.provision_code)
        return provision_named(code) if code else None

    @staticmethod
    def resolve_sections_shown(obj: Child) -> list[str]:
        return sorted(_sections_shown(obj))


class ChildPage(Schema):
    count: int = Field(description="How many children match, on every page")
    limit: int
    offset: int
    items: list[ChildSummary]


class SettingOut(Schema):
    id: int
    name: str
    urn: str


class EnrolmentOut(Schema):
    setting: SettingOut
    starts_on: dt.date
    ends_on: dt.date | None
    registration: str
    current: bool = Field(description="Whether the child is on roll there today")

    @staticmethod
    def resolve_current(obj: Enrolment) -> bool:
        return obj.starts_on <= today() and (obj.ends_on is None or obj.ends_on >= today())


class ChildOut(Schema):
    id: int
    given_name: str
    family_name: str
    preferred_name: str
    date_of_birth: dt.date | None
    year_group: int = Field(
        description=(
            "National curriculum year for their age; Reception is 0. Given with the name to "
            "everyone who may read the child, to tell children of the same name apart"
        )
    )
    upn: str | None
    uln: str | None
    nhs_number: str | None
    current_setting: SettingOut | None = Field(
        description="Where the child is on roll today (main registration)"
    )
    enrolments: list[EnrolmentOut] | None = Field(
        description="Their time on roll at settings, newest first"
    )
    sections_shown: list[str] = SECTIONS_SHOWN

    @staticmethod
    def resolve_date_of_birth(obj: Child) -> dt.date | None:
        return _if_shown(obj, "identity", obj.date_of_birth)

    @staticmethod
    def resolve_year_group(obj: Child) -> int:
        return obj.year_group()

    @staticmethod
    def resolve_upn(obj: Child) -> str | None:
        return _if_shown(obj, "identity", obj.upn)

    @staticmethod
    def resolve_uln(obj: Child) -> str | None:
        return _if_shown(obj, "identity", obj.uln)

    @staticmethod
    def resolve_nhs_number(obj: Child) -> str | None:
        return _if_shown(obj, "health", obj.nhs_number)

    @staticmethod
    def resolve_enrolments(obj: Child) -> list[Enrolment] | None:
        if _if_shown(obj, "identity", True) is None:
            return None
        return list(obj.enrolments.select_related("setting").order_by("-starts_on", "-pk"))

    @staticmethod
    def resolve_current_setting(obj: Child) -> Setting | None:
        if _if_shown(obj, "identity", True) is None:
            return None
        live = obj.enrolments.live_on(today()).select_related("setting")
        enrolment = live.order_by("registration", "-starts_on").first()
        return enrolment.setting if enrolment else None

    @staticmethod
    def resolve_sections_shown(obj: Child) -> list[str]:
        return sorted(_sections_shown(obj))


class ChildIn(Input):
    given_name: Name
    family_name: Name
    preferred_name: Annotated[str, Field(max_length=100)] = ""
    date_of_birth: IsoDate
    upn: Identifier = Field("", description="Unique Pupil Number, like H801200001001")
    upn_la_code_confirmed: bool = Field(
        False,
        description="True keeps a UPN whose LA code is not English (from elsewhere or a former LA)",
    )
    uln: Identifier = Field("", description="Unique Learner Number")
    nhs_number: Identifier = ""
    starts_on: IsoDate = Field(description="The date they joined the setting")
    setting_id: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="The setting to add them to; needed if you can add children to more than one",
    )


def _with_passport_summary(children: QuerySet[Child]) -> QuerySet[Child]:
    layers = LayerAssignment.objects.filter(passport__child=OuterRef("pk")).order_by(
        "-starts_on", "-pk"
    )
    primary = RankedNeed.objects.filter(passport__child=OuterRef("pk"), rank=1)
    return children.annotate(
        layer_code=Subquery(layers.values("layer")[:1]),
        primary_need_code=Subquery(primary.values("need_type")[:1]),
        provision_code=F("passport__sen_provision"),
    )


@router.get("", response={200: ChildPage, **ERRORS_ANY}, summary="List the children you work with")
def list_children(request: HttpRequest, filters: Query[ChildListQuery]) -> dict[str, Any]:
    """Return the children you may read today, by family name, a page at a time."""
    user = signed_in(request)
    children = _with_passport_summary(visible_children(user))
    # A filter on a section finds only children whose record shows the reader that section.
    if filters.q:
        children = searched(children, user, filters.q)
    if filters.layer:
        children = narrowed_to_section(children, user, "layer").filter(layer_code=filters.layer)  # type: ignore[misc]
    if filters.need_type:
        children = narrowed_to_section(children, user, "needs").filter(
            passport__ranked_needs__need_type=filters.need_type
        )
    children = children.order_by("family_name", "given_name", "pk")
    page = list(children[filters.offset : filters.offset + filters.limit])
    shown = sections_for_children(user, [child.pk for child in page])
    for child in page:
        child.sections_shown = shown.get(child.pk, frozenset())
    audit_children_listed(
        user, [child.pk for child in page], f"API children list from {filters.offset}"
    )
    return {
        "count": children.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": page,
    }


def _setting_for_new_child(user: User, setting_id: int | None) -> Setting:
    """Return the setting to add the child to, from those where the user may add children."""
    adding = scope(user, Duty.ADD_CHILDREN)
    settings = list(Setting.objects.filter(pk__in=adding.settings).order_by("name"))
    if not settings:
        raise PermissionDenied(
            "Only a SENCO or head of setting can add children to a setting's roll"
        )
    if setting_id is None:
        if len(settings) == 1:
            return settings[0]
        choices = ", ".join(f"{setting.pk} ({setting.name})" for setting in settings)
        raise ValidationError(
            {"setting_id": f"Enter setting_id: you can add children to {choices}"}
        )
    chosen = next((setting for setting in settings if setting.pk == setting_id), None)
    if chosen is None:
        choices = ", ".join(f"{setting.pk} ({setting.name})" for setting in settings)
        raise ValidationError(
            {"setting_id": f"You cannot add children to that setting: use {choices}"}
        )
    return chosen


@router.post(
    "",
    response={201: ChildOut, **ERRORS_CREATE},
    summary="Add a child to your setting's roll and start their passport",
)
def add_child(request: HttpRequest, payload: ChildIn, response: HttpResponse) -> Status[Child]:
    """Put a child on roll at a setting where you are SENCO or head, and open an empty passport."""
    user = signed_in(request)
    setting = _setting_for_new_child(user, payload.setting_id)
    details = ChildDetails(**payload.model_dump(exclude={"setting_id", "starts_on"}))
    try:
        with transaction.atomic():
            child = add_child_on_roll(details, setting, payload.starts_on)
            start_passport(child, by=user)
    except IdentifierErrors as exc:
        record_identifier_matches(user, setting.name, exc.matches)
        raise
    response["Location"] = reverse("api:get_child", kwargs={"child_id": child.pk})
    return Status(201, child)


class ChildWithoutSettingIn(Input):
    given_name: Name
    family_name: Name
    preferred_name: Annotated[str, Field(max_length=100)] = ""
    date_of_birth: IsoDate
    nhs_number: Identifier = ""
    upn: Identifier = ""
    uln: Identifier = ""
    upn_la_code_confirmed: bool = False
    local_authority_code: Annotated[str, Field(pattern=r"^\d{3}$")] | None = Field(
        None,
        description="The home local authority (3 digits); needed if you work for more than one",
    )


def _home_authority(user: User, code: str | None) -> LocalAuthority:
    """Return the local authority the child is recorded for, from those the caseworker works."""
    held = LocalAuthority.objects.filter(
        pk__in=scope(user, Duty.LA_CASEWORK).local_authorities
    ).order_by("name")
    authorities = list(held)
    if not authorities:
        raise PermissionDenied(
            "Only a local authority's SEND or early-years caseworker can record a child who is "
            "on no setting's roll"
        )
    if code is None and len(authorities) == 1:
        return authorities[0]
    chosen = next((la for la in authorities if la.code == code), None)
    if chosen is None:
        codes = ", ".join(f"{la.code} ({la.name})" for la in authorities)
        raise ValidationError({"local_authority_code": f"Enter one of {codes}"})
    return chosen


@router.post(
    "/without-setting",
    response={201: ChildOut, **ERRORS_CREATE},
    summary="Record a child who is on no setting's roll (from birth) and start their passport",
)
def add_child_without_setting_api(
    request: HttpRequest, payload: ChildWithoutSettingIn, response: HttpResponse
) -> Status[Child]:
    """A baby with complex needs known from birth, or a child out of education: the home local
    authority holds the record until a setting puts the child on its roll."""
    user = signed_in(request)
    authority = _home_authority(user, payload.local_authority_code)
    details = ChildDetails(**payload.model_dump(exclude={"local_authority_code"}))
    try:
        with transaction.atomic():
            child = add_child_without_setting(details, authority)
            start_passport(child, by=user)
    except IdentifierErrors as exc:
        record_identifier_matches(user, authority.name, exc.matches)
        raise
    response["Location"] = reverse("api:get_child", kwargs={"child_id": child.pk})
    return Status(201, get_child_for(user, child.pk, Action.READ))


@router.get(
    "/{child_id}", response={200: ChildOut, **ERRORS_READ}, summary="Read a child's details"
)
def get_child(request: HttpRequest, child_id: RowId) -> Child:
    """Return the child's names, identifiers and time on roll at settings."""
    return get_child_for(signed_in(request), child_id, Action.READ)
