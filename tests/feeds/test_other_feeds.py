"""The prison releases, court outcomes and offending history feeds (issue 11 §1-2): the same
guarantees as the arrests feed, through the same machinery: every bad row reported with its line,
column and reason, every good row kept, a second import changing nothing, the command's JSON."""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest
from django.core.management import call_command

from iomhub.feeds.models import FeedRecord, ImportRun
from iomhub.feeds.services import feed_import
from iomhub.justice.models import CourtOutcome, Offence, Sentence
from iomhub.people.models import Person

pytestmark = pytest.mark.django_db

COURT_HEADER = "pnc_id,family_name,given_name,date_of_birth,court,decided_on,offence_code,offence_date,disposal,requirements,fine_pounds"
HISTORY_HEADER = "pnc_id,family_name,given_name,date_of_birth,offence_code,offence_date"
RELEASE_HEADER = "prison_number,pnc_id,family_name,given_name,date_of_birth,prison,expected_release_date,release_type"


def lines(*rows: str) -> bytes:
    return "\n".join(rows).encode("utf-8")


def problems(run: ImportRun) -> dict[int, tuple[str, str]]:
    return {r.line: (r.column, r.reason) for r in run.rejections.order_by("line", "id")}


def test_court_outcomes_every_bad_row_reported_good_rows_kept_and_a_second_import_changes_nothing(partnership, coordinator):
    data = lines(
        COURT_HEADER,
        ",Example,Jordan,1990-05-17,Northbridge Magistrates,2026-07-01,28E,2026-05-02,Community order,DRR; RAR,",  # 2 good
        ",Sample,Casey,1985-01-02,Northbridge Crown Court,2026-06-10,34B,2026-03-01,Fine,,250",  # 3 good
        ",Example,Jordan,1990-05-17,NORTHBRIDGE  magistrates,2026-07-01,28E,2026-05-02,Community order,RAR;DRR,",  # 4 duplicate
        ",Example,Jordan,1990-05-17,Northbridge Magistrates,2026-02-30,28E,2026-01-02,Fine,,100",  # 5 impossible date
        ",Example,Jordan,1990-05-17,Northbridge Magistrates,2026-07-01,99Z,2026-05-02,Fine,,100",  # 6 unknown code
        f",Example,Jordan,1990-05-17,{'C' * 201},2026-07-01,28E,2026-05-03,Fine,,100",  # 7 over-long
        ',Formula,Cell,1991-01-01,"=HYPERLINK(""http://x.example/"")",2026-07-01,28E,2026-05-02,Conditional discharge,,',  # 8 good
        ",Example,Jordan,1990-05-17,Northbridge Magistrates,2026-07-01,28E,2026-07-02,Fine,,100",  # 9 offence after conviction
        ",Example,Jordan,1990-05-17,Northbridge Magistrates,2026-07-01,28E,2026-04-02,Fine,,",  # 10 fine without amount
        ",Example,Jordan,1990-05-17,Northbridge Magistrates,2026-07-01,28E,2026-04-03,Deported to Mars,,",  # 11 bad disposal
    )
    run = feed_import(feed="court-outcomes", acting_user=coordinator, data=data, file_name="courts.csv")

    found = problems(run)
    assert set(found) == {4, 5, 6, 7, 9, 10, 11}, found
    assert found[4] == ("", "Duplicate of line 2: the same person, date of conviction, court, offence and offence date")
    assert found[5] == ("decided_on", "2026-02-30 is not a real date")
    assert found[6][0] == "offence_code" and "Unknown Home Office offence code 99Z" in found[6][1]
    assert found[7] == ("court", "201 characters: the court must be 200 or fewer")
    assert found[9] == ("offence_date", "The offence date must be on or before the date of conviction")
    assert found[10] == ("fine_pounds", "Enter the amount of the fine in pounds")
    assert found[11][0] == "disposal" and "Community order" in found[11][1]
    assert run.counts() == {"rows": 10, "imported": 3, "unchanged": 0, "rejected": 7, "review": 0}
    jordan = CourtOutcome.objects.get(person=partnership.ordinary)
    assert (jordan.disposal, jordan.requirements, jordan.court, jordan.decided_on) == (
        "community-order",
        ["drr", "rar"],
        "Northbridge Magistrates",
        datetime.date(2026, 7, 1),
    )
    assert [(o.code.code, o.committed_on) for o in jordan.offences.all()] == [("28E", datetime.date(2026, 5, 2))]
    assert CourtOutcome.objects.get(person=partnership.housing_case).fine_pounds == 250
    assert CourtOutcome.objects.get(court='=HYPERLINK("http://x.example/")').disposal == "conditional-discharge"

    again = feed_import(feed="court-outcomes", acting_user=coordinator, data=data, file_name="courts.csv")
    assert again.counts() == {"rows": 10, "imported": 0, "unchanged": 3, "rejected": 7, "review": 0}
    assert (CourtOutcome.objects.count(), Offence.objects.count(), FeedRecord.objects.count()) == (3, 3, 3)


def test_a_court_outcome_met_again_with_another_disposal_is_refused_naming_both(partnership, coordinator):
    first = lines(COURT_HEADER, ",Example,Jordan,1990-05-17,Northbridge Magistrates,2026-07-01,28E,2026-05-02,Fine,,100")
    feed_import(feed="court-outcomes", acting_user=coordinator, data=first, file_name="a.csv")
    changed = lines(COURT_HEADER, ",Example,Jordan,1990-05-17,Northbridge Magistrates,2026-07-01,28E,2026-05-02,Fine,,300")
    run = feed_import(feed="court-outcomes", acting_user=coordinator, data=changed, file_name="b.csv")
    column, reason = problems(run)[2]
    assert column == "disposal" and "as Fine, £100; the file says Fine, £300" in reason
    assert CourtOutcome.objects.get().fine_pounds == 100


def test_offending_history_is_recorded_once_per_offence_and_creates_new_people(partnership, coordinator):
    data = lines(
        HISTORY_HEADER,
        ",Example,Jordan,1990-05-17,28E,2019-04-01",  # 2 good
        ",Example,Jordan,1990-05-17,34B,2021-11-30",  # 3 good
        ",Example,Jordan,1990-05-17,28E,2019-04-01",  # 4 duplicate of 2
        ",Example,Jordan,1990-05-17,28E,1980-01-01",  # 5 before the date of birth
        ",Example,Jordan,1990-05-17,28E,2027-01-01",  # 6 in the future
        ",Historic,Harper,1975-06-06,45,2001-02-03",  # 7 good, a new person
        ",Example,Jordan,1990-05-17,28E,2019-13-01",  # 8 impossible date
    )
    run = feed_import(feed="offending-history", acting_user=coordinator, data=data, file_name="pnc.csv")
    found = problems(run)
    assert found == {
        4: ("", "Duplicate of line 2: the same person, offence and offence date"),
        5: ("offence_date", "1980-01-01 is before the date of birth"),
        6: ("offence_date", "2027-01-01 is in the future"),
        8: ("offence_date", "2019-13-01 is not a real date"),
    }
    assert run.counts() == {"rows": 7, "imported": 3, "unchanged": 0, "rejected": 4, "review": 0}
    assert sorted((o.code.code, o.committed_on.isoformat()) for o in Offence.objects.filter(person=partnership.ordinary)) == [
        ("28E", "2019-04-01"),
        ("34B", "2021-11-30"),
    ]
    assert Person.objects.filter(last_name="Historic", first_name="Harper").count() == 1
    again = feed_import(feed="offending-history", acting_user=coordinator, data=data, file_name="pnc.csv")
    assert (again.imported, again.unchanged, Offence.objects.count()) == (0, 3, 3)


def _sentenced(person: Person) -> Sentence:
    return Sentence.objects.create(
        person=person, sentenced_on=datetime.date(2026, 2, 1), offence_committed_on=datetime.date(2025, 12, 1), years=2
    )


def test_a_release_sets_the_prisons_date_on_the_sentence_and_the_prison_number_on_the_person(partnership, coordinator):
    sentence = _sentenced(partnership.ordinary)
    data = lines(
        RELEASE_HEADER,
        "A1234BC,,Example,Jordan,1990-05-17,HMP Northbridge,2026-11-20,CRD",  # 2 good
        "B2345CD,,Sample,Casey,1985-01-02,HMP Northbridge,2026-10-01,HDC",  # 3 no sentence on record
        "C3456DE,,Nobody,Known,1970-01-01,HMP Northbridge,2026-10-01,CRD",  # 4 not on IOM Hub
        "Z99,,Example,Jordan,1990-05-17,HMP Northbridge,2026-10-01,CRD",  # 5 bad prison number
        "A1234BC,,Example,Jordan,1990-05-17,HMP Northbridge,2026-12-01,Day release",  # 6 unknown type
    )
    run = feed_import(feed="releases", acting_user=coordinator, data=data, file_name="releases.csv")
    found = problems(run)
    assert set(found) == {3, 4, 5, 6}, found
    assert found[3][0] == "expected_release_date" and "No sentence passed on or before this date" in found[3][1]
    assert found[4][0] == "" and "Nobody on IOM Hub you may see matches this row" in found[4][1]
    assert found[5] == ("prison_number", "Enter a prison number in the format A1234BC")
    assert found[6][0] == "release_type" and "CRD, ARD, HDC" in found[6][1]
    sentence.refresh_from_db()
    partnership.ordinary.refresh_from_db()
    assert (sentence.override_release_date, sentence.effective_release_date) == (datetime.date(2026, 11, 20),) * 2
    assert "conditional release (CRD) expected on 20 November 2026 from HMP Northbridge" in sentence.override_reason
    assert partnership.ordinary.prison_number == "A1234BC"
    assert Person.objects.filter(last_name="Nobody").count() == 0  # a release creates nobody
    # The second import changes nothing; linked by prison number now.
    again = feed_import(feed="releases", acting_user=coordinator, data=data, file_name="releases.csv")
    assert (again.imported, again.unchanged, again.rejected) == (0, 1, 4)


def test_a_different_prison_number_on_record_refuses_the_row(partnership, coordinator):
    _sentenced(partnership.ordinary)
    Person.objects.filter(pk=partnership.ordinary.pk).update(prison_number="A1111AA")
    data = lines(RELEASE_HEADER, "A1234BC,,Example,Jordan,1990-05-17,HMP Northbridge,2026-11-20,CRD")
    run = feed_import(feed="releases", acting_user=coordinator, data=data, file_name="r.csv")
    assert problems(run) == {2: ("prison_number", "The record holds the prison number A1111AA; the file says A1234BC")}
    assert Sentence.objects.get().override_release_date is None


@pytest.mark.parametrize(
    ("feed", "header", "good"),
    [
        ("offending-history", HISTORY_HEADER, ",Example,Jordan,1990-05-17,28E,2019-04-01"),
        ("court-outcomes", COURT_HEADER, ",Example,Jordan,1990-05-17,Northbridge MC,2026-07-01,28E,2026-05-02,Absolute discharge,,"),
    ],
)
def test_the_command_imports_every_feed_and_writes_its_error_report(tmp_path, partnership, feed, header, good):
    source = tmp_path / "feed.csv"
    source.write_bytes(lines(header, good, good.replace("Jordan", "=Jordan").replace("28E", "99Z")))
    report = tmp_path / "errors.csv"
    out, err = io.StringIO(), io.StringIO()
    call_command("import", feed, str(source), "--error-report", str(report), stdout=out, stderr=err)
    summary = json.loads(out.getvalue().strip().splitlines()[-1])
    assert {k: summary[k] for k in ("rows", "imported", "unchanged", "rejected")} == {
        "rows": 2,
        "imported": 1,
        "unchanged": 0,
        "rejected": 1,
    }
    with report.open(encoding="utf-8", newline="") as f:
        written = list(csv.reader(f))
    assert written[0] == ["line", "column", "reason", *header.split(",")]
    assert written[1][:2] == ["3", "offence_code"] and written[1][5] == "'=Jordan"


def test_a_file_of_another_feed_is_refused_naming_the_missing_columns(coordinator):
    run = feed_import(
        feed="releases", acting_user=coordinator, data=lines(HISTORY_HEADER, ",A,B,1990-01-01,28E,2019-01-01"), file_name="x.csv"
    )
    assert run.refused.startswith("The file has no prison_number, prison, expected_release_date, release_type columns")
    assert "docs/feeds/releases.md" in run.refused


def test_a_coordinator_uploads_a_court_outcomes_file_in_the_browser(client, partnership, coordinator, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(coordinator)
    page = client.get("/feeds/court-outcomes/").content.decode()
    assert "Import court outcomes" in page and "docs/feeds/court-outcomes.md" in page
    data = lines(
        COURT_HEADER,
        ",Example,Jordan,1990-05-17,Northbridge MC,2026-07-01,28E,2026-05-02,Caution,,",
        ",A,B,1990-01-01,X,2026-07-01,99Z,2026-05-02,Fine,,1",
    )
    with django_capture_on_commit_callbacks(execute=True):  # the import is queued when the upload commits
        response = client.post("/feeds/court-outcomes/", {"file": SimpleUploadedFile("courts.csv", data, content_type="text/csv")})
    run = ImportRun.objects.get()
    assert (run.feed, run.imported, run.rejected) == ("court-outcomes", 1, 1)
    result = client.get(response["Location"]).content.decode()
    assert "Rows recorded" in result and 'href="/feeds/court-outcomes/"' in result and "Unknown Home Office offence code 99Z" in result
    # Another role may not import.
    client.force_login(partnership.users["housing-worker"])
    assert client.get("/feeds/court-outcomes/").status_code == 403
