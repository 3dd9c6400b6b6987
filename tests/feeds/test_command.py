"""``python -m iomhub import arrests FILE [--error-report FILE]``: the last line of output is the
counts as JSON; the error report never carries a live formula; a refused file exits non-zero."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command

from iomhub.access.models import AuditEvent
from iomhub.feeds.models import ImportRun
from iomhub.feeds.services import SYSTEM_USERNAME
from tests.feeds.conftest import HEADER, csv_file, row

pytestmark = pytest.mark.django_db


def run_command(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_prints_the_counts_as_its_last_line_and_writes_the_error_report(tmp_path, partnership):
    source = tmp_path / "overnight.csv"
    source.write_bytes(
        csv_file(
            row(), row(family_name="=cmd|' /C calc'!A0", offence_code="99Z"), row(given_name="Sam", family_name="-Lee", outcome="Sent home")
        )
    )
    report = tmp_path / "errors.csv"
    out, err = run_command("arrests", str(source), "--error-report", str(report))

    summary = json.loads(out.strip().splitlines()[-1])
    assert {k: summary[k] for k in ("rows", "imported", "unchanged", "rejected")} == {
        "rows": 3,
        "imported": 1,
        "unchanged": 0,
        "rejected": 2,
    }
    assert "line 3 offence_code: Unknown Home Office offence code 99Z" in err
    with report.open(encoding="utf-8", newline="") as f:
        written = list(csv.reader(f))
    assert written[0][:3] == ["line", "column", "reason"]
    assert [r[:2] for r in written[1:]] == [["3", "offence_code"], ["4", "outcome"]]
    # Cells a spreadsheet would run are written as text.
    assert written[1][4] == "'=cmd|' /C calc'!A0"
    assert written[2][4] == "'-Lee"
    assert not any(cell[:1] in "=+-@" for r in written for cell in r if cell)


def test_the_command_acts_as_the_named_system_account_and_audits_where_it_ran(tmp_path, partnership):
    source = tmp_path / "a.csv"
    source.write_bytes(csv_file(row()))
    run_command("arrests", str(source))
    run = ImportRun.objects.get()
    assert run.started_by.username == SYSTEM_USERNAME
    assert not run.started_by.has_usable_password()
    event = AuditEvent.objects.get(object_type="import-run", object_id=str(run.pk))
    assert event.actor_username == SYSTEM_USERNAME and event.reason.startswith("Custody arrests import from the command line by ")
    assert AuditEvent.objects.filter(object_type="arrest", actor_username=SYSTEM_USERNAME).count() == 1


def test_the_command_may_act_as_a_named_coordinator(tmp_path, partnership, coordinator):
    source = tmp_path / "a.csv"
    source.write_bytes(csv_file(row()))
    run_command("arrests", str(source), "--as", coordinator.username)
    assert ImportRun.objects.get().started_by == coordinator


def test_a_refused_file_exits_non_zero_with_the_reason(tmp_path, partnership):
    source = tmp_path / "a.csv"
    source.write_bytes(csv_file(row(), header=HEADER.replace("outcome", "result")))
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("import", "arrests", str(source), stdout=out, stderr=err)
    assert exited.value.code == 1
    assert "The file has no outcome column" in err.getvalue()
    assert json.loads(out.getvalue().strip().splitlines()[-1])["refused"].startswith("The file has no outcome column")


def test_the_same_file_twice_from_the_command_line_changes_nothing(tmp_path, partnership):
    source = tmp_path / "a.csv"
    source.write_bytes(csv_file(row(), row(arrested_at="2026-08-31T01:00")))
    run_command("arrests", str(source))
    out, _ = run_command("arrests", str(source))
    summary = json.loads(out.strip().splitlines()[-1])
    assert (summary["imported"], summary["unchanged"]) == (0, 2)
