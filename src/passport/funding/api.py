"""School groups' pots, commissions and sessions over the API.

Handlers parse, ask `access` about the person's standing in the group (404 for anyone without
it, as for a child), call one service and return the result. Amounts are integer pence. A batch
of sessions is recorded whole or not at all. Errors are problem details.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from passport.access.policies import audit_children_listed, school_group_share_visible
from passport.access.standing import Duty, holds
from passport.core.text import SHORT_TEXT
from passport.directory.models import Service
from passport.directory.oruk.export import published_services, services_feed
from passport.directory.schemas import ORUK_PAGE_SCHEMA, FeedQuery, oruk_json, oruk_json_200
from passport.funding import services
from passport.funding.models import Commission, CommissionPlace, Delivery, Pot
from passport.funding.services import CommissionRequest, DeliveryLine
from passport.funding.standing import (
    CommissionStanding,
    Standing,
    commission_standing,
    group_share,
    places_seen,
)
from passport.organisations.models import SchoolGroup
from passport.people.models import User
from passport.web.auth import signed_in
from passport.web.params import MAX_ID, RowId
from passport.web.problems import ERRORS_CREATE, ERRORS_READ
from passport.web.schemas import Input, IsoDate

router = Router(tags=["School-group funding and commissions"])

Pence = Annotated[int, Field(ge=-(10**12), le=10**12, description="An amount in pence")]


class PotOut(Schema):
    id: int
    stream: str
    stream_name: str
    financial_year: int = Field(description="The year the financial year starts in (April)")
    allocated_pence: int
    committed_pence: int
    spent_pence: int
    available_pence: int
    approved_overspend_pence: int


class PostingIn(Input):
    kind: Literal["allocation", "adjustment"] = Field(
        description="allocation adds money; adjustment corrects it up or down, with a memo"
    )
    amount_pence: Pence = Field(examples=[2500000])
    memo: Annotated[str, Field(max_length=SHORT_TEXT)] = ""


class CommissionIn(Input):
    pot_id: int = Field(ge=1, le=MAX_ID)
    service_id: uuid.UUID = Field(description="A service in the directory")
    description: Annotated[str, Field(min_length=1, max_length=SHORT_TEXT)]
    units_per_child: int = Field(ge=1, le=500, description="Sessions or hours for each child")
    starts_on: IsoDate
    ends_on: IsoDate
    child_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(min_length=1, max_length=200)


class PlaceOut(Schema):
    child_id: int
    setting_id: int


class CommissionOut(Schema):
    id: uuid.UUID
    school_group_id: int
    pot_id: int
    service_id: uuid.UUID
    provider: str
    support_kind: str
    description: str
    units_per_child: int
    unit: str
    unit_cost_pence: int
    total_cost_pence: int
    starts_on: dt.date
    ends_on: dt.date
    status: str
    places: list[PlaceOut]


class DeliveryIn(Input):
    child_id: int = Field(ge=1, le=MAX_ID)
    delivered_on: IsoDate
    outcome: Literal[
        "attended", "missed", "cancelled_by_provider", "cancelled_by_setting", "cancelled_by_family"
    ]
    units: int = Field(1, ge=1, le=10)
    note: Annotated[str, Field(max_length=SHORT_TEXT)] = ""


class DeliveriesIn(Input):
    deliveries: list[DeliveryIn] = Field(min_length=1, max_length=1000)


class DeliveryOut(Schema):
    id: int
    child_id: int
    delivered_on: dt.date
    outcome: str
    units: int
    charged_pence: int


def _pot_out(pot: Pot) -> PotOut:
    b = services.balances(pot)
    return PotOut(
        id=pot.pk,
        stream=pot.stream,
        stream_name=pot.stream_name,
        financial_year=pot.financial_year,
        allocated_pence=b.allocated,
        committed_pence=b.committed,
        spent_pence=b.spent,
        available_pence=b.available,
        approved_overspend_pence=b.approved_overspend,
    )


def _commission_out(
    commission: Commission, places: Iterable[CommissionPlace] | None = None
) -> CommissionOut:
    places = list(places if places is not None else commission.places.all())
    return CommissionOut(
        id=commission.pk,
        school_group_id=commission.school_group_id,
        pot_id=commission.pot_id,
        service_id=commission.service_id,
        provider=commission.provider.name,
        support_kind=commission.support_kind,
        description=commission.description,
        units_per_child=commission.units_per_child,
        unit=commission.unit,
        unit_cost_pence=commission.unit_cost_pence,
        total_cost_pence=commission.total_cost_pence,
        starts_on=commission.starts_on,
        ends_on=commission.ends_on,
        status=commission.status,
        places=[PlaceOut(child_id=p.child_id, setting_id=p.setting_id) for p in places],
    )


def _delivery_out(delivery: Delivery) -> DeliveryOut:
    return DeliveryOut(
        id=delivery.pk,
        child_id=delivery.place.child_id,
        delivered_on=delivery.delivered_on,
        outcome=delivery.outcome,
        units=delivery.units,
        charged_pence=delivery.units * delivery.place.commission.unit_cost_pence
        if delivery.charge_id
        else 0,
    )


def _group(user: User, group_id: int, *, manage: bool = False) -> SchoolGroup:
    """Return the group; a read answers 404 for a group the person has no standing in, a change
    422 naming the id (writes declare no 404), the same for a missing group."""
    group = SchoolGroup.objects.filter(pk=group_id).first()
    if group is None or not (
        holds(user, Duty.MANAGE_SCHOOL_GROUP, at=group)
        if manage
        else school_group_share_visible(user, group)
    ):
        if manage:
            raise ValidationError({"group_id": "No school group you lead has that id"})
        raise Http404("No school group with that id is visible to you")
    return group


def _commission(user: User, commission_id: uuid.UUID) -> tuple[Commission, CommissionStanding]:
    """Return the commission and how the person stands to it."""
    commission = (
        Commission.objects.select_related("provider", "school_group")
        .filter(pk=commission_id)
        .first()
    )
    standing = commission_standing(user, commission) if commission is not None else None
    if commission is None or standing is None:
        raise Http404("No commission with that id is visible to you")
    return commission, standing


def _commission_to_change(
    user: User, commission_id: uuid.UUID
) -> tuple[Commission, CommissionStanding]:
    try:
        return _commission(user, commission_id)
    except Http404 as exc:
        raise ValidationError(
            {"commission_id": "No commission with that id is visible to you"}
        ) from exc


@router.get(
    "/funding/groups/{group_id}/pots",
    response={200: list[PotOut], **ERRORS_READ},
    summary="List a school group's pots for a financial year",
)
def list_pots(request: HttpRequest, group_id: RowId, year: int | None = None) -> list[PotOut]:
    """The group's pots with their balances, for cluster leads and the SENCOs of its settings."""
    group = _group(signed_in(request), group_id)
    pots = group.pots.all()
    if year is not None:
        pots = pots.filter(financial_year=year)
    return [_pot_out(pot) for pot in pots]


@router.get(
    "/funding/groups/{group_id}/oruk/services",
    response=ERRORS_READ,
    openapi_extra=oruk_json_200(
        "A page of the active services the group has commissioned, in the Open Referral UK "
        "list shape",
        ORUK_PAGE_SCHEMA,
    ),
    summary="List a school group's commissioned services as Open Referral UK",
)
def list_group_oruk_services(
    request: HttpRequest, group_id: RowId, query: Query[FeedQuery]
) -> HttpResponse:
    """The group's commissioned services (any commission, open or closed, while the service is
    active), as ORUK `GET /services` answers, for cluster leads and the SENCOs of its settings."""
    group = _group(signed_in(request), group_id)
    commissioned = published_services().filter(commissions__school_group=group).distinct()
    return oruk_json(services_feed(commissioned, page=query.page, per_page=query.per_page))


@router.post(
    "/funding/pots/{pot_id}/postings",
    response={201: PotOut, **ERRORS_CREATE},
    summary="Allocate money to a pot, or correct its allocation",
)
def post_to_pot(request: HttpRequest, pot_id: RowId, payload: PostingIn) -> Status[PotOut]:
    """Post an allocation (more than zero) or an adjustment (up or down, with a memo). Nothing
    can take the pot below zero without a recorded overspend approval."""
    user = signed_in(request)
    pot = Pot.objects.select_related("school_group").filter(pk=pot_id).first()
    if pot is None or not holds(user, Duty.MANAGE_SCHOOL_GROUP, at=pot.school_group):
        raise ValidationError({"pot_id": "No pot of a group you lead has that id"})
    if payload.kind == "allocation":
        services.allocate(pot, payload.amount_pence, user, payload.memo)
    else:
        services.adjust(pot, payload.amount_pence, user, payload.memo)
    return Status(201, _pot_out(pot))


@router.get(
    "/funding/groups/{group_id}/commissions",
    response={200: list[CommissionOut], **ERRORS_READ},
    summary="List a school group's commissions",
)
def list_commissions(request: HttpRequest, group_id: RowId) -> list[CommissionOut]:
    """Cluster leads see every commission; a setting's SENCO sees those naming its children, and
    only the places at their setting."""
    user = signed_in(request)
    group = _group(user, group_id)
    led = group_share(user, group)
    commissions = group.commissions.select_related("provider").prefetch_related("places")
    out = []
    listed: list[int] = []
    for commission in commissions:
        places = [p for p in commission.places.all() if led is None or p.setting_id in led]
        if places or led is None:
            out.append(_commission_out(commission, places))
            listed.extend(p.child_id for p in places)
    audit_children_listed(user, listed, f"commissions of {group} (API)")
    return out


@router.post(
    "/funding/groups/{group_id}/commissions",
    response={201: CommissionOut, **ERRORS_CREATE},
    summary="Commission a service for children in the group's settings",
)
def create_commission(
    request: HttpRequest, group_id: RowId, payload: CommissionIn
) -> Status[CommissionOut]:
    """Buy a directory service for children whose Support in place names that kind of support.
    At or below the policy pack's threshold the money is committed at once; above it a second
    cluster lead approves. Approval refers each child to the provider; the family's consent
    decides what its professionals read."""
    user = signed_in(request)
    group = _group(user, group_id, manage=True)
    pot = Pot.objects.filter(pk=payload.pot_id, school_group=group).first()
    if pot is None:
        raise ValidationError({"pot_id": "No pot of this group has that id"})
    service = Service.objects.filter(pk=payload.service_id).first()
    if service is None:
        raise ValidationError({"service_id": "No service in the directory has that id"})
    commission = services.create_commission(
        user,
        group,
        CommissionRequest(
            pot=pot,
            service=service,
            description=payload.description,
            units_per_child=payload.units_per_child,
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
            child_ids=payload.child_ids,
        ),
    )
    commission.refresh_from_db()
    return Status(201, _commission_out(commission))


@router.get(
    "/funding/commissions/{commission_id}",
    response={200: CommissionOut, **ERRORS_READ},
    summary="Read a commission",
)
def get_commission(request: HttpRequest, commission_id: uuid.UUID) -> CommissionOut:
    user = signed_in(request)
    commission, standing = _commission(user, commission_id)
    places = list(places_seen(user, commission, standing))
    audit_children_listed(user, [p.child_id for p in places], f"commission {commission.pk} (API)")
    return _commission_out(commission, places)


@router.post(
    "/funding/commissions/{commission_id}/approval",
    response={201: CommissionOut, **ERRORS_CREATE},
    summary="Approve a commission above the threshold",
)
def approve_commission(request: HttpRequest, commission_id: uuid.UUID) -> Status[CommissionOut]:
    """A cluster lead other than the one who asked commits the money and refers the children."""
    user = signed_in(request)
    commission, standing = _commission_to_change(user, commission_id)
    if standing.kind is not Standing.MANAGER:
        raise ValidationError({"commission_id": "No commission of a group you lead has that id"})
    commission = services.approve_commission(commission, user)
    commission.refresh_from_db()
    return Status(201, _commission_out(commission))


@router.post(
    "/funding/commissions/{commission_id}/deliveries",
    response={201: list[DeliveryOut], **ERRORS_CREATE},
    summary="Record sessions delivered, all or none",
)
def record_deliveries(
    request: HttpRequest, commission_id: uuid.UUID, payload: DeliveriesIn
) -> Status[list[DeliveryOut]]:
    """Record sessions for children in the commission: the provider's professionals (with the
    family's consent) or the SENCO of the child's setting. A session for a child not in the
    commission, after it ended, or already recorded refuses the whole batch, naming the line."""
    user = signed_in(request)
    commission, _ = _commission_to_change(user, commission_id)
    try:
        recorded = services.record_deliveries(
            user,
            commission,
            [
                DeliveryLine(d.child_id, d.delivered_on, d.outcome, d.units, d.note)
                for d in payload.deliveries
            ],
        )
    except PermissionError as exc:
        raise ValidationError(
            {"child_id": "You may not record sessions for one of these children"}
        ) from exc
    return Status(201, [_delivery_out(d) for d in recorded])


@router.get(
    "/funding/commissions/{commission_id}/deliveries",
    response={200: list[DeliveryOut], **ERRORS_READ},
    summary="List sessions recorded for a commission",
)
def list_deliveries(request: HttpRequest, commission_id: uuid.UUID) -> list[DeliveryOut]:
    user = signed_in(request)
    commission, standing = _commission(user, commission_id)
    deliveries = Delivery.objects.filter(
        place__in=places_seen(user, commission, standing)
    ).select_related("place__commission")
    out = [_delivery_out(d) for d in deliveries]
    audit_children_listed(
        user, [d.child_id for d in out], f"sessions of commission {commission.pk} (API)"
    )
    return out
