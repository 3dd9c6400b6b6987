"""The identifier rules (iomhub.rules.identifiers): every normaliser, valid and invalid, tolerant of
case and spacing; check characters computed here from the published algorithms, not from the code
under test."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iomhub.rules import identifiers as ids

# The PNC check character, as published (hmpps-person-record PNCIdValidator): the two-digit year and
# the seven-digit serial read as one number, modulo 23, indexes this alphabet (no I, O or S).
PUBLISHED_PNC_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"


def expected_pnc_check(year: int, serial: int) -> str:
    return PUBLISHED_PNC_LETTERS[(year % 100 * 10_000_000 + serial) % 23]


def expected_nhs_check(nine: str) -> int | None:
    """NHS Data Dictionary: weights 10 down to 2; 11 minus the remainder; 11 means 0, 10 never valid."""
    remainder = sum(int(d) * (10 - i) for i, d in enumerate(nine)) % 11
    check = 11 - remainder
    return {11: 0, 10: None}.get(check, check)


# -- PNC ID -------------------------------------------------------------------------------------

# Real-format examples that the MoJ's person-record service accepts (its published test vectors).
PUBLISHED_VALID_PNC = [
    ("2003/0011985X", "2003/0011985X"),
    ("20120052494Q", "2012/0052494Q"),
    ("20230583843L", "2023/0583843L"),
    ("2001/0171310W", "2001/0171310W"),
    ("2011/0275516Q", "2011/0275516Q"),
    ("2008/0056560Z", "2008/0056560Z"),
    ("2003/0062845E", "2003/0062845E"),
    ("1981/0154257C", "1981/0154257C"),
]


@pytest.mark.parametrize("typed, stored", PUBLISHED_VALID_PNC)
def test_published_pnc_ids_are_valid_and_take_the_canonical_form(typed, stored):
    assert ids.normalise_pnc_id(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [" 2012/0052494q ", "2012 / 0052494 Q", "2012/52494Q", "2012\t0052494Q", "  20120052494q"],
    ids=["lower case, padded", "spaces inside", "short serial", "tab for slash", "no slash, lower"],
)
def test_pnc_ids_are_tolerant_of_case_spacing_and_leading_zeros(typed):
    assert ids.normalise_pnc_id(typed) == "2012/0052494Q"


@pytest.mark.parametrize(
    "typed",
    [
        "20030011985Z",  # published: right format, wrong check
        "20120052494O",
        "20230583843N",
        "2001/0171310S",
        "1X23/1234567A",  # published: malformed
        "1923[1234567A",
        "1923/1Z34567A",
        "1923/1234567AA",
        "12/0052494Q",  # two-digit year
        "2012/00524941",  # a digit for the check
        "2012/12345678A",  # eight-digit serial
        "2012/",
        "",
        "Q",
    ],
)
def test_pnc_ids_with_a_wrong_check_character_or_shape_are_refused(typed):
    with pytest.raises(ValueError, match="PNC ID"):
        ids.normalise_pnc_id(typed)


def test_the_pnc_error_says_which_check_character_is_expected():
    with pytest.raises(ValueError, match="must end in Q, not A"):
        ids.normalise_pnc_id("2012/0052494A")


@given(year=st.integers(1900, 2099), serial=st.integers(0, 9_999_999))
def test_any_pnc_with_its_published_check_character_normalises_to_itself(year, serial):
    pnc = f"{year}/{serial:07d}{expected_pnc_check(year, serial)}"
    assert ids.normalise_pnc_id(pnc) == pnc
    assert ids.normalise_pnc_id(pnc.lower().replace("/", " / ")) == pnc


@given(year=st.integers(1900, 2099), serial=st.integers(0, 9_999_999), wrong=st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
def test_any_other_check_letter_is_refused(year, serial, wrong):
    if wrong == expected_pnc_check(year, serial):
        return
    with pytest.raises(ValueError, match="check character"):
        ids.normalise_pnc_id(f"{year}/{serial:07d}{wrong}")


# -- NHS number ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["9434765919", "943 476 5919", "943-476-5919", " 9434765919 "],
)
def test_a_valid_nhs_number_is_accepted_with_spaces_or_dashes(typed):
    assert ids.normalise_nhs_number(typed) == "9434765919"


@pytest.mark.parametrize(
    "typed, message",
    [
        ("9434765918", "check digit"),
        ("9434765910", "check digit"),
        ("943476591", "10 digits"),
        ("94347659190", "10 digits"),
        ("94347659A9", "10 digits"),
        ("", "10 digits"),
    ],
)
def test_an_invalid_nhs_number_is_refused(typed, message):
    with pytest.raises(ValueError, match=message):
        ids.normalise_nhs_number(typed)


def _nine_digits_whose_check_is_ten() -> list[str]:
    found = [f"{n:09d}" for n in range(100_000_000, 100_000_400) if expected_nhs_check(f"{n:09d}") is None]
    assert found, "the search range should hold some"
    return found[:5]


@pytest.mark.parametrize("nine", _nine_digits_whose_check_is_ten())
def test_an_nhs_number_whose_check_would_be_ten_is_never_valid(nine):
    for last in "0123456789":
        with pytest.raises(ValueError):
            ids.normalise_nhs_number(nine + last)


@settings(max_examples=300)
@given(st.integers(0, 999_999_999))
def test_nhs_numbers_are_valid_exactly_when_the_published_mod_11_says_so(n):
    nine = f"{n:09d}"
    expected = expected_nhs_check(nine)
    for last in "0123456789":
        number = nine + last
        if expected is not None and int(last) == expected:
            assert ids.normalise_nhs_number(number) == number
        else:
            with pytest.raises(ValueError):
                ids.normalise_nhs_number(number)


# -- National Insurance number ------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, stored",
    [("AB123456C", "AB123456C"), ("ab 12 34 56 c", "AB123456C"), (" Ce123456d ", "CE123456D"), ("JZ 123456 A", "JZ123456A")],
)
def test_a_valid_ni_number_is_accepted_in_any_case_and_spacing(typed, stored):
    assert ids.normalise_ni_number(typed) == stored


BAD_FIRST = "DFIQUV"
BAD_SECOND = "DFIOQUV"
BAD_PAIRS = ["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"]


@pytest.mark.parametrize(
    "prefix",
    [f"{c}A" for c in BAD_FIRST] + [f"A{c}" for c in BAD_SECOND] + BAD_PAIRS,
)
def test_ni_numbers_with_a_prefix_never_issued_are_refused(prefix):
    # NIM39110: first letter not D F I Q U V; second not D F I O Q U V; not BG GB KN NK NT TN ZZ.
    with pytest.raises(ValueError, match="National Insurance"):
        ids.normalise_ni_number(f"{prefix}123456A")


@pytest.mark.parametrize("typed", ["AB123456E", "AB12345C", "AB1234567C", "A1123456C", "AB123456", "123456789", ""])
def test_ni_numbers_of_the_wrong_shape_are_refused(typed):
    with pytest.raises(ValueError):
        ids.normalise_ni_number(typed)


@given(
    first=st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    second=st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    digits=st.integers(0, 999_999),
    suffix=st.sampled_from("ABCD"),
)
def test_ni_prefix_rule_matches_the_manual_for_every_letter_pair(first, second, digits, suffix):
    number = f"{first}{second}{digits:06d}{suffix}"
    allowed = first not in BAD_FIRST and second not in BAD_SECOND and first + second not in BAD_PAIRS
    if allowed:
        assert ids.normalise_ni_number(number.lower()) == number
    else:
        with pytest.raises(ValueError):
            ids.normalise_ni_number(number)


# -- Postcode -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("PO1 2AB", "PO1 2AB"),
        ("po12ab", "PO1 2AB"),
        ("sw1a 1aa", "SW1A 1AA"),
        ("M1 1AE", "M1 1AE"),
        ("B33 8TH", "B33 8TH"),
        ("CR2 6XH", "CR2 6XH"),
        ("DN55 1PT", "DN55 1PT"),
        (" ec1a1bb ", "EC1A 1BB"),
        ("W1A 0AX", "W1A 0AX"),
    ],
)
def test_postcodes_are_stored_upper_case_with_one_space(typed, stored):
    assert ids.normalise_postcode(typed) == stored


@pytest.mark.parametrize("typed", ["NOT REAL", "12345", "SW1A", "SW1A 1A", "1AB 2CD", "PO1 2A1", "ABC1 2AB", ""])
def test_things_that_are_not_postcodes_are_refused(typed):
    with pytest.raises(ValueError, match="postcode"):
        ids.normalise_postcode(typed)


# -- CRO, prison number, CRN, URN ---------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("123456/99A", "123456/99A"),
        ("1234/99a", "001234/99A"),
        (" 012345 / 08 z", "012345/08Z"),
        ("SF 99/123456A", "SF99/123456A"),
        ("sf05/1234b", "SF05/001234B"),
    ],
)
def test_cro_numbers_in_either_form_are_normalised(typed, stored):
    assert ids.normalise_cro_number(typed) == stored


@pytest.mark.parametrize("typed", ["1234567/99A", "123456/9A", "123456/99", "SF/123456A", "123456-99A", ""])
def test_malformed_cro_numbers_are_refused(typed):
    with pytest.raises(ValueError, match="CRO"):
        ids.normalise_cro_number(typed)


@pytest.mark.parametrize("typed, stored", [("A1234BC", "A1234BC"), ("a1234bc", "A1234BC"), (" a 1234 bc ", "A1234BC")])
def test_prison_numbers(typed, stored):
    assert ids.normalise_prison_number(typed) == stored


@pytest.mark.parametrize("typed", ["A123BC", "A12345BC", "11234BC", "A1234B1", "A1234BCD", ""])
def test_malformed_prison_numbers_are_refused(typed):
    with pytest.raises(ValueError, match="prison number"):
        ids.normalise_prison_number(typed)


@pytest.mark.parametrize("typed, stored", [("X123456", "X123456"), ("x123456", "X123456"), ("x 123 456", "X123456")])
def test_crns(typed, stored):
    assert ids.normalise_crn(typed) == stored


@pytest.mark.parametrize("typed", ["X12345", "X1234567", "1234567", "XX12345", ""])
def test_malformed_crns_are_refused(typed):
    with pytest.raises(ValueError, match="CRN"):
        ids.normalise_crn(typed)


@pytest.mark.parametrize("typed, stored", [("01/12345/19", "01/12345/19"), ("ab-123 / 45", "AB-123/45"), ("x" * 30, "X" * 30)])
def test_urns(typed, stored):
    assert ids.normalise_urn(typed) == stored


@pytest.mark.parametrize("typed", ["x" * 31, "AB_123", "AB#1", "<script>", ""])
def test_malformed_urns_are_refused(typed):
    with pytest.raises(ValueError, match="URN"):
        ids.normalise_urn(typed)


# -- Every normaliser ---------------------------------------------------------------------------

NORMALISERS = [
    ids.normalise_pnc_id,
    ids.normalise_cro_number,
    ids.normalise_ni_number,
    ids.normalise_nhs_number,
    ids.normalise_prison_number,
    ids.normalise_crn,
    ids.normalise_postcode,
    ids.normalise_urn,
]

# Digits from other scripts (Arabic-Indic, Devanagari, full-width) look like digits to Python's
# ``\d`` and ``int``; stored as typed they would never match a search or a duplicate check.
FOREIGN_DIGITS = {
    ids.normalise_pnc_id: "2012/\u0660\u0660\u0665\u0662\u0664\u0669\u0664Q",
    ids.normalise_cro_number: "\u0967\u0968\u0969\u096a\u096b\u096c/99A",
    ids.normalise_ni_number: "AB12345\u0666C",
    ids.normalise_nhs_number: "\u0669434765919",
    ids.normalise_prison_number: "A\uff11234BC",
    ids.normalise_crn: "X12345\u0666",
    ids.normalise_postcode: "PO\u0661 2AB",
    ids.normalise_urn: "AB\u0661",
}


@pytest.mark.parametrize("normalise", NORMALISERS, ids=lambda f: f.__name__)
def test_digits_from_other_scripts_are_refused(normalise):
    with pytest.raises(ValueError):
        normalise(FOREIGN_DIGITS[normalise])


@pytest.mark.parametrize("normalise", NORMALISERS, ids=lambda f: f.__name__)
@given(text=st.text(max_size=20))
def test_whatever_is_typed_a_normaliser_refuses_it_or_returns_a_stable_ascii_form(normalise, text):
    try:
        result = normalise(text)
    except ValueError:
        return
    assert result.isascii()
    assert result == result.strip()
    assert normalise(result) == result  # idempotent: the stored form is its own canonical form
    assert "\x00" not in result


def test_the_helpers_agree_with_the_published_algorithms():
    assert ids.pnc_check_character("2012", "52494") == expected_pnc_check(2012, 52494) == "Q"
    assert ids.nhs_check_digit("943476591") == expected_nhs_check("943476591") == 9
