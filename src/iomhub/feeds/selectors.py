"""Reads of the feeds' bookkeeping, authorised and audited.

An import run, its rejected rows and its error report are its importer's: they hold the rows of a
file that person uploaded. Anyone else gets the same 404 as for a run that does not exist (audited).
The review queue is the coordinators' and chairs' (``Action.COHORT_MANAGE``); the people a row may
be are listed only where the reader may see them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.models import AuditAction
from iomhub.access.policy import Action, can, people_filter
from iomhub.feeds.models import ImportRun, LinkReview, LinkReviewCandidate
from iomhub.feeds.registry import spec_for
from iomhub.feeds.rows import parse_date, parse_datetime
from iomhub.people.models import Person

if TYPE_CHECKING:
    from iomhub.access.models import User


def may_open_run(user: User, started_by_id: int | None) -> bool:
    """An import run is its importer's: a coordinator or chair (``Action.COHORT_MANAGE``) who started
    it (the run page, the API's run and error report, and the link to it from a record's source)."""
    return started_by_id == user.pk and can(user, Action.COHORT_MANAGE)


def run_get_for(*, user: User, run_id: int, export: bool = False) -> ImportRun:
    run = ImportRun.objects.filter(pk=run_id).first()
    if run is None or not may_open_run(user, run.started_by_id):
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


def runs_for(*, user: User, feed: str | None = None) -> QuerySet[ImportRun]:
    """The user's own runs (of ``feed``), newest first (file name, status, counts: no row of the
    file), so an upload imported in the background can be found again."""
    if not can(user, Action.COHORT_MANAGE):
        deny(user=user, action=Action.COHORT_MANAGE, reason="import runs are the importer's", object_type="import-run")
    runs = ImportRun.objects.filter(started_by=user)
    return (runs if feed is None else runs.filter(feed=feed)).order_by("-started_at", "-id")


def recent_runs(*, user: User, feed: str, limit: int = 10) -> list[ImportRun]:
    """The user's own latest runs of ``feed``."""
    return list(runs_for(user=user, feed=feed)[:limit])


@dataclass(frozen=True)
class ReviewItem:
    review: LinkReview
    # {"person": Person, "reasons": [...]}: the people the row was offered against (every one of
    # whom this reader sees: a row offered against anyone hidden from them is not theirs, below)
    candidates: list[dict[str, Any]]

    @property
    def someone_new(self) -> bool:
        """Decided as someone new: the person decided on was not among those offered."""
        return self.review.person_id is not None and all(c["person"].pk != self.review.person_id for c in self.candidates)


def reviews_for(*, user: User, status: str | None = LinkReview.Status.OPEN, run_id: int | None = None) -> QuerySet[LinkReview]:
    """The rows of the review queue ``user`` may read and decide, oldest import first: a row is the
    reader's only when they see every person it was offered against, and the person decided on.
    Listing it with a candidate left out would still tell them of someone hidden (its ``why``
    says "2 records hold the PNC ID …"; a row with no candidate left says someone matches), and
    deciding it "someone new" would add a duplicate of a person they cannot see: it is left to
    someone who sees them all (the importer did, when the row was queued)."""
    if not can(user, Action.COHORT_MANAGE):
        deny(user=user, action=Action.COHORT_MANAGE, reason="the review queue is the coordinator's and chair's", object_type="link-review")
    found = LinkReview.objects.order_by("run_id", "line", "pk")
    if status is not None:
        found = found.filter(status=status)
    if run_id is not None:
        found = found.filter(run_id=run_id)
    # The people the reader may not see (for a coordinator or chair: restricted records without a
    # grant; usually none), as a subquery
    hidden = Person.objects.exclude(people_filter(user)).order_by().values("pk")
    if hidden.exists():
        # In SQL, by the candidates' rows (``LinkReviewCandidate``, indexed by person): never a
        # read of every row's candidates. A row with no person decided is kept (NULL is not hidden).
        offered_hidden = LinkReviewCandidate.objects.filter(person_id__in=hidden).values("review_id")
        found = found.exclude(person__in=hidden).exclude(pk__in=offered_hidden)
    return found


def review_items(*, user: User, reviews: list[LinkReview], object_id: Any = "", action: str = AuditAction.SEARCH) -> list[ReviewItem]:
    """``reviews`` (from ``reviews_for``) with the people each was offered against and the person
    decided on; audited as a list of people shown (``listed`` against each)."""
    wanted = {c["person_id"] for r in reviews for c in r.candidates} | {r.person_id for r in reviews if r.person_id is not None}
    visible = {p.pk: p for p in Person.objects.filter(people_filter(user), pk__in=wanted)}
    items = []
    for review in reviews:
        shown = [{"person": visible[c["person_id"]], "reasons": c["reasons"]} for c in review.candidates if c["person_id"] in visible]
        if review.person_id is not None and review.person_id in visible:
            review.person = visible[review.person_id]
        items.append(ReviewItem(review, shown))
    shown_ids = [c["person"].pk for item in items for c in item.candidates]
    shown_ids += [r.person_id for r in reviews if r.person_id in visible]
    audit.record_shown(
        actor=user,
        person_ids=sorted(set(shown_ids)),
        object_type="link-review",
        object_id=object_id,
        changes={"purpose": "feed review queue", "rows": [r.pk for r in reviews]},
        action=action,
    )
    return items


def review_queue(*, user: User, limit: int = 100, offset: int = 0, run_id: int | None = None) -> list[ReviewItem]:
    """The open rows of the review queue, with the people each may be; audited as a list of people shown."""
    reviews = list(reviews_for(user=user, run_id=run_id).select_related("decided_by")[offset : offset + limit])
    return review_items(user=user, reviews=reviews)


def review_get_for(*, user: User, review_id: int) -> LinkReview:
    """One row of the review queue, open or decided, if it is ``user``'s (``reviews_for``); anyone
    else, and a row that does not exist, get the same 404 (audited). Its people are audited when
    it is shown (``review_item``)."""
    review = reviews_for(user=user, status=None).select_related("decided_by", "run").filter(pk=review_id).first()
    if review is None:
        deny(
            user=user,
            action=Action.COHORT_MANAGE,
            reason="review row not visible to this user",
            object_type="link-review",
            object_id=review_id,
            not_found=True,
        )
    return review


def review_item(*, user: User, review: LinkReview) -> ReviewItem:
    """One row as shown, its people audited as shown."""
    return review_items(user=user, reviews=[review], object_id=review.pk, action=AuditAction.VIEW)[0]


# The feeds' date-and-time columns (their date columns are each feed's ``FeedSpec.dates``)
DATETIMES = frozenset({"arrested_at"})


def review_dates(review: LinkReview) -> dict[str, datetime.date | datetime.datetime]:
    """The row's dates and times as read (by column): its values are the file's text, checked when
    imported; a date may come with a spreadsheet's midnight ("1990-03-04 00:00:00"), a time without
    an offset is England's. A value that does not read as one is left out (the page and the API
    show it as the file has it)."""
    spec = spec_for(review.run.feed)
    read: dict[str, datetime.date | datetime.datetime] = {}
    for column, raw in review.values.items():
        text = str(raw).strip()
        if column in spec.dates:
            day, _ = parse_date(text[:10] if len(text) in (16, 19) and text.endswith("00:00") else text)
            if day is not None:
                read[column] = day
        elif column in DATETIMES:
            moment, _ = parse_datetime(text)
            if moment is not None:
                read[column] = moment
    return read
