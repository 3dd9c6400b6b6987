"""Importing feeds: nothing lost, nothing twice (issue 11 §2; ADR 0014).

``feed_import`` runs any feed (``feeds.registry``): it reads the file (``feeds.reading``), checks
each row on its own (``feeds.rows`` and the feed's own ``check``), links it to a person
(``feeds.linkage``) and writes it through the record's services (the feed's ``record``), acting as
the user who runs the import, so the one access policy decides and the audit log names them.

- Every row ends as exactly one of: imported, unchanged (already recorded under the feed's natural
  key, which the database enforces), rejected (line, column, reason) or sent to review.
- Rows are committed in batches, each row in its own savepoint: a run killed part-way keeps whole
  batches only, and running the file again completes it, the natural key skipping what is there.
"""

from __future__ import annotations

import gc
import getpass
import hashlib
import logging
import socket
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone

from iomhub.access import audit
from iomhub.access.models import AuditAction, User
from iomhub.feeds.actors import SYSTEM_USERNAME, authorise, feed_system_user
from iomhub.feeds.ahead import read_ahead as read_ahead_of
from iomhub.feeds.bulk import Ahead, import_arrests_batch, prefetch
from iomhub.feeds.linkage import Link, Uncertain, agreed_fields, link_for
from iomhub.feeds.linkage_model import probable
from iomhub.feeds.models import ArrestLink, Feed, FeedRecord, ImportRun, LinkMethod, LinkReview, Rejection
from iomhub.feeds.reading import FileRefused, RawRow, read_table
from iomhub.feeds.registry import spec_for
from iomhub.feeds.rows import FeedRow, Identity, RowFaults, check_row
from iomhub.feeds.spec import FeedSpec
from iomhub.feeds.tally import Progress, Tally, catalogue, reject, service_faults
from iomhub.people.models import Person
from iomhub.people.selectors import person_get_for
from iomhub.people.services import NewPerson, PossibleDuplicates, person_create
from iomhub.pg_arrays import one_of

log = logging.getLogger(__name__)

__all__ = ["BATCH_SIZE", "SYSTEM_USERNAME", "arrests_import", "feed_import", "feed_system_user", "import_row", "review_decide"]

BATCH_SIZE = 2000  # issue 11 throughput (ADR 0037 addendum): fewer, larger batches; a killed run keeps whole batches
FAULT = (
    "The import stopped because of a fault. Rows counted above were recorded; import the file again "
    "to complete it (rows already recorded are not recorded twice)."
)


def _new_person(who: Identity, acting_user: User, spec: FeedSpec, *, confirmed_new: bool = False) -> Any:
    fields: dict[str, Any] = {"first_name": who.given_name, "last_name": who.family_name, "date_of_birth": who.date_of_birth}
    for name in ("pnc_id", "prison_number"):
        if getattr(who, name):
            fields[name] = getattr(who, name)
    purpose = f"{spec.title} import" if not confirmed_new else "feed review"
    return person_create(acting_user=acting_user, new=NewPerson(fields=fields), confirmed_new=confirmed_new, purpose=purpose)


def _create_person(row: FeedRow, acting_user: User, spec: FeedSpec) -> Link:
    if not spec.creates_people:
        raise ValidationError(
            {
                "__all__": [
                    f"Nobody on IOM Hub you may see matches this row (prison number, PNC ID, or name and date of birth): {spec.title} "
                    "are recorded only for people already on IOM Hub"
                ]
            }
        )
    try:
        person = _new_person(row.identity, acting_user, spec)
    except PossibleDuplicates as exc:
        candidates = [{"person_id": m.person.pk, "reasons": list(m.reasons)} for m in exc.found.matches]
        raise Uncertain("This person may already be on IOM Hub", candidates) from exc
    return Link(person, LinkMethod.CREATED, tuple(agreed_fields(row.identity, person)))


def import_row(row: FeedRow, *, run: ImportRun, acting_user: User, link: Link | None = None) -> bool:
    """One checked row: link (or take ``link``), create the person if nobody matches and the feed
    may, write the row. True if recorded, False if unchanged; raises ``Uncertain`` or ``ValidationError``."""
    spec = spec_for(row.feed)
    if link is None and _seen_before(row):
        return False
    if link is None:
        link = link_for(row.identity, row_key=row.row_key, user=acting_user) or _create_person(row, acting_user, spec)
    return spec.record(row, link, run, acting_user)


def _seen_before(row: FeedRow) -> bool:
    """This very row (same identity, same key) was recorded by an earlier import: unchanged, whoever
    linkage would pick today (people added since, a retrained model), so a re-import changes nothing.
    With other values it goes the usual way, to be refused naming both."""
    if row.feed == Feed.ARRESTS:
        return any((a.offence_code, a.outcome) == row.fingerprint for a in ArrestLink.objects.filter(row_key=row.row_key))
    return any(tuple(r.fingerprint) == row.fingerprint for r in FeedRecord.objects.filter(feed=row.feed, row_key=row.row_key))


def to_review(tally: Tally, run: ImportRun, row: FeedRow, uncertain: Uncertain) -> None:
    """The row sent to the review queue: held in ``tally`` until its batch is done (``_queue_reviews``)."""
    tally.reviews.append(
        LinkReview(row_key=row.row_key, run=run, line=row.line, values=row.values, candidates=uncertain.candidates, why=uncertain.why)
    )
    tally.review += 1


def _queue_reviews(tally: Tally) -> None:
    """The batch's rows sent to review, put on the queue as ``get_or_create`` by row key did one by
    one: a key the queue holds already (the same row imported again) keeps its entry; the others
    are inserted in one statement, in the order they were sent (a run's keys are distinct: a row
    met twice is a duplicate, rejected). ``ignore_conflicts`` only for a key another import puts
    on the queue between the look-up and the insert, which ``get_or_create`` also left as it found."""
    pending, tally.reviews = tally.reviews, []
    if not pending:
        return
    held = set(one_of(LinkReview.objects.order_by().values_list("row_key", flat=True), "row_key", {r.row_key for r in pending}))
    LinkReview.objects.bulk_create([r for r in pending if r.row_key not in held], ignore_conflicts=True)


def _import_one(item: FeedRow, spec: FeedSpec, run: ImportRun, acting_user: User, tally: Tally) -> None:
    try:
        with transaction.atomic():
            recorded = import_row(item, run=run, acting_user=acting_user)
    except Uncertain as uncertain:
        to_review(tally, run, item, uncertain)
    except ValidationError as exc:
        reject(tally, run, item.line, item.values, service_faults(exc, spec))
    except (PermissionDenied, Http404):
        reject(tally, run, item.line, item.values, [("", f"You may not record {spec.title} for this person")])
    except IntegrityError:
        reject(tally, run, item.line, item.values, [("", "Recorded by another import at the same moment: import the file again")])
    else:
        if recorded:
            tally.imported += 1
        else:
            tally.unchanged += 1


def _import_batch(
    batch: list[FeedRow | RowFaults], spec: FeedSpec, run: ImportRun, acting_user: User, tally: Tally, ahead: Ahead | None = None
) -> None:
    with transaction.atomic():
        good: list[FeedRow] = []
        for item in batch:
            if isinstance(item, RowFaults):
                reject(tally, run, item.line, item.values, item.faults)
            else:
                good.append(item)
        if spec.feed == Feed.ARRESTS:  # a batch at a time, the same rules (feeds.bulk; ADR 0037)
            good = import_arrests_batch(good, run=run, acting_user=acting_user, tally=tally, spec=spec, ahead=ahead)
        for item in good:
            _import_one(item, spec, run, acting_user, tally)
        for _ in batch:  # progress row by row, inside the batch's transaction
            tally.rows += 1
            tally.tick()
        _queue_reviews(tally)
        Rejection.objects.bulk_create(tally.rejections)
        tally.rejections = []
        ImportRun.objects.filter(pk=run.pk).update(**tally.counts())


def feed_import(
    *,
    feed: str,
    acting_user: User,
    data: bytes,
    file_name: str,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
    via: str = "browser",
    committed: Callable[[int], None] | None = None,
    run: ImportRun | None = None,
    read_ahead: bool = True,
) -> ImportRun:
    """Import a file of ``feed`` (CSV or XLSX). Returns the run with its counts; a file that cannot
    be read at all is a run with ``refused`` set and nothing imported. ``run``: a queued upload's
    run to import into (``feeds.tasks``), rather than a new one. ``read_ahead``: the next batch
    read and checked by a second thread while a batch is imported, and on PostgreSQL, outside a
    transaction, its linkage reads made there too (``feeds.ahead``); False: one batch after
    another, every read in its turn (the same outcome)."""
    spec = spec_for(feed)
    authorise(acting_user)
    if run is not None:  # a queued upload's: its task says how it ended, whatever stops it (``feeds.tasks``)
        return _import_into(run, spec, acting_user, data, file_name, batch_size, progress, via, committed, read_ahead)
    run = ImportRun.objects.create(
        feed=Feed(feed), file_name=file_name[:255], sha256=hashlib.sha256(data).hexdigest(), started_by=acting_user, via=via
    )
    try:
        return _import_into(run, spec, acting_user, data, file_name, batch_size, progress, via, committed, read_ahead)
    except (Exception, KeyboardInterrupt):
        _stopped(run)
        raise


def _stopped(run: ImportRun) -> None:
    """A run this process made (the command line's), stopped part-way by a fault: said so, as a
    queued upload's task says it, rather than left "importing" with no end. The batches committed
    before the fault are kept; running the file again completes it. If the database is what
    failed, this may fail too: the run is then left as it was, the fault raised all the same."""
    try:
        ImportRun.objects.filter(pk=run.pk, finished_at__isnull=True).update(finished_at=timezone.now(), fault=FAULT)
    except Exception:
        log.warning("import run %s: could not record that it stopped", run.pk, exc_info=True)


def _import_into(
    run: ImportRun,
    spec: FeedSpec,
    acting_user: User,
    data: bytes,
    file_name: str,
    batch_size: int,
    progress: Progress | None,
    via: str,
    committed: Callable[[int], None] | None,
    read_ahead: bool,
) -> ImportRun:
    where = {"command": f"from the command line by {getpass.getuser()} on {socket.gethostname()}", "api": "uploaded through the API"}.get(
        via, "uploaded in the browser"
    )
    try:
        table = read_table(data, file_name, spec.columns, spec.doc)
    except FileRefused as exc:
        run.refused = str(exc)
        run.finished_at = timezone.now()
        run.save(update_fields=["refused", "finished_at"])
        _audit_run(run, acting_user, where)
        return run
    tally = Tally(progress=progress, total=table.total)
    batches = _checked_batches(table.rows, spec, catalogue(), batch_size)
    # The people on record, the population the linkage model scales for, counted once for the import
    # and then only those added since (``probable.people_counted``; nobody is merged by an import).
    with _young_collections_only() as collect, probable.people_counted(), _ahead(batches, spec, acting_user, read_ahead) as prepared:
        for batch, ahead in prepared:
            _import_batch(batch, spec, run, acting_user, tally, ahead)
            if len(batch) >= batch_size:  # each full batch, as before (the last, if short, is not)
                collect()
                if committed is not None:  # told after each batch is committed (the command's kill hook)
                    committed(tally.rows)
    run.refresh_from_db()
    run.finished_at = timezone.now()
    run.save(update_fields=["finished_at"])
    _audit_run(run, acting_user, where)
    if spec.after_import is not None:
        with transaction.atomic():
            spec.after_import(run, acting_user)
    return run


def _checked_batches(rows: Iterator[RawRow], spec: FeedSpec, codes: frozenset[str], batch_size: int) -> Iterator[list[FeedRow | RowFaults]]:
    """The file's rows checked (``check_row``), a row whose key an earlier line has refused as a
    duplicate of it, in batches of ``batch_size``."""
    seen: dict[str, int] = {}
    batch: list[FeedRow | RowFaults] = []
    for raw in rows:
        checked = check_row(raw, spec, codes)
        if isinstance(checked, FeedRow):
            first = seen.setdefault(checked.row_key, checked.line)
            if first != checked.line:
                checked = RowFaults(checked.line, checked.values, [("", f"Duplicate of line {first}: {spec.duplicate_words}")])
        batch.append(checked)
        if len(batch) >= batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


Prepared = tuple[list[FeedRow | RowFaults], Ahead | None]


@contextmanager
def _ahead(
    batches: Iterator[list[FeedRow | RowFaults]], spec: FeedSpec, acting_user: User, read_ahead: bool
) -> Iterator[Iterator[Prepared]]:
    """The checked batches, each with its reads made ahead (``feeds.bulk.prefetch``) or None.

    With ``read_ahead``, a second thread reads and checks the next batch while one is imported
    (``feeds.ahead``); on PostgreSQL, for the arrests feed, outside any transaction of the caller's
    (which another connection could not see into), it also makes the batch's linkage reads on its
    own connection. Their ``low`` is the highest person id on record when the caller takes the
    batch before, before it creates anyone (``linkage_batch.Prefetched``)."""
    if not read_ahead:
        yield ((batch, None) for batch in batches)
        return
    reads = spec.feed == Feed.ARRESTS and connection.vendor == "postgresql" and not connection.in_atomic_block

    def prepare(batch: list[FeedRow | RowFaults], low: int | None) -> Prepared:
        if low is None:
            return batch, None
        return batch, prefetch([r for r in batch if isinstance(r, FeedRow)], acting_user, low)

    def highest() -> int | None:
        return (Person.objects.aggregate(highest=Max("pk"))["highest"] or 0) if reads else None

    with closing(read_ahead_of(batches, prepare, highest)) as prepared:
        yield prepared


@contextmanager
def _young_collections_only() -> Iterator[Callable[[], None]]:
    """While the rows are read, checked and written: the garbage collector's automatic collections
    paused, and the young generations collected once after each batch (``collect``), never the whole
    heap. Each full collection walks every object of the process (Django, the apps, the linkage
    model's caches), about two a 2,000-row batch, a quarter of the CPU of a batch of people on
    record (ADR 0037 addendum, "rows of people on record cheaper"). What a batch leaves in cycles
    is collected after it, as before; the state the collector was in is restored after the import.
    Not ``gc.freeze``: a server worker has frozen its own objects (``config.gunicorn``), which an
    unfreeze would hand back."""
    was_enabled = gc.isenabled()
    gc.disable()

    def collect() -> None:
        if was_enabled:
            gc.collect(1)

    try:
        yield collect
    finally:
        if was_enabled:
            gc.enable()


def arrests_import(**kwargs: Any) -> ImportRun:
    """The custody arrests feed (``feed_import(feed="arrests", …)``)."""
    return feed_import(feed=Feed.ARRESTS, **kwargs)


def _audit_run(run: ImportRun, acting_user: User, where: str) -> None:
    audit.record(
        actor=acting_user,
        action=AuditAction.CREATE,
        object_type="import-run",
        object_id=run.pk,
        changes={"feed": run.feed, "file_name": run.file_name, "sha256": run.sha256, "refused": run.refused, **run.counts()},
        reason=f"{run.get_feed_display()} import {where}",
    )


def review_decide(*, acting_user: User, review_id: int, person_id: int | None) -> LinkReview:
    """A coordinator's decision on a row of the review queue: it is about ``person_id`` (one of the
    people offered), or about someone new (``None``: created, the possible duplicates seen). The
    row is then written as any other; a later import of the row follows the decision."""
    authorise(acting_user)
    with transaction.atomic():
        review = LinkReview.objects.select_for_update().select_related("run").filter(pk=review_id).first()
        if review is None or review.status != LinkReview.Status.OPEN:
            raise ValidationError({"decision": ["This row has already been decided"]})
        spec = spec_for(review.run.feed)
        checked = check_row(RawRow(review.line, review.values), spec, catalogue())
        if isinstance(checked, RowFaults):
            raise ValidationError({"decision": [f"The row no longer passes its checks: {checked.faults[0][1]}"]})
        if person_id is not None:
            if person_id not in {c["person_id"] for c in review.candidates}:
                raise ValidationError({"decision": ["Select one of the people offered, or that they are new"]})
            person = person_get_for(user=acting_user, person_id=person_id, audit_read=False)
        else:
            person = _new_person(checked.identity, acting_user, spec, confirmed_new=True)
        link = Link(person, LinkMethod.REVIEWED, tuple(agreed_fields(checked.identity, person)))
        import_row(checked, run=review.run, acting_user=acting_user, link=link)
        review.status = LinkReview.Status.DECIDED
        review.person = person
        review.decided_by = acting_user
        review.decided_at = timezone.now()
        review.save(update_fields=["status", "person", "decided_by", "decided_at"])
        audit.record(
            actor=acting_user,
            action=AuditAction.CHANGE,
            object_type="link-review",
            object_id=review.pk,
            person_id=person.pk,
            changes={"decision": "link" if person_id is not None else "create", "person": person.pk},
        )
    return review
