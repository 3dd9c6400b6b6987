"""Retention (issue 13 §3, ADR 0021): the dry run lists exactly the records past their rules on a
frozen day, and applying removes exactly those, every row about a removed person with them, leaving
a stub per record. Dates are worked out by hand from the default periods (candidate 24 months,
closed case 84, intelligence 72, audit 84) and today = 15 June 2026:

- candidate cut-off 15 June 2024, closed case 15 June 2019, intelligence 15 June 2020, audit 15 June 2019.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from iomhub import clock
from iomhub.access.models import AuditEvent, Role
from iomhub.casework.models import EntryKind, TimelineEntry
from iomhub.cohort.models import Deregistration, RagChange, Registration
from iomhub.justice.models import Arrest
from iomhub.operations import retention
from iomhub.operations.models import RetentionRule, RetentionStub, SubjectAccessRequest
from iomhub.people.models import Address, Alias, Person, Restriction
from tests.factories import PersonFactory, UserFactory

TODAY = datetime.date(2026, 6, 15)


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))


def _person(name: str, changed: datetime.date, **kwargs) -> Person:
    return PersonFactory(last_name=name, updated_at=_at(changed), created_at=_at(changed), **kwargs)


def _arrest(person: Person, day: datetime.date) -> Arrest:
    return Arrest.objects.create(person=person, arrested_on=day, custody_suite="Southampton Central", outcome="nfa")


def _closed_case(person: Person, started: datetime.date, ended: datetime.date, chair) -> Registration:
    registration = Registration.objects.create(person=person, started_on=started, ended_on=ended, rag="green")
    RagChange.objects.create(
        registration=registration, level="green", changed_on=started, reason="initial", decided_by=chair, decided_by_name="A Chair"
    )
    Deregistration.objects.create(
        registration=registration,
        approved_on=ended,
        reasons="Goals met",
        exit_plan="Support from housing",
        supported_by="Housing",
        approved_by=chair,
        approved_by_name="A Chair",
    )
    return registration


def _note(person: Person, day: datetime.date, user, kind=EntryKind.INTELLIGENCE) -> TimelineEntry:
    return TimelineEntry.objects.create(person=person, kind=kind, occurred_on=day, recorded_by=user, recorded_by_name="Officer")


@pytest.fixture
def world(db):
    officer = UserFactory(roles=[Role.POLICE_IOM_OFFICER])
    chair = UserFactory(roles=[Role.CHAIR])
    w: dict = {"officer": officer}
    # Never registered: the clock starts at the latest of record change, arrest, referral.
    w["candidate_old"] = _person("CandidateOld", datetime.date(2024, 1, 10))
    _arrest(w["candidate_old"], datetime.date(2023, 11, 2))
    Alias.objects.create(person=w["candidate_old"], first_name="Old", last_name="Alias")
    Address.objects.create(person=w["candidate_old"], line_1="1 Test Street", town="Testtown", postcode="SO14 1AA")
    w["candidate_day_before"] = _person("CandidateDayBefore", datetime.date(2024, 6, 14))  # due
    w["candidate_on_cutoff"] = _person("CandidateOnCutoff", datetime.date(2024, 6, 15))  # kept
    w["candidate_arrested_lately"] = _person("CandidateArrested", datetime.date(2023, 1, 1))
    _arrest(w["candidate_arrested_lately"], datetime.date(2025, 3, 3))  # kept: arrested within 2 years
    w["candidate_restricted"] = _person("CandidateRestricted", datetime.date(2020, 1, 1), restriction=Restriction.MAPPA)
    w["candidate_asked"] = _person("CandidateAsked", datetime.date(2020, 1, 1))
    SubjectAccessRequest.objects.create(
        person=w["candidate_asked"], received_on=datetime.date(2026, 6, 1), requester="The person", created_by=officer
    )
    # Closed cases: the clock starts at the last registration's end (or later activity).
    w["closed_old"] = _person("ClosedOld", datetime.date(2018, 1, 1))
    _closed_case(w["closed_old"], datetime.date(2016, 1, 1), datetime.date(2019, 6, 14), chair)  # due: a day past
    _arrest(w["closed_old"], datetime.date(2017, 5, 5))
    w["closed_recent"] = _person("ClosedRecent", datetime.date(2018, 1, 1))
    _closed_case(w["closed_recent"], datetime.date(2016, 1, 1), datetime.date(2019, 6, 15), chair)  # kept: on the cut-off
    w["open_case"] = _person("OpenCase", datetime.date(2010, 1, 1))
    Registration.objects.create(person=w["open_case"], started_on=datetime.date(2011, 1, 1), rag="red")
    # Intelligence notes on a kept person.
    w["intel_old"] = _note(w["open_case"], datetime.date(2020, 6, 14), officer)  # due
    w["intel_cutoff"] = _note(w["open_case"], datetime.date(2020, 6, 15), officer)  # kept
    w["visit_old"] = _note(w["open_case"], datetime.date(2012, 1, 1), officer, kind=EntryKind.HOME_VISIT)  # kept: not intelligence
    w["intel_of_closed"] = _note(w["closed_old"], datetime.date(2018, 1, 1), officer)  # goes with its person, not listed twice
    # Audit events.
    w["audit_old"] = AuditEvent.objects.create(occurred_at=_at(datetime.date(2019, 6, 14)), action="view", person_id=w["open_case"].pk)
    w["audit_kept"] = AuditEvent.objects.create(occurred_at=_at(datetime.date(2019, 6, 15)), action="view", person_id=w["open_case"].pk)
    w["audit_held"] = AuditEvent.objects.create(
        occurred_at=_at(datetime.date(2010, 1, 1)), action="view", person_id=w["candidate_asked"].pk
    )
    return w


def _listed(plans) -> set[tuple[str, str, str]]:
    return {(d.record_type, d.model, d.object_id) for p in plans for d in p.due}


def _expected(w) -> set[tuple[str, str, str]]:
    return {
        ("candidate", "people.person", str(w["candidate_old"].pk)),
        ("candidate", "people.person", str(w["candidate_day_before"].pk)),
        ("closed-case", "people.person", str(w["closed_old"].pk)),
        ("intelligence", "casework.timelineentry", str(w["intel_old"].pk)),
        ("audit", "access.auditevent", str(w["audit_old"].pk)),
    }


def test_dry_run_lists_exactly_the_records_past_their_rules(world):
    with clock.frozen(TODAY):
        plans = retention.dry_run()
    assert _listed(plans) == _expected(world)
    cutoffs = {p.rule.record_type: p.cutoff for p in plans}
    assert cutoffs == {
        "candidate": datetime.date(2024, 6, 15),
        "closed-case": datetime.date(2019, 6, 15),
        "intelligence": datetime.date(2020, 6, 15),
        "audit": datetime.date(2019, 6, 15),
    }
    started = {d.object_id: d.started for p in plans for d in p.due if d.model == "people.person"}
    assert started[str(world["candidate_old"].pk)] == datetime.date(2024, 1, 10)  # the record change, after the arrest
    assert started[str(world["closed_old"].pk)] == datetime.date(2019, 6, 14)  # the registration's end
    # Nothing removed by a dry run.
    assert Person.objects.filter(pk=world["candidate_old"].pk).exists()
    assert not RetentionStub.objects.exists()


def test_apply_removes_exactly_those_with_a_stub_each(world):
    people_before = set(Person.objects.values_list("pk", flat=True))
    notes_before = set(TimelineEntry.objects.values_list("pk", flat=True))
    with clock.frozen(TODAY):
        result = retention.apply()
    removed_people = {world["candidate_old"].pk, world["candidate_day_before"].pk, world["closed_old"].pk}
    assert set(Person.objects.values_list("pk", flat=True)) == people_before - removed_people
    assert set(TimelineEntry.objects.values_list("pk", flat=True)) == notes_before - {world["intel_old"].pk, world["intel_of_closed"].pk}
    assert not AuditEvent.objects.filter(pk=world["audit_old"].pk).exists()
    assert AuditEvent.objects.filter(pk__in=[world["audit_kept"].pk, world["audit_held"].pk]).count() == 2
    # Every row about a removed person went with them; nobody else's.
    for model in (Arrest, Alias, Address, Registration, TimelineEntry):
        assert not model.objects.filter(person_id__in=removed_people).exists(), model
    assert not Deregistration.objects.filter(registration__person_id__in=removed_people).exists()
    assert Registration.objects.filter(person=world["closed_recent"]).count() == 1
    assert Arrest.objects.filter(person=world["candidate_arrested_lately"]).count() == 1
    # One stub per record removed: kind, model, id, rule, period, when; rows removed counted, no personal data.
    stubs = {(s.record_type, s.model, s.object_id) for s in RetentionStub.objects.all()}
    assert stubs == _expected(world)
    assert result.stubs == 5
    closed = RetentionStub.objects.get(object_id=str(world["closed_old"].pk), model="people.person")
    assert closed.period_months == 84 and closed.rule.record_type == "closed-case" and closed.run == result.run
    assert closed.rows_removed["cohort.registration"] == 1
    assert closed.rows_removed["cohort.deregistration"] == 1
    assert closed.rows_removed["justice.arrest"] == 1
    assert closed.rows_removed["casework.timelineentry"] == 1
    text = repr(list(RetentionStub.objects.values()))
    assert "ClosedOld" not in text and "CandidateOld" not in text
    # A second run finds nothing more.
    with clock.frozen(TODAY):
        assert _listed(retention.plan()) == set()
    # The run itself is audited, naming counts only.
    event = AuditEvent.objects.filter(object_type="retention-run").order_by("-id").first()
    assert event.changes["removed"] == {"candidate": 2, "closed-case": 1, "intelligence": 1, "audit": 1}


def test_a_disabled_rule_lists_nothing_and_a_changed_period_moves_the_cutoff(world):
    RetentionRule.objects.filter(record_type="audit").update(enabled=False)
    RetentionRule.objects.filter(record_type="intelligence").update(period_months=144)  # 12 years: cut-off 15 June 2014
    with clock.frozen(TODAY):
        listed = _listed(retention.plan())
    assert ("audit", "access.auditevent", str(world["audit_old"].pk)) not in listed
    assert not any(kind == "intelligence" for kind, _, _ in listed)


def test_the_command_dry_run_prints_each_record_and_apply_removes_them(world, capsys):
    with clock.frozen(TODAY):
        call_command("retention", "--dry-run")
    out = capsys.readouterr().out
    assert f"candidate\tpeople.person\t{world['candidate_old'].pk}\t2024-01-10" in out
    assert "Dry run: nothing removed" in out
    assert Person.objects.filter(pk=world["candidate_old"].pk).exists()
    call_command("retention", "--apply", "--today", "2026-06-15")
    assert not Person.objects.filter(pk=world["candidate_old"].pk).exists()
    assert RetentionStub.objects.count() == 5


def test_the_scheduled_task_applies_the_rules(world):
    from iomhub.operations.tasks import retention_apply

    with clock.frozen(TODAY):
        result = retention_apply.enqueue()  # tests run tasks in-process (ADR 0019)
    assert result.return_value == {"candidate": 2, "closed-case": 1, "intelligence": 1, "audit": 1, "once-only keys": 0}
    assert RetentionStub.objects.count() == 5


def test_the_scheduled_task_forgets_once_only_keys_past_their_day(world):
    """A page's once-only token is kept 24 hours (iomhub.web.once); the daily job deletes older ones."""
    from django.utils import timezone

    from iomhub.operations.tasks import retention_apply
    from iomhub.web.models import OnceKey

    now = timezone.now()
    OnceKey.objects.create(scope="form:account:1", key="a" * 32, started_at=now - datetime.timedelta(hours=25))
    OnceKey.objects.create(scope="form:account:1", key="b" * 32, started_at=now - datetime.timedelta(hours=23))
    with clock.frozen(TODAY):
        result = retention_apply.enqueue()
    assert result.return_value["once-only keys"] == 1
    assert list(OnceKey.objects.values_list("key", flat=True)) == ["b" * 32]
