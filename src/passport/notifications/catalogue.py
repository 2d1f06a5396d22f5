"""The events the service tells people about, and the words it uses, from `events.toml`."""

from __future__ import annotations

import re
import string
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

EVENTS_FILE = Path(__file__).with_name("events.toml")

# The only values a message may carry. None can name a child or say anything about one: a message
# says something happened and asks the reader to sign in to see it. Adding a name here needs the
# same care as adding a field to a data-sharing agreement.
SAFE_PERSONALISATION = frozenset({"setting", "count", "children", "link"})

_EVENT_NAME = re.compile(r"^[a-z][a-z_]*$")


class CatalogueError(Exception):
    """The events file breaks one of its rules."""


@dataclass(frozen=True)
class Event:
    """One kind of message: what it is for, the values it carries and its email wording."""

    name: str
    description: str
    personalisation: frozenset[str]
    subject: str
    body: str
    # Values that are secrets (a one-time link): blanked once the message has gone, so the
    # database holds them only while they may still be needed to send it.
    forget_after_sending: frozenset[str] = frozenset()

    @property
    def template_setting(self) -> str:
        """Return the environment variable holding this event's Notify template id."""
        return f"PASSPORT_NOTIFY_TEMPLATE_{self.name.upper()}"

    def render(self, personalisation: dict[str, str]) -> tuple[str, str]:
        """Return the email's subject and body with the values filled in."""
        return self.subject.format(**personalisation), self.body.format(**personalisation)

    def notify_text(self) -> tuple[str, str]:
        """Return the subject and body with Notify's ((placeholders)), to paste into a template."""
        values = {name: f"(({name}))" for name in self.personalisation}
        return self.render(values)


def _placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def load_events(path: Path = EVENTS_FILE) -> dict[str, Event]:
    """Read and check an events file; name the first fault."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise CatalogueError(f"{path}: {error}") from error
    events: dict[str, Event] = {}
    for name, entry in data.get("event", {}).items():
        if not _EVENT_NAME.match(name):
            raise CatalogueError(f"event {name!r}: use lower-case letters and underscores")
        missing = {"description", "personalisation", "subject", "body"} - set(entry)
        if missing:
            raise CatalogueError(f"event {name!r}: missing {', '.join(sorted(missing))}")
        carried = frozenset(entry["personalisation"])
        unsafe = carried - SAFE_PERSONALISATION
        if unsafe:
            raise CatalogueError(
                f"event {name!r}: {', '.join(sorted(unsafe))} may not be sent in a message"
            )
        used = _placeholders(entry["subject"]) | _placeholders(entry["body"])
        if used != carried:
            raise CatalogueError(
                f"event {name!r}: the wording uses {sorted(used)} but personalisation names "
                f"{sorted(carried)}"
            )
        forgotten = frozenset(entry.get("forget_after_sending", ()))
        if not forgotten <= carried:
            raise CatalogueError(
                f"event {name!r}: forget_after_sending names {sorted(forgotten - carried)}, "
                "which it does not carry"
            )
        events[name] = Event(
            name=name,
            description=entry["description"],
            personalisation=carried,
            subject=entry["subject"],
            body=entry["body"],
            forget_after_sending=forgotten,
        )
    return events


@cache
def current_events() -> dict[str, Event]:
    """Return the service's events (read once)."""
    return load_events()
