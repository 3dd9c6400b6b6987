"""The quarterly report counted once and kept (ADR 0042): a stored report reads the same as one
counted afresh, any write to a record it counts (by the ORM, a queryset update or delete, or raw
SQL) shows on the next read, a rolled-back write leaves no trace, the parameters (the team) are
the key and the policy check and the audit happen on every read."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from iomhub.access.models import AuditEvent, Role, Team
from iomhub.casework.models import CaseRecord, TimelineEntry
from iomhub.cohort.models import Deregistration, Registration
from iomhub.justice.models import CustodyEpisode, PssBreach, Recall, Warrant
from iomhub.people.models import Address, Person
from iomhub.referrals.models import Decision, Referral
from iomhub.reporting import data_version, selectors
from iomhub.reporting.models import DataChange, StoredReport
from iomhub.reporting.stored import as_stored
from iomhub.rules.quarters import Quarter
from tests.reporting.dataset import EXPECTED_ALL, EXPECTED_TEAM_A, QUARTER, Dataset, build

D = datetime.date
Q = Quarter.parse(QUARTER)


@pytest.fixture
def data(partnership):
    return build(partnership)


def figures(report) -> dict[str, int | float]:
    return {f.key: f.count for t in report.tables for f in t.rows}


def read(partnership, team: Team | None, role: Role = Role.PERFORMANCE_LEAD):
    return selectors.quarterly(user=partnership.users[role], quarter=Q, team_id=team.pk if team else None)


def fresh(partnership, team: Team | None):
    return selectors.quarterly(user=partnership.users[Role.CHAIR], quarter=Q, team_id=team.pk if team else None, people=True)


def test_the_stored_report_reads_as_one_counted_afresh(partnership, data):
    for team, expected in ((data.team_a, EXPECTED_TEAM_A), (None, EXPECTED_ALL)):
        first, second = read(partnership, team), read(partnership, team)
        assert figures(second) == figures(first) == expected  # the hand-worked answers
        assert as_stored(second) == as_stored(fresh(partnership, team))  # every label, caption and note too
        assert {type(v) for v in figures(second).values()} == {type(v) for v in figures(fresh(partnership, team)).values()}
    assert StoredReport.objects.filter(kind="quarterly").count() == 2


def test_the_second_read_is_the_stored_one(partnership, data):
    """Proved by editing the stored figures: the next read shows the edit, and costs a handful of
    queries rather than the counting's."""
    read(partnership, data.team_a)
    stored = StoredReport.objects.get(kind="quarterly", params=f"{QUARTER} team={data.team_a.pk}")
    stored.figures["tables"][0]["rows"][0]["count"] = 999
    stored.save(update_fields=["figures"])
    with CaptureQueriesContext(connection) as captured:
        report = read(partnership, data.team_a)
    assert report.figure("caseload-start").count == 999
    assert len(captured.captured_queries) <= 6  # the reader, the team, the version, the stored row, the audit
    with CaptureQueriesContext(connection) as counted:
        fresh(partnership, data.team_a)
    assert len(counted.captured_queries) > len(captured.captured_queries) + 5


# One write to each counted table, by each path a write can take, and the figure it moves.
def _new_warrant(d: Dataset) -> None:
    Warrant.objects.create(person=d.people["P1"], kind=Warrant.Kind.BREACH, issued_on=D(2026, 9, 1))


def _pss_moved_out(d: Dataset) -> None:
    PssBreach.objects.filter(person=d.people["P3"]).update(heard_on=D(2026, 6, 1))


def _recall_deleted(d: Dataset) -> None:
    Recall.objects.filter(person=d.people["P2"]).delete()


def _released_earlier(d: Dataset) -> None:
    episode = CustodyEpisode.objects.get(person=d.people["P1"])
    episode.ended_on = D(2026, 9, 25)
    episode.save()


def _new_registration(d: Dataset) -> None:
    Registration.objects.create(person=d.people["P9"], started_on=D(2026, 9, 1), rag="amber")


def _exit_made_exceptional(d: Dataset) -> None:
    Deregistration.objects.filter(registration__person=d.people["P3"]).update(exceptional=True)


def _moved_to_team_b(d: Dataset) -> None:
    person = Person.objects.get(pk=d.people["P1"].pk)
    person.managing_team = d.team_b
    person.save()


def _drug_test_deleted(d: Dataset) -> None:
    TimelineEntry.objects.filter(person=d.people["P1"], drug_result="positive").delete()


def _abode_found(d: Dataset) -> None:
    Address.objects.filter(person=d.people["P2"], no_fixed_abode=True).update(no_fixed_abode=False)


def _parental_status_recorded(d: Dataset) -> None:
    CaseRecord.objects.create(person=d.people["P4"], parental_status="not-a-parent")


def _referral_withdrawn_to_draft(d: Dataset) -> None:
    Referral.objects.filter(person=d.people["P9"]).update(status=Referral.Status.DRAFT)


def _decision_deleted(d: Dataset) -> None:
    Decision.objects.filter(referral__person=d.people["P9"]).delete()


def _raw_sql_warrant_moved(d: Dataset) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE justice_warrant SET issued_on = %s WHERE person_id = %s", [D(2026, 5, 1), d.people["P1"].pk])


WRITES: list[tuple[Callable[[Dataset], None], str, int | float]] = [
    (_new_warrant, "breach-warrants", 2),
    (_pss_moved_out, "pss-breaches", 0),
    (_recall_deleted, "recalls-fixed-term", 0),
    (_released_earlier, "in-custody-end", 0),
    (_new_registration, "registrations", 3),
    (_exit_made_exceptional, "exits-planned", 0),
    (_moved_to_team_b, "caseload-start", 2),
    (_drug_test_deleted, "drug-tests-positive", 0),
    (_abode_found, "no-fixed-abode", 0),
    (_parental_status_recorded, "parental-complete", 3),
    (_referral_withdrawn_to_draft, "referrals-submitted", 2),
    (_decision_deleted, "decisions-reject", 0),
    (_raw_sql_warrant_moved, "breach-warrants", 0),
]


@pytest.mark.parametrize(("write", "key", "after"), WRITES, ids=[w.__name__.strip("_") for w, _, _ in WRITES])
def test_a_write_to_a_counted_record_shows_on_the_next_read(partnership, data, write, key, after):
    before = read(partnership, data.team_a)
    assert read(partnership, data.team_a).figure(key).count == before.figure(key).count == EXPECTED_TEAM_A[key]  # stored
    write(data)
    report = read(partnership, data.team_a)
    assert report.figure(key).count == after != EXPECTED_TEAM_A[key]
    assert as_stored(report) == as_stored(fresh(partnership, data.team_a))


def test_renaming_the_team_shows_on_the_next_read(partnership, data):
    assert read(partnership, data.team_a).team == "Northbridge IOM"
    Team.objects.filter(pk=data.team_a.pk).update(name="Northbridge and Docks IOM")
    assert read(partnership, data.team_a).team == "Northbridge and Docks IOM"


def test_a_write_rolled_back_leaves_the_figures_as_they_were(partnership, data):
    read(partnership, data.team_a)

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        _new_warrant(data)
        assert read(partnership, data.team_a).figure("breach-warrants").count == 2  # its own write, seen
        raise Undo
    assert read(partnership, data.team_a).figure("breach-warrants").count == 1


def test_every_table_the_report_reads_is_counted(partnership, data):
    """Read from the SQL the counting runs, not from the list: a table added to the report without
    its trigger fails here."""
    with CaptureQueriesContext(connection) as captured:
        fresh(partnership, data.team_a)
        fresh(partnership, None)
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    tables = set(re.findall(r'(?:FROM|JOIN)\s+"?([a-z_]+)"?', sql))
    read_by_the_policy_or_the_audit = {"access_user", "access_auditevent", "access_user_groups", "access_roleassignment", "access_team"}
    assert tables - read_by_the_policy_or_the_audit - {data_version.PERSON_TABLE} <= set(data_version.COUNTED_TABLES)
    assert {"cohort_registration", "justice_warrant", "casework_timelineentry", "referrals_decision"} <= tables


def test_each_team_has_its_own_stored_report(partnership, data):
    assert figures(read(partnership, None)) == EXPECTED_ALL
    team_b = figures(read(partnership, data.team_b))
    assert (team_b["caseload-start"], team_b["recalls-standard"], team_b["registrations"]) == (1, 1, 0)
    assert figures(read(partnership, data.team_a)) == EXPECTED_TEAM_A
    assert figures(read(partnership, data.team_b)) == team_b
    assert StoredReport.objects.filter(kind="quarterly").count() == 3


def test_a_stored_report_keeps_no_one_and_allows_no_drill_down(partnership, data):
    read(partnership, data.team_a, Role.CHAIR)
    stored = StoredReport.objects.get(kind="quarterly", params=f"{QUARTER} team={data.team_a.pk}")
    assert {k for t in stored.figures["tables"] for f in t["rows"] for k in f} == {"key", "label", "count", "drillable"}
    report = read(partnership, data.team_a, Role.CHAIR)
    with pytest.raises(RuntimeError):
        selectors.drill_down(user=partnership.users[Role.CHAIR], report=report, key="exits")
    with pytest.raises(PermissionDenied):  # the performance lead is refused first, as before
        selectors.drill_down(user=partnership.users[Role.PERFORMANCE_LEAD], report=report, key="exits")


@pytest.mark.parametrize("role", [Role.POLICE_IOM_OFFICER, Role.PARTNER_WORKER, Role.SYSTEM_ADMIN])
def test_a_stored_report_is_still_refused_to_those_the_policy_refuses(partnership, data, role):
    read(partnership, None)
    assert StoredReport.objects.exists()
    with pytest.raises(PermissionDenied):
        read(partnership, None, role)
    assert AuditEvent.objects.filter(actor=partnership.users[role], action="denied", object_type="report").exists()


def test_every_read_is_audited_stored_or_not(partnership, data):
    user = partnership.users[Role.PERFORMANCE_LEAD]
    for _ in range(3):
        read(partnership, data.team_a)
    selectors.quarterly(user=user, quarter=Q, team_id=data.team_a.pk, export=True)
    events = list(AuditEvent.objects.filter(actor=user, object_type="report").order_by("id").values_list("action", "object_id", "changes"))
    expected_changes: dict[str, Any] = {"quarter": QUARTER, "team": data.team_a.pk}
    assert events == [*[("search", f"quarterly {QUARTER}", expected_changes)] * 3, ("export", f"quarterly {QUARTER}", expected_changes)]


def test_the_page_and_the_api_read_the_stored_report_and_audit_each_read(client, partnership, data):
    user = partnership.users[Role.PERFORMANCE_LEAD]
    client.force_login(user)
    url = f"/reports/quarterly/?quarter={QUARTER}&team={data.team_a.pk}"
    pages = [client.get(url) for _ in range(2)]
    answers = [client.get(f"/api/v1/reports/quarterly?quarter={QUARTER}&team={data.team_a.pk}") for _ in range(2)]
    assert [r.status_code for r in (*pages, *answers)] == [200] * 4
    shown = [dict(re.findall(r'data-figure="([a-z-]+)">([0-9.]+)<', page.content.decode())) for page in pages]
    assert shown[0] == shown[1] and set(shown[1]) == set(EXPECTED_TEAM_A)
    assert {k: float(v) for k, v in shown[1].items()} == EXPECTED_TEAM_A
    assert answers[0].json() == answers[1].json()
    assert StoredReport.objects.filter(kind="quarterly").count() == 1
    assert AuditEvent.objects.filter(actor=user, object_type="report", action="search").count() == 4


def test_folding_the_changes_in_keeps_the_version(partnership, data):
    read(partnership, data.team_a)
    version, _ = data_version.current()
    data_version.compact()
    assert data_version.current()[0] == version
    assert not DataChange.objects.exists()
    with CaptureQueriesContext(connection) as captured:
        read(partnership, data.team_a)
    assert len(captured.captured_queries) <= 6  # still the stored report
    _new_warrant(data)
    assert data_version.current()[0] > version
    assert read(partnership, data.team_a).figure("breach-warrants").count == 2
