"""What features built on the passport add to its page, registered when the service starts.

Funding sits above passports (it commissions support from what passports say), so passports
cannot import it; instead funding registers how to read what was delivered for a child, and
the passport page asks every registered source.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from passport.children.models import Child
from passport.passports.models import SupportItem

DeliveredSupportSource = Callable[[Child, Iterable[SupportItem] | None], list[dict[str, object]]]

_delivered_support_sources: list[DeliveredSupportSource] = []


def add_delivered_support_source(source: DeliveredSupportSource) -> None:
    """Register a source of "specified and delivered" rows (once, however often it is called)."""
    if source not in _delivered_support_sources:
        _delivered_support_sources.append(source)


def delivered_support(
    child: Child, support_items: Iterable[SupportItem] | None
) -> list[dict[str, object]]:
    """Return every registered source's rows for the child, in registration order."""
    items = list(support_items) if support_items is not None else None
    return [row for source in _delivered_support_sources for row in source(child, items)]
