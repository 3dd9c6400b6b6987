"""Importing feeds: nothing lost, nothing twice (issue 11 §2; ADR 0014).

``arrests_import`` reads the file (``feeds.arrests``), checks each row on its own, links it to a
person (``feeds.linkage``) and records the arrest through ``justice.services.arrest_record`` and
new people through ``people.services.person_create``, acting as the user who runs the import, so the
one access policy decides and the audit log names them for every write.

- Every row ends as exactly one of: imported, unchanged (its arrest is already recorded under the
  natural key person + arrested_at + custody suite, which the database enforces), rejected (with its
  line, column and reason) or sent to review (a person must decide who it is about).
- Rows are committed in batches, each row in its own savepoint: a run killed part-way keeps whole
  batches only, and running the file again completes it, the natural key skipping what is there.
"""

from __future__ import annotations

import getpass
import hashlib
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.models import AuditAction, Role, RoleAssignment, User
from iomhub.access.policy import Action, decide
from iomhub.feeds.arrests import ArrestRow, FileRefused, RawRow, RowFaults, check_row, read_table
from iomhub.feeds.linkage import Link, Uncertain, agreed_fields, link_for
from iomhub.feeds.models import ArrestLink, Feed, ImportRun, LinkReview, Rejection
from iomhub.justice.models import ArrestOutcome, OffenceCode
from iomhub.justice.services import arrest_record
from iomhub.people.selectors import person_get_for
from iomhub.people.services import NewPerson, PossibleDuplicates, person_create

if TYPE_CHECKING:
    from iomhub.people.models import Person

BATCH_SIZE = 500
SYSTEM_USERNAME = "system-feeds"
# Service field -> feed column, so a refusal by a service names the column of the file.
_SERVICE_COLUMNS = {
    "arrested_on": "arrested_at",
    "custody_suite": "custody_suite",
    "outcome": "outcome",
    "offence_codes": "offence_code",
    "first_name": "given_name",
    "last_name": "family_name",
    "date_of_birth": "date_of_birth",
    "pnc_id": "pnc_id",
}

Progress = Callable[[int, int], None]


@dataclass
class _Tally:
    rows: int = 0
    imported: int = 0
    unchanged: int = 0
    rejected: int = 0
    review: int = 0
    rejections: list[Rejection] = field(default_factory=list)


def feed_system_user() -> User:
    """The named account the command line imports as, unless told to act as a person: an IOM
    coordinator (the role that keeps the partnership's records, 002 §2) that cannot sign in (no
    usable password, no second factor). Made once, audited when made."""
    user = User.objects.filter(username=SYSTEM_USERNAME).first()
    if user is not None:
        return user
    with transaction.atomic():
        user = User(username=SYSTEM_USERNAME, first_name="Feeds import", last_name="(system account)", is_active=True)
        user.set_unusable_password()
        user.save()
        RoleAssignment.objects.create(user=user, role=Role.COORDINATOR)
        audit.record(
            actor=None,
            username="system",
            action=AuditAction.CREATE,
            object_type="user",
            object_id=user.pk,
            reason="System account for feed imports from the command line (ADR 0014)",
        )
    return user


def _authorise(acting_user: User) -> None:
    decision = decide(acting_user, Action.COHORT_MANAGE)
    if not decision:
        deny(user=acting_user, action=Action.COHORT_MANAGE, reason=f"import feeds: {decision.reason}", object_type="import-run")


def _catalogue() -> frozenset[str]:
    return frozenset(OffenceCode.objects.values_list("code", flat=True))


def _storable(text: str) -> str:
    """``text`` as the database can hold it: bytes that were not UTF-8, and NUL, become U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace").replace("\x00", "\ufffd")


def _reject(tally: _Tally, run: ImportRun, line: int, values: dict[str, str], faults: list[tuple[str, str]]) -> None:
    tally.rejected += 1
    kept = {_storable(name): _storable(value) for name, value in values.items()}
    for column, reason in faults:
        tally.rejections.append(Rejection(run=run, line=line, column=column, reason=_storable(reason), values=kept))


def _service_faults(exc: ValidationError) -> list[tuple[str, str]]:
    if hasattr(exc, "error_dict"):
        return [(_SERVICE_COLUMNS.get(name, ""), message) for name, messages in exc.message_dict.items() for message in messages]
    return [("", message) for message in exc.messages]


def _to_review(tally: _Tally, run: ImportRun, row: ArrestRow, uncertain: Uncertain) -> None:
    LinkReview.objects.get_or_create(
        row_key=row.row_key,
        defaults={"run": run, "line": row.line, "values": row.values, "candidates": uncertain.candidates, "why": uncertain.why},
    )
    tally.review += 1


def _create_person(row: ArrestRow, acting_user: User) -> Link:
    fields: dict[str, Any] = {"first_name": row.given_name, "last_name": row.family_name, "date_of_birth": row.date_of_birth}
    if row.pnc_id:
        fields["pnc_id"] = row.pnc_id
    try:
        person = person_create(acting_user=acting_user, new=NewPerson(fields=fields), purpose="custody arrests import")
    except PossibleDuplicates as exc:
        candidates = [{"person_id": m.person.pk, "reasons": list(m.reasons)} for m in exc.found.matches]
        raise Uncertain("This person may already be on IOM Hub", candidates) from exc
    agreed = ["family_name", "given_name", "date_of_birth"] + (["pnc_id"] if row.pnc_id else [])
    return Link(person, ArrestLink.Method.CREATED, tuple(agreed))


def _record_arrest(row: ArrestRow, link: Link, run: ImportRun, acting_user: User) -> bool:
    """Record the arrest for the linked person: True if recorded, False if already there."""
    person: Person = link.person
    existing = ArrestLink.objects.filter(person=person, arrested_at=row.arrested_at, suite_key=row.suite_key).first()
    if existing is not None:
        if existing.outcome != row.outcome or existing.offence_code != row.offence_code:
            raise ValidationError(
                {
                    "outcome": [
                        f"This arrest is already recorded (import {existing.run_id}, line {existing.line}) with offence "
                        f"{existing.offence_code} and outcome {ArrestOutcome(existing.outcome).label}; the file says "
                        f"{row.offence_code} and {row.values.get('outcome', '').strip()}. Correct it on the person's Justice tab."
                    ]
                }
            )
        return False
    arrest = arrest_record(
        acting_user=acting_user,
        person=person,
        arrested_on=timezone.localdate(row.arrested_at),
        custody_suite=row.custody_suite,
        outcome=row.outcome,
        offence_codes=[row.offence_code],
    )
    ArrestLink.objects.create(
        person=person,
        arrested_at=row.arrested_at,
        suite_key=row.suite_key,
        arrest=arrest,
        outcome=row.outcome,
        offence_code=row.offence_code,
        method=link.method,
        agreed=list(link.agreed),
        run=run,
        line=row.line,
    )
    return True


def import_row(row: ArrestRow, *, run: ImportRun, acting_user: User, link: Link | None = None) -> bool:
    """One checked row: link (or take ``link``), create the person if nobody matches, record the
    arrest. True if recorded, False if unchanged; raises ``Uncertain`` or ``ValidationError``."""
    if link is None:
        link = link_for(row, user=acting_user) or _create_person(row, acting_user)
    return _record_arrest(row, link, run, acting_user)


def _import_batch(batch: list[Any], run: ImportRun, acting_user: User, tally: _Tally, progress: Progress | None, total: int) -> None:
    with transaction.atomic():
        for item in batch:
            tally.rows += 1
            if isinstance(item, RowFaults):
                _reject(tally, run, item.line, item.values, item.faults)
            else:
                try:
                    with transaction.atomic():
                        recorded = import_row(item, run=run, acting_user=acting_user)
                except Uncertain as uncertain:
                    _to_review(tally, run, item, uncertain)
                except ValidationError as exc:
                    _reject(tally, run, item.line, item.values, _service_faults(exc))
                except (PermissionDenied, Http404):
                    _reject(tally, run, item.line, item.values, [("", "You may not record an arrest for this person")])
                except IntegrityError:
                    _reject(
                        tally, run, item.line, item.values, [("", "Recorded by another import at the same moment: import the file again")]
                    )
                else:
                    if recorded:
                        tally.imported += 1
                    else:
                        tally.unchanged += 1
            if progress is not None:
                progress(tally.rows, total)
        Rejection.objects.bulk_create(tally.rejections)
        tally.rejections = []
        ImportRun.objects.filter(pk=run.pk).update(
            rows=tally.rows, imported=tally.imported, unchanged=tally.unchanged, rejected=tally.rejected, review=tally.review
        )


def arrests_import(
    *,
    acting_user: User,
    data: bytes,
    file_name: str,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
    via: str = "browser",
) -> ImportRun:
    """Import a custody arrests file (CSV or XLSX). Returns the run with its counts; a file that
    cannot be read at all is a run with ``refused`` set and nothing imported."""
    _authorise(acting_user)
    run = ImportRun.objects.create(
        feed=Feed.ARRESTS, file_name=file_name[:255], sha256=hashlib.sha256(data).hexdigest(), started_by=acting_user
    )
    where = f"from the command line by {getpass.getuser()} on {socket.gethostname()}" if via == "command" else "uploaded in the browser"
    try:
        table = read_table(data, file_name)
    except FileRefused as exc:
        run.refused = str(exc)
        run.finished_at = timezone.now()
        run.save(update_fields=["refused", "finished_at"])
        _audit_run(run, acting_user, where)
        return run
    catalogue = _catalogue()
    tally = _Tally()
    seen: dict[str, int] = {}
    batch: list[ArrestRow | RowFaults] = []
    for raw in table.rows:
        checked = check_row(raw, catalogue)
        if isinstance(checked, ArrestRow):
            first = seen.setdefault(checked.row_key, checked.line)
            if first != checked.line:
                checked = RowFaults(
                    checked.line, checked.values, [("", f"Duplicate of line {first}: the same person, arrest time and custody suite")]
                )
        batch.append(checked)
        if len(batch) >= batch_size:
            _import_batch(batch, run, acting_user, tally, progress, table.total)
            batch = []
    if batch:
        _import_batch(batch, run, acting_user, tally, progress, table.total)
    run.refresh_from_db()
    run.finished_at = timezone.now()
    run.save(update_fields=["finished_at"])
    _audit_run(run, acting_user, where)
    return run


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
    arrest is then recorded as any other row; a later import of the row follows the decision."""
    _authorise(acting_user)
    with transaction.atomic():
        review = LinkReview.objects.select_for_update().filter(pk=review_id).first()
        if review is None or review.status != LinkReview.Status.OPEN:
            raise ValidationError({"decision": ["This row has already been decided"]})
        checked = check_row(RawRow(review.line, review.values), _catalogue())
        if isinstance(checked, RowFaults):
            raise ValidationError({"decision": [f"The row no longer passes its checks: {checked.faults[0][1]}"]})
        if person_id is not None:
            if person_id not in {c["person_id"] for c in review.candidates}:
                raise ValidationError({"decision": ["Select one of the people offered, or that they are new"]})
            person = person_get_for(user=acting_user, person_id=person_id, audit_read=False)
        else:
            fields: dict[str, Any] = {
                "first_name": checked.given_name,
                "last_name": checked.family_name,
                "date_of_birth": checked.date_of_birth,
            }
            if checked.pnc_id:
                fields["pnc_id"] = checked.pnc_id
            person = person_create(acting_user=acting_user, new=NewPerson(fields=fields), confirmed_new=True, purpose="feed review")
        import_row(
            checked,
            run=review.run,
            acting_user=acting_user,
            link=Link(person, ArrestLink.Method.REVIEWED, tuple(agreed_fields(checked, person))),
        )
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
