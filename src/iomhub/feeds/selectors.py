"""Reads of the feeds' bookkeeping, authorised and audited.

An import run, its rejected rows and its error report are its importer's: they hold the rows of a
file that person uploaded. Anyone else gets the same 404 as for a run that does not exist (audited).
The review queue is the coordinators' and chairs' (``Action.COHORT_MANAGE``); the people a row may
be are listed only where the reader may see them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.models import AuditAction
from iomhub.access.policy import Action, can, people_filter
from iomhub.feeds.models import ImportRun, LinkReview
from iomhub.people.models import Person

if TYPE_CHECKING:
    from iomhub.access.models import User


def run_get_for(*, user: User, run_id: int, export: bool = False) -> ImportRun:
    run = ImportRun.objects.filter(pk=run_id).first()
    if run is None or not can(user, Action.COHORT_MANAGE) or run.started_by_id != user.pk:
        deny(
            user=user,
            action=Action.COHORT_MANAGE,
            reason="import run not visible to this user",
            object_type="import-run",
            object_id=run_id,
            not_found=True,
        )
    audit.record(
        actor=user,
        action=AuditAction.EXPORT if export else AuditAction.VIEW,
        object_type="import-run",
        object_id=run.pk,
        changes={"what": "error report" if export else "result"},
    )
    return run


def recent_runs(*, user: User, feed: str, limit: int = 10) -> list[ImportRun]:
    """The user's own latest runs of ``feed`` (file name, status, counts: no row of the file), so an
    upload imported in the background can be found again."""
    if not can(user, Action.COHORT_MANAGE):
        deny(user=user, action=Action.COHORT_MANAGE, reason="import runs are the importer's", object_type="import-run")
    return list(ImportRun.objects.filter(started_by=user, feed=feed).order_by("-started_at", "-id")[:limit])


@dataclass(frozen=True)
class ReviewItem:
    review: LinkReview
    # {"person": Person, "reasons": [...]}: only the people this reader sees, and nothing said of any other
    candidates: list[dict[str, Any]]


def open_reviews(*, user: User) -> QuerySet[LinkReview]:
    if not can(user, Action.COHORT_MANAGE):
        deny(user=user, action=Action.COHORT_MANAGE, reason="the review queue is the coordinator's and chair's", object_type="link-review")
    return LinkReview.objects.filter(status=LinkReview.Status.OPEN).order_by("run_id", "line")


def review_queue(*, user: User, limit: int = 100) -> list[ReviewItem]:
    """The open rows of the review queue, with the people each may be; audited as a list of people shown."""
    reviews = list(open_reviews(user=user)[:limit])
    wanted = {c["person_id"] for r in reviews for c in r.candidates}
    visible = {p.pk: p for p in Person.objects.filter(people_filter(user), pk__in=wanted)}
    items = []
    for review in reviews:
        shown = [{"person": visible[c["person_id"]], "reasons": c["reasons"]} for c in review.candidates if c["person_id"] in visible]
        items.append(ReviewItem(review, shown))
    audit.record_shown(
        actor=user,
        person_ids=sorted({c["person"].pk for item in items for c in item.candidates}),
        object_type="link-review",
        changes={"purpose": "feed review queue", "rows": [r.pk for r in reviews]},
    )
    return items
