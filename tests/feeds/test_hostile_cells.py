"""Hostile cells in every feed (issue 11 §2, ADR 0014 §2): "a malformed file, an impossible date or
a hostile string produces a message that names the field/row and the problem; every good record
around it is kept; nothing is stored twice."

The cells here are the ones Python reads surprisingly: "²" and "٣" are ``str.isdigit()`` but
``int()`` refuses the first and reads the second as 3; full-width digits; NaN, inf, 1e3; more
digits than ``int()`` reads (4300); dates of year 1 and 9999 at the edges of ``datetime``; names
with no letter at all. Each is imported through the real paths (the service, the command line,
the upload task) and must end as its row's rejection (line, column, reason), never the loss of
the batch around it; a second import changes nothing."""

from __future__ import annotations

import csv
import dataclasses
import datetime
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.db import OperationalError

from iomhub.feeds import courts, registry, rows
from iomhub.feeds.models import FeedRecord, ImportRun, ImportUpload, RunStatus
from iomhub.feeds.services import feed_import
from iomhub.feeds.tasks import import_upload
from iomhub.feeds.uploads import upload_enqueue
from iomhub.justice.models import Arrest, CourtOutcome, Offence
from iomhub.people.models import Person
from tests.feeds.test_other_feeds import COURT_HEADER, HISTORY_HEADER, RELEASE_HEADER, _sentenced

pytestmark = pytest.mark.django_db

ARRESTS_HEADER = "pnc_id,family_name,given_name,date_of_birth,arrested_at,custody_suite,offence_code,outcome"


def wide(text: str) -> str:
    """``text`` with its digits full-width (U+FF10 to U+FF19), as a Japanese keyboard types them."""
    return "".join(chr(ord(c) + 0xFEE0) if "0" <= c <= "9" else c for c in text)


def _file(header: str, rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    names = header.split(",")
    writer.writerow(names)
    for cells in rows:
        writer.writerow([cells.get(n, "") for n in names])
    return out.getvalue().encode("utf-8")


def _problems(run: ImportRun) -> dict[int, list[tuple[str, str]]]:
    found: dict[int, list[tuple[str, str]]] = {}
    for r in run.rejections.order_by("line", "id"):
        found.setdefault(r.line, []).append((r.column, r.reason))
    return found


# ---------------------------------------------------------------------------------------------
# Court outcomes: the fine (finding 1)


def _fine(offence_date: str, fine: str, *, disposal: str = "Fine", requirements: str = "") -> dict[str, str]:
    """Jordan Example fined at Northbridge; each row its own offence date, so its own record."""
    return {
        "family_name": "Example",
        "given_name": "Jordan",
        "date_of_birth": "1990-05-17",
        "court": "Northbridge Magistrates",
        "decided_on": "2026-07-01",
        "offence_code": "28E",
        "offence_date": offence_date,
        "disposal": disposal,
        "requirements": requirements,
        "fine_pounds": fine,
    }


# (offence date, the fine cell) for rows that are not an amount in whole pounds from £1 to £10,000,000
BAD_FINES = [
    ("2026-03-01", "²"),  # superscript two: isdigit() is True, int() raises
    ("2026-03-02", "٣٠٠"),  # Arabic-Indic 300: isdigit() is True, int() reads 300
    ("2026-03-03", wide("100")),  # full-width 100
    ("2026-03-04", "NaN"),
    ("2026-03-05", "inf"),
    ("2026-03-06", "1e3"),
    ("2026-03-07", "-5"),
    ("2026-03-08", "0"),
    ("2026-03-09", "12.50"),
    ("2026-03-10", "99999999999"),  # more than £10,000,000
    ("2026-03-11", "2⁵⁰"),
]
# (offence date, the fine cell, the fine recorded)
GOOD_FINES = [
    ("2026-04-01", "250", 250),
    ("2026-04-02", "£1,000", 1000),
    ("2026-04-03", "0000000250", 250),  # leading zeros: still 250
    ("2026-04-04", "10000000", 10_000_000),
]


def _court_file() -> tuple[bytes, dict[int, str], dict[str, int | None]]:
    """Good and bad rows interleaved: the file, each bad row's line -> its fine cell, and the
    fines the good rows record by offence date (a community order records none)."""
    rows, bad, good = [], {}, {}
    for i, (bad_date, cell) in enumerate(BAD_FINES):
        rows.append(_fine(bad_date, cell))
        bad[len(rows) + 1] = cell  # the header is line 1
        if i < len(GOOD_FINES):
            good_date, text, pounds = GOOD_FINES[i]
            rows.append(_fine(good_date, text))
            good[good_date] = pounds
    rows.append(_fine("2026-05-01", "", disposal="Community order", requirements="DRR"))
    good["2026-05-01"] = None
    return _file(COURT_HEADER, rows), bad, good


def _court_outcomes_kept(good: dict[str, int | None]) -> None:
    kept = {o.offences.get().committed_on.isoformat(): o.fine_pounds for o in CourtOutcome.objects.prefetch_related("offences")}
    assert kept == good
    assert Offence.objects.count() == len(good) and FeedRecord.objects.count() == len(good)


def _fines_rejected(run: ImportRun, bad: dict[int, str]) -> None:
    found = _problems(run)
    assert set(found) == set(bad), found
    for line, cell in bad.items():
        assert len(found[line]) == 1, found[line]
        column, reason = found[line][0]
        assert column == "fine_pounds", (line, found[line])
        assert reason.startswith(f"{cell!r} is not an amount in whole pounds"), (line, reason)


def test_a_fine_that_is_not_whole_pounds_rejects_its_row_and_keeps_the_rest(partnership, coordinator):
    data, bad, good = _court_file()
    run = feed_import(feed="court-outcomes", acting_user=coordinator, data=data, file_name="courts.csv")
    assert run.finished_at is not None and run.status == RunStatus.FINISHED and not run.fault
    _fines_rejected(run, bad)
    assert run.counts() == {"rows": len(bad) + len(good), "imported": len(good), "unchanged": 0, "rejected": len(bad), "review": 0}
    _court_outcomes_kept(good)

    again = feed_import(feed="court-outcomes", acting_user=coordinator, data=data, file_name="courts.csv")
    assert again.counts() == {"rows": len(bad) + len(good), "imported": 0, "unchanged": len(good), "rejected": len(bad), "review": 0}
    _court_outcomes_kept(good)


def test_the_command_line_rejects_the_bad_fines_finishes_its_run_and_exits_zero(tmp_path, partnership):
    data, bad, good = _court_file()
    source = tmp_path / "courts.csv"
    source.write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    call_command("import", "court-outcomes", str(source), stdout=out, stderr=err)
    summary = json.loads(out.getvalue().strip().splitlines()[-1])
    assert (summary["imported"], summary["rejected"]) == (len(good), len(bad))
    run = ImportRun.objects.get(pk=summary["import"])
    assert run.finished_at is not None and run.status == RunStatus.FINISHED
    assert "line 2 fine_pounds: '²' is not an amount in whole pounds" in err.getvalue()
    _fines_rejected(run, bad)
    _court_outcomes_kept(good)


def test_an_uploaded_file_with_bad_fines_finishes_with_its_rows_rejected(partnership, coordinator, django_capture_on_commit_callbacks):
    data, bad, good = _court_file()
    with django_capture_on_commit_callbacks(execute=True):
        queued = upload_enqueue(acting_user=coordinator, feed="court-outcomes", data=data, file_name="courts.csv")
    run = ImportRun.objects.get(pk=queued.pk)
    assert run.status == RunStatus.FINISHED and not run.fault and not ImportUpload.objects.exists()
    _fines_rejected(run, bad)
    _court_outcomes_kept(good)
    assert import_upload.call(run.pk) == RunStatus.FINISHED  # run again: nothing more
    _court_outcomes_kept(good)


# ---------------------------------------------------------------------------------------------
# Dates and times every feed reads


def _arrest(family_name: str, arrested_at: str, **more: str) -> dict[str, str]:
    return {
        "pnc_id": "",
        "family_name": family_name,
        "given_name": "Taylor",
        "date_of_birth": "1994-03-08",
        "arrested_at": arrested_at,
        "custody_suite": "Northbridge custody suite",
        "offence_code": "28E",
        "outcome": "Charged",
        **more,
    }


def test_arrest_times_at_the_edges_of_the_calendar_reject_their_row(partnership, coordinator):
    rows = [
        _arrest("Goodone", "2026-08-30T23:15"),  # 2 good
        _arrest("Yearone", "0001-01-01T00:00+05:00"),  # 3 year 1, before UTC's year 1
        _arrest("Yearone", "0001-01-02T00:00"),  # 4
        _arrest("Yearone", "0001-01-03T00:30+14:00"),  # 5
        _arrest("Farfuture", "9999-12-31T23:59-05:00"),  # 6 after UTC's year 9999
        _arrest("Wide", wide("2026-08-30T23:15")),  # 7 full-width digits
        _arrest("Wide", wide("2026-08-30T23:15")),  # 8
        _arrest("Born", "2026-08-30T23:15", date_of_birth="١٩٩٤-٠٣-٠٨"),  # 9 Arabic-Indic digits
        _arrest("Ashdown", "2026-08-29T10:00", given_name="Robin", date_of_birth="1988-11-02"),  # 10 good
    ]
    data = _file(ARRESTS_HEADER, rows)
    run = feed_import(feed="arrests", acting_user=coordinator, data=data, file_name="arrests.csv")
    found = _problems(run)
    assert set(found) == {3, 4, 5, 6, 7, 8, 9}, found
    for line in (3, 4, 5):
        assert found[line] == [("arrested_at", f"{rows[line - 2]['arrested_at']} is before the date of birth")], found[line]
    assert found[6] == [("arrested_at", "9999-12-31T23:59-05:00 is in the future")]
    for line in (7, 8):
        assert found[line] == [("arrested_at", f"{rows[line - 2]['arrested_at']!r} is not a date and time in the form YYYY-MM-DDTHH:MM")], (
            found[line]
        )
    assert found[9] == [("date_of_birth", "'١٩٩٤-٠٣-٠٨' is not a date in the form YYYY-MM-DD")]
    assert sorted(Arrest.objects.values_list("person__last_name", "arrested_on")) == [
        ("Ashdown", datetime.date(2026, 8, 29)),
        ("Goodone", datetime.date(2026, 8, 30)),
    ]
    again = feed_import(feed="arrests", acting_user=coordinator, data=data, file_name="arrests.csv")
    assert again.counts() == {"rows": 9, "imported": 0, "unchanged": 2, "rejected": 7, "review": 0}
    assert Arrest.objects.count() == 2


def test_release_dates_at_the_edges_of_the_calendar_reject_their_row(partnership, coordinator):
    _sentenced(partnership.ordinary)
    person = {"prison_number": "A1234BC", "family_name": "Example", "given_name": "Jordan", "date_of_birth": "1990-05-17"}
    rows = [
        {**person, "prison": "HMP Northbridge", "expected_release_date": "0001-01-01", "release_type": "SED"},  # 2
        {**person, "prison": "HMP Northbridge", "expected_release_date": wide("2026-11-20"), "release_type": "CRD"},  # 3
        {**person, "prison": "HMP Northbridge", "expected_release_date": "2026-11-20", "release_type": "CRD"},  # 4 good
    ]
    data = _file(RELEASE_HEADER, rows)
    run = feed_import(feed="releases", acting_user=coordinator, data=data, file_name="releases.csv")
    found = _problems(run)
    assert set(found) == {2, 3}, found
    assert found[2] == [("expected_release_date", "0001-01-01 is before the date of birth")]
    assert found[3] == [("expected_release_date", f"{wide('2026-11-20')!r} is not a date in the form YYYY-MM-DD")]
    assert run.counts()["imported"] == 1
    again = feed_import(feed="releases", acting_user=coordinator, data=data, file_name="releases.csv")
    assert (again.imported, again.unchanged, again.rejected) == (0, 1, 2)


def test_offence_dates_in_other_scripts_reject_their_row(partnership, coordinator):
    base = {"family_name": "Example", "given_name": "Jordan", "date_of_birth": "1990-05-17", "offence_code": "28E"}
    rows = [
        {**base, "offence_date": "2019-04-01"},  # 2 good
        {**base, "offence_date": "٢٠١٩-٠٤-٠٢"},  # 3
        {**base, "offence_date": "0001-01-01"},  # 4 before the date of birth
        {**base, "offence_date": "9999-12-31"},  # 5 in the future
        {**base, "offence_date": "2019-04-03"},  # 6 good
    ]
    data = _file(HISTORY_HEADER, rows)
    run = feed_import(feed="offending-history", acting_user=coordinator, data=data, file_name="history.csv")
    assert _problems(run) == {
        3: [("offence_date", "'٢٠١٩-٠٤-٠٢' is not a date in the form YYYY-MM-DD")],
        4: [("offence_date", "0001-01-01 is before the date of birth")],
        5: [("offence_date", "9999-12-31 is in the future")],
    }
    assert run.counts()["imported"] == 2 and Offence.objects.count() == 2


# ---------------------------------------------------------------------------------------------
# Names with no letter: linkage and the duplicate check see an empty name


def test_names_without_a_letter_never_lose_the_batch(partnership, coordinator):
    rows = [
        _arrest("Goodone", "2026-08-30T23:15"),  # 2 good
        _arrest("12345", "2026-08-30T22:15"),  # 3
        _arrest("\u0301\u0301", "2026-08-30T21:15"),  # 4 combining accents only
        _arrest("😀", "2026-08-30T20:15", given_name="😀"),  # 5
        _arrest("-", "2026-08-30T19:15", given_name="'"),  # 6
        _arrest("Ashdown", "2026-08-29T10:00", given_name="Robin", date_of_birth="1988-11-02"),  # 7 good
    ]
    data = _file(ARRESTS_HEADER, rows)
    for read_ahead in (True, False):
        run = feed_import(feed="arrests", acting_user=coordinator, data=data, file_name="names.csv", read_ahead=read_ahead)
        assert run.status == RunStatus.FINISHED and run.rows == 6
        assert run.imported + run.unchanged + run.rejected + run.review == 6
        assert {"Goodone", "Ashdown"} <= set(Person.objects.values_list("last_name", flat=True)), _problems(run)


# ---------------------------------------------------------------------------------------------
# A fault nobody foresaw while one row is checked: that row's, never its batch's


def _history(code: str, offence_date: str) -> dict[str, str]:
    return {
        "family_name": "Example",
        "given_name": "Jordan",
        "date_of_birth": "1990-05-17",
        "offence_code": code,
        "offence_date": offence_date,
    }


HISTORY_ROWS = [_history("28E", f"2019-04-0{day}") for day in range(1, 8)]  # lines 2 to 8


@pytest.mark.parametrize("read_ahead", [True, False])
def test_a_row_check_that_raises_rejects_that_row_and_keeps_every_other(partnership, coordinator, monkeypatch, read_ahead):
    spec = registry.FEEDS["offending-history"]

    def check(clean, found, who, catalogue):
        if clean.get("offence_date") == "2019-04-04":  # line 5
            raise RuntimeError("an unforeseen fault")
        return spec.check(clean, found, who, catalogue)

    monkeypatch.setitem(registry.FEEDS, "offending-history", dataclasses.replace(spec, check=check))
    data = _file(HISTORY_HEADER, HISTORY_ROWS)
    run = feed_import(feed="offending-history", acting_user=coordinator, data=data, file_name="h.csv", batch_size=2, read_ahead=read_ahead)
    assert run.status == RunStatus.FINISHED
    assert _problems(run) == {5: [("", "The row could not be read: an unforeseen fault")]}
    assert sorted(o.committed_on.day for o in Offence.objects.all()) == [1, 2, 3, 5, 6, 7]
    again = feed_import(feed="offending-history", acting_user=coordinator, data=data, file_name="h.csv", batch_size=2)
    assert (again.imported, again.unchanged, again.rejected) == (0, 6, 1) and Offence.objects.count() == 6


def test_a_cell_check_that_raises_is_put_against_its_column(partnership, coordinator, monkeypatch):
    def whole_number(text, *, minimum, maximum):
        if text == "13":
            raise ValueError("an unforeseen fault")
        return rows.whole_number(text, minimum=minimum, maximum=maximum)

    monkeypatch.setattr(courts, "whole_number", whole_number)
    data = _file(COURT_HEADER, [_fine("2026-03-01", "12"), _fine("2026-03-02", "13"), _fine("2026-03-03", "14")])
    run = feed_import(feed="court-outcomes", acting_user=coordinator, data=data, file_name="c.csv")
    assert _problems(run) == {3: [("fine_pounds", "The fine pounds could not be read: an unforeseen fault")]}
    assert sorted(CourtOutcome.objects.values_list("fine_pounds", flat=True)) == [12, 14]


def test_a_fault_while_rows_are_written_still_stops_the_import_and_the_file_again_completes_it(tmp_path, partnership, monkeypatch):
    """Only the checks are guarded: a fault writing a row (the database's, here) stops the import,
    its batch undone and the batches before it kept, the run said to be stopped; the same file
    imported again records the rest, nothing twice."""
    spec = registry.FEEDS["offending-history"]

    def record(row, link, run, acting_user):
        if row.line == 5:
            raise OperationalError("the database went away")
        return spec.record(row, link, run, acting_user)

    monkeypatch.setitem(registry.FEEDS, "offending-history", dataclasses.replace(spec, record=record))
    source = tmp_path / "history.csv"
    source.write_bytes(_file(HISTORY_HEADER, HISTORY_ROWS))
    with pytest.raises(OperationalError):
        call_command("import", "offending-history", str(source), "--batch-size", "2", stdout=io.StringIO(), stderr=io.StringIO())
    stopped = ImportRun.objects.get()
    assert stopped.status == RunStatus.STOPPED and stopped.finished_at is not None and "import the file again" in stopped.fault
    assert sorted(o.committed_on.day for o in Offence.objects.all()) == [1, 2]  # lines 2-3; lines 4-5 undone together
    assert not stopped.rejections.exists()

    monkeypatch.setitem(registry.FEEDS, "offending-history", spec)
    out = io.StringIO()
    call_command("import", "offending-history", str(source), "--batch-size", "2", stdout=out, stderr=io.StringIO())
    summary = json.loads(out.getvalue().strip().splitlines()[-1])
    assert (summary["imported"], summary["unchanged"], summary["rejected"]) == (5, 2, 0)
    assert sorted(o.committed_on.day for o in Offence.objects.all()) == [1, 2, 3, 4, 5, 6, 7]


# ---------------------------------------------------------------------------------------------
# A damaged XLSX workbook (finding 2): refused whole, nothing half stored


def _arrests_xlsx(n: int) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    names = ARRESTS_HEADER.split(",")
    sheet.append(names)
    for i in range(n):
        cells = _arrest(
            f"Sheetperson{chr(65 + i % 26)}{chr(65 + i // 26)}", f"2026-08-{1 + i % 28:02d}T10:00", date_of_birth=f"19{60 + i}-01-15"
        )
        sheet.append([cells[c] for c in names])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _with_part(data: bytes, part: str, change) -> bytes:
    """The workbook with one of its zip's parts changed (``change(bytes) -> bytes``)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item.filename)
            target.writestr(item.filename, change(body) if item.filename == part else body)
    return out.getvalue()


def _cut_in_half(data: bytes) -> bytes:
    return _with_part(data, "xl/worksheets/sheet1.xml", lambda body: body[: len(body) // 2])


def test_a_workbook_whose_sheet_is_cut_in_half_is_refused_and_nothing_is_stored(partnership, coordinator):
    whole = _arrests_xlsx(30)
    people = Person.objects.count()
    run = feed_import(feed="arrests", acting_user=coordinator, data=_cut_in_half(whole), file_name="overnight.xlsx", batch_size=5)
    assert run.status == RunStatus.REFUSED and run.finished_at is not None
    assert run.refused.startswith("The file could not be read as an XLSX workbook: its first sheet could not be read after row ")
    assert run.refused.endswith("Nothing was imported.")
    after = int(run.refused.split("after row ")[1].split(" ")[0])
    assert 2 <= after < 31  # somewhere in the middle of the rows, as cut
    assert (run.rows, run.imported, run.rejected) == (0, 0, 0) and not run.rejections.exists()
    assert Arrest.objects.count() == 0 and Person.objects.count() == people

    # The same workbook whole imports every row (so it was the damage that refused it)
    good = feed_import(feed="arrests", acting_user=coordinator, data=whole, file_name="overnight.xlsx", batch_size=5)
    assert (good.status, good.rows, good.rejected) == (RunStatus.FINISHED, 30, 0), _problems(good)
    assert good.imported + good.review == 30 and Arrest.objects.count() == good.imported > 0


def test_an_uploaded_workbook_cut_in_half_is_refused_and_its_bytes_not_kept(partnership, coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queued = upload_enqueue(acting_user=coordinator, feed="arrests", data=_cut_in_half(_arrests_xlsx(30)), file_name="overnight.xlsx")
    run = ImportRun.objects.get(pk=queued.pk)
    assert run.status == RunStatus.REFUSED and not run.fault and "could not be read as an XLSX workbook" in run.refused
    assert not ImportUpload.objects.exists() and Arrest.objects.count() == 0


def test_the_command_line_refuses_a_workbook_cut_in_half_and_exits_non_zero(tmp_path, partnership):
    source = tmp_path / "overnight.xlsx"
    source.write_bytes(_cut_in_half(_arrests_xlsx(30)))
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_status:
        call_command("import", "arrests", str(source), stdout=out, stderr=err)
    assert exit_status.value.code == 1
    assert "could not be read as an XLSX workbook" in json.loads(out.getvalue().strip().splitlines()[-1])["refused"]
    assert ImportRun.objects.get().finished_at is not None and Arrest.objects.count() == 0


def test_a_number_cell_no_spreadsheet_writes_refuses_the_workbook_naming_the_row(partnership, coordinator):
    """A number of 5,000 digits in a cell (Excel keeps 15 significant digits): the reader cannot
    read it (``int()`` refuses it), so the workbook is refused, after the row before it."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    names = ARRESTS_HEADER.split(",")
    sheet.append(names)
    sheet.append([_arrest("Goodone", "2026-08-30T23:15")[c] for c in names])
    sheet.append([424242 if c == "offence_code" else _arrest("Huge", "2026-08-30T22:15")[c] for c in names])
    out = io.BytesIO()
    book.save(out)
    data = _with_part(
        out.getvalue(), "xl/worksheets/sheet1.xml", lambda body: body.replace(b"<v>424242</v>", b"<v>" + b"9" * 5000 + b"</v>")
    )
    run = feed_import(feed="arrests", acting_user=coordinator, data=data, file_name="huge.xlsx")
    assert run.status == RunStatus.REFUSED
    assert run.refused.startswith("The file could not be read as an XLSX workbook: its first sheet could not be read after row 2 (")
    assert Arrest.objects.count() == 0


def test_a_date_cell_beyond_the_calendar_rejects_its_row_only(partnership, coordinator):
    """A cell formatted as a date holding a serial number no date has (ten billion days): read as
    the error value Excel shows for it, so the row is rejected at that column; the others kept."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    names = ARRESTS_HEADER.split(",")
    sheet.append(names)
    sheet.append([_arrest("Goodone", "2026-08-30T23:15")[c] for c in names])
    sheet.append([_arrest("Farout", "2026-08-30T22:15")[c] for c in names])
    sheet.append([_arrest("Ashdown", "2026-08-29T10:00", given_name="Robin", date_of_birth="1988-11-02")[c] for c in names])
    cell = sheet.cell(row=3, column=names.index("date_of_birth") + 1, value=10_000_000_000)
    cell.number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    book.save(out)
    with pytest.warns(UserWarning, match="outside the limits for dates"):
        run = feed_import(feed="arrests", acting_user=coordinator, data=out.getvalue(), file_name="dates.xlsx")
    assert _problems(run) == {3: [("date_of_birth", "'#VALUE!' is not a date in the form YYYY-MM-DD")]}
    assert sorted(Arrest.objects.values_list("person__last_name", flat=True)) == ["Ashdown", "Goodone"]


# ---------------------------------------------------------------------------------------------
# The review queue's page and API (finding 3): a hostile number is a 400 or the first page, never a 500

MANY_DIGITS = "9" * 5000
ZEROS_THEN_ONE = "0" * 5000 + "1"


@pytest.fixture
def waiting(partnership, coordinator):
    """One row waiting for review, offered against Jordan Example."""
    from iomhub.feeds.models import LinkReview

    run = ImportRun.objects.create(feed="arrests", file_name="w.csv", sha256="e" * 64, started_by=coordinator, review=1)
    cells = _arrest("Newcombe", "2026-08-30T23:15")
    return LinkReview.objects.create(
        row_key="f" * 64,
        run=run,
        line=2,
        values=cells,
        candidates=[{"person_id": partnership.ordinary.pk, "reasons": ["family_name"]}],
        why="Names and date of birth nearly agree",
    )


@pytest.mark.parametrize("query", [f"page={MANY_DIGITS}", f"import={MANY_DIGITS}", "page=²", "import=²", f"page={ZEROS_THEN_ONE}"])
def test_the_review_page_reads_a_hostile_page_or_import_as_left_out(client, coordinator, waiting, query):
    client.force_login(coordinator)
    response = client.get(f"/feeds/review/?{query}")
    assert response.status_code == 200
    assert "1 row waiting." in response.content.decode()


@pytest.mark.parametrize("decision", ["link:²", f"link:{MANY_DIGITS}"[:40], "link:٣", "link:-1", "link:", "link:1e3"])
def test_a_hostile_decision_is_a_form_error_and_decides_nothing(client, coordinator, waiting, decision):
    client.force_login(coordinator)
    response = client.post(f"/feeds/review/{waiting.pk}/", {"decision": decision, "page": MANY_DIGITS, "import": "²"})
    assert response.status_code == 400
    assert "Select the person this row is about, or that they are new" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == "open" and waiting.person_id is None


def test_a_decision_with_an_id_in_plain_digits_still_decides(client, partnership, coordinator, waiting):
    client.force_login(coordinator)
    response = client.post(f"/feeds/review/{waiting.pk}/", {"decision": f"link:0{partnership.ordinary.pk}"})
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == "decided" and waiting.person_id == partnership.ordinary.pk


@pytest.mark.parametrize("value", [MANY_DIGITS, "²", "٣", "-1", "0", "1e3", str(2**63)])
def test_the_review_api_refuses_a_hostile_import_run_id(client, api_auth, waiting, value):
    from iomhub.access.models import Role

    response = client.get(f"/api/v1/link-reviews?import_run={value}", **api_auth(Role.COORDINATOR))
    assert response.status_code == 400
    assert response.json()["errors"]["import_run"] == ["Enter one id: a whole number of 1 or more"]


@pytest.mark.parametrize(
    "body", ['{"person": "²"}', '{"person": 1e400}', '{"person": -1}', f'{{"person": {MANY_DIGITS}}}', '{"person": 1.5}']
)
def test_the_review_api_refuses_a_hostile_decision(client, api_auth, waiting, body):
    from iomhub.access.models import Role

    response = client.post(
        f"/api/v1/link-reviews/{waiting.pk}/decision", body, content_type="application/json", **api_auth(Role.COORDINATOR)
    )
    assert response.status_code == 400, response.content
    waiting.refresh_from_db()
    assert waiting.status == "open"


@pytest.mark.parametrize(
    "path", [f"/feeds/imports/{MANY_DIGITS}/", f"/feeds/review/{MANY_DIGITS}/", "/feeds/imports/99999999999999999999/"]
)
def test_a_hostile_id_in_a_feeds_address_is_not_found(client, coordinator, path):
    client.force_login(coordinator)
    assert client.get(path).status_code in (404, 405)


@pytest.mark.parametrize(
    "path", [f"/api/v1/imports/{MANY_DIGITS}", "/api/v1/imports/99999999999999999999", f"/api/v1/link-reviews/{MANY_DIGITS}"]
)
def test_a_hostile_id_in_a_feeds_api_address_is_not_found(client, api_auth, path):
    from iomhub.access.models import Role

    assert client.get(path, **api_auth(Role.COORDINATOR)).status_code == 404
