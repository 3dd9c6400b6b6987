"""Whole numbers typed or sent by someone: the one strict reading (issue 14). Pure Python, so the
rules (a budget return's staff counts) read them as the pages and API do; ``iomhub.validation``
names the field in the message.

Only ASCII digits are read: ``str.isdigit()`` is true of "²" (superscript two), which ``int()``
refuses, and of "٣" (Arabic-Indic three), which ``int()`` reads as 3; and ``int()`` refuses text
of more than 4300 digits. Any of those reaching ``int()`` unchecked was a 500.
"""

from __future__ import annotations

# 18 digits: every value fits a 64-bit database integer (a bigint's largest has 19), so a number
# read here never overflows a query on SQLite or PostgreSQL.
MAX_DIGITS = 18
ASCII_DIGITS = frozenset("0123456789")


class NotWhole(ValueError):
    """Why a value is not a whole number in range: a phrase to follow the field's name
    ("must be a whole number from 1 to 500")."""


def _range(minimum: int, maximum: int | None) -> str:
    if maximum is None:
        return f"must be a whole number, {minimum} or more, of at most {MAX_DIGITS} digits"
    return f"must be a whole number from {minimum} to {maximum}"


def whole_number(value: object, *, minimum: int = 0, maximum: int | None = None) -> int:
    """``value`` read as a whole number from ``minimum`` to ``maximum`` (no upper bound but
    ``MAX_DIGITS`` digits when None). Text must be ASCII digits and nothing else (no sign, space,
    point or exponent); an ``int`` (not a ``bool``) is taken as it is. Raises ``NotWhole``."""
    if maximum is not None and maximum >= 10**MAX_DIGITS:
        raise ValueError(f"maximum must have at most {MAX_DIGITS} digits")
    if isinstance(value, bool):
        raise NotWhole(_range(minimum, maximum))
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value and set(value) <= ASCII_DIGITS:
        significant = value.lstrip("0") or "0"  # leading zeros are no digits of the number, nor reach int()
        if len(significant) > MAX_DIGITS:
            raise NotWhole(_range(minimum, maximum))
        number = int(significant)
    else:
        raise NotWhole(_range(minimum, maximum))
    if number < minimum or (maximum is not None and number > maximum) or number >= 10**MAX_DIGITS:
        raise NotWhole(_range(minimum, maximum))
    return number
