"""Check and normalise the identifiers a person is known by in the justice and health systems.

Each ``normalise_*`` function takes what a person typed or a feed sent, tolerates case and spacing,
and returns the canonical form, or raises ``ValueError`` saying what is wrong.

Sources:
- PNC ID: ``YYYY/NNNNNNNC``; the check character is ``"ZABCDEFGHJKLMNPQRTUVWXY"[int(YY + NNNNNNN) % 23]``,
  as validated by the MoJ's person-record service (hmpps-person-record ``PNCIdValidator``).
- CRO number: ``NNNNNN/YYC`` (standard form) or ``SF YY/NNNNNNC`` (fingerprint form); format only,
  the check character is not published.
- National Insurance number: HMRC National Insurance Manual NIM39110 — two prefix letters (first
  not D, F, I, Q, U or V; second not D, F, I, O, Q, U or V; not BG, GB, KN, NK, NT, TN or ZZ),
  six digits and a suffix A-D.
- NHS number: ten digits, the tenth a modulus-11 check digit (NHS Data Dictionary, "NHS Number").
- Prison number (NOMS number): letter, four digits, two letters (e.g. ``A1234BC``).
- Probation case reference number (CRN): letter and six digits (e.g. ``X123456``).
- UK postcode: the outward/inward pattern of the Royal Mail PAF (format only).

Seed 002 appendix 2 (the referral form) asks for URN, PNC ID, NI number and address; 000 §5.10.2
for a shared record of clients.
"""

from __future__ import annotations

import re

PNC_CHECK_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"

# Patterns match ASCII only: ``\d`` would otherwise accept digits from other scripts (Arabic-Indic,
# full-width...), stored as typed and then never matched by a search or the duplicate check.
_PNC = re.compile(r"^(\d{4})/?(\d{1,7})([A-Z])$", re.ASCII)
_CRO_STANDARD = re.compile(r"^(\d{1,6})/(\d{2})([A-Z])$", re.ASCII)
_CRO_SF = re.compile(r"^SF(\d{2})/(\d{1,6})([A-Z])$", re.ASCII)
_NI = re.compile(r"^([A-CEGHJ-PR-TW-Z])([A-CEGHJ-NPR-TW-Z])(\d{6})([A-D])$", re.ASCII)
_NI_BAD_PREFIXES = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}
_PRISON = re.compile(r"^[A-Z]\d{4}[A-Z]{2}$", re.ASCII)
_CRN = re.compile(r"^[A-Z]\d{6}$", re.ASCII)
_POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})$", re.ASCII)


def _squash(value: str) -> str:
    return re.sub(r"\s+", "", value).upper()


def pnc_check_character(year: str, serial: str) -> str:
    """The check character of a PNC ID for its four-digit year and serial number."""
    return PNC_CHECK_LETTERS[int(year[-2:] + serial.zfill(7)) % 23]


def normalise_pnc_id(value: str) -> str:
    text = _squash(value)
    match = _PNC.match(text)
    if not match:
        raise ValueError("Enter a PNC ID in the format YYYY/NNNNNNNC, for example 2012/0052494Q")
    year, serial, check = match.groups()
    expected = pnc_check_character(year, serial)
    if check != expected:
        raise ValueError(f"PNC ID check character is wrong: {year}/{serial.zfill(7)} must end in {expected}, not {check}")
    return f"{year}/{serial.zfill(7)}{check}"


def normalise_cro_number(value: str) -> str:
    text = _squash(value)
    if match := _CRO_STANDARD.match(text):
        serial, year, check = match.groups()
        return f"{serial.zfill(6)}/{year}{check}"
    if match := _CRO_SF.match(text):
        year, serial, check = match.groups()
        return f"SF{year}/{serial.zfill(6)}{check}"
    raise ValueError("Enter a CRO number in the format NNNNNN/YYC or SF YY/NNNNNNC")


def normalise_ni_number(value: str) -> str:
    text = _squash(value)
    match = _NI.match(text)
    if not match or (match.group(1) + match.group(2)) in _NI_BAD_PREFIXES:
        raise ValueError("Enter a National Insurance number in the format AB 12 34 56 C, with a valid prefix")
    return text


def nhs_check_digit(nine_digits: str) -> int | None:
    """Modulus 11 over the first nine digits; None when the number can never be valid (check 10)."""
    total = sum(int(d) * w for d, w in zip(nine_digits, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def normalise_nhs_number(value: str) -> str:
    text = re.sub(r"[\s-]+", "", value)
    if not re.fullmatch(r"\d{10}", text, re.ASCII):
        raise ValueError("Enter an NHS number of 10 digits")
    if nhs_check_digit(text[:9]) != int(text[9]):
        raise ValueError("NHS number is not valid: its check digit does not match")
    return text


def normalise_prison_number(value: str) -> str:
    text = _squash(value)
    if not _PRISON.match(text):
        raise ValueError("Enter a prison number in the format A1234BC")
    return text


def normalise_crn(value: str) -> str:
    text = _squash(value)
    if not _CRN.match(text):
        raise ValueError("Enter a probation case reference number (CRN) in the format X123456")
    return text


def normalise_postcode(value: str) -> str:
    text = _squash(value)
    match = _POSTCODE.match(text)
    if not match:
        raise ValueError("Enter a real postcode, for example PO1 2AB")
    return f"{match.group(1)} {match.group(2)}"


def normalise_urn(value: str) -> str:
    """Police unique reference numbers vary by force: letters, digits, / and - only."""
    text = _squash(value)
    if not re.fullmatch(r"[A-Z0-9/\-]{1,30}", text, re.ASCII):
        raise ValueError("Enter a URN of up to 30 letters, digits, / or -")
    return text
