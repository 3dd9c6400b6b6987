"""People on the case (issue 6 §1) and safeguarding (issue 6 §10, 000 §7.2.1)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from iomhub.access import accounts
from iomhub.access.models import AuditEvent, Role
from iomhub.casework import selectors, services
from iomhub.casework.models import AgencyContact, AgencyInvolvement, CaseChange, CaseRecord
from iomhub.justice.models import Sentence
from iomhub.people.services import StaleEdit
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _set(p, user_role=Role.COORDINATOR, lead=Role.POLICE_IOM_OFFICER, version=1, person=None, reason="Allocated at the meeting"):
    return services.case_people_set(
        acting_user=p.users[user_role],
        person=person or p.ordinary,
        lead_worker=p.users[lead] if lead else None,
        coordinator=p.users[Role.COORDINATOR],
        reason=reason,
        version=version,
    )


def test_coordinator_allocates_lead_with_history_and_audit(registered):
    p = registered
    assert set(selectors.people_without_lead(p.users[Role.COORDINATOR])) == {p.ordinary, p.housing_case}
    record = _set(p)
    assert list(selectors.people_without_lead(p.users[Role.COORDINATOR])) == [p.housing_case]
    assert record.lead_worker == p.users[Role.POLICE_IOM_OFFICER] and record.version == 2
    changes = {c.field: c for c in CaseChange.objects.filter(case=record)}
    assert changes["lead_worker"].reason == "Allocated at the meeting"
    assert changes["lead_worker"].changed_by == p.users[Role.COORDINATOR]
    event = AuditEvent.objects.filter(object_type="case", action="change").get()
    assert event.person_id == p.ordinary.pk and "lead_worker" in event.changes
    record = _set(p, lead=Role.PROBATION_OFFICER, version=2, reason="Handover")
    assert CaseChange.objects.filter(case=record, field="lead_worker").count() == 2
    assert list(selectors.people_led_by(p.users[Role.PROBATION_OFFICER])) == [p.ordinary]


@pytest.mark.parametrize(
    "role", [Role.POLICE_IOM_OFFICER, Role.PROBATION_OFFICER, Role.PARTNER_WORKER, Role.IG_LEAD, Role.PERFORMANCE_LEAD]
)
def test_other_roles_may_not_allocate(registered, role):
    with pytest.raises(PermissionDenied):
        _set(registered, user_role=role, person=registered.housing_case)
    assert not CaseRecord.objects.exists()
    assert AuditEvent.objects.filter(action="denied").exists()


def test_lead_only_for_registered_case(partnership, today):
    with pytest.raises(ValidationError) as exc:
        _set(partnership)
    assert "registered" in exc.value.message_dict["lead_worker"][0]


def test_reason_required_and_lead_must_be_iom_worker(registered):
    with pytest.raises(ValidationError) as exc:
        _set(registered, lead=Role.PARTNER_WORKER, reason="  ")
    assert set(exc.value.message_dict) == {"reason", "lead_worker"}
    assert not CaseRecord.objects.filter(lead_worker__isnull=False).exists()


def test_on_licence_lead_must_be_probation_officer(registered, today):
    p = registered
    Sentence.objects.create(
        person=p.ordinary,
        sentenced_on=datetime.date(2025, 6, 1),
        offence_committed_on=datetime.date(2025, 5, 1),
        release_date=today,
        expiry_date=today + datetime.timedelta(days=90),
    )
    assert services.is_supervised(p.ordinary)
    with pytest.raises(ValidationError) as exc:
        _set(p)
    assert "probation officer" in exc.value.message_dict["lead_worker"][0]
    assert _set(p, lead=Role.PROBATION_OFFICER).lead_worker == p.users[Role.PROBATION_OFFICER]


def test_stale_case_edit_is_refused_and_first_survives(registered):
    p = registered
    _set(p)  # version 1 -> 2
    with pytest.raises(StaleEdit) as exc:
        _set(p, lead=Role.PROBATION_OFFICER, version=1)
    assert "Someone else changed this case" in exc.value.message_dict["version"][0]
    assert CaseRecord.objects.get().lead_worker == p.users[Role.POLICE_IOM_OFFICER]


def test_agencies_with_named_contacts(registered):
    p = registered
    coordinator = p.users[Role.COORDINATOR]
    inv = services.agency_involve(acting_user=coordinator, person=p.ordinary, organisation=p.housing, role_in_case="Tenancy support")
    with pytest.raises(ValidationError) as exc:
        services.agency_involve(acting_user=coordinator, person=p.ordinary, organisation=p.housing)
    assert "already involved" in exc.value.message_dict["organisation"][0]
    services.agency_contact_add(acting_user=coordinator, involvement=inv, name="Sam Lee", phone="01234 567890", email="sam@example.org")
    with pytest.raises(ValidationError) as exc:
        services.agency_contact_add(acting_user=coordinator, involvement=inv, name="", email="not-an-email")
    assert set(exc.value.message_dict) == {"name", "email"}
    assert AgencyContact.objects.count() == 1
    view = selectors.case_for(user=p.users[Role.PROBATION_OFFICER], person_id=p.ordinary.pk)
    housing = next(i for i in view.involvements if i.organisation == p.housing)
    assert [c.name for c in housing.contacts.all()] == ["Sam Lee"]
    assert AuditEvent.objects.filter(object_type="agency-contact", person_id=p.ordinary.pk).exists()
    services.agency_end(acting_user=coordinator, involvement=inv, reason="No longer involved")
    assert AgencyInvolvement.objects.get(pk=inv.pk).ended_on is not None
    with pytest.raises(PermissionDenied):
        services.agency_involve(acting_user=p.users[Role.POLICE_IOM_OFFICER], person=p.ordinary, organisation=OrganisationFactory())


def test_partner_reads_case_only_with_plan_section(registered):
    p = registered
    assert selectors.case_for(user=p.users["housing-worker"], person_id=p.housing_case.pk).person == p.housing_case
    with pytest.raises(Http404):  # DWP is not involved: the person's existence is hidden
        selectors.case_for(user=p.users["dwp-worker"], person_id=p.housing_case.pk)


def _safeguard(p, user, version=1, **kw):
    values = {"parental_status": "some-live-with", "lives_with_children": "yes", "safeguarding": "none-known", "notes": ""} | kw
    return services.safeguarding_set(acting_user=user, person=p.housing_case, version=version, **values)


def test_safeguarding_mandatory_and_completeness(registered):
    p = registered
    assert selectors.safeguarding_completeness().total == 2
    assert selectors.safeguarding_completeness().complete == 0
    worker = p.users[Role.PROBATION_OFFICER]
    with pytest.raises(ValidationError) as exc:
        _safeguard(p, worker, parental_status="", lives_with_children="maybe")
    assert set(exc.value.message_dict) == {"parental_status", "lives_with_children"}
    with pytest.raises(ValidationError) as exc:
        _safeguard(p, worker, safeguarding="child-protection")
    assert "notes" in exc.value.message_dict
    # Safeguarding is a section of its own (issue 9): a partner whose agreement gives the plan but
    # not safeguarding may neither record nor read it.
    with pytest.raises(PermissionDenied):
        _safeguard(p, p.users["housing-worker"])
    record = _safeguard(p, worker)
    assert record.safeguarding_complete
    measure = selectors.safeguarding_completeness()
    assert (measure.total, measure.complete, measure.percent) == (2, 1, 50.0)
    assert selectors.safeguarding_completeness(user=p.users["housing-worker"]).total == 1
    assert AuditEvent.objects.filter(object_type="case", person_id=p.housing_case.pk).exists()
    with pytest.raises(PermissionDenied):
        _safeguard(p, p.users["dwp-worker"], version=2)
    with pytest.raises(StaleEdit):
        _safeguard(p, p.users[Role.PROBATION_OFFICER], version=1, safeguarding="concern", notes="Concern raised by school")
    assert CaseRecord.objects.get(person=p.housing_case).safeguarding == "none-known"


def test_release_after_allocation_flags_the_lead_worker(registered, today):
    p = registered
    _set(p)  # police lead while not supervised
    coordinator = p.users[Role.COORDINATOR]
    assert selectors.lead_worker_problems(coordinator) == []
    Sentence.objects.create(
        person=p.ordinary,
        sentenced_on=datetime.date(2025, 6, 1),
        offence_committed_on=datetime.date(2025, 5, 1),
        release_date=today + datetime.timedelta(days=10),
        expiry_date=today + datetime.timedelta(days=100),
    )
    assert selectors.lead_worker_problems(coordinator) == []  # still in custody
    found = selectors.lead_worker_problems(coordinator, as_of=today + datetime.timedelta(days=10))
    assert [person for person, _ in found] == [p.ordinary]
    assert "probation officer" in found[0][1]


def test_a_case_led_by_a_disabled_account_needs_a_new_lead_worker(client, registered, today):
    """A leaver's cases are named on the team dashboard for the coordinator to reallocate (002 §3: one
    lead professional per person, who must be able to do the work); a case whose lead can still sign
    in is not, and the supervised-lead rule still names its own cases."""
    p = registered
    _set(p)  # the police officer leads Jordan
    _set(p, lead=Role.PROBATION_OFFICER, person=p.housing_case)
    officer = p.users[Role.PROBATION_OFFICER]
    accounts.user_disable(acting_user=p.users[Role.IG_LEAD], user=officer, reason="Left the service on 30 November 2026")
    found = selectors.lead_worker_problems(p.users[Role.COORDINATOR])
    assert [(person, "disabled" in problem) for person, problem in found] == [(p.housing_case, True)]
    client.force_login(p.users[Role.COORDINATOR])
    page = client.get("/caseload/").content.decode()
    start = page.index('id="lead-problems"')
    problems = page[start : page.index("</ul>", start)]
    assert f'data-person="{p.housing_case.pk}"' in problems and f'data-person="{p.ordinary.pk}"' not in problems
    assert "account is disabled" in problems
    accounts.user_enable(acting_user=p.users[Role.IG_LEAD], user=officer, reason="Back from leave")
    assert selectors.lead_worker_problems(p.users[Role.COORDINATOR]) == []
