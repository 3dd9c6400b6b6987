"""What became of each row of an import run, counted as it goes, and a rejected row kept with its
line, column and reason (as the database can hold it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

from iomhub.feeds.models import ImportRun, LinkReview, Rejection
from iomhub.justice.models import OffenceCode

if TYPE_CHECKING:
    from iomhub.feeds.spec import FeedSpec

Progress = Callable[[int, int], None]
# A field of ``people.services.person_create`` -> the identity column of every feed.
_PERSON_COLUMNS = {"first_name": "given_name", "last_name": "family_name", "date_of_birth": "date_of_birth", "pnc_id": "pnc_id"}


@dataclass
class Tally:
    progress: Progress | None = None
    total: int = 0
    rows: int = 0
    imported: int = 0
    unchanged: int = 0
    rejected: int = 0
    review: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    reviews: list[LinkReview] = field(default_factory=list)  # sent to review, put on the queue after the batch

    def counts(self) -> dict[str, int]:
        return {"rows": self.rows, "imported": self.imported, "unchanged": self.unchanged, "rejected": self.rejected, "review": self.review}

    def tick(self) -> None:
        if self.progress is not None:
            self.progress(self.rows, self.total)


def catalogue() -> frozenset[str]:
    return frozenset(OffenceCode.objects.values_list("code", flat=True))


def storable(text: str) -> str:
    """``text`` as the database can hold it: bytes that were not UTF-8, and NUL, become U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace").replace("\x00", "\ufffd")


def reject(tally: Tally, run: ImportRun, line: int, values: dict[str, str], faults: list[tuple[str, str]]) -> None:
    tally.rejected += 1
    kept = {storable(name): storable(value) for name, value in values.items()}
    for column, reason in faults:
        tally.rejections.append(Rejection(run=run, line=line, column=column, reason=storable(reason), values=kept))


def service_faults(exc: ValidationError, spec: FeedSpec) -> list[tuple[str, str]]:
    """A service's refusal, each message against the file's column it is about."""
    columns = {**_PERSON_COLUMNS, "prison_number": "prison_number", **spec.service_columns}
    if hasattr(exc, "error_dict"):
        return [(columns.get(name, ""), message) for name, messages in exc.message_dict.items() for message in messages]
    return [("", message) for message in exc.messages]
