"""Every kind of bad row, in every feed (issue 11 "Done when"): a missing column (the whole file
refused, naming it), wrong encoding, an impossible date, a duplicate row, an unknown offence code
(in the feeds that carry one), an over-long field and a formula in a cell — each bad row reported with
its line, column and reason, every good row kept, the error report never exporting a formula, and a
second import changing nothing."""

from __future__ import annotations

import csv
import io

import pytest

from iomhub.feeds.report import write_report
from iomhub.feeds.services import feed_import
from tests.feeds.test_other_feeds import COURT_HEADER, HISTORY_HEADER, RELEASE_HEADER, _sentenced

pytestmark = pytest.mark.django_db

ARRESTS_HEADER = "pnc_id,family_name,given_name,date_of_birth,arrested_at,custody_suite,offence_code,outcome"
FEEDS = {
    "arrests": (ARRESTS_HEADER, ",Example,Jordan,1990-05-17,2026-08-30T23:15,Northbridge custody suite,28E,Charged"),
    "court-outcomes": (COURT_HEADER, ",Example,Jordan,1990-05-17,Northbridge Magistrates,2026-07-01,28E,2026-05-02,Absolute discharge,,"),
    "offending-history": (HISTORY_HEADER, ",Example,Jordan,1990-05-17,28E,2019-04-01"),
    "releases": (RELEASE_HEADER, "A1234BC,,Example,Jordan,1990-05-17,HMP Northbridge,2026-11-20,CRD"),
}


def _with(header: str, good: str, **changes: str) -> str:
    cells = dict(zip(header.split(","), next(csv.reader([good])), strict=True))
    cells.update(changes)
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells.values())
    return out.getvalue()


@pytest.mark.parametrize("feed", sorted(FEEDS))
def test_every_kind_of_bad_row_in_every_feed(partnership, coordinator, feed):
    header, good = FEEDS[feed]
    if feed == "releases":
        _sentenced(partnership.ordinary)
    rows = [
        good.encode(),  # 2 good
        good.encode(),  # 3 the same row again: a duplicate
        _with(header, good, family_name="Ex\x00ample").encode().replace(b"\x00", b"\xe9"),  # 4 Latin-1, not UTF-8
        _with(header, good, date_of_birth="1990-02-30").encode(),  # 5 impossible date
        _with(header, good, family_name="E" * 101, given_name='=HYPERLINK("http://x.example/","Jordan")').encode(),  # 6 over-long + formula
    ]
    if "offence_code" in header:
        rows.append(_with(header, good, offence_code="99Z").encode())  # 7 unknown offence code
    data = b"\n".join([header.encode(), *rows])
    run = feed_import(feed=feed, acting_user=coordinator, data=data, file_name=f"{feed}.csv")

    found = {r.line: (r.column, r.reason) for r in run.rejections.order_by("line", "id")}
    assert found[3][0] == "" and found[3][1].startswith("Duplicate of line 2")
    assert found[4] == ("family_name", "Not UTF-8 text: save the file as CSV UTF-8 and import it again")
    assert found[5] == ("date_of_birth", "1990-02-30 is not a real date")
    assert found[6] == ("family_name", "101 characters: the family name must be 100 or fewer")
    if "offence_code" in header:
        assert found[7][0] == "offence_code" and "Unknown Home Office offence code 99Z" in found[7][1]
    assert set(found) == set(range(3, 2 + len(rows)))
    assert (run.imported, run.rejected) == (1, len(rows) - 1)

    report = io.StringIO()
    write_report(run, report)
    cells = [cell for line in csv.reader(io.StringIO(report.getvalue())) for cell in line]
    assert '\'=HYPERLINK("http://x.example/","Jordan")' in cells  # kept, as text
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)  # never a formula

    again = feed_import(feed=feed, acting_user=coordinator, data=data, file_name=f"{feed}.csv")
    assert (again.imported, again.unchanged, again.rejected) == (0, 1, len(rows) - 1)


@pytest.mark.parametrize("feed", sorted(FEEDS))
def test_a_missing_column_refuses_the_file_naming_it_in_every_feed(coordinator, feed):
    header, good = FEEDS[feed]
    names = header.split(",")
    dropped = names.index("date_of_birth")
    cut = ",".join(n for i, n in enumerate(names) if i != dropped)
    row = ",".join(v for i, v in enumerate(next(csv.reader([good]))) if i != dropped)
    run = feed_import(feed=feed, acting_user=coordinator, data=f"{cut}\n{row}".encode(), file_name="x.csv")
    assert run.refused.startswith("The file has no date_of_birth column")
    assert run.imported == 0 and not run.rejections.exists()
