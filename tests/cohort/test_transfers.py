"""Transfers in and out, internal and external (002 §4): the information pack, the joint home visit,
the named SPOC, acceptance at the receiving meeting, deselection at the sending end; the case is
never in two places or none."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404

from iomhub import clock
from iomhub.access.models import Role
from iomhub.cohort import services
from iomhub.cohort.models import Registration, Transfer
from iomhub.people.models import Person
from tests.access.support import events_since, last_event_id
from tests.cohort.support import register
from tests.factories import TeamFactory

START = datetime.date(2026, 1, 5)
TODAY = datetime.date(2026, 3, 2)
PACK = {
    "proposed_address": "12 Mill Lane, Eastbourne",
    "index_offence": "Burglary dwelling",
    "offending_history": "Eight burglaries since 2019",
    "risk_factors": "Heroin use; associates",
    "safeguarding": "Partner has a child under 5",
}


@pytest.fixture(autouse=True)
def fixed_today():
    with clock.frozen(TODAY):
        yield


@pytest.fixture
def registration(partnership):
    return register(partnership, started_on=START, rag="amber")


@pytest.fixture
def other_team(db):
    return TeamFactory(name="Hastings IOM")


def propose(partnership, person=None, role=Role.COORDINATOR, **kwargs):
    args = {"kind": "internal", "pack": PACK}
    args.update(kwargs)
    return services.transfer_propose(acting_user=partnership.users[role], person=person or partnership.ordinary, **args)


def step(partnership, transfer, name, role=Role.COORDINATOR, **data):
    return services.transfer_step(acting_user=partnership.users[role], transfer=transfer, step=name, data=data)


def visit(partnership, transfer, suitable=True):
    return step(
        partnership,
        transfer,
        "home-visit",
        visited_on=TODAY,
        police_officer="PC Lee",
        probation_officer="PO Taylor",
        address_suitable=suitable,
    )


def accept(partnership, transfer, role=Role.CHAIR):
    return step(partnership, transfer, "decision", role, accepted=True, decided_on=TODAY, meeting="Hastings IOM meeting 2 March")


def where(person):
    """Where the case is: (our open registration, its team) — one answer at every moment."""
    person = Person.objects.get(pk=person.pk)
    open_ = list(Registration.objects.filter(person=person, ended_on__isnull=True))
    return (len(open_), person.managing_team_id)


def test_an_internal_transfer_moves_the_case_between_teams_in_one_step(partnership, registration, other_team):
    since = last_event_id()
    transfer = propose(partnership, to_team=other_team)
    assert (transfer.from_team, transfer.status) == (partnership.team, "proposed")
    assert events_since(since, action="create", object_type="transfer")
    before = where(partnership.ordinary)
    visit(partnership, transfer)
    step(partnership, transfer, "spoc", spoc_name="DC Ali Khan", spoc_contact="01424 000000")
    accepted = accept(partnership, transfer)
    assert accepted.status == "accepted" and where(partnership.ordinary) == before  # still at the sending team
    done = step(partnership, transfer, "deselect", deselected_on=TODAY)
    assert done.status == "completed"
    assert where(partnership.ordinary) == (1, other_team.pk)  # the same registration, now at the receiving team
    assert Registration.objects.get(pk=registration.pk).ended_on is None
    steps = [e.changes["step"] for e in events_since(since, action="change", object_type="transfer")]
    assert steps == ["home-visit", "spoc", "decision", "deselect"]
    assert events_since(since, action="change", object_type="person")  # the managing team change is audited


def test_a_transfer_out_ends_the_registration_only_on_deselection(partnership, registration):
    transfer = propose(partnership, kind="external-out", other_area="Kent IOM")
    visit(partnership, transfer)
    step(partnership, transfer, "spoc", spoc_name="DC Kent", spoc_contact="kent@example.org")
    # The other area's decision is recorded by the coordinator (their meeting, not ours).
    step(partnership, transfer, "decision", accepted=True, decided_on=TODAY, meeting="Kent IOM meeting")
    assert where(partnership.ordinary)[0] == 1
    step(partnership, transfer, "deselect", deselected_on=TODAY)
    registration.refresh_from_db()
    assert registration.ended_on == TODAY and registration.end_reason == "Transferred out to Kent IOM"
    assert Transfer.objects.get(pk=transfer.pk).receiving_end == "Kent IOM"


def test_a_transfer_in_starts_a_red_registration_on_deselection_at_the_sending_end(partnership, other_team):
    person = partnership.housing_case
    transfer = propose(partnership, person, kind="external-in", other_area="Brighton IOM", to_team=other_team)
    visit(partnership, transfer)
    step(partnership, transfer, "spoc", spoc_name="PC Local", spoc_contact="01273")
    accept(partnership, transfer)
    assert where(person)[0] == 0  # still Brighton's
    transfer = step(partnership, transfer, "deselect", deselected_on=TODAY)
    new = transfer.registration
    assert (new.rag, new.started_on, new.transferred_in_on) == ("red", TODAY, TODAY)
    assert where(person) == (1, other_team.pk)
    assert new.checklist.count() == 5 and new.rag_history.get().meeting == "Hastings IOM meeting 2 March"


def test_accepting_needs_the_home_visit_a_suitable_address_and_a_spoc(partnership, registration, other_team):
    transfer = propose(partnership, to_team=other_team)
    with pytest.raises(ValidationError) as raised:
        accept(partnership, transfer)
    messages = " ".join(raised.value.message_dict["accepted"])
    assert "home visit" in messages and "SPOC" in messages
    visit(partnership, transfer, suitable=False)
    step(partnership, transfer, "spoc", spoc_name="DC Ali Khan", spoc_contact="01424")
    with pytest.raises(ValidationError) as raised:
        accept(partnership, transfer)
    assert "not suitable" in raised.value.message_dict["accepted"][0]
    rejected = step(
        partnership, transfer, "decision", Role.CHAIR, accepted=False, decided_on=TODAY, meeting="March", notes="Address unsuitable"
    )
    assert rejected.status == "rejected"
    with pytest.raises(ValidationError):
        step(partnership, transfer, "deselect", deselected_on=TODAY)
    assert where(partnership.ordinary) == (1, partnership.team.pk)


def test_deselection_only_after_acceptance(partnership, registration, other_team):
    transfer = propose(partnership, to_team=other_team)
    with pytest.raises(ValidationError) as raised:
        step(partnership, transfer, "deselect", deselected_on=TODAY)
    assert "accept" in raised.value.message_dict["step"][0]
    assert where(partnership.ordinary) == (1, partnership.team.pk)


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.POLICE_IOM_OFFICER])
def test_only_the_chair_accepts_a_case_coming_here(partnership, registration, other_team, role):
    transfer = propose(partnership, to_team=other_team)
    visit(partnership, transfer)
    step(partnership, transfer, "spoc", spoc_name="DC Ali Khan", spoc_contact="01424")
    since = last_event_id()
    with pytest.raises((PermissionDenied, Http404)):
        accept(partnership, transfer, role)
    assert Transfer.objects.get(pk=transfer.pk).status == "proposed"
    assert events_since(since, action="denied")


@pytest.mark.parametrize("role", [Role.POLICE_IOM_OFFICER, Role.PROBATION_OFFICER, Role.PARTNER_WORKER, Role.PERFORMANCE_LEAD])
def test_only_the_coordinator_and_chair_propose(partnership, registration, other_team, role):
    with pytest.raises((PermissionDenied, Http404)):
        propose(partnership, role=role, to_team=other_team)
    assert not Transfer.objects.exists()


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"kind": "sideways"}, "kind"),
        ({"pack": {**PACK, "safeguarding": ""}}, "safeguarding"),
        ({"pack": {**PACK, "risk_factors": "r" * 5001}}, "risk_factors"),
        ({"pack": {**PACK, "colour": "blue"}}, "colour"),
        ({}, "to_team"),  # internal without a receiving team
        ({"kind": "external-out"}, "other_area"),
        ({"kind": "external-in", "other_area": "Kent"}, "kind"),  # already on IOM here
    ],
    ids=["kind", "safeguarding missing", "too long", "unknown field", "no team", "no area", "in while here"],
)
def test_a_bad_proposal_is_refused_naming_the_field(partnership, registration, kwargs, field):
    with pytest.raises(ValidationError) as raised:
        propose(partnership, **kwargs)
    assert field in raised.value.message_dict
    assert not Transfer.objects.exists()


def test_to_the_same_team_or_for_someone_not_on_iom_is_refused(partnership, registration):
    with pytest.raises(ValidationError) as raised:
        propose(partnership, to_team=partnership.team)
    assert "another team" in raised.value.message_dict["to_team"][0]
    with pytest.raises(ValidationError) as raised:
        propose(partnership, partnership.housing_case, kind="external-out", other_area="Kent")
    assert "not on IOM" in raised.value.message_dict["kind"][0]


def test_one_transfer_at_a_time(partnership, registration, other_team):
    propose(partnership, to_team=other_team)
    with pytest.raises(ValidationError) as raised:
        propose(partnership, kind="external-out", other_area="Kent")
    assert "already under way" in raised.value.message_dict["kind"][0]
    assert Transfer.objects.count() == 1


def test_a_transfer_in_cannot_complete_while_the_person_is_on_iom_here(partnership, other_team):
    person = partnership.housing_case
    transfer = propose(partnership, person, kind="external-in", other_area="Brighton IOM")
    visit(partnership, transfer)
    step(partnership, transfer, "spoc", spoc_name="PC Local", spoc_contact="01273")
    accept(partnership, transfer)
    register(partnership, person, started_on=TODAY, rag="amber")  # adopted meanwhile by another route
    with pytest.raises(ValidationError) as raised:
        step(partnership, transfer, "deselect", deselected_on=TODAY)
    assert "two places" in raised.value.message_dict["step"][0]
    assert Registration.objects.filter(person=person).count() == 1
    assert Transfer.objects.get(pk=transfer.pk).status == "accepted"


def test_withdrawn_transfers_take_no_more_steps(partnership, registration, other_team):
    transfer = propose(partnership, to_team=other_team)
    with pytest.raises(ValidationError):
        step(partnership, transfer, "withdraw", reason="")
    step(partnership, transfer, "withdraw", reason="Moved back home")
    with pytest.raises(ValidationError) as raised:
        visit(partnership, transfer)
    assert "withdrawn" in raised.value.message_dict["step"][0]
    propose(partnership, to_team=other_team)  # a new one may start


@pytest.mark.parametrize(
    "changes",
    [
        {"status": "completed"},  # completed without acceptance or deselection
        {"status": "accepted", "decided_on": TODAY},  # accepted without visit or SPOC
        {"from_team": None},  # internal with one end missing
        {"to_team_id": "same"},  # internal to the same team
    ],
    ids=["completed bare", "accepted bare", "one end", "same team"],
)
def test_the_database_refuses_a_transfer_in_an_impossible_state(partnership, registration, other_team, changes):
    transfer = propose(partnership, to_team=other_team)
    if changes.get("to_team_id") == "same":
        changes = {"to_team_id": transfer.from_team_id}
    with pytest.raises(IntegrityError), transaction.atomic():
        Transfer.objects.filter(pk=transfer.pk).update(**changes)


def test_the_database_refuses_two_open_transfers(partnership, registration, other_team):
    transfer = propose(partnership, to_team=other_team)
    with pytest.raises(IntegrityError), transaction.atomic():
        Transfer.objects.create(
            person=transfer.person,
            kind="external-out",
            registration=registration,
            other_area="Kent",
            proposed_on=TODAY,
            created_by=partnership.users[Role.COORDINATOR],
            **PACK,
        )


def test_the_pages_walk_a_transfer(client, partnership, registration, other_team):
    client.force_login(partnership.users[Role.COORDINATOR])
    url = f"/cohort/people/{partnership.ordinary.pk}/transfers/new/"
    response = client.post(url, {"kind": "internal", **PACK, "to_team": other_team.pk, "safeguarding": ""})
    assert response.status_code == 200 and "Enter the safeguarding concerns" in response.content.decode()
    response = client.post(url, {"kind": "internal", **PACK, "to_team": other_team.pk})
    transfer = Transfer.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cohort/transfers/{transfer.pk}/"
    base = f"/cohort/transfers/{transfer.pk}/"
    assert (
        client.post(
            base + "home-visit/",
            {
                "visited_on_day": "2",
                "visited_on_month": "3",
                "visited_on_year": "2026",
                "police_officer": "PC Lee",
                "probation_officer": "PO Taylor",
                "address_suitable": "yes",
            },
        ).status_code
        == 302
    )
    assert client.post(base + "spoc/", {"spoc_name": "DC Ali Khan", "spoc_contact": "01424"}).status_code == 302
    decision = {"accepted": "yes", "decided_on_day": "2", "decided_on_month": "3", "decided_on_year": "2026", "meeting": "March"}
    assert client.post(base + "decision/", decision).status_code == 403  # the coordinator does not decide
    client.force_login(partnership.users[Role.CHAIR])
    assert client.post(base + "decision/", decision).status_code == 302
    assert (
        client.post(base + "deselect/", {"deselected_on_day": "2", "deselected_on_month": "3", "deselected_on_year": "2026"}).status_code
        == 302
    )
    page = client.get(base).content.decode()
    assert "Completed" in page and "DC Ali Khan" in page
    assert client.get(base + "nonsense/").status_code == 404
    listing = client.get("/cohort/transfers/?all=1").content.decode()
    assert partnership.ordinary.display_name in listing
