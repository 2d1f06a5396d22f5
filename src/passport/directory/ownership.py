"""Who owns a directory record, and whom a person publishes for.

A provider or service is owned by the provider itself or by the local authority that published
it; a record with neither belongs to the service's administrators (records from before owners
were kept, and what an administrator or cluster lead adds). Only its owner may change it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from passport.access.standing import Duty, holds, scope
from passport.organisations.models import LocalAuthority, Provider
from passport.people.models import User

ADMINISTRATORS = "the service's administrators"


class Owned(Protocol):
    owner_local_authority_id: int | None
    owner_provider_id: int | None


@dataclass(frozen=True)
class Publisher:
    """The owners a person acts for: local authorities, providers, and the service itself."""

    local_authorities: frozenset[int] = frozenset()
    providers: frozenset[int] = frozenset()
    service: bool = False

    def __bool__(self) -> bool:
        return self.service or bool(self.local_authorities or self.providers)

    def may_change(self, record: Owned) -> bool:
        """Say whether the person acts for the record's owner."""
        if record.owner_local_authority_id is not None:
            return record.owner_local_authority_id in self.local_authorities
        if record.owner_provider_id is not None:
            return record.owner_provider_id in self.providers
        return self.service

    def owner_of_new(
        self, *, local_authority: LocalAuthority | None, provider: Provider | None
    ) -> tuple[int | None, int | None]:
        """Return (local authority id, provider id) to own a record this person adds: the LA
        they publish for (the one named, else their first), else the provider they work for."""
        if local_authority is not None and local_authority.pk in self.local_authorities:
            return local_authority.pk, None
        if self.local_authorities:
            return min(self.local_authorities), None
        if provider is not None and provider.pk in self.providers:
            return None, provider.pk
        if self.providers:
            return None, min(self.providers)
        return None, None


def publisher_for(user: User | None, *, local_authority: LocalAuthority | None = None) -> Publisher:
    """Return whom the person publishes for: the LAs they do casework for, the providers they
    deliver for, and the service if they run it. None is the operator's command, which acts
    for the service and for the local authority it names."""
    if user is None:
        named = frozenset({local_authority.pk}) if local_authority is not None else frozenset()
        return Publisher(local_authorities=named, service=True)
    return Publisher(
        local_authorities=scope(user, Duty.LA_CASEWORK).local_authorities,
        providers=scope(user, Duty.DELIVER_FOR_PROVIDER).providers,
        service=holds(user, Duty.RUN_SERVICE),
    )


def owner_name(record: Owned) -> str:
    """Name the record's owner for a message: the LA's or provider's name, or the administrators."""
    if record.owner_local_authority_id is not None:
        la = LocalAuthority.objects.filter(pk=record.owner_local_authority_id).first()
        return la.name if la else ADMINISTRATORS
    if record.owner_provider_id is not None:
        provider = Provider.objects.filter(pk=record.owner_provider_id).first()
        return provider.name if provider else ADMINISTRATORS
    return ADMINISTRATORS
