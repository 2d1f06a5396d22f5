"""Rules for free text and names that people type about a child."""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError

# Markup has no place in a passport: pages escape it anyway, but it would reach other systems
# (CTF exports, PDFs, school MIS) that may not. "<3" and "a < b" stay allowed.
_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!?]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Bidirectional controls (Unicode's embeddings, overrides, isolates and marks, and the Arabic
# letter mark) change the order text is shown in, so what a reader sees differs from what is
# stored ("Trojan Source", CVE-2021-42574). Right-to-left scripts need none of them to display.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")
# Zero-width non-joiner and joiner: spelling in Persian and Indic scripts needs them inside a
# word, so a name may hold them there and nowhere else.
_JOINERS = "\u200c\u200d"

SHORT_TEXT = 200
LONG_TEXT = 3000


def reject_markup(value: str) -> None:
    """Refuse text containing HTML tags, control characters or bidirectional controls.

    Other invisible format characters stay allowed in free text: the zero-width joiner builds
    emoji (a family, a flag) and some scripts need it.
    """
    if _MARKUP.search(value or ""):
        raise ValidationError(
            "must not contain HTML or code such as <script>: remove the angle brackets",
            code="markup",
        )
    if _CONTROL.search(value or ""):
        raise ValidationError("contains characters that cannot be shown: retype it", code="control")
    if _BIDI.search(value or ""):
        raise ValidationError(
            "contains hidden characters that change the direction of the text (such as a "
            "right-to-left override): retype it without them",
            code="bidi",
        )


def _part_of_a_word(character: str) -> bool:
    # Letters and combining marks: Indic scripts put a joiner after a virama, which is a mark.
    return unicodedata.category(character)[0] in "LM"


def _hidden_in_name(value: str) -> bool:
    """Return whether a name holds an invisible format character (Unicode category Cf) other
    than a joiner inside a word."""
    for index, character in enumerate(value):
        if unicodedata.category(character) != "Cf":
            continue
        inside_a_word = (
            0 < index < len(value) - 1
            and _part_of_a_word(value[index - 1])
            and _part_of_a_word(value[index + 1])
        )
        if not (character in _JOINERS and inside_a_word):
            return True
    return False


def check_name(value: str) -> None:
    """Refuse a name with markup, control characters or invisible format characters.

    A name is matched, sorted and sent to other systems letter by letter: a zero-width space or a
    soft hyphen makes two names that look the same differ, so names allow no format character
    (Unicode category Cf) except a zero-width joiner or non-joiner inside a word.
    """
    reject_markup(value)
    reject_hidden_formatting(value)


def reject_hidden_formatting(value: str) -> None:
    """Refuse invisible format characters (Unicode category Cf), except a joiner inside a word:
    the part of `check_name` beyond `reject_markup`."""
    if _hidden_in_name(value or ""):
        raise ValidationError(
            "contains hidden formatting characters (such as a zero-width space): retype it "
            "without them",
            code="format",
        )
