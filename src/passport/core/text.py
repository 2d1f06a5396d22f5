"""Rules for free text that people type about a child."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

# Markup has no place in a passport: pages escape it anyway, but it would reach other systems
# (CTF exports, PDFs, school MIS) that may not. "<3" and "a < b" stay allowed.
_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!?]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

SHORT_TEXT = 200
LONG_TEXT = 3000


def reject_markup(value: str) -> None:
    """Refuse text containing HTML tags or control characters."""
    if _MARKUP.search(value or ""):
        raise ValidationError(
            "must not contain HTML or code such as <script>: remove the angle brackets",
            code="markup",
        )
    if _CONTROL.search(value or ""):
        raise ValidationError("contains characters that cannot be shown: retype it", code="control")
