"""Drug tests as records of their own (issue 12 §5, seed 000 §5.6): the visit on the timeline and
the record linked to it; the deregistration evidence still reads them; health data only for those
given it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from iomhub.access.models import AuditEvent, Role, Section, SharingAgreement
from iomhub.casework import selectors as casework_selectors
from iomhub.casework.models import TimelineEntry
from iomhub.cohort import evidence
from iomhub.interventions import selectors, services
from iomhub.interventions.models import DrugTest

pytestmark = pytest.mark.django_db
D = datetime.date


def _test(p, user=Role.SUBSTANCE_MISUSE, person=None, **kw):
    values = {"tested_on": D(2026, 6, 10), "sample_type": "oral-fluid", "results": {"opiates": "negative", "cocaine": "positive"}}
    values.update(kw)
    return services.drug_test_record(acting_user=p.users[user], person=person or p.ordinary, **values)


def test_a_drug_test_is_a_record_and_a_visit_on_the_timeline(registered, today):
    p = registered
    test = _test(p, specified="class-a", notes="Observed sample")
    entry = TimelineEntry.objects.get(pk=test.entry_id)
    assert (entry.kind, entry.occurred_on, entry.outcome) == ("drug-test", D(2026, 6, 10), "done")
    # The timeline entry carries the summary the evidence and reports read.
    assert (entry.drug_result, entry.substances_tested, entry.positive_for) == ("positive", ["cocaine", "opiates"], ["cocaine"])
    assert {(r.substance, r.result, r.substance_class) for r in test.results.all()} == {
        ("opiates", "negative", "A"),
        ("cocaine", "positive", "A"),
    }
    assert AuditEvent.objects.filter(object_type="drug-test", action="create", object_id=str(test.pk)).count() == 1
    facts = casework_selectors.deregistration_facts(person_id=p.ordinary.pk, since=D(2026, 1, 5), as_of=today)
    assert facts["drug_test_results"] == [True]  # one test, positive
    _test(p, tested_on=D(2026, 6, 12), results={"opiates": "negative", "cocaine": "negative"}, specified="class-a")
    facts = casework_selectors.deregistration_facts(person_id=p.ordinary.pk, since=D(2026, 1, 5), as_of=today)
    assert facts["drug_test_results"] == [True, False]
    assert evidence.last_home_visit(person_id=p.ordinary.pk, as_of=today) is None  # a test is not a home visit


def test_a_refused_test(registered):
    p = registered
    test = _test(p, refused=True, results={})
    assert test.refused and not test.results.exists()
    assert TimelineEntry.objects.get(pk=test.entry_id).drug_result == "refused"


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"results": {}}, "results", "at least one substance"),
        ({"results": {"opiates": "maybe"}}, "results", "negative or positive for: opiates"),
        ({"results": {"glue": "positive"}}, "results", "Unknown substance: glue"),
        ({"refused": True}, "results", "A refused test has no results"),
        ({"specified": "class-a", "results": {"opiates": "negative"}}, "results", "add cocaine"),
        ({"specified": "class-a-b", "results": {"alcohol": "negative"}}, "results", "at least one Class A or B"),
        ({"sample_type": ""}, "sample_type", "Select the sample type"),
        ({"tested_on": D(2026, 6, 16)}, "tested_on", "today or in the past"),
        ({"notes": "x" * 5001}, "notes", "5000 characters or fewer"),
    ],
)
def test_bad_answers_are_refused_by_name_and_nothing_is_kept(registered, today, changes, field, words):
    p = registered
    with pytest.raises(ValidationError) as exc:
        _test(p, **changes)
    assert any(words in m for m in exc.value.message_dict[field]), exc.value.message_dict
    assert not DrugTest.objects.exists() and not TimelineEntry.objects.exists()


def test_a_partner_without_health_can_neither_record_nor_read_drug_tests(registered):
    p = registered
    _test(p)
    housing = p.users[Role.PARTNER_WORKER]  # identity, contact and plan only
    with pytest.raises(PermissionDenied):
        _test(p, user=Role.PARTNER_WORKER, person=p.housing_case)
    with pytest.raises(PermissionDenied):
        selectors.drug_tests_for(user=housing, person_id=p.housing_case.pk)
    with pytest.raises(PermissionDenied):
        selectors.orders_for(user=housing, person_id=p.housing_case.pk)
    denied = AuditEvent.objects.filter(actor=housing, action="denied", person_id=p.housing_case.pk)
    assert denied.count() == 3
    assert DrugTest.objects.filter(person=p.housing_case).count() == 0


def test_health_without_timeline_reads_orders_but_not_drug_tests(registered):
    p = registered
    SharingAgreement.objects.filter(organisation=p.housing).update(sections=[Section.IDENTITY, Section.HEALTH])
    housing = p.users[Role.PARTNER_WORKER]
    _test(p, person=p.housing_case)
    _, orders = selectors.orders_for(user=housing, person_id=p.housing_case.pk)
    assert orders == []
    with pytest.raises(PermissionDenied):  # a test's date is the timeline's
        selectors.drug_tests_for(user=housing, person_id=p.housing_case.pk)


def test_a_test_recorded_through_the_timeline_api_becomes_a_record(registered, client):
    p = registered
    client.force_login(p.users[Role.SUBSTANCE_MISUSE])
    body = {
        "kind": "drug-test",
        "occurred_on": "2026-06-11",
        "drug_result": "positive",
        "substances_tested": ["cannabis", "opiates"],
        "positive_for": ["cannabis"],
    }
    response = client.post(f"/api/v1/people/{p.ordinary.pk}/timeline", body, content_type="application/json")
    assert response.status_code == 201, response.content
    test = DrugTest.objects.get(entry_id=response.json()["id"])
    assert (test.sample_type, test.tested_on) == ("not-recorded", D(2026, 6, 11))
    assert {(r.substance, r.result) for r in test.results.all()} == {("cannabis", "positive"), ("opiates", "negative")}
