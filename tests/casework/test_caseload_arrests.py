"""Arrests in the last 7 days on the caseload and the team dashboard (seed 002 §3: "kept up to date
with … overnight arrests"): exactly the week up to today, of the reader's cases, newest first, on
the page and the API alike; audited against each person shown; nothing of them, not even a count,
for a reader the justice record is not shared with."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from iomhub import clock
from iomhub.access.models import Role
from iomhub.casework import services as casework
from iomhub.casework.dashboard import caseload
from iomhub.cohort.models import Registration
from iomhub.justice.recent import recent_arrests
from tests.access.support import events_since, last_event_id
from tests.justice import factories

pytestmark = pytest.mark.django_db
D = datetime.date
START = D(2026, 1, 5)
TODAY = D(2026, 8, 10)  # a Monday


def _on_iom(p, person, lead):
    registration = Registration.objects.create(person=person, started_on=START, rag="amber")
    registration.rag_history.create(level="amber", changed_on=START, decided_by=p.users[Role.CHAIR], decided_by_name="Chair")
    with clock.frozen(START):
        casework.case_people_set(
            acting_user=p.users[Role.COORDINATOR],
            person=person,
            lead_worker=lead,
            coordinator=p.users[Role.COORDINATOR],
            reason="Allocated at the meeting",
            version=1,
        )


@pytest.fixture
def arrests(partnership):
    """The probation officer leads the ordinary person, arrested on the Monday (today), on the
    Tuesday before (the first day of the week: 6 days back) and on the Monday before (7 days back:
    too old); the housing case, led by the police officer, was arrested on the Saturday."""
    p = partnership
    _on_iom(p, p.ordinary, p.users[Role.PROBATION_OFFICER])
    _on_iom(p, p.housing_case, p.users[Role.POLICE_IOM_OFFICER])
    police = p.users[Role.POLICE_IOM_OFFICER]
    with clock.frozen(TODAY):
        factories.arrest(user=police, person=p.ordinary, arrested_on=D(2026, 8, 3), custody_suite="Old suite", offence_codes=["28E"])
        factories.arrest(
            user=police,
            person=p.ordinary,
            arrested_on=D(2026, 8, 4),
            custody_suite="Tuesday suite",
            outcome="nfa",
            offence_codes=["46", "105A"],
        )
        factories.arrest(user=police, person=p.ordinary, arrested_on=TODAY, custody_suite="Monday suite", offence_codes=["28E"])
        factories.arrest(user=police, person=p.housing_case, arrested_on=D(2026, 8, 8), custody_suite="Saturday suite", outcome="caution")
    return p


def _shown(found):
    return [(person.pk, a.arrested_on, a.custody_suite, a.outcome, a.offences) for person, a in found.arrests]


def test_a_worker_sees_the_last_seven_days_of_their_own_cases_newest_first(arrests):
    p = arrests
    officer = p.users[Role.PROBATION_OFFICER]
    since = last_event_id()
    found = caseload(user=officer, as_of=TODAY)
    assert found.justice_shared is True
    assert _shown(found) == [
        (p.ordinary.pk, TODAY, "Monday suite", "Charged", (("28E", "Burglary residential"),)),
        (p.ordinary.pk, D(2026, 8, 4), "Tuesday suite", "No further action", (("105A", "Assault without injury"), ("46", "Shoplifting"))),
    ]
    shown = events_since(since, actor=officer, action="listed", object_type="recent-arrests")
    assert [e.person_id for e in shown] == [p.ordinary.pk]
    # A day later the Tuesday is eight days old: only today's remains.
    assert [a.custody_suite for _, a in caseload(user=officer, as_of=TODAY + datetime.timedelta(days=1)).arrests] == ["Monday suite"]


def test_the_team_dashboard_has_every_case_of_the_team(arrests):
    p = arrests
    found = caseload(user=p.users[Role.COORDINATOR], as_of=TODAY)
    assert [(pk, suite) for pk, _, suite, _, _ in _shown(found)] == [
        (p.ordinary.pk, "Monday suite"),
        (p.housing_case.pk, "Saturday suite"),
        (p.ordinary.pk, "Tuesday suite"),
    ]


def test_the_page_lists_them_and_counts_them(client, arrests):
    p = arrests
    client.force_login(p.users[Role.PROBATION_OFFICER])
    with clock.frozen(TODAY):
        page = client.get("/caseload/").content.decode()
    assert "2 arrests in the last 7 days" in page
    assert "arrested 10 Aug 2026 at Monday suite, Charged (28E Burglary residential)" in page
    assert "arrested 4 Aug 2026 at Tuesday suite, No further action (105A Assault without injury; 46 Shoplifting)" in page
    assert "Old suite" not in page and "Saturday suite" not in page


def test_a_reader_without_the_justice_record_learns_nothing_of_an_arrest(client, api_auth, arrests):
    """The housing worker's agreement shares identity, contact and plan. They own an action on the
    arrested housing case, so the person is on their caseload, but not the arrest: no count, no
    suite, no date, no "no arrests" either (which would say there were none)."""
    p = arrests
    with clock.frozen(TODAY):
        casework.plan_action_add(
            acting_user=p.users[Role.COORDINATOR],
            person=p.housing_case,
            description="Book a housing options interview",
            agency=p.housing,
            owner=p.users["housing-worker"],
            due_on=TODAY + datetime.timedelta(days=3),
        )
    since = last_event_id()
    client.force_login(p.users["housing-worker"])
    with clock.frozen(TODAY):
        page = client.get("/caseload/").content.decode()
        body = client.get("/api/v1/caseload", **api_auth("housing-worker")).json()
    assert "Book a housing options interview" in page  # the person is on their caseload
    for text in ("Saturday suite", "8 Aug 2026", "arrests in the last", "No arrests", "Caution"):
        assert text not in page, text
    assert "not shared with you" in page
    assert body["arrests"] == [] and body["justice_shared"] is False
    assert "Saturday" not in str(body) and "2026-08-08" not in str(body)
    assert not events_since(since, object_type="recent-arrests")


def test_the_selector_itself_refuses_and_hides(arrests):
    """Guarded twice: a reader without the justice section is refused (audited), and a person the
    reader does not see is left out even when asked for by id."""
    p = arrests
    since = last_event_id()
    with pytest.raises(PermissionDenied):
        recent_arrests(user=p.users["housing-worker"], person_ids=[p.housing_case.pk], as_of=TODAY)
    assert events_since(since, actor=p.users["housing-worker"], action="denied")
    with clock.frozen(TODAY):
        factories.arrest(
            user=p.users[Role.PROBATION_OFFICER],
            person=p.restricted,  # granted access to them
            arrested_on=TODAY,
            custody_suite="Hidden suite",
        )
    chair = p.users[Role.CHAIR]  # sees no restricted person without breaking glass
    both = recent_arrests(user=chair, person_ids=[p.restricted.pk, p.ordinary.pk], as_of=TODAY)
    assert both == recent_arrests(user=chair, person_ids=[p.ordinary.pk], as_of=TODAY)
    assert "Hidden suite" not in str(recent_arrests(user=chair, person_ids=[p.restricted.pk], as_of=TODAY))


def test_the_api_gives_what_the_page_gives(client, api_auth, arrests):
    p = arrests
    with clock.frozen(TODAY):
        body = client.get("/api/v1/caseload", **api_auth(Role.PROBATION_OFFICER)).json()
    assert body["justice_shared"] is True
    assert body["arrests"] == [
        {
            "person": {"id": p.ordinary.pk, "display_name": p.ordinary.display_name},
            "arrested_on": "2026-08-10",
            "custody_suite": "Monday suite",
            "outcome": "Charged",
            "offences": [{"code": "28E", "description": "Burglary residential"}],
        },
        {
            "person": {"id": p.ordinary.pk, "display_name": p.ordinary.display_name},
            "arrested_on": "2026-08-04",
            "custody_suite": "Tuesday suite",
            "outcome": "No further action",
            "offences": [{"code": "105A", "description": "Assault without injury"}, {"code": "46", "description": "Shoplifting"}],
        },
    ]
