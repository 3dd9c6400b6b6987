"""Django validators wrapping the pure identifier rules in :mod:`iomhub.rules.identifiers`."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

from iomhub.rules import identifiers


@deconstructible
class IdentifierValidator:
    """Validates with the pure rule ``iomhub.rules.identifiers.normalise_<kind>``."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.normalise: Callable[[str], str] = getattr(identifiers, f"normalise_{kind}")

    def __call__(self, value: str) -> None:
        if not value:
            return
        try:
            self.normalise(value)
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid") from exc

    def __eq__(self, other: object) -> bool:
        return isinstance(other, IdentifierValidator) and other.kind == self.kind

    def __hash__(self) -> int:
        return hash(self.kind)


validate_pnc_id = IdentifierValidator("pnc_id")
validate_cro_number = IdentifierValidator("cro_number")
validate_ni_number = IdentifierValidator("ni_number")
validate_nhs_number = IdentifierValidator("nhs_number")
validate_prison_number = IdentifierValidator("prison_number")
validate_crn = IdentifierValidator("crn")
validate_postcode = IdentifierValidator("postcode")
validate_urn = IdentifierValidator("urn")

# field name -> normaliser, used by the services to store identifiers in one canonical form
IDENTIFIER_NORMALISERS: dict[str, Callable[[str], str]] = {
    "pnc_id": identifiers.normalise_pnc_id,
    "cro_number": identifiers.normalise_cro_number,
    "urn": identifiers.normalise_urn,
    "ni_number": identifiers.normalise_ni_number,
    "prison_number": identifiers.normalise_prison_number,
    "crn": identifiers.normalise_crn,
    "nhs_number": identifiers.normalise_nhs_number,
}


# Characters a name may not hold: control characters (Cc), format characters (Cf: zero-width
# spaces and joiners, bidirectional overrides and isolates, the byte-order mark, soft hyphens),
# surrogates, private-use and unassigned code points, and line or paragraph separators. A
# zero-width character hides a record from search; a right-to-left override shows a name reversed.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
NAME_FIELDS = {"first_name": "First name", "middle_names": "Middle names", "last_name": "Last name"}


def hidden_character(value: str) -> str | None:
    """The first character of ``value`` a name may not hold, as ``U+XXXX``, or ``None``.

    Every such character is one ``str.isprintable`` refuses (Python's "Other" and "Separator"
    categories but the space: the categories above, and the spaces other than " " that
    ``isspace`` finds), so a printable value, nearly every value, is answered by that one call in
    C; only the others are read a character at a time (a test checks every code point)."""
    if value.isprintable():
        return None
    for char in value:
        if unicodedata.category(char) in _HIDDEN_CATEGORIES or (char.isspace() and char != " "):
            return f"U+{ord(char):04X}"
    return None


def name_errors(fields: dict[str, object], prefix: str = "") -> dict[str, list[str]]:
    """A message for each name in ``fields`` holding a control or invisible character, keyed by the
    field (with ``prefix``, e.g. ``aliases[0].``), naming it."""
    errors: dict[str, list[str]] = {}
    for name, label in NAME_FIELDS.items():
        value = fields.get(name)
        found = hidden_character(value) if isinstance(value, str) else None
        if found:
            errors[f"{prefix}{name}"] = [f"{label} contains a control or invisible character ({found}): type the name again without it"]
    return errors
