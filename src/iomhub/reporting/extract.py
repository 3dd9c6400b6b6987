"""The pseudonymised evaluation extract for the independent evaluator (issue 16 §5; 004): one CSV
per kind of record, each person under a pseudonym that is stable for one export key (HMAC-SHA256
of the person's id under the key, so two extracts with the same key can be joined and extracts
under different keys cannot), no direct identifier (no name, date of birth, PNC, address, free
text), every date to the month, offences by group (ADR 0015).
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import hmac
import io
import zipfile
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.conf import settings

from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.models import AuditAction
from iomhub.access.policy import Action, decide
from iomhub.reporting.downloads import safe_text

if TYPE_CHECKING:
    from iomhub.access.models import User
    from iomhub.cohort.models import Registration

FILES = ("people.csv", "registrations.csv", "offences.csv", "custody.csv")


def default_key() -> str:
    """The export key when none is given: the deployment's ``IOMHUB_EXTRACT_KEY``, else one derived
    from the secret key (stable for the deployment, never the secret itself)."""
    configured = getattr(settings, "IOMHUB_EXTRACT_KEY", "")
    if configured:
        return str(configured)
    return hmac.new(settings.SECRET_KEY.encode(), b"iomhub evaluation extract", hashlib.sha256).hexdigest()


def pseudonym(key: str, person_id: int) -> str:
    return hmac.new(key.encode(), str(person_id).encode(), hashlib.sha256).hexdigest()[:16]


def month(day: datetime.date | None) -> str:
    return "" if day is None else f"{day:%Y-%m}"


def _table(header: tuple[str, ...], rows: Sequence[tuple[object, ...]]) -> str:
    """One CSV file: the header, then the rows in a fixed order (their text, column by column)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(sorted(rows, key=lambda row: tuple(str(v) for v in row)))
    return out.getvalue()


def _people_rows(ids: list[int], names: dict[int, str]) -> list[tuple[object, ...]]:
    from iomhub.people.models import Person

    return [
        (names[pk], sex, month(dob), safe_text(team or ""))
        for pk, sex, dob, team in Person.objects.filter(pk__in=ids).values_list("pk", "sex", "date_of_birth", "managing_team__name")
    ]


def _registration_rows(registrations: list[Registration], names: dict[int, str]) -> list[tuple[object, ...]]:
    from iomhub.reporting.selectors import exit_planned

    return [
        (
            names[r.person_id],
            month(r.started_on),
            month(r.ended_on),
            r.rag,
            "yes" if r.neighbourhood_crime else "no",
            "" if r.ended_on is None else ("planned" if exit_planned(r) else "unplanned"),
        )
        for r in registrations
    ]


def _offence_rows(ids: list[int], names: dict[int, str]) -> list[tuple[object, ...]]:
    """Each offence by group, with the month of its earliest conviction or caution (if proven)."""
    from iomhub.justice.models import CourtOutcome, Offence

    proven: dict[int, datetime.date] = {}
    for offence_id, decided_on in CourtOutcome.offences.through.objects.filter(offence__person_id__in=ids).values_list(
        "offence_id", "courtoutcome__decided_on"
    ):
        proven[offence_id] = min(decided_on, proven.get(offence_id, decided_on))
    return [
        (names[pid], month(committed), group or "other", nc or "", month(proven.get(oid)))
        for oid, pid, committed, group, nc in Offence.objects.filter(person_id__in=ids).values_list(
            "pk", "person_id", "committed_on", "code__ogrs3_group", "code__neighbourhood_crime"
        )
    ]


def _custody_rows(ids: list[int], names: dict[int, str]) -> list[tuple[object, ...]]:
    from iomhub.justice.models import CustodyEpisode

    return [
        (names[pid], kind, month(start), month(end))
        for pid, kind, start, end in CustodyEpisode.objects.filter(person_id__in=ids).values_list(
            "person_id", "kind", "started_on", "ended_on"
        )
    ]


def evaluation_extract(*, user: User, key: str | None = None) -> dict[str, str]:
    """The extract's files (name to CSV text) for everyone ever registered, and audited as an export."""
    from iomhub.cohort.models import Registration

    decision = decide(user, Action.REPORT_EXTRACT)
    if not decision.allowed:
        deny(user=user, action=Action.REPORT_EXTRACT, object_type="report", object_id="evaluation extract", reason=decision.reason)
    secret = key or default_key()
    # Restricted people (MAPPA, counter-terrorism) are left out of row-level data, even pseudonymised.
    registrations = list(
        Registration.objects.filter(person__restriction="").select_related("deregistration").order_by("person_id", "started_on", "pk")
    )
    ids = sorted({r.person_id for r in registrations})
    names = {pid: pseudonym(secret, pid) for pid in ids}
    files = {
        "people.csv": _table(("pseudonym", "sex", "birth_month", "local_team"), _people_rows(ids, names)),
        "registrations.csv": _table(
            ("pseudonym", "started_month", "ended_month", "rag", "neighbourhood_crime", "exit"), _registration_rows(registrations, names)
        ),
        "offences.csv": _table(
            ("pseudonym", "offence_month", "offence_group", "neighbourhood_crime", "proven_month"), _offence_rows(ids, names)
        ),
        "custody.csv": _table(("pseudonym", "kind", "start_month", "end_month"), _custody_rows(ids, names)),
    }
    counts = {name: text.count("\n") - 1 for name, text in files.items()}
    audit.record(
        actor=user, action=AuditAction.EXPORT, object_type="report", object_id="evaluation extract", changes={"rows": dict(counts)}
    )
    return files


def as_zip(files: dict[str, str]) -> bytes:
    """The files as a ZIP whose bytes depend on their content alone: every entry carries the same
    fixed timestamp, so the same data makes the same archive (and a download says nothing of when)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), text, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
