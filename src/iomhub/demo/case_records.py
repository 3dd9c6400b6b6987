"""The demo's case records: lead worker and coordinator (with their history), safeguarding and
parental status, the agencies involved and a named contact at each."""

from __future__ import annotations

import datetime
import random
from collections import defaultdict

from faker import Faker

from iomhub.access.models import Organisation, User
from iomhub.casework.models import AgencyContact, AgencyInvolvement, CaseChange, CaseRecord, LivesWithChildren, ParentalStatus, Safeguarding
from iomhub.demo.case_facts import DemoCase, stamp
from iomhub.demo.staff import Staff
from iomhub.demo.texts import CONTACT_TITLES


def _records(cases: list[DemoCase], staff: Staff, rng: random.Random, batch_size: int) -> None:
    """Case records (lead, coordinator, safeguarding) and the allocation in their history."""
    records, history = [], []
    for case in cases:
        coordinator = staff.coordinator if rng.random() < 0.85 else staff.chair
        roll = rng.random()
        parental = rng.choice(ParentalStatus.values)
        lives = (
            LivesWithChildren.YES
            if parental in (ParentalStatus.ALL_CHILDREN_LIVE_WITH, ParentalStatus.SOME_CHILDREN_LIVE_WITH)
            else LivesWithChildren.NO
        )
        safeguarding = rng.choices(Safeguarding.values, weights=[60, 10, 10, 8, 8, 4])[0]
        if roll < 0.82:
            values: tuple[str, str, str] = (parental, lives, safeguarding)
        elif roll < 0.93:
            values = (parental, "", "")
        else:
            values = ("", "", "")
        records.append(
            CaseRecord(
                person=case.person,
                lead_worker=case.lead,
                coordinator=coordinator,
                parental_status=values[0],
                lives_with_children=values[1],
                safeguarding=values[2],
                safeguarding_notes="Children's services involved; see the plan" if values[2] not in ("", Safeguarding.NONE_KNOWN) else "",
                updated_at=stamp(case.started_on, 16),
            )
        )
    made = CaseRecord.objects.bulk_create(records, batch_size=batch_size)
    for case, record in zip(cases, made, strict=True):
        assert case.lead is not None
        for name, user in (("lead_worker", case.lead), ("coordinator", record.coordinator)):
            assert user is not None
            history.append(
                CaseChange(
                    case=record,
                    field=name,
                    new_value=f"{user.display_name} ({user.get_username()})",
                    reason="Allocated at adoption",
                    changed_by=staff.coordinator,
                    changed_at=stamp(case.started_on, 16),
                )
            )
    CaseChange.objects.bulk_create(history, batch_size=batch_size)


def _involvements(
    cases: list[DemoCase], agencies: dict[int, set[str]], orgs: dict[str, Organisation], batch_size: int
) -> tuple[dict[int, dict[int, int]], int]:
    """The agencies involved with each case (person -> organisation -> involvement), adding those missing."""
    ids = [c.person.pk for c in cases]
    involved: dict[int, dict[int, int]] = defaultdict(dict)  # person -> organisation -> involvement
    for pk, pid, org_pk in AgencyInvolvement.objects.filter(person_id__in=ids, ended_on__isnull=True).values_list(
        "pk", "person_id", "organisation_id"
    ):
        involved[pid][org_pk] = pk
    added = []
    for case in cases:
        wanted = ["Wessex Police", "Probation Service Wessex"]
        if case.drugs:
            wanted.append("Wessex Drug and Alcohol Service")
        if case.custody is not None:
            wanted.append("HMP Wessex")
        wanted += sorted(agencies.get(case.person.pk, set()))  # every agency with an action on the plan
        for name in wanted:
            found = orgs.get(name)
            if found is not None and found.pk not in involved[case.person.pk]:
                involved[case.person.pk][found.pk] = -1
                added.append(
                    AgencyInvolvement(person=case.person, organisation=found, started_on=case.started_on, role_in_case=CONTACT_TITLES[name])
                )
    for inv in AgencyInvolvement.objects.bulk_create(added, batch_size=batch_size):
        involved[inv.person_id][inv.organisation_id] = inv.pk
    return involved, len(added)


def _contacts(
    cases: list[DemoCase], involved: dict[int, dict[int, int]], staff: Staff, orgs: dict[str, Organisation], rng: random.Random, fake: Faker
) -> list[AgencyContact]:
    """A named contact at each agency involved: the demo users where they work the case, else invented."""
    by_pk = {o.pk: o for o in orgs.values()}
    users_of = {"Wessex City Council Housing": staff.housing, "DWP Wessex Jobcentres": staff.dwp}
    contacts = []
    for case in cases:
        for org_pk, inv_pk in sorted(involved[case.person.pk].items()):
            org = by_pk[org_pk]
            worker: User | None = None
            if org.name == "Wessex Police":
                worker = case.police
            elif org.name == "Probation Service Wessex" and case.lead_kind == "probation":
                worker = case.lead
            elif org.name == "Wessex Drug and Alcohol Service":
                worker = case.lead if case.lead_kind == "substance" else staff.demo("substance")
            elif org.name in users_of and rng.random() < 0.6:
                worker = users_of[org.name]
            name = worker.display_name if worker is not None else fake.name()
            contacts.append(
                AgencyContact(
                    involvement_id=inv_pk,
                    name=name,
                    job_title=CONTACT_TITLES.get(org.name, "Caseworker"),
                    phone=f"01632 96{rng.randrange(10000):04d}",
                    email=worker.email if worker is not None else name.lower().replace(" ", ".").replace("'", "") + "@example.org",
                )
            )
    return contacts


def build_case_records(
    cases: list[DemoCase],
    agencies: dict[int, set[str]],
    staff: Staff,
    orgs: dict[str, Organisation],
    rng: random.Random,
    fake: Faker,
    today: datetime.date,
    batch_size: int,
) -> tuple[int, int]:
    """Case records (lead, coordinator, safeguarding), the agencies involved and their contacts."""
    _records(cases, staff, rng, batch_size)
    involved, added = _involvements(cases, agencies, orgs, batch_size)
    contacts = _contacts(cases, involved, staff, orgs, rng, fake)
    AgencyContact.objects.bulk_create(contacts, batch_size=batch_size)
    return added, len(contacts)
