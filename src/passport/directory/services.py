"""Import Open Referral UK services into the directory: all or nothing, and idempotent.

A file is read (size, encoding and JSON checked), validated against the ORUK schemas, then read
as directory records (every service needs a price per session or per hour and a support kind).
Any fault anywhere refuses the whole file with every fault listed by JSON path, and nothing is
written. A good file upserts its organizations (by organization id) and services (by service id)
in one transaction; a row is saved only if a value differs, so importing the same file again
changes nothing and the report says so.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from passport.audit import services as audit
from passport.core.dates import today
from passport.core.policy import current_pack
from passport.directory.models import Service
from passport.directory.oruk.mapping import (
    ODS_IDENTIFIER_TYPE,
    PROVIDER_KIND_TAXONOMY,
    SUPPORT_KIND_TAXONOMY,
    UNITS_BY_WORDS,
)
from passport.directory.oruk.validation import (
    SchemaProblem,
    json_path,
    validate_services_document,
)
from passport.directory.ownership import Publisher, owner_name, publisher_for
from passport.organisations.models import LocalAuthority, Provider
from passport.people.models import User

# A directory file of thousands of services is a few MB; anything far larger is a mistake.
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
# No unit of therapy costs more than this; a larger figure is a typing error (pence vs pounds).
MAX_UNIT_COST_PENCE = 10_000_00


class DirectoryImportError(Exception):
    """The file was refused; `problems` says every fault found, and nothing was written."""

    def __init__(self, summary: str, problems: list[SchemaProblem] | None = None) -> None:
        super().__init__(summary)
        self.summary = summary
        self.problems = problems or []


@dataclass
class ImportReport:
    """What an import did, by kind of record."""

    providers_created: int = 0
    providers_updated: int = 0
    providers_unchanged: int = 0
    services_created: int = 0
    services_updated: int = 0
    services_unchanged: int = 0
    service_ids: list[uuid.UUID] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.providers_created
            or self.providers_updated
            or self.services_created
            or self.services_updated
        )

    @property
    def counts(self) -> dict[str, dict[str, int]]:
        return {
            "providers": {
                "created": self.providers_created,
                "updated": self.providers_updated,
                "unchanged": self.providers_unchanged,
            },
            "services": {
                "created": self.services_created,
                "updated": self.services_updated,
                "unchanged": self.services_unchanged,
            },
        }

    def summary(self) -> str:
        services = (
            f"Services: {self.services_created} created, {self.services_updated} updated, "
            f"{self.services_unchanged} unchanged."
        )
        providers = (
            f"Providers: {self.providers_created} created, {self.providers_updated} updated, "
            f"{self.providers_unchanged} unchanged."
        )
        if not self.changed:
            return (
                f"Nothing changed: the directory already matches the file. {services} {providers}"
            )
        return f"{services} {providers}"


def read_document(raw: bytes | str, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> Any:
    """Parse a directory file, refusing one that is too large, not UTF-8 or not JSON."""
    data = raw.encode("utf-8") if isinstance(raw, str) else raw
    if len(data) > max_bytes:
        raise DirectoryImportError(
            f"The file is {len(data) / 1_048_576:.1f} MB: the largest directory file accepted is "
            f"{max_bytes / 1_048_576:.0f} MB. Split it into smaller files"
        )
    if not data.strip():
        raise DirectoryImportError("The file is empty: it must hold Open Referral UK JSON")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DirectoryImportError(
            f"The file is not UTF-8 text (byte {exc.start + 1}): save it as UTF-8 JSON"
        ) from exc
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise DirectoryImportError(
            f"The file is not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from exc
    except ValueError as exc:
        raise DirectoryImportError(f"The file is not JSON: {exc}") from exc


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


# --- Reading ORUK as directory records -------------------------------------------------------


@dataclass(frozen=True)
class _OrganizationRecord:
    oruk_id: uuid.UUID
    name: str
    kind: str | None
    ods_code: str
    where: str = ""  # the JSON path of the first description in the file


@dataclass(frozen=True)
class _ServiceRecord:
    id: uuid.UUID
    organization_id: uuid.UUID
    values: dict[str, Any]
    where: str = ""


class _Collector:
    def __init__(self) -> None:
        self.problems: list[SchemaProblem] = []

    def add(self, where: list[str | int], rule: str) -> None:
        self.problems.append(SchemaProblem(json_path(where), rule))


def _services_in(document: Any) -> Iterator[tuple[list[str | int], dict[str, Any]]]:
    if isinstance(document, dict) and "contents" in document:
        for index, service in enumerate(document["contents"]):
            yield ["contents", index], service
    elif isinstance(document, list):
        for index, service in enumerate(document):
            yield [index], service
    else:
        yield [], document


def _term_code(attributes: Any, taxonomy: str) -> str | None:
    for attribute in attributes or []:
        term = attribute.get("taxonomy_term") or {}
        if term.get("taxonomy") == taxonomy:
            return term.get("term") or term.get("name")
    return None


def _organization(
    where: list[str | int], data: dict[str, Any], problems: _Collector
) -> _OrganizationRecord:
    name = data["name"].strip()
    if not name:
        problems.add([*where, "name"], "must not be blank")
    elif len(name) > 200:
        problems.add([*where, "name"], "must be 200 characters or fewer")
    kind = _term_code(data.get("attributes"), PROVIDER_KIND_TAXONOMY)
    if kind is not None and kind not in Provider.Kind.values:
        problems.add(
            [*where, "attributes"],
            f"names provider kind {kind!r}; use one of: {', '.join(Provider.Kind.values)}",
        )
        kind = None
    ods_code = next(
        (
            str(identifier["identifier"]).strip()
            for identifier in data.get("organization_identifiers") or []
            if identifier.get("identifier_type") == ODS_IDENTIFIER_TYPE
        ),
        "",
    )
    if len(ods_code) > 10:
        problems.add(
            [*where, "organization_identifiers"], "the ODS code must be 10 characters or fewer"
        )
    return _OrganizationRecord(uuid.UUID(data["id"]), name, kind, ods_code, json_path(where))


def _date(value: Any, where: list[str | int], problems: _Collector) -> dt.date | None:
    # The profile marks these as dates for tabular data only; its JSON Schema does not check them.
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        problems.add(where, "must be a date, like 2026-09-01")
        return None


def _whole_number(value: Any, where: list[str | int], problems: _Collector) -> int | None:
    if value is None:
        return None
    number = Decimal(str(value))
    if number != number.to_integral_value() or not 0 <= number <= 150:
        problems.add(where, "must be a whole number of years from 0 to 150")
        return None
    return int(number)


def _price(
    where: list[str | int], options: list[dict[str, Any]], on: dt.date, problems: _Collector
) -> tuple[str, int] | None:
    """Return (unit, pence) from the cost option that prices the service today."""
    priced = []
    for index, option in enumerate(options or []):
        words = str(option.get("amount_description", "")).strip().lower()
        if words not in UNITS_BY_WORDS or option.get("amount") is None:
            continue
        currency = option.get("currency")
        if currency is not None and str(currency).upper() != "GBP":
            problems.add([*where, "cost_options", index, "currency"], "must be GBP")
            continue
        starts = _date(
            option.get("valid_from"), [*where, "cost_options", index, "valid_from"], problems
        )
        ends = _date(option.get("valid_to"), [*where, "cost_options", index, "valid_to"], problems)
        if (starts and starts > on) or (ends and ends < on):
            continue
        priced.append((starts or dt.date.min, index, words, option["amount"]))
    if not priced:
        problems.add(
            [*where, "cost_options"],
            "needs a price in force today: a cost option with an amount in pounds and "
            'amount_description "per session" or "per hour"',
        )
        return None
    _, index, words, amount = max(priced)
    try:
        pence = Decimal(str(amount)) * 100
    except InvalidOperation:
        pence = Decimal(-1)
    if pence != pence.to_integral_value() or not 0 <= pence <= MAX_UNIT_COST_PENCE:
        problems.add(
            [*where, "cost_options", index, "amount"],
            f"must be pounds and pence from 0 to {MAX_UNIT_COST_PENCE // 100}, like 95.50",
        )
        return None
    return UNITS_BY_WORDS[words], int(pence)


def _service(
    where: list[str | int],
    data: dict[str, Any],
    organization_id: uuid.UUID,
    on: dt.date,
    problems: _Collector,
) -> _ServiceRecord:
    kinds = dict(current_pack().support_kind_choices())
    kind = _term_code(data.get("attributes"), SUPPORT_KIND_TAXONOMY)
    if kind is None:
        problems.add(
            [*where, "attributes"],
            f'needs a support kind: an attribute whose taxonomy_term has taxonomy "{SUPPORT_KIND_TAXONOMY}"',
        )
    elif kind not in kinds:
        problems.add(
            [*where, "attributes"],
            f"names support kind {kind!r}, which the policy pack does not list; use one of: "
            + ", ".join(kinds),
        )
    name = data["name"].strip()
    if not name:
        problems.add([*where, "name"], "must not be blank")
    elif len(name) > 200:
        problems.add([*where, "name"], "must be 200 characters or fewer")
    for key, limit in (("url", 200), ("email", 254)):
        if len(data.get(key) or "") > limit:
            problems.add([*where, key], f"must be {limit} characters or fewer")
    minimum = _whole_number(data.get("minimum_age"), [*where, "minimum_age"], problems)
    maximum = _whole_number(data.get("maximum_age"), [*where, "maximum_age"], problems)
    if minimum is not None and maximum is not None and minimum > maximum:
        problems.add([*where, "maximum_age"], "must not be less than minimum_age")
    price = _price(where, data.get("cost_options") or [], on, problems)
    unit, pence = price or (Service.Unit.SESSION, 0)
    assured = _date(data.get("assured_date"), [*where, "assured_date"], problems)
    record = _ServiceRecord(
        id=uuid.UUID(data["id"]),
        organization_id=organization_id,
        where=json_path(where),
        values={
            "name": name,
            "description": data.get("description") or "",
            "status": data["status"],
            "support_kind": kind or "",
            "unit": unit,
            "unit_cost_pence": pence,
            "url": data.get("url") or "",
            "email": data.get("email") or "",
            "minimum_age": minimum,
            "maximum_age": maximum,
            "assured_date": assured,
        },
    )
    # The model's own rules (web and email address forms, lengths) for what is not checked above.
    candidate = Service(id=record.id, **record.values)
    try:
        candidate.full_clean(
            exclude=["provider", "support_kind", "unit", "unit_cost_pence", "name"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            for message in messages:
                problems.add([*where, name], message.rstrip("."))
    return record


def _records(
    document: Any, on: dt.date
) -> tuple[dict[uuid.UUID, _OrganizationRecord], list[_ServiceRecord], list[SchemaProblem]]:
    problems = _Collector()
    organizations: dict[uuid.UUID, _OrganizationRecord] = {}
    services: list[_ServiceRecord] = []
    seen_services: dict[uuid.UUID, str] = {}
    pending: list[tuple[list[str | int], dict[str, Any], uuid.UUID | None]] = []
    for where, data in _services_in(document):
        organization_id = None
        nested = data.get("organization")
        if nested:
            record = _organization([*where, "organization"], nested, problems)
            earlier = organizations.get(record.oruk_id)
            if earlier is not None and (earlier.name, earlier.kind, earlier.ods_code) != (
                record.name,
                record.kind,
                record.ods_code,
            ):
                problems.add(
                    [*where, "organization"],
                    "describes an organization differently from an earlier service in the file",
                )
            organizations.setdefault(record.oruk_id, record)
            organization_id = record.oruk_id
            if (
                data.get("organization_id")
                and uuid.UUID(data["organization_id"]) != organization_id
            ):
                problems.add([*where, "organization_id"], "must match organization.id")
        elif data.get("organization_id"):
            organization_id = uuid.UUID(data["organization_id"])
        else:
            problems.add(
                [*where, "organization"], "is required: say which organization provides the service"
            )
        service_id = uuid.UUID(data["id"])
        if service_id in seen_services:
            problems.add([*where, "id"], f"repeats the service id at {seen_services[service_id]}")
        seen_services[service_id] = json_path(where)
        pending.append((where, data, organization_id))
    known = set(
        Provider.objects.filter(
            oruk_id__in=[o for _, _, o in pending if o is not None and o not in organizations]
        ).values_list("oruk_id", flat=True)
    )
    for where, data, organization_id in pending:
        if organization_id is None:
            continue
        if organization_id not in organizations and organization_id not in known:
            problems.add(
                [*where, "organization"],
                "is required: the directory has no organization with this organization_id",
            )
        services.append(_service(where, data, organization_id, on, problems))
    return organizations, services, problems.problems


# --- Writing ---------------------------------------------------------------------------------


def _differs(instance: Any, values: dict[str, Any]) -> bool:
    """Say whether writing the values would change the row."""
    return any(getattr(instance, name) != value for name, value in values.items())


def _provider_values(organization: _OrganizationRecord) -> dict[str, Any]:
    values: dict[str, Any] = {"name": organization.name, "ods_code": organization.ods_code}
    if organization.kind:
        values["kind"] = organization.kind
    return values


def _refusals(
    organizations: dict[uuid.UUID, _OrganizationRecord],
    records: list[_ServiceRecord],
    providers: dict[uuid.UUID, Provider],
    existing: dict[uuid.UUID, Service],
    publisher: Publisher,
) -> list[SchemaProblem]:
    """Return a fault for each record the file would change that the person does not own."""
    refused = []
    for oruk_id, organization in organizations.items():
        provider = providers.get(oruk_id)
        if (
            provider is not None
            and _differs(provider, _provider_values(organization))
            and not publisher.may_change(provider)
        ):
            owner = owner_name(provider)
            refused.append(
                SchemaProblem(
                    f"{organization.where}",
                    f"Provider '{provider.name}' is published by {owner}: "
                    f"only {owner} can change it",
                )
            )
    for record in records:
        service = existing.get(record.id)
        provider = providers.get(record.organization_id)
        values = {"provider_id": provider.pk if provider else None, **record.values}
        if service is not None and _differs(service, values) and not publisher.may_change(service):
            owner = owner_name(service)
            refused.append(
                SchemaProblem(
                    record.where,
                    f"Service '{service.name}' is published by {owner}: only {owner} can change it",
                )
            )
    return refused


def _save(
    instance: Provider | Service, by: User | None, how: str = "Open Referral UK import"
) -> None:
    """Save with the history naming who made the change and how."""
    instance._history_user = by  # type: ignore[union-attr]
    instance._change_reason = how  # type: ignore[union-attr]
    instance.save()


def _apply(instance: Any, values: dict[str, Any]) -> bool:
    """Set the values that differ; return whether any did."""
    changed = False
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed


def import_services(
    document: Any,
    *,
    by: User | None,
    local_authority: LocalAuthority | None = None,
    on: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Upsert the organizations and services in an ORUK document, all or nothing.

    `document` is parsed JSON (see `read_document`): a page of services, a list, or one service.
    New providers get `local_authority` if given. A record may be changed only by its owner
    (`directory.ownership`): one the file would change for someone else is a fault, named by
    its path. New records belong to the LA or provider the person publishes for. Raises
    `DirectoryImportError` listing every fault, having written nothing.
    """
    publisher = publisher_for(by, local_authority=local_authority)
    problems = validate_services_document(document)
    if problems:
        raise DirectoryImportError(
            f"The file does not follow the Open Referral UK schema: {len(problems)} "
            f"{'fault' if len(problems) == 1 else 'faults'}",
            problems,
        )
    organizations, records, problems = _records(document, on or today())
    if not records and not problems:
        raise DirectoryImportError("The file holds no services: there is nothing to import")
    if problems:
        raise DirectoryImportError(
            f"The file cannot be imported into the directory: {len(problems)} "
            f"{'fault' if len(problems) == 1 else 'faults'}",
            problems,
        )
    report = ImportReport()
    with transaction.atomic():
        providers = {
            p.oruk_id: p
            for p in Provider.objects.select_for_update().filter(
                oruk_id__in=[r.organization_id for r in records]
            )
        }
        existing = Service.objects.select_for_update().in_bulk([r.id for r in records])
        refused = _refusals(organizations, records, providers, existing, publisher)
        if refused:
            raise DirectoryImportError(
                f"The file changes records published by someone else: {len(refused)} "
                f"{'record' if len(refused) == 1 else 'records'}. Only a record's owner can "
                "change it: leave it out of the file, or ask its owner",
                refused,
            )
        for oruk_id, organization in organizations.items():
            provider = providers.get(oruk_id)
            if provider is None:
                owner_la, owner_provider = publisher.owner_of_new(
                    local_authority=local_authority, provider=None
                )
                provider = Provider(
                    oruk_id=oruk_id,
                    name=organization.name,
                    kind=organization.kind
                    or (
                        Provider.Kind.NHS_TRUST
                        if organization.ods_code
                        else Provider.Kind.INDEPENDENT
                    ),
                    ods_code=organization.ods_code,
                    local_authority=local_authority,
                    owner_local_authority_id=owner_la,
                    owner_provider_id=owner_provider,
                )
                _save(provider, by)
                providers[oruk_id] = provider
                report.providers_created += 1
                continue
            if _apply(provider, _provider_values(organization)):
                _save(provider, by)
                report.providers_updated += 1
            else:
                report.providers_unchanged += 1
        for done, record in enumerate(records, start=1):
            provider = providers[record.organization_id]
            service = existing.get(record.id)
            if service is None:
                owner_la, owner_provider = publisher.owner_of_new(
                    local_authority=local_authority, provider=provider
                )
                _save(
                    Service(
                        id=record.id,
                        provider=provider,
                        owner_local_authority_id=owner_la,
                        owner_provider_id=owner_provider,
                        **record.values,
                    ),
                    by,
                )
                report.services_created += 1
            elif _apply(service, {"provider_id": provider.pk, **record.values}):
                _save(service, by)
                report.services_updated += 1
            else:
                report.services_unchanged += 1
            report.service_ids.append(record.id)
            if progress:
                progress(done)
        if report.changed:
            audit.record(
                actor=by,
                role="",
                relationship="",
                acting_for="",
                setting_id=None,
                action="write",
                child_id=None,
                reason=f"Service directory import (Open Referral UK). {report.summary()}",
                allowed=True,
            )
    return report


CHANGE_REASON_LENGTH = 100


@transaction.atomic
def hand_over(
    record: Provider | Service,
    *,
    local_authority: LocalAuthority | None = None,
    provider: Provider | None = None,
    reason: str,
    by: User | None = None,
) -> str:
    """Give a directory record a new owner: a local authority, a provider (a provider record
    may be handed to itself), or neither (the service's administrators).

    An operator's task, for when a provider takes over its own entry from the LA that published
    it, or an LA reorganises: the import refuses changes to someone else's record, so this is
    the one way ownership moves. The history records who handed it over, to whom and why.
    Returns the new owner's name.
    """
    if local_authority is not None and provider is not None:
        raise ValidationError("A record has one owner: name a local authority or a provider")
    if not reason.strip():
        raise ValidationError("Say why the record is being handed over")
    record.owner_local_authority = local_authority
    record.owner_provider = provider
    new_owner = owner_name(record)
    how = f"Handed over to {new_owner}: {reason.strip()}"
    # The history keeps a short reason (django-simple-history's column holds 100 characters);
    # the audit row below keeps all of it.
    _save(record, by, how=how if len(how) <= CHANGE_REASON_LENGTH else how[:99] + "…")
    audit.record(
        actor=by,
        role="",
        relationship="",
        acting_for="",
        setting_id=None,
        action="write",
        child_id=None,
        reason=f"Service directory: {record.name} {how[0].lower()}{how[1:]}",
        allowed=True,
    )
    return new_owner
