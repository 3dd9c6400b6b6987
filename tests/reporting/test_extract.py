"""The pseudonymised evaluation extract: for the evaluator only; no name, identifier, date of birth
or exact date; pseudonyms stable for one key and different under another; and the report's
figures computed again from the extract agree with the report."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest
from django.core.management import call_command

from iomhub.access.models import AuditEvent, Role
from iomhub.reporting import selectors
from iomhub.reporting.extract import evaluation_extract
from iomhub.rules.quarters import Quarter
from tests.reporting.dataset import QUARTER, build

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@pytest.fixture
def data(partnership):
    return build(partnership)


def rows(files: dict[str, str], name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(files[name])))


def test_the_evaluator_downloads_it_and_it_names_no_one(client, partnership, data):
    client.force_login(partnership.users[Role.EVALUATOR])
    response = client.get("/reports/evaluation-extract.zip")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        text = " ".join(archive.read(n).decode() for n in archive.namelist())
        assert sorted(archive.namelist()) == ["custody.csv", "offences.csv", "people.csv", "registrations.csv"]
    assert not [s for s in data.identities() if s in text]
    assert not ISO_DAY.search(text), "every date is to the month"
    assert not [str(p.pk) for p in data.people.values() if f",{p.pk}," in text or text.startswith(f"{p.pk},")]
    assert AuditEvent.objects.filter(actor=partnership.users[Role.EVALUATOR], action="export", object_id="evaluation extract").exists()


@pytest.mark.parametrize("role", [Role.PERFORMANCE_LEAD, Role.CHAIR, Role.COORDINATOR, Role.IG_LEAD])
def test_no_one_else_may_take_it(client, partnership, data, role):
    client.force_login(partnership.users[role])
    assert client.get("/reports/evaluation-extract.zip").status_code == 403


def test_pseudonyms_are_stable_for_a_key_and_differ_under_another(partnership, data):
    evaluator = partnership.users[Role.EVALUATOR]
    first = rows(evaluation_extract(user=evaluator, key="key-one"), "people.csv")
    again = rows(evaluation_extract(user=evaluator, key="key-one"), "people.csv")
    other = rows(evaluation_extract(user=evaluator, key="key-two"), "people.csv")
    assert [r["pseudonym"] for r in first] == [r["pseudonym"] for r in again]
    assert not {r["pseudonym"] for r in first} & {r["pseudonym"] for r in other}
    assert len(first) == 8  # everyone ever registered: P1 to P8 (P2 once), not P9 or P10
    assert {r["birth_month"] for r in first} >= {"1991-03", "1979-12"}


def test_the_reports_figures_computed_from_the_extract_agree(partnership, data):
    """Registrations and exits of 2026Q3, counted from the extract's months, for the partnership."""
    files = evaluation_extract(user=partnership.users[Role.EVALUATOR], key="k")
    regs = rows(files, "registrations.csv")
    months = {"2026-07", "2026-08", "2026-09"}
    report = selectors.quarterly(user=partnership.users[Role.EVALUATOR], quarter=Quarter.parse(QUARTER))
    assert sum(r["started_month"] in months for r in regs) == report.figure("registrations").count
    assert sum(r["ended_month"] in months for r in regs) == report.figure("exits").count
    assert sum(r["ended_month"] in months and r["exit"] == "planned" for r in regs) == report.figure("exits-planned").count
    assert sum(r["ended_month"] in months and r["exit"] == "unplanned" for r in regs) == report.figure("exits-unplanned").count


def test_the_command_writes_the_files(partnership, data, tmp_path):
    call_command("report", "evaluation-extract", "--output", str(tmp_path / "x"), "--as", "evaluator", "--key", "k")
    assert sorted(p.name for p in (tmp_path / "x").iterdir()) == ["custody.csv", "offences.csv", "people.csv", "registrations.csv"]
    assert (tmp_path / "x" / "registrations.csv").read_text().startswith("pseudonym,started_month")


def test_the_same_data_makes_the_same_archive():
    from iomhub.reporting.extract import as_zip

    files = {"people.csv": "pseudonym\nabc\n"}
    archive = zipfile.ZipFile(io.BytesIO(as_zip(files)))
    assert [i.date_time for i in archive.infolist()] == [(1980, 1, 1, 0, 0, 0)]
    assert as_zip(files) == as_zip(dict(files))
    assert archive.read("people.csv").decode() == "pseudonym\nabc\n"
