"""The timeline (issue 6 §5): contacts, events, appointments ahead, intelligence for the police."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from iomhub import clock
from iomhub.access.models import AuditEvent, Role
from iomhub.casework import selectors, services
from iomhub.casework.models import TimelineEntry
from iomhub.cohort import evidence
from iomhub.people.services import StaleEdit

pytestmark = pytest.mark.django_db
D = datetime.date


def _record(p, user=Role.POLICE_IOM_OFFICER, person=None, **kw):
    user = p.users[user] if isinstance(user, str) and user in p.users else user
    return services.timeline_record(acting_user=user, person=person or p.ordinary, **kw)


def test_home_visits_and_last_home_visit(registered, today):
    p = registered
    _record(p, kind="home-visit", outcome="attended", occurred_on=D(2026, 6, 1))
    _record(p, kind="home-visit", outcome="no-reply", occurred_on=D(2026, 6, 10))
    assert selectors.last_home_visit(person_id=p.ordinary.pk, as_of=today) == D(2026, 6, 1)
    assert selectors.last_home_visit(person_id=p.ordinary.pk, as_of=D(2026, 5, 31)) is None
    assert evidence.last_home_visit(person_id=p.ordinary.pk, as_of=today) == D(2026, 6, 1)  # the cohort adapter finds it
    assert AuditEvent.objects.filter(object_type="timeline-entry", action="create").count() == 2


def test_outcome_must_fit_the_kind(registered, today):
    p = registered
    with pytest.raises(ValidationError) as exc:
        _record(p, kind="home-visit", outcome="failed-to-attend", occurred_on=today)
    assert "no reply" in exc.value.message_dict["outcome"][0]
    with pytest.raises(ValidationError) as exc:
        _record(p, kind="office-appointment", outcome="attended", occurred_on=today + datetime.timedelta(days=1))
    assert "occurred_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _record(p, kind="teleport", occurred_on=today)
    assert "kind" in exc.value.message_dict
    assert not TimelineEntry.objects.exists()


def test_drug_test_results(registered, today):
    p = registered
    user = Role.SUBSTANCE_MISUSE
    with pytest.raises(ValidationError) as exc:
        _record(p, user, kind="drug-test", occurred_on=today, drug_result="positive", substances_tested=["opiates"], positive_for=[])
    assert "positive_for" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _record(
            p, user, kind="drug-test", occurred_on=today, drug_result="positive", substances_tested=["opiates"], positive_for=["cocaine"]
        )
    assert "positive_for" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _record(p, user, kind="phone", occurred_on=today, drug_result="negative")
    assert "drug_result" in exc.value.message_dict
    entry = _record(
        p,
        user,
        kind="drug-test",
        occurred_on=today,
        drug_result="positive",
        substances_tested=["opiates", "cocaine"],
        positive_for=["cocaine"],
    )
    assert entry.positive_for == ["cocaine"] and entry.substances_tested == ["cocaine", "opiates"]
    _record(p, user, kind="drug-test", occurred_on=D(2026, 6, 1), drug_result="negative", substances_tested=["opiates"])
    facts = selectors.deregistration_facts(person_id=p.ordinary.pk, since=D(2026, 1, 5), as_of=today)
    assert facts["drug_test_results"] == [False, True]


def test_intelligence_is_for_the_police(registered, today):
    p = registered
    _record(p, kind="intelligence", occurred_on=today, summary="Seen with known associates")
    _record(p, kind="phone", occurred_on=today)
    for role in (Role.PROBATION_OFFICER, Role.COORDINATOR):
        with pytest.raises(PermissionDenied):
            _record(p, role, kind="intelligence", occurred_on=today, summary="x")
        _, entries = selectors.timeline_for(user=p.users[role], person_id=p.ordinary.pk)
        assert [e.kind for e in entries] == ["phone"]
    _, entries = selectors.timeline_for(user=p.users[Role.POLICE_IOM_OFFICER], person_id=p.ordinary.pk)
    assert sorted(e.kind for e in entries) == ["intelligence", "phone"]


def test_appointments_booked_ahead_and_outcome(registered, today):
    p = registered
    ahead = today + datetime.timedelta(days=3)
    entry = _record(p, Role.PROBATION_OFFICER, kind="office-appointment", outcome="booked", occurred_on=ahead)
    with pytest.raises(ValidationError):
        _record(p, Role.PROBATION_OFFICER, kind="office-appointment", outcome="booked", occurred_on=today - datetime.timedelta(days=1))
    assert list(selectors.appointments_ahead(p.users[Role.PROBATION_OFFICER])) == [entry]
    with pytest.raises(ValidationError):
        services.appointment_outcome(acting_user=p.users[Role.PROBATION_OFFICER], entry=entry, outcome="failed-to-attend")  # not yet
    with clock.frozen(ahead):
        services.appointment_outcome(acting_user=p.users[Role.PROBATION_OFFICER], entry=entry, outcome="failed-to-attend")
        with pytest.raises(ValidationError):
            services.appointment_outcome(acting_user=p.users[Role.PROBATION_OFFICER], entry=entry, outcome="attended")
    stale = TimelineEntry.objects.get(pk=entry.pk)
    stale.outcome = "booked"
    with clock.frozen(ahead), pytest.raises(StaleEdit):
        services.appointment_outcome(acting_user=p.users[Role.PROBATION_OFFICER], entry=stale, outcome="attended")
    assert TimelineEntry.objects.get(pk=entry.pk).outcome == "failed-to-attend"


def test_filters_and_partner_sections(registered, today):
    p = registered
    _record(p, person=p.housing_case, kind="letter", occurred_on=D(2026, 5, 1))
    _record(p, person=p.housing_case, kind="phone", occurred_on=D(2026, 6, 1))
    _, entries = selectors.timeline_for(user=p.users[Role.COORDINATOR], person_id=p.housing_case.pk, kinds=["letter"])
    assert [e.kind for e in entries] == ["letter"]
    _, entries = selectors.timeline_for(user=p.users[Role.COORDINATOR], person_id=p.housing_case.pk, since=D(2026, 5, 15))
    assert [e.kind for e in entries] == ["phone"]
    with pytest.raises(PermissionDenied):  # housing's agreement does not share the timeline
        selectors.timeline_for(user=p.users["housing-worker"], person_id=p.housing_case.pk)
    with pytest.raises(PermissionDenied):
        _record(p, "housing-worker", person=p.housing_case, kind="phone", occurred_on=today)


def test_deregistration_facts_for_the_cohort_adapter(registered, today):
    p = registered
    since = D(2026, 1, 5)
    assert evidence.deregistration_facts(person_id=p.ordinary.pk, since=since, as_of=today) == evidence.CaseworkFacts()  # nothing known
    _record(p, kind="office-appointment", outcome="attended", occurred_on=D(2026, 5, 1))
    _record(p, kind="office-appointment", outcome="failed-to-attend", occurred_on=D(2026, 5, 8))
    _record(p, kind="office-appointment", outcome="rearranged", occurred_on=D(2026, 5, 9))
    _record(p, kind="intelligence", occurred_on=D(2026, 2, 1), summary="Seen dealing")
    facts = evidence.deregistration_facts(person_id=p.ordinary.pk, since=since, as_of=today)
    assert facts.intelligence_known and facts.last_intelligence_on == D(2026, 2, 1)
    assert (facts.appointments_kept, facts.appointments_due) == (1, 2)
    assert facts.drug_test_results is None
