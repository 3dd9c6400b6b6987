"""Two workers saving at the same instant (issue 6 §11; the brief: a record is never lost "by two
people editing at once"). Each writer runs in its own thread with its own database connection and
transaction; a barrier releases them together. The row lock and the version check must let exactly
one through and refuse the other with the clear message, leaving the winner's change intact.

PostgreSQL only: it is the production database and takes row locks (SQLite serialises whole-file
writes and has no SELECT ... FOR UPDATE, so there is no row race to test). `.ci/run` runs the suite
on PostgreSQL, so this runs on every CI build."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from iomhub.access.models import Role
from iomhub.casework import services
from iomhub.casework.models import CaseRecord, PlanAction, PlanActionChange
from iomhub.people.models import Person
from iomhub.people.services import StaleEdit, person_update

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's; CI runs this on PostgreSQL"),
]


def _race(*writers: Callable[[], Any]) -> list[Any]:
    """Run the writers at once; each result is what it returned or the exception it raised."""
    barrier = threading.Barrier(len(writers))
    results: list[Any] = [None] * len(writers)

    def run(i: int, write: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = write()
        except Exception as exc:  # the refusal is the result under test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not any(t.is_alive() for t in threads), "a writer is stuck: a lock was never released"
    return results


def _one_won(results: list[Any]) -> int:
    refused = [r for r in results if isinstance(r, StaleEdit)]
    assert len(refused) == 1, f"exactly one writer must be refused, got {results!r}"
    assert not [r for r in results if isinstance(r, Exception) and not isinstance(r, StaleEdit)], results
    return next(i for i, r in enumerate(results) if not isinstance(r, Exception))


@pytest.mark.parametrize("attempt", range(3))
def test_two_workers_updating_one_plan_action_at_once(partnership, attempt):
    p = partnership
    action = services.plan_action_add(
        acting_user=p.users[Role.COORDINATOR],
        person=p.housing_case,
        description="Attend housing options",
        agency=p.housing,
        owner_name="Sam Lee",
        due_on=datetime.date.today() + datetime.timedelta(days=10),
    )
    statuses = ["done", "cancelled"]
    results = _race(
        *(
            lambda s=s, u=u: services.plan_action_update(
                acting_user=p.users[u], action=PlanAction.objects.get(pk=action.pk), status=s, version=1, note="Overtaken by events"
            )
            for s, u in zip(statuses, (Role.COORDINATOR, Role.PROBATION_OFFICER), strict=True)
        )
    )
    winner = _one_won(results)
    stored = PlanAction.objects.get(pk=action.pk)
    assert stored.status == statuses[winner] and stored.version == 2
    assert PlanActionChange.objects.filter(action=action).count() == 2  # the creation and the one change that won


def test_two_coordinators_allocating_the_lead_worker_at_once(partnership):
    p = partnership
    from iomhub.cohort.models import Registration

    Registration.objects.create(person=p.ordinary, started_on=datetime.date.today() - datetime.timedelta(days=30), rag="amber")
    leads = [p.users[Role.POLICE_IOM_OFFICER], p.users[Role.SUBSTANCE_MISUSE]]
    results = _race(
        *(
            lambda lead=lead: services.case_people_set(
                acting_user=p.users[Role.COORDINATOR], person=p.ordinary, lead_worker=lead, coordinator=None, reason="Meeting", version=1
            )
            for lead in leads
        )
    )
    winner = _one_won(results)
    assert CaseRecord.objects.get(person=p.ordinary).lead_worker == leads[winner]


def test_two_officers_changing_a_person_at_once(partnership):
    p = partnership
    person = p.ordinary
    names = ["Lee", "Ray"]
    results = _race(
        *(
            lambda name=name, u=u: person_update(
                acting_user=p.users[u],
                person=Person.objects.get(pk=person.pk),
                changes={"middle_names": name},
                expected_version=person.version,
            )
            for name, u in zip(names, (Role.POLICE_IOM_OFFICER, Role.PROBATION_OFFICER), strict=True)
        )
    )
    winner = _one_won(results)
    assert Person.objects.get(pk=person.pk).middle_names == names[winner]
