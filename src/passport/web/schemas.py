"""Request and response types every router shares: dates, bounded text, a strict request body."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from passport.core.text import LONG_TEXT, SHORT_TEXT


def _date_text_only(value: Any) -> Any:
    """Refuse numbers as dates: pydantic would read 1700000000 as a timestamp."""
    if isinstance(value, dt.date | str):
        return value
    raise PydanticCustomError("date_type", "Input should be a date like 2025-09-01")


IsoDate = Annotated[dt.date, BeforeValidator(_date_text_only)]
Text = Annotated[str, Field(max_length=LONG_TEXT)]
RequiredText = Annotated[str, Field(min_length=1, max_length=LONG_TEXT)]
RequiredShortText = Annotated[str, Field(min_length=1, max_length=SHORT_TEXT)]
ShortText = Annotated[str, Field(max_length=SHORT_TEXT)]
Code = Annotated[str, Field(max_length=30, description="A code from the policy pack")]


class Input(Schema):
    """A request body: unknown fields are refused and text is trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
