"""The passport over the API: read it whole or by section, and change it through the services.

Handlers parse, get the child through `access` (404 for anyone without the relationship the
action needs), call one service and return the changed resource with the passport's version
as its ETag.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import HeaderEx, P, QueryEx, Router, Status

from passport.access.policies import Action, get_child_for
from passport.organisations.models import SchoolGroup
from passport.passports import services
from passport.passports.models import Passport
from passport.passports.schemas import (
    SECTION_SCHEMAS,
    AboutMeIn,
    AboutMeOut,
    ContributionIn,
    ContributionOut,
    Input,
    LayerIn,
    LayerOut,
    NeedsIn,
    NeedsOut,
    PassportOut,
)
from passport.web import versions
from passport.web.auth import signed_in
from passport.web.params import RowId
from passport.web.problems import ERRORS_READ, ERRORS_WRITE

router = Router(tags=["Passports"])

MAX_VERSION = versions.MAX_VERSION

IfMatch = HeaderEx[
    str | None,
    P(
        alias="If-Match",
        description='The ETag of the passport you read, like "3": refuse the change if it moved on',
    ),
]
IdempotencyKey = HeaderEx[
    str | None,
    P(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        description="A key you choose for this addition, like a UUID: sending the same request "
        "again with the same key returns the item the first one added and adds nothing",
    ),
]
ExpectedVersion = QueryEx[
    int | None,
    P(
        ge=1,
        le=MAX_VERSION,
        description="The passport version you read: as If-Match, for clients without headers",
    ),
]


# The access rules' section names, by the name used in URLs.
SECTION_NAMES = {
    "what-works": "what_works",
    "support": "support",
    "outcomes": "outcomes",
    "reviews": "reviews",
}


def _passport_for(
    request: HttpRequest, child_id: int, action: Action, section: str | None = None
) -> Passport:
    """Return the child's passport if the user may take the action (on the section), else 404."""
    child = get_child_for(signed_in(request), child_id, action)
    if section is not None and not child.access_decision.shows(section):
        raise Http404("No child with that id is visible to you")
    passport = Passport.objects.filter(child=child).select_related("updated_by").first()
    if passport is None:
        raise Http404("No passport has been started for this child")
    passport.child = child  # keeps the access decision, so responses show only allowed sections
    return passport


def _expected_version(if_match: str | None, expected_version: int | None) -> int | None:
    """Return the version a change expects, from If-Match or expected_version."""
    return versions.expected_version(if_match, expected_version)


def _once(request: HttpRequest, key: str | None) -> str:
    """Return the one-time token for an Idempotency-Key: one per person, address and key."""
    if key is None:
        return ""
    return hashlib.sha256(f"{request.path}\n{key}".encode()).hexdigest()[:32]


def _tagged(response: HttpResponse, passport: Passport) -> None:
    response["ETag"] = versions.etag(passport.version)


@router.get(
    "/{child_id}/passport",
    response={200: PassportOut, **ERRORS_READ},
    summary="Read a child's passport",
)
def get_passport(request: HttpRequest, child_id: RowId, response: HttpResponse) -> Passport:
    """Return the whole passport: About me, needs, layer, what works, support, outcomes, reviews."""
    passport = _passport_for(request, child_id, Action.READ)
    _tagged(response, passport)
    return passport


@router.get(
    "/{child_id}/passport/about-me",
    response={200: AboutMeOut, **ERRORS_READ},
    summary="Read About me",
)
def get_about_me(request: HttpRequest, child_id: RowId, response: HttpResponse) -> Passport:
    passport = _passport_for(request, child_id, Action.READ, "about_me")
    _tagged(response, passport)
    return passport


@router.put(
    "/{child_id}/passport/about-me",
    response={200: AboutMeOut, **ERRORS_WRITE},
    summary="Replace About me",
)
def update_about_me(
    request: HttpRequest,
    child_id: RowId,
    payload: AboutMeIn,
    response: HttpResponse,
    if_match: IfMatch = None,
    expected_version: ExpectedVersion = None,
) -> Passport:
    """Replace the three About me answers; send all three, blank for one left empty."""
    passport = _passport_for(request, child_id, Action.WRITE)
    services.update_about_me(
        passport,
        **payload.model_dump(),
        by=signed_in(request),
        expected_version=_expected_version(if_match, expected_version),
    )
    _tagged(response, passport)
    return passport


@router.post(
    "/{child_id}/passport/about-me/contributions",
    response={201: ContributionOut, **ERRORS_WRITE},
    summary="Add to About me in a parent's or the child's own words",
)
def add_about_me_contribution(
    request: HttpRequest,
    child_id: RowId,
    payload: ContributionIn,
    response: HttpResponse,
) -> Status[Any]:
    """Add a parent's or the child's own words; parents and young people may do this too."""
    passport = _passport_for(request, child_id, Action.CONTRIBUTE)
    contribution = services.add_about_me_contribution(
        passport, **payload.model_dump(), by=signed_in(request)
    )
    _tagged(response, passport)
    return Status(201, contribution)


@router.get(
    "/{child_id}/passport/needs", response={200: NeedsOut, **ERRORS_READ}, summary="Read My needs"
)
def get_needs(request: HttpRequest, child_id: RowId, response: HttpResponse) -> Passport:
    passport = _passport_for(request, child_id, Action.READ, "needs")
    _tagged(response, passport)
    return passport


@router.put(
    "/{child_id}/passport/needs",
    response={200: NeedsOut, **ERRORS_WRITE},
    summary="Replace My needs",
)
def set_needs(
    request: HttpRequest,
    child_id: RowId,
    payload: NeedsIn,
    response: HttpResponse,
    if_match: IfMatch = None,
    expected_version: ExpectedVersion = None,
) -> Passport:
    """Replace SEN provision, ranked need types (primary first), broad areas and the description."""
    passport = _passport_for(request, child_id, Action.WRITE)
    services.set_needs(
        passport,
        **payload.model_dump(),
        by=signed_in(request),
        expected_version=_expected_version(if_match, expected_version),
        check_plan=True,
    )
    _tagged(response, passport)
    return passport


@router.get(
    "/{child_id}/passport/layer",
    response={200: LayerOut, **ERRORS_READ},
    summary="Read the layer of support",
)
def get_layer(request: HttpRequest, child_id: RowId, response: HttpResponse) -> Passport:
    """Return the layer in force and every earlier one."""
    passport = _passport_for(request, child_id, Action.READ, "layer")
    _tagged(response, passport)
    return passport


@router.post(
    "/{child_id}/passport/layer",
    response={201: LayerOut, **ERRORS_WRITE},
    summary="Change the layer of support",
)
def change_layer(
    request: HttpRequest,
    child_id: RowId,
    payload: LayerIn,
    response: HttpResponse,
    if_match: IfMatch = None,
    expected_version: ExpectedVersion = None,
) -> Status[Passport]:
    """Put the child at a layer from a date, with the reason; earlier layers stay in the history."""
    passport = _passport_for(request, child_id, Action.WRITE)
    data = payload.model_dump()
    group_id = data.pop("school_group_id")
    school_group = SchoolGroup.objects.filter(pk=group_id).first() if group_id else None
    if group_id and school_group is None:
        raise ValidationError({"school_group_id": "No school group has that id"})
    services.change_layer(
        passport,
        **data,
        school_group=school_group,
        by=signed_in(request),
        expected_version=_expected_version(if_match, expected_version),
    )
    _tagged(response, passport)
    response["Location"] = reverse("api:get_layer", kwargs={"child_id": child_id})
    return Status(201, passport)


def _item_in(passport: Passport, section: str, item_id: int) -> Any:
    """Return an item of this passport's section, or 404 if the id is another passport's."""
    item = services.ITEM_SECTIONS[section].objects.filter(pk=item_id, passport=passport).first()
    if item is None:
        raise Http404(
            f"This child's passport has no item with that id in {SECTION_SCHEMAS[section].label}"
        )
    return item


def _add_section_operations(section: str) -> None:
    """Add the read, add, change and remove operations for one list section."""
    model = services.ITEM_SECTIONS[section]
    schemas = SECTION_SCHEMAS[section]
    name, label, item_in, item_out = (
        schemas.item_name,
        schemas.label,
        schemas.item_in,
        schemas.item_out,
    )
    collection = f"/{{child_id}}/passport/{section}"
    member = f"{collection}/{{item_id}}"

    def get_item(
        request: HttpRequest, child_id: RowId, item_id: RowId, response: HttpResponse
    ) -> Any:
        passport = _passport_for(request, child_id, Action.READ, SECTION_NAMES[section])
        _tagged(response, passport)
        return _item_in(passport, section, item_id)

    def add_item(
        request: HttpRequest,
        child_id: RowId,
        payload: Input,
        response: HttpResponse,
        if_match: IfMatch = None,
        expected_version: ExpectedVersion = None,
        idempotency_key: IdempotencyKey = None,
    ) -> Status[Any]:
        passport = _passport_for(request, child_id, Action.WRITE)
        expected = _expected_version(if_match, expected_version)

        made: list[Any] = []

        def add() -> str:
            made.append(model(**payload.model_dump()))
            services.save_item(passport, made[0], by=signed_in(request), expected_version=expected)
            return str(made[0].pk)

        # A repeat of an Idempotency-Key answers with the item the first request added.
        added = services.submit_once(signed_in(request), _once(request, idempotency_key), add)
        item = made[0] if made else _item_in(passport, section, int(added))
        _tagged(response, passport)
        response["Location"] = reverse(
            f"api:get_{name}", kwargs={"child_id": child_id, "item_id": item.pk}
        )
        return Status(201, item)

    def change_item(
        request: HttpRequest,
        child_id: RowId,
        item_id: RowId,
        payload: Input,
        response: HttpResponse,
        if_match: IfMatch = None,
        expected_version: ExpectedVersion = None,
    ) -> Any:
        passport = _passport_for(request, child_id, Action.WRITE)
        item = _item_in(passport, section, item_id)
        for field, value in payload.model_dump().items():
            setattr(item, field, value)
        services.save_item(
            passport,
            item,
            by=signed_in(request),
            expected_version=_expected_version(if_match, expected_version),
        )
        _tagged(response, passport)
        return item

    def remove_item(
        request: HttpRequest,
        child_id: RowId,
        item_id: RowId,
        response: HttpResponse,
        if_match: IfMatch = None,
        expected_version: ExpectedVersion = None,
    ) -> Status[None]:
        passport = _passport_for(request, child_id, Action.WRITE)
        expected = _expected_version(if_match, expected_version)
        services.remove_item(
            passport,
            _item_in(passport, section, item_id),
            by=signed_in(request),
            expected_version=expected,
        )
        _tagged(response, passport)
        return Status(204, None)

    # Ninja reads the body's type from the annotation: give it this section's own schema.
    add_item.__annotations__["payload"] = change_item.__annotations__["payload"] = item_in

    operations: list[tuple[Callable[..., Any], str, str, dict[int, Any], str]] = [
        (get_item, "get", member, {200: item_out, **ERRORS_READ}, f"Read an item of {label}"),
        (add_item, "post", collection, {201: item_out, **ERRORS_WRITE}, f"Add to {label}"),
        (
            change_item,
            "put",
            member,
            {200: item_out, **ERRORS_WRITE},
            f"Replace an item of {label}",
        ),
        (
            remove_item,
            "delete",
            member,
            {204: None, **ERRORS_WRITE},
            f"Remove an item from {label}",
        ),
    ]
    for handler, method, path, responses, summary in operations:
        operation_id = f"{handler.__name__.removesuffix('_item')}_{name}"
        getattr(router, method)(
            path,
            response=responses,
            summary=summary,
            operation_id=operation_id,
            url_name=operation_id,
        )(handler)


for _section in services.ITEM_SECTIONS:
    _add_section_operations(_section)
