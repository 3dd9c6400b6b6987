"""Fixtures for the feeds: a frozen clock, the coordinator who imports, and files built row by row."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest

from iomhub import clock
from iomhub.access.models import Role
from iomhub.feeds.arrests import COLUMNS
from iomhub.feeds.models import ArrestLink, LinkReview
from iomhub.justice.models import Arrest, Offence
from iomhub.people.models import Person

NOW = datetime.datetime(2026, 9, 1, 12, 0, tzinfo=datetime.UTC)
HEADER = ",".join(COLUMNS)


@pytest.fixture(autouse=True)
def frozen_clock():
    with clock.frozen(NOW):
        yield NOW


@pytest.fixture
def coordinator(partnership):
    return partnership.users[Role.COORDINATOR]


def row(
    *,
    pnc_id: str = "",
    family_name: str = "Newcombe",
    given_name: str = "Taylor",
    date_of_birth: str = "1994-03-08",
    arrested_at: str = "2026-08-30T23:15",
    custody_suite: str = "Northbridge custody suite",
    offence_code: str = "28E",
    outcome: str = "Charged",
) -> dict[str, str]:
    return {
        "pnc_id": pnc_id,
        "family_name": family_name,
        "given_name": given_name,
        "date_of_birth": date_of_birth,
        "arrested_at": arrested_at,
        "custody_suite": custody_suite,
        "offence_code": offence_code,
        "outcome": outcome,
    }


def csv_file(*rows: dict[str, str], header: str = HEADER) -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    names = header.split(",")
    writer.writerow(names)
    for r in rows:
        writer.writerow([r.get(n, "") for n in names])
    return out.getvalue().encode("utf-8")


def xlsx_file(*rows: dict[str, Any]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(COLUMNS))
    for r in rows:
        sheet.append([r.get(c, "") for c in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def many_rows(n: int) -> list[dict[str, str]]:
    """``n`` distinct arrests of ``n // 3`` new people (three arrests each), a fixed pattern."""
    found = []
    for i in range(n):
        who = i // 3
        found.append(
            row(
                family_name=f"Feedperson{who:04d}",
                given_name="Sam",
                date_of_birth=f"19{70 + who % 30}-0{1 + who % 9}-1{who % 9}",
                arrested_at=f"2026-0{1 + i % 8}-1{i % 9}T0{i % 10}:{i % 60:02d}",
                custody_suite=("Northbridge custody suite", "Southport custody")[i % 2],
                offence_code=("28E", "34B", "45")[i % 3],
                outcome=("Charged", "Bailed", "No further action", "Released under investigation", "Caution")[i % 5],
            )
        )
    return found


def state() -> dict[str, Any]:
    """Everything the imports write to the record, with no database ids: what two runs must agree on."""
    people = {p.pk: (p.last_name, p.first_name, p.date_of_birth.isoformat(), p.pnc_id) for p in Person.objects.all()}
    arrests = sorted(
        (
            people[a.person_id],
            a.arrested_on.isoformat(),
            a.custody_suite,
            a.outcome,
            tuple(sorted(o.code.code for o in a.offences.all())),
        )
        for a in Arrest.objects.prefetch_related("offences__code")
    )
    links = sorted(
        (people[link.person_id], link.arrested_at.isoformat(), link.suite_key, link.method, tuple(link.agreed), link.line)
        for link in ArrestLink.objects.all()
    )
    reviews = sorted((r.row_key, r.line, r.status, r.why) for r in LinkReview.objects.all())
    return {
        "people": sorted(people.values()),
        "arrests": arrests,
        "offences": Offence.objects.count(),
        "links": links,
        "reviews": reviews,
    }
