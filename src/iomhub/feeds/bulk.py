"""The custody arrests feed, a batch at a time (issue 11: throughput; ADR 0037).

The rules are those of ``feeds.services.import_row`` row by row; the work is done per batch:
rows already recorded are found in one query, linked in a few (``feeds.linkage_batch``, the model
scoring every doubtful pair in one DuckDB query), new people are created through
``people.bulk.person_create_many`` (``person_create``'s duplicate rules) and arrests through
``justice.services.bulk.arrests_record_many``, each written in bulk with one audit event per record
against its person. Any row whose answer could depend on another row of the same batch (a person
created by an earlier row it may be; the same arrest twice; a key already recorded with other values)
is left to the row-by-row path, after the batch, so the outcome is what a row-by-row import gives.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from iomhub.bulk_insert import insert_values
from iomhub.feeds.linkage import Link, Uncertain, agreed_fields
from iomhub.feeds.linkage_batch import Prefetched, links_for_many
from iomhub.feeds.linkage_batch import prefetch as prefetch_people
from iomhub.feeds.linkage_model import probable
from iomhub.feeds.linkage_model.probable import blocks
from iomhub.feeds.linkage_model.settings import record
from iomhub.feeds.models import ArrestLink, LinkMethod
from iomhub.feeds.tally import reject, service_faults
from iomhub.justice.services.bulk import NewArrest, arrests_record_many
from iomhub.people.bulk import person_create_many
from iomhub.people.services import NewPerson, PossibleDuplicates
from iomhub.pg_arrays import one_of

if TYPE_CHECKING:
    from iomhub.access.models import User
    from iomhub.feeds.models import ImportRun
    from iomhub.feeds.rows import FeedRow
    from iomhub.feeds.spec import FeedSpec
    from iomhub.feeds.tally import Tally

__all__ = ["Ahead", "import_arrests_batch", "prefetch"]


@dataclass(frozen=True)
class Ahead:
    """A batch's read-only reads made ahead, on PostgreSQL, on another connection while the batch
    before it was imported (``feeds.ahead``): the rows' keys already recorded (``_seen``: a run's
    row keys are distinct, so no batch of the run can record one of this batch's), and the
    candidate people of its rows not recorded (``linkage_batch.prefetch``, completed when used)."""

    seen: dict[str, set[tuple[str, str]]]
    people: Prefetched


def prefetch(rows: list[FeedRow], user: User, low: int) -> Ahead:
    """``Ahead`` for the checked ``rows`` of a batch; ``low``: see ``linkage_batch.Prefetched``."""
    seen = _seen(rows)
    pending = [r for r in rows if r.row_key not in seen]
    return Ahead(seen, prefetch_people([r.identity for r in pending], [r.row_key for r in pending], user, low))


def _entangled(rows: list[FeedRow], answers: list[object]) -> set[int]:
    """Rows (by index) whose answer could change because a row before them in the batch creates a
    person: the model scores them at least ``REVIEW_AT`` together, or the PNC IDs agree; each such
    row waits for the row-by-row path. The earlier new rows each row may be are found by the keys
    of the blocking rule (date of birth or swapped, family name, given name), then ``blocks``
    decides as before; scored in one query, like the rest."""
    new = [i for i, a in enumerate(answers) if a is None]
    if not new:
        return set()
    recs = [record(0, r.identity.given_name, r.identity.family_name, r.identity.date_of_birth, r.identity.pnc_id) for r in rows]
    keyed: dict[tuple[str, object], list[int]] = defaultdict(list)
    for j in new:
        who = rows[j].identity
        for key in (
            ("dob", who.date_of_birth),
            ("surname", recs[j]["surname"]),
            ("first_name", recs[j]["first_name"]),
            ("pnc", who.pnc_id),
        ):
            keyed[key].append(j)
    pairs, waiting = [], set()
    for i, row in enumerate(rows):
        who = row.identity
        keys = [("dob", who.date_of_birth), ("dob", probable.swapped(who.date_of_birth)), ("surname", recs[i]["surname"])]
        keys.append(("first_name", recs[i]["first_name"]))
        earlier = sorted({j for key in keys for j in keyed.get(key, ()) if rows[j].line < row.line})
        if who.pnc_id and any(rows[j].line < row.line for j in keyed.get(("pnc", who.pnc_id), ())):
            waiting.add(i)
        pairs += [(i, j) for j in earlier if not (who.pnc_id and who.pnc_id == rows[j].identity.pnc_id) and blocks(recs[i], recs[j])]
    people = {j: {**recs[j], "unique_id": j} for j in new}
    for i, scored in probable.score_many(recs, people, pairs).items():
        if any(s.probability >= probable.REVIEW_AT for s in scored):
            waiting.add(i)
    return waiting


def _seen(rows: list[FeedRow]) -> dict[str, set[tuple[str, str]]]:
    """The (offence, outcome) of each of the rows' keys already recorded: the keys as one array
    parameter on PostgreSQL (``pg_arrays.one_of``), not lists of 900 placeholders."""
    found: dict[str, set[tuple[str, str]]] = defaultdict(set)
    recorded = ArrestLink.objects.order_by().values_list("row_key", "offence_code", "outcome")
    for key, code, outcome in one_of(recorded, "row_key", {r.row_key for r in rows}):
        found[key].add((code, outcome))
    return found


def _new_people(rows: list[FeedRow], acting_user: User, spec: FeedSpec) -> list[Link | Uncertain | ValidationError | None]:
    news = []
    for row in rows:
        who = row.identity
        fields = {"first_name": who.given_name, "last_name": who.family_name, "date_of_birth": who.date_of_birth}
        fields.update({name: getattr(who, name) for name in ("pnc_id", "prison_number") if getattr(who, name)})
        news.append(NewPerson(fields=fields))
    answers: list[Link | Uncertain | ValidationError | None] = []
    for row, made in zip(rows, person_create_many(acting_user=acting_user, news=news, purpose=f"{spec.title} import"), strict=True):
        if isinstance(made, PossibleDuplicates):
            candidates = [{"person_id": m.person.pk, "reasons": list(m.reasons)} for m in made.found.matches]
            answers.append(Uncertain("This person may already be on IOM Hub", candidates))
        elif made is None or isinstance(made, ValidationError):
            answers.append(made)
        else:
            answers.append(Link(made, LinkMethod.CREATED, tuple(agreed_fields(row.identity, made))))
    return answers


def _same_arrest(todo: list[tuple[FeedRow, Link]]) -> set[int]:
    """Rows (by index in ``todo``) whose arrest is on record already under another row's key, or
    twice in the batch: the row-by-row path says unchanged or names both."""
    times = {row.facts["arrested_at"] for row, _ in todo}
    known = set()
    if todo:
        # The people's links between the batch's first and last arrest time, the people as one array
        # parameter (``pg_arrays.one_of``), then those at one of the batch's times: the links of the
        # people at those times, without thousands of placeholders.
        near = ArrestLink.objects.filter(arrested_at__range=(min(times), max(times))).order_by()
        for person_id, at, suite in one_of(
            near.values_list("person_id", "arrested_at", "suite_key"), "person_id", {link.person.pk for _, link in todo}
        ):
            if at in times:
                known.add((person_id, at, suite))
    waiting = set()
    for n, (row, link) in enumerate(todo):
        key = (link.person.pk, row.facts["arrested_at"], row.key[1])
        if key in known:
            waiting.add(n)
        known.add(key)
    return waiting


# The columns of an arrest's link, as ``_write`` gives them (the rows ``ArrestLink(...)`` would write).
_LINK_COLUMNS = (
    "person_id",
    "arrested_at",
    "suite_key",
    "arrest_id",
    "outcome",
    "offence_code",
    "method",
    "agreed",
    "run_id",
    "line",
    "row_key",
)


def _write(todo: list[tuple[FeedRow, Link]], run: ImportRun, acting_user: User, tally: Tally, spec: FeedSpec) -> None:
    zone = timezone.get_current_timezone()  # once, not once a row (``localdate`` looks it up each call)
    items = [
        NewArrest(
            person=link.person,
            arrested_on=timezone.localdate(row.facts["arrested_at"], zone),
            custody_suite=row.facts["custody_suite"],
            outcome=row.facts["outcome"],
            offence_codes=(row.facts["offence_code"],),
        )
        for row, link in todo
    ]
    links = []
    for (row, link), answer in zip(todo, arrests_record_many(acting_user=acting_user, items=items), strict=True):
        if isinstance(answer, ValidationError):
            reject(tally, run, row.line, row.values, service_faults(answer, spec))
            continue
        if isinstance(answer, PermissionDenied):
            reject(tally, run, row.line, row.values, [("", f"You may not record {spec.title} for this person")])
            continue
        facts = row.facts
        # ``answer`` is the arrest's id; the row's values in ``_LINK_COLUMNS``' order.
        person, at, suite, outcome, code = link.person.pk, facts["arrested_at"], row.key[1], facts["outcome"], facts["offence_code"]
        links.append((person, at, suite, answer, outcome, code, link.method, list(link.agreed), run.pk, row.line, row.row_key))
    insert_values(ArrestLink, _LINK_COLUMNS, links)  # as values, by COPY on PostgreSQL: no ArrestLink instance each
    tally.imported += len(links)


def import_arrests_batch(
    rows: list[FeedRow], *, run: ImportRun, acting_user: User, tally: Tally, spec: FeedSpec, ahead: Ahead | None = None
) -> list[FeedRow]:
    """Import the checked ``rows`` of one batch; returns the rows left to the row-by-row path (in
    line order). Counts, rejections and the review queue go to ``tally`` as row by row. ``ahead``:
    the batch's reads made ahead (``prefetch`` of these very rows), used in their place.

    In waves: a row whose answer could depend on a person an earlier row creates waits for the next
    wave, which links it with that person on record, as row by row."""
    seen = ahead.seen if ahead is not None else _seen(rows)
    pending = [r for r in rows if r.row_key not in seen]
    later = [r for r in rows if r.row_key in seen and r.fingerprint not in seen[r.row_key]]
    tally.unchanged += len(rows) - len(pending) - len(later)
    people = ahead.people if ahead is not None else None
    while pending:
        deferred = _wave(pending, run=run, acting_user=acting_user, tally=tally, spec=spec, later=later, ahead=people)
        if len(deferred) == len(pending):  # no progress: row by row
            later += deferred
            break
        pending = deferred
    return sorted(later, key=lambda r: r.line)


def _wave(
    fresh: list[FeedRow], *, run: ImportRun, acting_user: User, tally: Tally, spec: FeedSpec, later: list[FeedRow], ahead: Prefetched | None
) -> list[FeedRow]:
    """One wave: every row linked, created or sent to review, and written, but those returned (for
    the next wave) and those added to ``later`` (row by row)."""
    from iomhub.feeds.services import to_review

    # The people on record, the population the model scales for, are counted for the whole import
    # (``probable.people_counted`` around ``feeds.services.feed_import``'s batches), not here.
    answers: list[object] = list(links_for_many([r.identity for r in fresh], [r.row_key for r in fresh], user=acting_user, ahead=ahead))
    waiting = _entangled(fresh, answers)
    create = [i for i, a in enumerate(answers) if a is None and i not in waiting]
    for i, made in zip(create, _new_people([fresh[i] for i in create], acting_user, spec), strict=True):
        answers[i] = made
        if made is None:
            waiting.add(i)
    todo: list[tuple[FeedRow, Link]] = []
    for i, (row, answer) in enumerate(zip(fresh, answers, strict=True)):
        if i in waiting:
            continue
        if isinstance(answer, Uncertain):
            to_review(tally, run, row, answer)
        elif isinstance(answer, ValidationError):
            reject(tally, run, row.line, row.values, service_faults(answer, spec))
        elif isinstance(answer, Link):
            todo.append((row, answer))
    twice = _same_arrest(todo)
    later += [todo[n][0] for n in sorted(twice)]
    kept = (tally.imported, tally.rejected, len(tally.rejections))
    try:
        with transaction.atomic():
            _write([t for n, t in enumerate(todo) if n not in twice], run, acting_user, tally, spec)
    except IntegrityError:  # another import wrote the same arrest at the same moment: row by row
        tally.imported, tally.rejected = kept[0], kept[1]
        del tally.rejections[kept[2] :]
        later += [t[0] for n, t in enumerate(todo) if n not in twice]
    return [fresh[i] for i in sorted(waiting)]
