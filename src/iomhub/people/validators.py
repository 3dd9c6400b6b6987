"""Django validators wrapping the pure identifier rules in :mod:`iomhub.rules.identifiers`."""

from __future__ import annotations

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
