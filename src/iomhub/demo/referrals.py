"""The demo's referrals: adopted ones for the registrations of the last two years, submitted ones
awaiting the meeting, drafts, one rejected and one deferred."""

from __future__ import annotations

import datetime
import random
from typing import Any

from faker import Faker

from iomhub.access.models import Organisation
from iomhub.demo.case_facts import DemoCase, DemoSentence, some_days, stamp
from iomhub.demo.staff import Staff
from iomhub.people.models import Address, ContactNumber, Person
from iomhub.referrals.models import SCREENING_QUESTIONS, Decision, Pathway, PriorityGroup, Referral


def _referral_answers(person: Person, *, address: Any, number: str, sentence: DemoSentence | None, rng: random.Random) -> dict[str, Any]:
    risks = {p: rng.choice(["red", "amber", "amber", "green"]) for p in Pathway.values}
    return {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "date_of_birth": person.date_of_birth,
        "pnc_id": person.pnc_id,
        "ni_number": person.ni_number,
        "address": f"{address.line_1}, {address.town}" if address else "",
        "postcode": address.postcode if address else "",
        "contact_numbers": f"{number} (M)" if number else "",
        "warnings": rng.choice(["Violence (PNC)", "Drugs (Niche)", "Weapons, violence (PNC)", ""]),
        "justification": rng.choice(
            [
                "Repeat arrests for shoplifting and burglary in the last year; disengaged from treatment.",
                "Prolific acquisitive offending linked to crack and heroin use; released recently with no accommodation.",
                "Vehicle crime series across the north of the county; intelligence links to an organised group.",
            ]
        ),
        "ogrs_score": rng.randint(55, 95),
        "ogrs_source": Referral.OgrsSource.ENTERED,
        "sentence_expiry": sentence.expiry if sentence else None,
        "index_offences": rng.choice(
            ["Burglary (dwelling)", "Theft from the person", "Theft from a vehicle", "Robbery of personal property"]
        ),
        "offending_history": "Known for acquisitive crime since their teens; several short custodial sentences.",
        "agencies": [{"agency": "Wessex Drug and Alcohol Service", "person": "Recovery worker", "contact": "01632 960111"}],
        "pathways": {p: {"risk": r, "needs": f"{Pathway(p).label} needs" if r != "green" else "", "actions": ""} for p, r in risks.items()},
        "priority_groups": {g: g == PriorityGroup.SERIOUS_ACQUISITIVE for g in PriorityGroup.values},
        "threat_harm_risk": "Medium risk of serious harm to the public; high risk of re-offending.",
        "screening": {key: "Yes: see the justification" for key, _ in SCREENING_QUESTIONS},
    }


class _Referrer:
    """Makes each referral (by one of the demo referrers, with the person's details as answers)."""

    def __init__(
        self,
        staff: Staff,
        orgs: dict[str, Organisation],
        people: dict[int, Person],
        sentences: dict[int, list[DemoSentence]],
        addresses: dict[int, Any],
        numbers: dict[int, str],
        rng: random.Random,
    ) -> None:
        self.referrers = [staff.demo("police"), staff.demo("probation"), staff.demo("substance"), staff.housing]
        self.by_org = {o.pk: o for o in orgs.values()}
        self.people, self.sentences, self.addresses, self.numbers, self.rng = people, sentences, addresses, numbers, rng
        self.made: list[Referral] = []

    def __call__(self, pid: int, status: str, on: datetime.date) -> Referral:
        rng = self.rng
        by = rng.choice(self.referrers)
        person = self.people[pid]
        last = max(self.sentences.get(pid, []), key=lambda s: s.sentenced_on, default=None)
        answers = _referral_answers(person, address=self.addresses.get(pid), number=self.numbers.get(pid, ""), sentence=last, rng=rng)
        if status == Referral.Status.DRAFT:
            answers.update(threat_harm_risk="", screening={}, ogrs_score=None, ogrs_source="")
        referral = Referral(
            status=status,
            person=person,
            referring_organisation=self.by_org[by.organisation_id or 0],
            referred_by=by,
            contact=f"{by.display_name}, {by.email}",
            referral_date=on,
            created_at=stamp(on, 9),
            updated_at=stamp(on, 11),
            submitted_at=stamp(on, 11) if status != Referral.Status.DRAFT else None,
            **answers,
        )
        self.made.append(referral)
        return referral


def build_referrals(
    cases: list[DemoCase],
    candidates: list[int],
    people: dict[int, Person],
    staff: Staff,
    orgs: dict[str, Organisation],
    sentences: dict[int, list[DemoSentence]],
    rng: random.Random,
    fake: Faker,
    today: datetime.date,
) -> dict[int, Referral]:
    """Adopted referrals for the registrations of the last two years (returned by person; so the
    attrition funnel of a past cohort has its referrals), submitted ones awaiting the meeting,
    drafts, one rejected and one deferred (all for people meeting the criteria)."""
    recent = [c for c in cases if (today - c.started_on).days <= 150][:30]
    recent += [c for c in cases if 150 < (today - c.started_on).days <= 730]
    size = len(cases)
    waiting = candidates[: max(3, min(12, size // 25))]
    drafts = candidates[len(waiting) : len(waiting) + max(2, min(6, size // 60))]
    decided = candidates[len(waiting) + len(drafts) : len(waiting) + len(drafts) + 2]
    pids = [c.person.pk for c in recent] + waiting + drafts + decided
    people.update({p.pk: p for p in Person.objects.filter(pk__in=set(pids) - set(people))})
    addresses = {a.person_id: a for a in Address.objects.filter(person_id__in=pids, to_date__isnull=True)}
    numbers = dict(ContactNumber.objects.filter(person_id__in=pids).values_list("person_id", "number"))
    refer = _Referrer(staff, orgs, people, sentences, addresses, numbers, rng)
    decisions: list[tuple[int, str, datetime.date, str]] = []  # (index into made, outcome, meeting, reasons)
    adopted: dict[int, Referral] = {}
    for case in recent:
        adopted[case.person.pk] = refer(case.person.pk, Referral.Status.ADOPTED, case.started_on - some_days(rng, 7, 30))
        decisions.append((len(refer.made) - 1, Decision.Outcome.ADOPT, case.started_on, "Meets the entry criteria; adopted by the meeting"))
    for pid in waiting:
        refer(pid, Referral.Status.SUBMITTED, today - some_days(rng, 1, 20))
    for pid in drafts:
        refer(pid, Referral.Status.DRAFT, today - some_days(rng, 0, 10))
    for pid, (status, outcome, why) in zip(
        decided,
        [
            (Referral.Status.REJECTED, Decision.Outcome.REJECT, "Risk is managed through MARAC; IOM would add nothing"),
            (Referral.Status.DEFERRED, Decision.Outcome.DEFER, "Deferred to next month for the drug service's assessment"),
        ],
        strict=False,
    ):
        refer(pid, status, today - some_days(rng, 35, 50))
        decisions.append((len(refer.made) - 1, outcome, today - some_days(rng, 10, 30), why))
    Referral.objects.bulk_create(refer.made)
    Decision.objects.bulk_create(
        [
            Decision(
                referral=refer.made[i],
                outcome=outcome,
                reasons=why,
                meeting_date=meeting,
                chair=staff.chair,
                chair_name=staff.chair.display_name,
                decided_at=stamp(meeting, 15),
            )
            for i, outcome, meeting, why in decisions
        ]
    )
    return adopted
