"""Free text refuses markup, control characters and bidirectional controls; names refuse every
invisible format character except a joiner inside a word."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from passport.core.text import BIDI_CONTROLS, check_name, reject_markup

PERSIAN_NAME_WITH_A_NON_JOINER = "\u0645\u062d\u0645\u062f\u200c\u0631\u0636\u0627"
FAMILY_EMOJI = "\U0001f468\u200d\U0001f469\u200d\U0001f467"


@pytest.mark.parametrize("control", list(BIDI_CONTROLS), ids=lambda c: f"U+{ord(c):04X}")
def test_free_text_with_a_bidirectional_control_is_refused(control: str) -> None:
    with pytest.raises(ValidationError) as refused:
        reject_markup(f"Sits near the {control}front")

    assert "change the direction of the text" in refused.value.messages[0]


def test_a_right_to_left_override_in_a_name_is_refused() -> None:
    with pytest.raises(ValidationError, match="change the direction"):
        check_name("Amara\u202erofakO")


@pytest.mark.parametrize(
    "hidden",
    ["\u200b", "\u00ad", "\ufeff", "\u2060", "\u200d"],
    ids=["zero-width space", "soft hyphen", "byte order mark", "word joiner", "joiner at end"],
)
def test_a_name_with_a_hidden_formatting_character_is_refused(hidden: str) -> None:
    with pytest.raises(ValidationError, match="hidden formatting characters"):
        check_name(f"Amara{hidden}")


def test_a_joiner_inside_a_word_is_kept_in_a_name() -> None:
    check_name(PERSIAN_NAME_WITH_A_NON_JOINER)
    check_name("\u0915\u094d\u200d\u0937")  # Devanagari: a joiner after a virama, a mark


def test_names_and_text_in_right_to_left_scripts_need_no_controls_and_are_kept() -> None:
    check_name("\u0645\u0631\u06cc\u0645")
    reject_markup("\u05e9\u05dc\u05d5\u05dd and hello")


def test_emoji_built_with_joiners_stay_allowed_in_free_text() -> None:
    reject_markup(f"Loves family days out {FAMILY_EMOJI}")
