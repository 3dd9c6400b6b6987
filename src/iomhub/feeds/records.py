"""Writing a row of the releases, court outcomes or offending history feed once (ADR 0014 §3):
the feed + person + natural key is one ``FeedRecord`` (a unique constraint). Met again with the
same values, the row is unchanged; with other values it is refused naming both, since a record is
corrected by a person on the Justice tab, never overwritten by a feed."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

from iomhub.feeds.models import FeedRecord

if TYPE_CHECKING:
    from iomhub.feeds.linkage import Link
    from iomhub.feeds.models import ImportRun
    from iomhub.feeds.rows import FeedRow
    from iomhub.people.models import Person


Written = int | tuple[int, datetime.datetime | None]  # the id written, and for an override the overridden_at it set


def record_once(row: FeedRow, link: Link, run: ImportRun, *, object_type: str, column: str, write: Callable[[Person], Written]) -> bool:
    """``write`` the row for the linked person (returning the id written, or the id and the
    override's time) unless its key is already recorded: True if written, False if unchanged; a
    conflicting re-import is refused on ``column``."""
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
    made = write(link.person)
    object_id, written_at = made if isinstance(made, tuple) else (made, None)
    FeedRecord.objects.create(
        feed=row.feed,
        person=link.person,
        key=row.record_key,
        object_type=object_type,
        object_id=object_id,
        fingerprint=list(row.fingerprint),
        method=link.method,
        agreed=list(link.agreed),
        run=run,
        line=row.line,
        row_key=row.row_key,
        written_at=written_at,
    )
    return True
