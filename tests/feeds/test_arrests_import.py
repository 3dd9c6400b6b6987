"""The custody arrests import (issue 11 §1-2): every bad row reported with its line, column and
reason, every good row kept, a second import changing nothing, a killed import completed by running
it again to exactly the state of a clean run."""

from __future__ import annotations

import pytest
from django.db import transaction

from iomhub.access.models import AuditEvent
from iomhub.feeds.models import ArrestLink, ImportRun
from iomhub.feeds.services import arrests_import
from iomhub.justice.models import Arrest
from iomhub.people.models import Person
from tests.feeds.conftest import HEADER, csv_file, many_rows, row, state, xlsx_file

pytestmark = pytest.mark.django_db


def problems(run: ImportRun) -> list[tuple[int, str, str]]:
    return [(r.line, r.column, r.reason) for r in run.rejections.order_by("line", "id")]


def test_good_rows_are_imported_linked_and_audited_as_the_importer(partnership, coordinator):
    ordinary, housing_case = partnership.ordinary, partnership.housing_case
    data = csv_file(
        row(pnc_id=ordinary.pnc_id, family_name="EXAMPLE", given_name="Jordan", date_of_birth="1990-05-17", outcome="Bailed"),
        row(family_name="Sample", given_name="Casey", date_of_birth="1985-01-02", offence_code="34b", outcome="no further action"),
        row(family_name="Newcombe", given_name="Taylor", date_of_birth="1994-03-08", outcome="Released under investigation"),
    )
    run = arrests_import(acting_user=coordinator, data=data, file_name="overnight.csv")

    assert run.counts() == {"rows": 3, "imported": 3, "unchanged": 0, "rejected": 0, "review": 0}
    links = {link.line: link for link in ArrestLink.objects.select_related("arrest")}
    assert (links[2].person, links[2].method, links[2].agreed) == (
        ordinary,
        "pnc",
        ["pnc_id", "family_name", "given_name", "date_of_birth"],
    )
    assert (links[3].person, links[3].method, links[3].agreed) == (housing_case, "name-dob", ["family_name", "given_name", "date_of_birth"])
    new = Person.objects.get(last_name="Newcombe")
    assert (links[4].person, links[4].method) == (new, "created")
    assert [(a.outcome, a.arrested_on.isoformat(), [o.code.code for o in a.offences.all()]) for a in Arrest.objects.order_by("id")] == [
        ("bail", "2026-08-30", ["28E"]),
        ("nfa", "2026-08-30", ["34B"]),
        ("rui", "2026-08-30", ["28E"]),
    ]
    arrest_events = AuditEvent.objects.filter(object_type="arrest", action="create")
    assert {e.actor_id for e in arrest_events} == {coordinator.pk} and arrest_events.count() == 3
    assert AuditEvent.objects.filter(object_type="import-run", object_id=str(run.pk), actor=coordinator).exists()


def test_an_xlsx_file_imports_like_a_csv_and_keeps_a_formula_as_text(coordinator):
    formula = '=HYPERLINK("http://evil.example/","Click")'
    run = arrests_import(acting_user=coordinator, data=xlsx_file(row(custody_suite=formula)), file_name="overnight.xlsx")
    assert run.counts()["imported"] == 1, problems(run)
    assert Arrest.objects.get().custody_suite == formula


def test_every_kind_of_bad_row_is_reported_with_line_column_and_reason_and_every_good_row_kept(coordinator):
    long_suite = "X" * 201
    lines = [
        HEADER,
        "," + ",".join(["Goodrow", "Alpha", "1990-01-01", "2026-08-01T10:00", "Northbridge", "28E", "Charged"]),  # 2 good
        ",Caf\xe9,Bad,1990-01-01,2026-08-01T10:00,Northbridge,28E,Charged",  # 3 wrong encoding (latin-1)
        ",Impossible,Date,1990-02-30,2026-08-01T10:00,Northbridge,28E,Charged",  # 4 impossible date
        ",Goodrow,Alpha,1990-01-01,2026-08-01T10:00,Northbridge,28E,Charged",  # 5 duplicate of line 2
        ",Unknown,Code,1990-01-01,2026-08-01T10:00,Northbridge,99Z,Charged",  # 6 unknown offence code
        f",Long,Suite,1990-01-01,2026-08-01T10:00,{long_suite},28E,Charged",  # 7 over-long field
        ',Formula,Cell,1991-01-01,2026-08-01T10:00,"=HYPERLINK(""http://evil.example/"",""x"")",28E,Charged',  # 8 good
        ",Bad,Outcome,1990-01-01,2026-08-01T10:00,Northbridge,28E,Sent to the moon",  # 9
        ",Future,Arrest,1990-01-01,2026-12-01T10:00,Northbridge,28E,Charged",  # 10
        ",,Nameless,1990-01-01,2026-08-01T10:00,Northbridge,28E,Charged",  # 11 missing family name
        "2019/1234567Z,Bad,Pnc,1990-01-01,2026-08-01T10:00,Northbridge,28E,Charged",  # 12 wrong check character
        ",Too,Many,1990-01-01,2026-08-01T10:00,Northbridge,28E,Charged,extra",  # 13
        ",Second,Good,1992-02-02,2026-08-02 09:30,Southport,34B,Caution",  # 14 good (space for T)
        ",Bad,Time,1990-01-01,2026-08-01T25:00,Northbridge,28E,Charged",  # 15 impossible time
        ",Nul,Byte,1990-01-01,2026-08-01T10:00,North\x00bridge,28E,Charged",  # 16 a NUL character
    ]
    data = "\n".join(lines).encode("utf-8").replace("Caf\xe9".encode(), b"Caf\xe9")
    run = arrests_import(acting_user=coordinator, data=data, file_name="mixed.csv")

    found = problems(run)
    by_line = {line: (column, reason) for line, column, reason in found}
    assert set(by_line) == {3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 15, 16}, found
    assert by_line[3] == ("family_name", "Not UTF-8 text: save the file as CSV UTF-8 and import it again")
    assert by_line[4] == ("date_of_birth", "1990-02-30 is not a real date")
    assert by_line[5] == ("", "Duplicate of line 2: the same person, arrest time and custody suite")
    assert by_line[6][0] == "offence_code" and "Unknown Home Office offence code 99Z" in by_line[6][1]
    assert by_line[7] == ("custody_suite", "201 characters: the custody suite must be 200 or fewer")
    assert by_line[9][0] == "outcome" and "Charged, No further action, Caution" in by_line[9][1]
    assert by_line[10] == ("arrested_at", "2026-12-01T10:00 is in the future")
    assert by_line[11] == ("family_name", "Enter the family name")
    assert by_line[12][0] == "pnc_id" and "check character" in by_line[12][1]
    assert by_line[13] == ("", "The row has 9 cells but the first row names 8 columns")
    assert by_line[15] == ("arrested_at", "2026-08-01T25:00 is not a real date and time")
    assert by_line[16] == ("custody_suite", "Contains a control or invisible character (U+0000)")
    assert run.counts() == {"rows": 15, "imported": 3, "unchanged": 0, "rejected": 12, "review": 0}
    # The row is kept for the error report as the database can hold it.
    assert run.rejections.get(line=3).values["family_name"] == "Caf\ufffd"
    kept = Person.objects.filter(last_name__in=["Goodrow", "Formula", "Second"]).values_list("last_name", flat=True)
    assert sorted(kept) == ["Formula", "Goodrow", "Second"]
    assert Arrest.objects.filter(custody_suite='=HYPERLINK("http://evil.example/","x")').count() == 1


def test_a_missing_column_refuses_the_whole_file_and_imports_nothing(coordinator):
    header = HEADER.replace(",offence_code", "")
    before = Person.objects.count()
    run = arrests_import(acting_user=coordinator, data=csv_file(row(), header=header), file_name="short.csv")
    assert run.refused.startswith("The file has no offence_code column")
    assert "Nothing was imported" in run.refused
    assert (run.rows, Arrest.objects.count(), Person.objects.count()) == (0, 0, before)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.csv", "The file is empty."),
        (b"PK\x03\x04not really a zip", "broken.xlsx", "The file could not be read as an XLSX workbook"),
        ("pnc_id,famil\xe9".encode("latin-1"), "latin.csv", "The first row is not UTF-8 text"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_a_clear_message(coordinator, data, name, message):
    run = arrests_import(acting_user=coordinator, data=data, file_name=name)
    assert run.refused.startswith(message)


def test_importing_the_same_file_twice_changes_nothing_the_second_time(partnership, coordinator):
    data = csv_file(
        *many_rows(9), row(pnc_id=partnership.ordinary.pnc_id, family_name="Example", given_name="Jordan", date_of_birth="1990-05-17")
    )
    first = arrests_import(acting_user=coordinator, data=data, file_name="a.csv")
    assert first.counts() == {"rows": 10, "imported": 10, "unchanged": 0, "rejected": 0, "review": 0}
    after_first = state()
    second = arrests_import(acting_user=coordinator, data=data, file_name="a.csv")
    assert second.counts() == {"rows": 10, "imported": 0, "unchanged": 10, "rejected": 0, "review": 0}
    assert state() == after_first


def test_an_overlapping_file_adds_only_its_new_rows(coordinator):
    rows = many_rows(12)
    arrests_import(acting_user=coordinator, data=csv_file(*rows[:8]), file_name="monday.csv")
    run = arrests_import(acting_user=coordinator, data=csv_file(*rows[4:]), file_name="tuesday.csv")
    assert run.counts() == {"rows": 8, "imported": 4, "unchanged": 4, "rejected": 0, "review": 0}
    assert Arrest.objects.count() == 12


def test_the_same_arrest_with_another_outcome_is_reported_not_doubled(coordinator):
    arrests_import(acting_user=coordinator, data=csv_file(row(outcome="Bailed")), file_name="a.csv")
    run = arrests_import(acting_user=coordinator, data=csv_file(row(outcome="Charged")), file_name="b.csv")
    assert run.counts()["rejected"] == 1
    [(line, column, reason)] = problems(run)
    assert (line, column) == (2, "outcome") and "already recorded" in reason and "outcome Bail;" in reason
    assert Arrest.objects.get().outcome == "bail"


def test_the_natural_key_is_enforced_by_the_database(coordinator):
    from django.db import IntegrityError

    arrests_import(acting_user=coordinator, data=csv_file(row()), file_name="a.csv")
    link = ArrestLink.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        ArrestLink.objects.create(
            person=link.person,
            arrested_at=link.arrested_at,
            suite_key=link.suite_key,
            arrest=Arrest.objects.create(person=link.person, arrested_on=link.arrest.arrested_on, custody_suite="x", outcome="nfa"),
            outcome="nfa",
            offence_code="28E",
            method="created",
            run=link.run,
            line=9,
        )


class Killed(Exception):
    pass


def test_an_import_killed_part_way_and_run_again_ends_exactly_as_a_clean_run(coordinator):
    rows = many_rows(23)
    data = csv_file(*rows)

    # A clean run, measured, then undone.
    with transaction.atomic():
        clean = arrests_import(acting_user=coordinator, data=data, file_name="arrests.csv", batch_size=5)
        assert clean.counts()["imported"] == 23
        clean_state = state()
        transaction.set_rollback(True)
    assert Arrest.objects.count() == 0

    def kill_at_row_13(done: int, total: int) -> None:
        if done == 13:  # in the middle of the third batch (rows 11-15)
            raise Killed

    with pytest.raises(Killed):
        arrests_import(acting_user=coordinator, data=data, file_name="arrests.csv", batch_size=5, progress=kill_at_row_13)
    # Two whole batches survive; the third, cut off, left nothing behind.
    assert Arrest.objects.count() == 10
    assert ArrestLink.objects.count() == 10

    rerun = arrests_import(acting_user=coordinator, data=data, file_name="arrests.csv", batch_size=5)
    assert rerun.counts() == {"rows": 23, "imported": 13, "unchanged": 10, "rejected": 0, "review": 0}
    assert state() == clean_state


def test_xlsx_date_and_date_time_cells_are_read_as_the_dates_they_show(coordinator):
    import datetime

    data = xlsx_file(row(date_of_birth=datetime.datetime(1994, 3, 8), arrested_at=datetime.datetime(2026, 8, 30, 23, 15)))  # type: ignore[arg-type]
    run = arrests_import(acting_user=coordinator, data=data, file_name="dates.xlsx")
    assert run.counts()["imported"] == 1, problems(run)
    link = ArrestLink.objects.get()
    assert link.person.date_of_birth == datetime.date(1994, 3, 8)
    assert link.arrested_at == datetime.datetime(2026, 8, 30, 22, 15, tzinfo=datetime.UTC)  # 23:15 British Summer Time


def test_an_xlsx_row_with_an_impossible_date_is_reported_by_its_line(coordinator):
    run = arrests_import(
        acting_user=coordinator, data=xlsx_file(row(), row(date_of_birth="1990-02-30", arrested_at="2026-08-01T10:00")), file_name="x.xlsx"
    )
    assert problems(run) == [(3, "date_of_birth", "1990-02-30 is not a real date")]
    assert run.counts()["imported"] == 1


def test_a_time_the_clocks_skip_is_refused_and_the_hours_around_it_are_kept(coordinator):
    """The clocks go forward at 1am GMT on 29 March 2026, so 1:30am never happened in England; they
    went back at 2am BST on 26 October 2025, so 1:30am happened twice (read as the first, BST)."""
    from iomhub.feeds.models import ArrestLink

    data = csv_file(
        row(family_name="Before", arrested_at="2026-03-29T00:30"),
        row(family_name="Skipped", arrested_at="2026-03-29T01:30"),
        row(family_name="After", arrested_at="2026-03-29T02:30"),
        row(family_name="Twice", arrested_at="2025-10-26T01:30"),
    )
    run = arrests_import(acting_user=coordinator, data=data, file_name="clocks.csv")
    assert problems(run) == [
        (3, "arrested_at", "2026-03-29T01:30 is not a time in England: the clocks went forward an hour at 1am that night")
    ]
    assert run.counts()["imported"] == 3
    import datetime

    utc = {link.line: link.arrested_at.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M") for link in ArrestLink.objects.all()}
    assert utc == {2: "2026-03-29 00:30", 4: "2026-03-29 01:30", 5: "2025-10-26 00:30"}
