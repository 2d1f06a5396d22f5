"""Amounts of money: whole pence checked, pounds typed by a person read, pence shown as pounds."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

MAX_PENCE = 10**12  # ten billion pounds: larger is a typing mistake


def check_amount(
    value: object, field: str = "amount_pence", *, allow_negative: bool = False
) -> int:
    """Return a whole number of pence, or raise a ValidationError naming the field."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError({field: "Enter the amount as a whole number of pence"})
    if value == 0 or (value < 0 and not allow_negative):
        raise ValidationError(
            {
                field: "Enter an amount other than zero"
                if allow_negative
                else "Enter an amount more than zero"
            }
        )
    if abs(value) > MAX_PENCE:
        raise ValidationError({field: "Enter an amount less than £10,000,000,000"})
    return value


POUNDS = re.compile(r"^(-)?£?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{2}))?$")


def parse_pounds(text: str, field: str = "amount", *, allow_negative: bool = False) -> int:
    """Read an amount typed in pounds ("£1,250.50", "300") and return pence."""
    match = POUNDS.match(text.strip().replace(" ", ""))
    if not match:
        raise ValidationError({field: "Enter an amount in pounds, like 1250 or 1,250.50"})
    sign, whole, pence = match.groups()
    amount = int(whole.replace(",", "")) * 100 + int(pence or 0)
    if sign:
        amount = -amount
    return check_amount(amount, field, allow_negative=allow_negative)


def pounds(pence: int) -> str:
    """Format pence as pounds, like £1,250.50 or -£3.00."""
    sign = "-" if pence < 0 else ""
    return f"{sign}£{abs(pence) // 100:,}.{abs(pence) % 100:02d}"
