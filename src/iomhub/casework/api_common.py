"""What the casework API modules share: the documented refusals and write errors, and turning a
service's ``ValidationError`` or ``StaleEdit`` into a problem document (ADR 0030)."""

from __future__ import annotations

from typing import Any, NoReturn

from drf_spectacular.utils import OpenApiResponse
from rest_framework.exceptions import ValidationError as DrfValidationError

from iomhub.access.api_problems import stale
from iomhub.access.models import Organisation, User
from iomhub.people.services import StaleEdit

MAX_ID = 2**31 - 1
REFUSALS: dict[int, Any] = {
    403: OpenApiResponse(description="Not allowed (for example, the section is not shared with you)"),
    404: OpenApiResponse(description="Not found or not visible to you"),
}
WRITE_ERRORS: dict[int, Any] = {
    400: OpenApiResponse(description="Field-level errors"),
    409: OpenApiResponse(description="Someone else changed it first (stale version): nothing was saved"),
    **REFUSALS,
}
FIELD_ERRORS: dict[int, Any] = {400: OpenApiResponse(description="Field-level errors"), **REFUSALS}


def raise_stale(exc: StaleEdit) -> NoReturn:
    raise stale(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from exc


def user_or_400(pk: int | None, name: str) -> User | None:
    if pk is None:
        return None
    found = User.objects.filter(pk=pk).first()
    if found is None:
        raise DrfValidationError({name: ["No such user"]})
    return found


def organisation_or_400(pk: int, name: str) -> Organisation:
    found = Organisation.objects.filter(pk=pk).first()
    if found is None:
        raise DrfValidationError({name: ["No such organisation"]})
    return found
