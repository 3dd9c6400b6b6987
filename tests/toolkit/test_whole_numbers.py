"""The one strict reading of a whole number (``iomhub.rules.numbers.whole_number``, named in
messages by ``iomhub.validation.clean_whole``).

Oracle, from the rule rather than the code: a whole number typed or sent is ASCII digits 0-9 and
nothing else (no sign, space, point, exponent or other script's digits), read in base ten, within
its bounds, and at most 18 digits (so it always fits a database integer). Written out by hand below.
"""

from __future__ import annotations

import pytest

from iomhub.rules.numbers import NotWhole, whole_number
from iomhub.validation import clean_whole

REFUSED = {
    "superscript two": "²",  # str.isdigit() is True; int() raises
    "arabic-indic three": "٣",  # str.isdigit() is True; int() reads 3
    "fullwidth five": "\uff15",
    "5000 digits": "9" * 5000,  # int() refuses over 4300 digits
    "19 digits": "1" + "0" * 18,
    "minus one": "-1",
    "plus one": "+1",
    "exponent": "1e300",
    "a point": "5.0",
    "underscore": "1_000",  # int() reads 1000
    "whitespace": " ",
    "padded": " 5 ",
    "newline": "5\n",
    "empty": "",
    "bool": True,
    "None": None,
    "a float": 5.0,
}


@pytest.mark.parametrize("value", REFUSED.values(), ids=REFUSED.keys())
def test_anything_but_ascii_digits_is_refused_never_a_crash(value):
    with pytest.raises(NotWhole):
        whole_number(value)


@pytest.mark.parametrize(
    "text, number",
    [("0", 0), ("7", 7), ("007", 7), ("500", 500), ("9" * 18, 10**18 - 1), ("0" * 40 + "12", 12), (12, 12)],
)
def test_ascii_digits_are_read_in_base_ten(text, number):
    assert whole_number(text) == number


@pytest.mark.parametrize(
    "value, minimum, maximum, ok",
    [
        ("1", 1, 500, True),
        ("500", 1, 500, True),
        ("0", 1, 500, False),
        ("501", 1, 500, False),
        (-1, 0, None, False),
        (10**18, 0, None, False),
    ],
)
def test_the_bounds_are_inclusive(value, minimum, maximum, ok):
    if ok:
        assert whole_number(value, minimum=minimum, maximum=maximum) == int(value)
    else:
        with pytest.raises(NotWhole):
            whole_number(value, minimum=minimum, maximum=maximum)


@pytest.mark.parametrize("value", REFUSED.values(), ids=REFUSED.keys())
def test_the_message_names_the_field_and_its_range(value):
    errors: dict[str, list[str]] = {"other": ["kept"]}
    assert clean_whole(errors, "limit", value, "the limit", required=True, minimum=1, maximum=500) is None
    if value in (None, ""):
        assert errors["limit"] == ["Enter the limit"]
    else:
        assert errors["limit"] == ["The limit must be a whole number from 1 to 500"]
    assert errors["other"] == ["kept"]  # one bad answer never hides another


def test_an_optional_number_left_out_is_none_without_an_error():
    errors: dict[str, list[str]] = {}
    assert clean_whole(errors, "n", "", "the number", required=False) is None
    assert errors == {}


def test_without_an_upper_bound_the_message_gives_the_digits_allowed():
    errors: dict[str, list[str]] = {}
    clean_whole(errors, "offset", "9" * 19, "the offset", required=True)
    assert errors == {"offset": ["The offset must be a whole number, 0 or more, of at most 18 digits"]}


def test_leading_zeros_are_no_digits_of_the_number_however_many():
    """5,000 zeros before a 1 is 1 (as "0250" is 250): the zeros never reach ``int()``, which refuses
    text of more than 4,300 characters with a ValueError that is not ``NotWhole``."""
    assert whole_number("0" * 5000 + "1") == 1
    assert whole_number("0" * 5000) == 0
    with pytest.raises(NotWhole):
        whole_number("0" * 5000 + "9" * 19)
