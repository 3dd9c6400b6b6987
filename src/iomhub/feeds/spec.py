"""What makes a feed a feed (ADR 0014): its columns, how a row is checked beyond the shared
identity columns, and how a checked row is written to the record. ``feeds.services`` runs every
feed through the same reading, checking, linkage, batches, review queue and error report."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from iomhub.access.models import User
    from iomhub.feeds.linkage import Link
    from iomhub.feeds.models import ImportRun
    from iomhub.feeds.rows import FeedRow, Identity, RowFaults

# (natural key beyond the person, facts to record, values compared when the key is met again)
Checked = tuple[tuple[str, ...], dict[str, Any], tuple[str, ...]]
Check = Callable[[dict[str, str], "RowFaults", "Identity | None", frozenset[str]], "Checked | None"]
Record = Callable[["FeedRow", "Link", "ImportRun", "User"], bool]
After = Callable[["ImportRun", "User"], object]


@dataclass(frozen=True)
class FeedSpec:
    feed: str  # a ``models.Feed`` value
    title: str  # "custody arrests", as a page heading says it
    doc: str  # the schema, in docs/feeds/
    columns: tuple[str, ...]
    may_be_blank: frozenset[str]
    max_length: Mapping[str, int]
    dates: frozenset[str]  # date columns (a spreadsheet date cell's midnight is ignored)
    check: Check
    record: Record  # True if recorded, False if already there; raises ValidationError naming fields
    service_columns: Mapping[str, str]  # a service's field -> the file's column, for its refusals
    duplicate_words: str  # what two rows of the same key share, for "Duplicate of line N: …"
    creates_people: bool = True  # a row about nobody on IOM Hub creates the person (else is rejected)
    help_text: str = ""
    after_import: After | None = None  # run once the rows are in (alerts)
