"""Writing a row of the releases, court outcomes or offending history feed once (ADR 0014 §3):
the feed + person + natural key is one ``FeedRecord`` (a unique constraint). Met again with the
same values, the row is unchanged; with other values it is refused naming both, since a record is
corrected by a person on the Justice tab, never overwritten by a feed."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from django.core.exceptions import ValidationError

from iomhub.feeds.models import FeedRecord

if TYPE_CHECKING:
    from iomhub.feeds.linkage import Link
    from iomhub.feeds.models import ImportRun
    from iomhub.feeds.rows import FeedRow
    from iomhub.people.models import Person


class Written(NamedTuple):
    """What ``write`` wrote: the id, and for an override the ``overridden_at`` it set (kept on the
    row as ``FeedRecord.written_at``)."""

    object_id: int
    written_at: datetime.datetime | None = None


def record_once(row: FeedRow, link: Link, run: ImportRun, *, object_type: str, column: str, write: Callable[[Person], Written]) -> bool:
    """``write`` the row for the linked person unless its key is already recorded: True if written,
    False if unchanged; a conflicting re-import is refused on ``column``."""
    existing = FeedRecord.objects.filter(feed=row.feed, person=link.person, key=row.record_key).first()
    if existing is not None:
        if list(existing.fingerprint) != list(row.fingerprint):
            raise ValidationError(
                {
                    column: [
                        f"Already recorded (import {existing.run_id}, line {existing.line}) as {', '.join(existing.fingerprint)}; "
                        f"the file says {', '.join(row.fingerprint)}. Correct it on the person's Justice tab."
                    ]
                }
            )
        return False
    written = write(link.person)
    FeedRecord.objects.create(
        feed=row.feed,
        person=link.person,
        key=row.record_key,
        object_type=object_type,
        object_id=written.object_id,
        fingerprint=list(row.fingerprint),
        method=link.method,
        agreed=list(link.agreed),
        run=run,
        line=row.line,
        row_key=row.row_key,
        written_at=written.written_at,
    )
    return True
