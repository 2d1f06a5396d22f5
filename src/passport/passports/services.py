"""Verbs for the support passport. Pages, the API and the CLI all change a passport here.

Each verb is one transaction that saves the change, records who made it (a new version in the
history) and bumps the passport's version number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F

from passport.children.models import Child, Enrolment
from passport.core.dates import add_months, today
from passport.core.errors import StaleVersion
from passport.core.policy import current_pack
from passport.organisations.models import SchoolGroup
from passport.passports.models import (
    AboutMeContribution,
    FormSubmission,
    LayerAssignment,
    Outcome,
    Passport,
    RankedNeed,
    Review,
    Strategy,
    SupportItem,
)
from passport.people.models import User

# The sections kept as lists of items, by the name used in URLs and the API.
ItemModel = type[Strategy] | type[SupportItem] | type[Outcome] | type[Review]

ITEM_SECTIONS: dict[str, ItemModel] = {
    "what-works": Strategy,
    "support": SupportItem,
    "outcomes": Outcome,
    "reviews": Review,
}


class StaleSection(StaleVersion):
    """Someone else saved this section since the form was filled in."""

    def __init__(self, section: str) -> None:
        super().__init__(
            f"Someone else changed {section} since you started: compare your version with theirs"
        )
        self.section = section


# What one item of each list section is called in a sentence.
ITEM_NAMES: dict[type[models.Model], str] = {
    Strategy: "this item of What works",
    SupportItem: "this support",
    Outcome: "this outcome",
    Review: "this review",
}


class StaleItem(StaleSection):
    """Someone else saved or removed this item since the form was filled in."""

    def __init__(self, item: models.Model) -> None:
        super().__init__(ITEM_NAMES.get(type(item), "this item"))
        self.item = item


# Each section held on the passport row: its own columns and the counter of its saves.
ABOUT_ME_FIELDS = ("liked_about_me", "matters_to_me", "how_to_support_me")
NEEDS_FIELDS = ("sen_provision", "broad_areas", "needs_description")
_CHANGING_COLUMNS = [
    *ABOUT_ME_FIELDS,
    *NEEDS_FIELDS,
    "version",
    "about_me_version",
    "needs_version",
    "updated_by",
    "updated_at",
]


def _record_change(passport: Passport, by: User, expected_version: int | None = None) -> None:
    """Bump the version (refusing a stale one) and note who changed the passport."""
    rows = Passport.objects.filter(pk=passport.pk)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    if not rows.update(version=F("version") + 1, updated_by=by, updated_at=dt.datetime.now(dt.UTC)):
        raise StaleVersion("The passport was changed by someone else: reload it and try again")
    passport.refresh_from_db(fields=["version", "updated_by", "updated_at"])


def _claim_section(
    passport: Passport,
    section: str,
    version_field: str,
    by: User,
    expected_version: int | None,
    expected_section_version: int | None,
) -> None:
    """Bump the passport's and the section's versions, refusing stale ones, then reload the row.

    The conditional UPDATE checks and bumps in one statement and holds the row until commit, so
    two saves of one section cannot both pass the check. Reloading gives the section save the
    other section's current text, so its history row does not undo someone else's change.
    """
    rows = Passport.objects.filter(pk=passport.pk)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    if expected_section_version is not None:
        rows = rows.filter(**{version_field: expected_section_version})
    claimed = rows.update(
        version=F("version") + 1,
        **{version_field: F(version_field) + 1},
        updated_by=by,
        updated_at=dt.datetime.now(dt.UTC),
    )
    if not claimed and expected_section_version is not None:
        raise StaleSection(section)
    if not claimed:
        raise StaleVersion("The passport was changed by someone else: reload it and try again")
    passport.refresh_from_db(fields=_CHANGING_COLUMNS)


def _save(instance: models.Model, by: User, update_fields: Sequence[str] | None = None) -> None:
    instance.full_clean()
    instance._history_user = by  # type: ignore[attr-defined]
    instance.save(update_fields=update_fields)


@transaction.atomic
def start_passport(child: Child, by: User) -> Passport:
    """Open a passport for a child who has none; return the existing one if there is."""
    existing = Passport.objects.filter(child=child).first()
    if existing is not None:
        return existing
    passport = Passport(child=child, updated_by=by)
    _save(passport, by)
    return passport


@transaction.atomic
def update_about_me(
    passport: Passport,
    *,
    liked_about_me: str,
    matters_to_me: str,
    how_to_support_me: str,
    by: User,
    expected_version: int | None = None,
    expected_section_version: int | None = None,
) -> Passport:
    """Replace the three About me answers, writing only About me.

    `expected_version` is the whole passport's (the API's If-Match); `expected_section_version`
    is About me's own, which a form carries so that a change to My needs does not make it stale.
    """
    if not (liked_about_me.strip() or matters_to_me.strip() or how_to_support_me.strip()):
        raise ValidationError({"liked_about_me": "Enter at least one answer about the child"})
    _claim_section(
        passport, "About me", "about_me_version", by, expected_version, expected_section_version
    )
    passport.liked_about_me = liked_about_me.strip()
    passport.matters_to_me = matters_to_me.strip()
    passport.how_to_support_me = how_to_support_me.strip()
    _save(passport, by, update_fields=ABOUT_ME_FIELDS)
    return passport


def check_needs(sen_provision: str, need_types: Sequence[str], broad_areas: Sequence[str]) -> None:
    """Raise ValidationError naming each field if the needs break the census or pack rules."""
    pack = current_pack()
    errors: dict[str, str] = {}
    provision = pack.provision(sen_provision)
    if provision is None:
        errors["sen_provision"] = "Select the SEN provision: SEN support or an EHC plan"
    chosen = [code for code in need_types if code]
    if len(chosen) > pack.needs.ranked_needs_max:
        errors["need_types"] = (
            f"Select no more than {pack.needs.ranked_needs_max} ranked needs: the primary need and one secondary need"
        )
    elif len(set(chosen)) != len(chosen):
        errors["need_types"] = "The secondary need must be different from the primary need"
    unknown = [code for code in chosen if pack.need_type(code) is None]
    if unknown:
        errors["need_types"] = f"{unknown[0]} is not a need type: select one from the list"
    if provision is not None and "need_types" not in errors:
        if not provision.allows_need_types and chosen:
            errors["need_types"] = (
                "Remove the need types, or change SEN provision to SEN support or an EHC plan"
            )
        elif provision.allows_need_types and not chosen:
            errors["need_types"] = "Select the primary need"
        for code in chosen:
            need = pack.need_type(code)
            if need and need.only_with_provision and sen_provision not in need.only_with_provision:
                allowed = " or ".join(
                    provision.name
                    for p in need.only_with_provision
                    if (provision := pack.provision(p)) is not None
                )
                errors["need_types"] = (
                    f"'{need.name}' can only be used with {allowed}: select the assessed need type instead"
                )
    area_codes = dict(pack.broad_area_choices())
    if any(area not in area_codes for area in broad_areas):
        errors["broad_areas"] = "Select broad areas of need from the list"
    if errors:
        raise ValidationError(errors)


# The census code an EHC plan gives (DfE school census guidance: SEN provision E).
EHC_PLAN_PROVISION = "E"


def check_provision_follows_plan(passport: Passport, sen_provision: str) -> None:
    """Refuse an SEN provision the plan records do not give: "E" only with a live EHC plan,
    and nothing else while one is live (issue 16: the plan record is the source of truth)."""
    has_plan = passport.ehc_plan_since is not None
    if sen_provision == EHC_PLAN_PROVISION and not has_plan:
        raise ValidationError(
            {
                "sen_provision": "The child has no EHC plan recorded. The local authority "
                "records the plan (or an existing plan) and the passport then shows it"
            }
        )
    if has_plan and sen_provision != EHC_PLAN_PROVISION:
        raise ValidationError(
            {
                "sen_provision": "The child has an EHC plan, so their SEN provision is an EHC "
                "plan until the local authority ceases it"
            }
        )


def plan_provision_changed(
    child_id: int, *, since: dt.date | None, by: User | None, layer_after: str = ""
) -> None:
    """Bring the passport in line with the child's EHC plan: called by the EHC plan service
    when a plan is issued, recorded or ceased (the only writer of provision "E").

    With a plan (`since` is the day it was issued) the provision is E from that day. When it
    ceases (`since` is None) the provision becomes SEN support and a layer that needs a plan
    gives way to `layer_after`, or to the last layer before it that needs none.
    """
    passport = Passport.objects.select_for_update().filter(child_id=child_id).first()
    if passport is None:
        return
    passport.sen_provision = EHC_PLAN_PROVISION if since else "K"
    passport.ehc_plan_since = since
    passport._history_user = by  # type: ignore[attr-defined]
    passport.save(update_fields=["sen_provision", "ehc_plan_since"])
    Passport.objects.filter(pk=passport.pk).update(
        version=F("version") + 1, needs_version=F("needs_version") + 1
    )
    current = passport.current_layer()
    pack = current_pack()
    if since is not None or current is None or not _needs_plan(current.layer) or by is None:
        return
    earlier = [
        a.layer
        for a in passport.layer_assignments.order_by("-starts_on", "-pk")
        if not _needs_plan(a.layer)
    ]
    plain = [code for code, _ in pack.layer_choices() if not _needs_plan(code)]
    fallback = layer_after or (earlier[0] if earlier else plain[-1])
    _save(
        LayerAssignment(
            passport=passport,
            layer=fallback,
            starts_on=max(today(), current.starts_on),
            reason="The EHC plan ceased: the layer that goes with it ended. Review the layer",
            recorded_by=by,
        ),
        by,
    )


def _needs_plan(layer: str) -> bool:
    pack_layer = current_pack().layer(layer)
    return bool(pack_layer and pack_layer.requires_ehc_plan)


@transaction.atomic
def set_needs(
    passport: Passport,
    *,
    sen_provision: str,
    need_types: Sequence[str],
    broad_areas: Sequence[str],
    needs_description: str,
    by: User,
    expected_version: int | None = None,
    expected_section_version: int | None = None,
    check_plan: bool = False,
) -> Passport:
    """Replace My needs: provision, ranked need types, broad areas and the description.

    Writes only My needs; the expected versions work as in `update_about_me`. People (the needs
    page and API) pass `check_plan`: provision E follows the plan records. A Common Transfer
    File's provision is the sending school's word and is brought over as it is.
    """
    check_needs(sen_provision, need_types, broad_areas)
    if check_plan:
        check_provision_follows_plan(passport, sen_provision)
    if not needs_description.strip():
        raise ValidationError(
            {"needs_description": "Describe the child's needs and how they affect their learning"}
        )
    _claim_section(
        passport, "My needs", "needs_version", by, expected_version, expected_section_version
    )
    passport.sen_provision = sen_provision
    passport.broad_areas = list(dict.fromkeys(broad_areas))
    passport.needs_description = needs_description.strip()
    _save(passport, by, update_fields=NEEDS_FIELDS)
    wanted = {code: rank for rank, code in enumerate((c for c in need_types if c), start=1)}
    for need in passport.ranked_needs.all():
        if wanted.get(need.need_type) != need.rank:
            need._history_user = by  # type: ignore[attr-defined]
            need.delete()
    existing = set(passport.ranked_needs.values_list("need_type", flat=True))
    for code, rank in wanted.items():
        if code not in existing:
            _save(RankedNeed(passport=passport, need_type=code, rank=rank), by)
    return passport


@transaction.atomic
def save_item(
    passport: Passport,
    item: models.Model,
    by: User,
    expected_version: int | None = None,
    expected_item_version: int | None = None,
) -> models.Model:
    """Add or change an item in one of the list sections (what works, support, outcomes, reviews).

    `expected_version` is the whole passport's (the API's If-Match); `expected_item_version` is
    the item's own, which its form carries so that a change elsewhere does not make it stale.
    """
    if type(item) not in ITEM_SECTIONS.values():
        raise TypeError(f"{type(item).__name__} is not a passport section item")
    item.passport = passport  # type: ignore[attr-defined]
    if isinstance(item, Review):
        check_review_interval(passport, item)
    if item.pk is not None:
        _claim_item(item, expected_item_version)
    _save(item, by)
    _record_change(passport, by, expected_version)
    return item


def _claim_item(item: models.Model, expected_item_version: int | None) -> None:
    """Bump the item's version, refusing a stale one or an item removed meanwhile.

    The conditional UPDATE checks and bumps in one statement and holds the row until commit, so
    of two saves made from the same version only the first passes; the second is refused
    instead of quietly replacing the first one's words.
    """
    rows = type(item)._default_manager.filter(pk=item.pk)
    if expected_item_version is not None:
        rows = rows.filter(version=expected_item_version)
    if not rows.update(version=F("version") + 1):
        raise StaleItem(item)
    item.version = rows.model._default_manager.values_list("version", flat=True).get(pk=item.pk)  # type: ignore[attr-defined]


@transaction.atomic
def remove_item(
    passport: Passport,
    item: models.Model,
    by: User,
    expected_version: int | None = None,
    expected_item_version: int | None = None,
) -> None:
    """Remove an item from a list section; the history keeps what it said.

    With `expected_item_version`, an item changed since the person read it is not removed.
    """
    if item.passport_id != passport.pk:  # type: ignore[attr-defined]
        raise ValidationError("That item belongs to another passport")
    _claim_item(item, expected_item_version)
    _record_change(passport, by, expected_version)
    item._history_user = by  # type: ignore[attr-defined]
    item.delete()


def _sequential_step_problem(
    passport: Passport, current: LayerAssignment | None, layer: str
) -> str:
    """Under sequential layers, say why this step is not allowed ("" when it is).

    The earlier framing of the reform: start at the first layer, and step up one layer at a time,
    only after a review since the current layer began decided to step up. Stepping down is free.
    """
    pack = current_pack()
    order = [code for code, _ in pack.layer_choices()]
    if layer not in order:
        return ""
    if current is None:
        if layer != order[0]:
            return f"Layers are sequential: start at {pack.layer_name(order[0])}"
        return ""
    step = order.index(layer) - order.index(current.layer)
    if step > 1:
        return f"Layers are sequential: step up one layer at a time, to {pack.layer_name(order[order.index(current.layer) + 1])}"
    if (
        step == 1
        and not passport.reviews.filter(
            decision=Review.Decision.STEP_UP, held_on__gte=current.starts_on
        ).exists()
    ):
        return "Layers are sequential: record a review that decides to step up the support first"
    return ""


def review_due_on(passport: Passport) -> dt.date:
    """Return when the next review is due: the date the last review set, or one interval after
    the passport started (policy pack: at least yearly, termly for Targeted and above)."""
    if "reviews" in getattr(passport, "_prefetched_objects_cache", {}):
        # The passport page has the reviews already: no second query for the latest.
        last = max(passport.reviews.all(), key=lambda r: (r.held_on, r.pk), default=None)
    else:
        last = passport.reviews.order_by("-held_on", "-pk").first()
    if last is not None:
        return last.next_review_on
    current = passport.current_layer()
    interval = current_pack().review_interval_months(current.layer if current else None)
    return add_months(passport.created_at.date(), interval)


@dataclass(frozen=True)
class SupportByTime:
    """Support in place split by its dates relative to one day: what runs that day, what starts
    later and what has stopped, each in date order."""

    current: list[SupportItem]
    planned: list[SupportItem]
    ended: list[SupportItem]


def support_by_time(items: Iterable[SupportItem], on: dt.date) -> SupportByTime:
    """Sort support into current (started, not yet ended: the end date is its last day),
    planned (starts after `on`) and ended (its last day was before `on`)."""
    ordered = sorted(items, key=lambda item: (item.starts_on, item.pk or 0))
    return SupportByTime(
        current=[i for i in ordered if i.starts_on <= on and not (i.ends_on and i.ends_on < on)],
        planned=[i for i in ordered if i.starts_on > on],
        # The most recently ended first: it is the one most likely to matter now.
        ended=sorted(
            (i for i in ordered if i.ends_on and i.ends_on < on),
            key=lambda item: item.ends_on or on,
            reverse=True,
        ),
    )


def check_review_interval(passport: Passport, review: Review) -> None:
    """Refuse a next review date further away than the policy pack allows for the layer."""
    current = passport.current_layer()
    months = current_pack().review_interval_months(current.layer if current else None)
    latest = add_months(review.held_on, months)
    if review.next_review_on and review.held_on and review.next_review_on > latest:
        layer = current_pack().layer_name(current.layer) if current else "this passport"
        raise ValidationError(
            {
                "next_review_on": f"Next review date must be within {months} months of this review "
                f"(by {latest:%-d %B %Y}) for {layer}"
            }
        )


@transaction.atomic
def change_layer(
    passport: Passport,
    *,
    layer: str,
    starts_on: dt.date,
    reason: str,
    by: User,
    expected_version: int | None = None,
    professionals_involved: str = "",
    school_group: SchoolGroup | None = None,
    provision_package: str = "",
) -> LayerAssignment:
    """Put the child at a layer of support from a date, with the reason.

    The pack says which layers name more: Targeted Plus names the professionals brought in
    (Experts at Hand) and may name the school group, which must include a setting the child is
    on roll at; Specialist names the Specialist Provision Package.
    """
    errors: dict[str, str] = {}
    pack_layer = current_pack().layer(layer)
    if pack_layer is not None and pack_layer.records_professionals:
        if not professionals_involved.strip():
            errors["professionals_involved"] = (
                f"Enter the professionals involved at {pack_layer.name}, such as a speech and "
                "language therapist from Experts at Hand"
            )
        on_roll_at = Enrolment.objects.live_on(starts_on).filter(child_id=passport.child_id)
        if (
            school_group is not None
            and not school_group.settings.filter(pk__in=on_roll_at.values("setting_id")).exists()
        ):
            errors["school_group"] = (
                "Select a school group that includes a setting the child is on roll at"
            )
    elif school_group is not None or professionals_involved.strip():
        errors["layer"] = (
            "Professionals and a school group are recorded only for a layer that brings them in"
        )
    if pack_layer is not None and pack_layer.records_provision_package:
        if not provision_package.strip():
            errors["provision_package"] = (
                f"Enter the Specialist Provision Package for {pack_layer.name}"
            )
    elif provision_package.strip():
        errors["provision_package"] = (
            "A Specialist Provision Package is recorded only for the specialist layer"
        )
    current = passport.current_layer()
    if current is not None and current.layer == layer:
        errors["layer"] = (
            f"The child is already at {current_pack().layer_name(layer)}: select a different layer"
        )
    if current is not None and starts_on < current.starts_on:
        errors["starts_on"] = (
            f"Start date must be on or after {current.starts_on:%-d %B %Y}, when the current layer started"
        )
    if starts_on > today() + dt.timedelta(days=366):
        errors["starts_on"] = "Start date must be within the next year"
    if current_pack().layers.sequential and "layer" not in errors:
        problem = _sequential_step_problem(passport, current, layer)
        if problem:
            errors["layer"] = problem
    if _needs_plan(layer) and passport.ehc_plan_since is None and "layer" not in errors:
        # Specialist provision is an EHC plan's (White Paper layers; CFA 2014 s37): no plan
        # record, no specialist layer (issue 16).
        errors["layer"] = (
            f"{current_pack().layer_name(layer)} needs an EHC plan: the local authority records "
            "the plan first"
        )
    if errors:
        raise ValidationError(errors)
    assignment = LayerAssignment(
        passport=passport,
        layer=layer,
        starts_on=starts_on,
        reason=reason.strip(),
        professionals_involved=professionals_involved.strip(),
        school_group=school_group,
        provision_package=provision_package.strip(),
        recorded_by=by,
    )
    _save(assignment, by)
    _record_change(passport, by, expected_version)
    return assignment


@transaction.atomic
def add_about_me_contribution(
    passport: Passport, *, voice: str, text: str, by: User
) -> AboutMeContribution:
    """Add a parent's or the child's own words to About me."""
    contribution = AboutMeContribution(passport=passport, voice=voice, text=text.strip(), author=by)
    _save(contribution, by)
    _record_change(passport, by)
    return contribution


def submit_once(by: User, token: str, create: Callable[[], str]) -> str:
    """Run `create` once per form token and return where it sent the person.

    A page form that creates a record carries a fresh token each time it is drawn. The first
    submit claims the token in the same transaction as the record it creates (so a refused
    submit leaves the token free to send again); a second submit of the same page finds the
    claim and returns the first submit's result, creating nothing. Two submits at the same
    moment meet at the unique constraint: the second waits for the first to commit, then reads
    its result. Without a token (a page drawn before tokens) the record is simply created.
    """
    if not token:
        return create()
    with transaction.atomic():
        try:
            with transaction.atomic():
                claim = FormSubmission.objects.create(user=by, token=token)
        except IntegrityError:
            return FormSubmission.objects.get(user=by, token=token).result
        claim.result = create()
        claim.save(update_fields=["result"])
        return claim.result


@dataclass(frozen=True)
class FieldChange:
    """One field of one change, before and after, in words."""

    label: str
    before: str
    after: str


@dataclass(frozen=True)
class Change:
    """One entry in a passport's history, as people read it.

    `section` and `fields` keep the words the chronology and the subject access download use;
    `heading`, `item` and `field_changes` are what the History page shows, and `kind` with
    `version_id` open the version itself.
    """

    when: dt.datetime
    who: str
    section: str
    what: str
    fields: list[str]
    heading: str = ""
    item: str = ""
    field_changes: tuple[FieldChange, ...] = ()
    kind: str = ""
    version_id: int = 0
    access_sections: frozenset[str] = frozenset()


@dataclass(frozen=True)
class EarlierVersion:
    """A section or item as it was at one version: read-only, only what the reader may see."""

    heading: str
    item: str
    when: dt.datetime
    who: str
    what: str
    fields: tuple[tuple[str, str], ...]


_SECTION_NAMES = {
    Passport: "About me and my needs",
    RankedNeed: "My needs",
    Strategy: "What works",
    SupportItem: "Support in place",
    Outcome: "Outcomes",
    Review: "Reviews",
    LayerAssignment: "Layer",
    AboutMeContribution: "About me",
}
_VERBS = {"+": "Added", "~": "Changed", "-": "Removed"}

# Each kind of history row: the name in the address of its version page, and the section of
# the access rules a reader needs to see it. The passport row holds two sections' fields.
HISTORY_KINDS: dict[str, type[models.Model]] = {
    "passport": Passport,
    "need": RankedNeed,
    "what-works": Strategy,
    "support": SupportItem,
    "outcome": Outcome,
    "review": Review,
    "layer": LayerAssignment,
    "contribution": AboutMeContribution,
}
_ACCESS_SECTION: dict[type[models.Model], str] = {
    RankedNeed: "needs",
    Strategy: "what_works",
    SupportItem: "support",
    Outcome: "outcomes",
    Review: "reviews",
    LayerAssignment: "layer",
    AboutMeContribution: "about_me",
}
_PASSPORT_FIELD_SECTION = {
    "liked_about_me": "about_me",
    "matters_to_me": "about_me",
    "how_to_support_me": "about_me",
    "sen_provision": "needs",
    "ehc_plan_since": "needs",
    "broad_areas": "needs",
    "needs_description": "needs",
}
_PASSPORT_SECTION_HEADINGS = {"about_me": "About me", "needs": "My needs"}
# Bookkeeping, not what anyone wrote: left out of the before-and-after and the version page.
_NOT_SHOWN = {"id", "passport", "child", "created_at", "recorded_at", "updated_at"}
NOTHING = "Nothing recorded"


def _shortened(text: str, length: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _field_sections(model: type[models.Model], name: str) -> frozenset[str]:
    if model is Passport:
        return (
            frozenset({_PASSPORT_FIELD_SECTION[name]})
            if name in _PASSPORT_FIELD_SECTION
            else frozenset()
        )
    return frozenset({_ACCESS_SECTION[model]})


def _label(model: type[models.Model], name: str) -> str:
    label = str(getattr(model._meta.get_field(name), "verbose_name", name))
    return label[:1].upper() + label[1:]


def value_in_words(model: type[models.Model], name: str, value: Any) -> str:
    """Say a stored value as the passport page says it: choices and codes by their names,
    dates in words, people and organisations by name."""
    if value is None or value == "" or value == []:
        return NOTHING
    pack = current_pack()
    field = model._meta.get_field(name)
    if name == "layer":
        return pack.layer_name(value)
    if name == "support_kind":
        return pack.support_kind_name(value)
    if name == "need_type":
        need = pack.need_type(value)
        return f"{need.name} ({value})" if need else str(value)
    if name == "sen_provision":
        provision = pack.provision(value)
        return provision.name if provision else str(value)
    if name == "broad_areas":
        names = dict(pack.broad_area_choices())
        return ", ".join(names.get(code, code) for code in value)
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))  # type: ignore[union-attr]
    if isinstance(value, dt.datetime):
        return f"{value:%-d %B %Y at %-I:%M%p}".replace("AM", "am").replace("PM", "pm")
    if isinstance(value, dt.date):
        return f"{value:%-d %B %Y}"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if field.is_relation and field.related_model is not None:
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else "Someone no longer recorded"
    return str(value)


def _stored(record: Any, model: type[models.Model], name: str) -> Any:
    """Return the value as stored: a related row's key, not the row (which may be gone)."""
    return getattr(record, getattr(model._meta.get_field(name), "attname", name))


def _item_name(model: type[models.Model], record: Any) -> str:
    """Name the item as it was at this version, so a removed item is still named."""
    pack = current_pack()
    if model in (Strategy, SupportItem, Outcome):
        return f"'{_shortened(record.description)}'"
    if model is Review:
        return f"Review held on {record.held_on:%-d %B %Y}"
    if model is LayerAssignment:
        return f"{pack.layer_name(record.layer)} from {record.starts_on:%-d %B %Y}"
    if model is AboutMeContribution:
        voice = dict(AboutMeContribution.Voice.choices).get(record.voice, record.voice)
        return f"{voice}: '{_shortened(record.text)}'"
    if model is RankedNeed:
        return f"{value_in_words(RankedNeed, 'need_type', record.need_type)}, rank {record.rank}"
    return ""


def _heading(model: type[models.Model], sections: frozenset[str]) -> str:
    if model is Passport and len(sections) == 1:
        return _PASSPORT_SECTION_HEADINGS[next(iter(sections))]
    return _SECTION_NAMES[model]


def _shown_fields(model: type[models.Model]) -> list[str]:
    return [
        f.name
        for f in model._meta.concrete_fields
        if f.name not in _NOT_SHOWN and f.name in {h.name for h in model.history.model._meta.fields}  # type: ignore[attr-defined]
    ]


def passport_history(passport: Passport, limit: int = 200) -> list[Change]:
    """Return the passport's changes, newest first, with who made each and what changed.

    One query per section: each version is compared with the one before it of the same row in
    memory (simple-history's `prev_record` would cost a query per version).
    """
    changes = []
    for kind, model in HISTORY_KINDS.items():
        section = _SECTION_NAMES[model]
        history = model.history  # type: ignore[attr-defined]
        rows = (
            history.filter(id=passport.pk)
            if model is Passport
            else history.filter(passport_id=passport.pk)
        )
        previous: dict[int, Any] = {}
        for record in rows.select_related("history_user").order_by("history_date", "history_id"):
            field_changes: list[FieldChange] = []
            before = previous.get(record.id)
            if record.history_type == "~" and before is not None:
                delta = record.diff_against(before)
                field_changes = [
                    FieldChange(
                        _label(model, c.field),
                        value_in_words(model, c.field, c.old),
                        value_in_words(model, c.field, c.new),
                    )
                    for c in delta.changes
                    if c.field not in _NOT_SHOWN
                ]
                touched = frozenset().union(
                    *(_field_sections(model, c.field) for c in delta.changes)
                )
            else:
                touched = (
                    frozenset(_PASSPORT_SECTION_HEADINGS)
                    if model is Passport
                    else _field_sections(model, "")
                )
            previous[record.id] = record
            who = str(record.history_user) if record.history_user else "The system"
            changes.append(
                Change(
                    record.history_date,
                    who,
                    section,
                    _VERBS[record.history_type],
                    [change.label for change in field_changes],
                    heading=_heading(model, touched),
                    item=_item_name(model, record),
                    field_changes=tuple(field_changes),
                    kind=kind,
                    version_id=record.history_id,
                    access_sections=touched,
                )
            )
    changes.sort(key=lambda change: change.when, reverse=True)
    return changes[:limit]


def history_for_reader(passport: Passport, shown: frozenset[str], limit: int = 200) -> list[Change]:
    """Return the changes a reader who sees `shown` may see: a change to a section they do not
    see is left out, and a passport change keeps only the fields of the sections they see."""
    visible = []
    for change in passport_history(passport, limit=10_000):
        sections = change.access_sections & shown
        if not sections:
            continue
        if change.kind == "passport" and sections != change.access_sections:
            labels = {
                _label(Passport, name)
                for name, section in _PASSPORT_FIELD_SECTION.items()
                if section in sections
            }
            kept = tuple(f for f in change.field_changes if f.label in labels)
            change = replace(
                change,
                heading=_heading(Passport, sections),
                field_changes=kept,
                fields=[f.label for f in kept],
                access_sections=sections,
            )
        visible.append(change)
    return visible[:limit]


def earlier_version(
    passport: Passport, kind: str, version_id: int, shown: frozenset[str]
) -> EarlierVersion | None:
    """Return a section or item as it was at one version, holding only the fields of sections
    the reader sees; None when there is no such version of this passport or none of it is
    theirs to see."""
    model = HISTORY_KINDS.get(kind)
    if model is None:
        return None
    history = model.history  # type: ignore[attr-defined]
    rows = (
        history.filter(id=passport.pk)
        if model is Passport
        else history.filter(passport_id=passport.pk)
    )
    record = rows.select_related("history_user").filter(history_id=version_id).first()
    if record is None:
        return None
    names = [name for name in _shown_fields(model) if _field_sections(model, name) & shown]
    if not names:
        return None
    sections = frozenset().union(*(_field_sections(model, name) for name in names))
    return EarlierVersion(
        heading=_heading(model, sections),
        item=_item_name(model, record),
        when=record.history_date,
        who=str(record.history_user) if record.history_user else "The system",
        what=_VERBS[record.history_type],
        fields=tuple(
            (_label(model, name), value_in_words(model, name, _stored(record, model, name)))
            for name in names
        ),
    )
