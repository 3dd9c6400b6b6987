"""A hand-built partnership whose quarterly figures for 2026Q3 (1 July to 30 September 2026) are
worked out by hand in ``EXPECTED_TEAM_A`` and ``EXPECTED_ALL`` (the working is beside each person).

Team A: people crossing the quarter's boundaries, re-registering, in custody, leaving on the
quarter's first day; team B: one person, to show the team filter. Every name, identifier and date
of birth here is distinctive so a crawl can look for it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from iomhub.access.models import Role, Team
from iomhub.casework.models import CaseRecord, TimelineEntry
from iomhub.cohort.models import Deregistration, Registration
from iomhub.justice.models import CustodyEpisode, PssBreach, Recall, Sentence, Warrant
from iomhub.people.models import Address, Person
from iomhub.referrals.models import Decision, Referral
from tests.factories import PersonFactory, TeamFactory, pnc
from tests.referrals.factories import make_referral

D = datetime.date
QUARTER = "2026Q3"
# Free text and an address in the records behind the figures: no report may show them.
FREE_TEXT = {
    "reasons": "Wobbegong reasons for leaving",
    "exit_plan": "Axolotl exit plan",
    "recall": "Pangolin licence breach",
    "justification": "Narwhal justification for referral",
    "safeguarding": "Okapi safeguarding note",
    "address": "17 Quokka Lane",
}
AS_OF = D(2026, 9, 30)


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


@dataclass
class Dataset:
    team_a: Team
    team_b: Team
    people: dict[str, Person] = field(default_factory=dict)

    def identities(self) -> list[str]:
        """Every name, identifier and date of birth (in the ways pages write dates) of the people."""
        found: list[str] = []
        for p in self.people.values():
            dob = p.date_of_birth
            found += [
                p.first_name,
                p.last_name,
                p.pnc_id,
                dob.isoformat(),
                f"{dob:%d/%m/%Y}",
                f"{dob.day} {dob:%B %Y}",
                f"{dob.day} {dob:%b %Y}",
            ]
        return [*found, *FREE_TEXT.values(), "SO14 7ZZ"]


# Figures for team A, worked by hand:
# caseload on 1 July: P1 (from 10 May), P3 (to 31 July), P5 (to 10 September) = 3
#   (P8 left on 1 July: the exit day is not a day managed; P2's first registration ended in 2025)
# caseload on 30 September: P1, P2 (from 15 August), P4 (from 30 September) = 3
# average caseload: days managed in the quarter P1 92 + P2 47 (15 Aug-30 Sep) + P3 30 (1-30 Jul)
#   + P4 1 + P5 71 (1 Jul-9 Sep) + P8 0 = 241, over 92 days = 2.62 -> 2.6
# in custody on 30 September: P1 (remanded 20 September, open); P2 was released that day = 1
# registrations: P2 (15 Aug), P4 (30 Sep) = 2, of which re-registrations P2 = 1 (P7 starts 1 October)
# exits: P3 31 Jul (deregistered at review: planned), P5 10 Sep (required by a rule: unplanned),
#   P8 1 Jul (no deregistration: unplanned) = 3, planned 1, unplanned 2
# breach warrants: P1 1 Aug = 1 (P5's of 30 June is before the quarter)
# failed to appear: P5 2 Jul = 1
# PSS breaches: P3 heard 15 Jul = 1
# recalls: fixed-term P2 1 Sep = 1; standard: P3's of 10 Aug is after P3 left = 0
# completeness of P1, P2, P4: parental status P1, P2 = 2 (66.7%); all three fields P1 = 1 (33.3%);
#   incomplete P2, P4 = 2
# referrals submitted in the quarter: P2 (1 Aug), P7 (15 Sep), P9 (5 Jul) = 3 (P10's 30 June is
#   before; a draft is not a referral); decisions: adopt P2 (10 Aug), P7 (25 Sep) = 2, reject P9
#   (20 Jul) = 1, defer 0 (P3's referral of 15 February and its adoption on 20 February are in Q1)
EXPECTED_TEAM_A: dict[str, int | float] = {
    "caseload-start": 3,
    "caseload-end": 3,
    "average-caseload": 2.6,
    "in-custody-end": 1,
    "registrations": 2,
    "reregistrations": 1,
    "exits": 3,
    "exits-planned": 1,
    "exits-unplanned": 2,
    "breach-warrants": 1,
    "fail-to-appear": 1,
    "pss-breaches": 1,
    "recalls-fixed-term": 1,
    "recalls-standard": 0,
    "parental-complete": 2,
    "parental-percent": 66.7,
    "safeguarding-complete": 1,
    "safeguarding-percent": 33.3,
    "safeguarding-incomplete": 2,
    "referrals-submitted": 3,
    "decisions-adopt": 2,
    "decisions-reject": 1,
    "decisions-defer": 0,
    # drug tests while managed: P1 positive 10 Aug, P1 negative 10 Sep, P3 refused 20 Jul (P3's of
    # 15 Aug is after leaving) = 3; people tested P1, P3 = 2; with a positive P1 = 1
    "drug-tests": 3,
    "drug-tests-positive": 1,
    "drug-tests-negative": 1,
    "drug-tests-refused": 1,
    "people-tested": 2,
    "people-positive": 1,
    # office appointments: P2 attended 20 Aug, P1 failed 3 Sep (P3's of 10 March is in Q1)
    "appointments-kept": 1,
    "appointments-failed": 1,
    # no fixed abode on 30 September among P1, P2, P4: P2 (P5 had left)
    "no-fixed-abode": 1,
}
# All teams: team A and P6 (team B, from 1 February, open; a standard recall on 20 July; a case
# record with every safeguarding field). Average (241 + 92) / 92 = 3.62 -> 3.6.
EXPECTED_ALL: dict[str, int | float] = {
    **EXPECTED_TEAM_A,
    "caseload-start": 4,
    "caseload-end": 4,
    "average-caseload": 3.6,
    "recalls-standard": 1,
    "parental-complete": 3,
    "parental-percent": 75.0,
    "safeguarding-complete": 2,
    "safeguarding-percent": 50.0,
    # P6's negative test of 5 July
    "drug-tests": 4,
    "drug-tests-negative": 2,
    "people-tested": 3,
}
# The overview on 30 September for team A: managed P1, P2, P4; neighbourhood crime P1, P4; in
# custody P1; RAG red P1, amber P2, green P4; home visit overdue: P2 (Amber since 15 August, no
# visit: due 29 August); P1 (Red) was visited on 25 September (due 2 October); P4 (Green since 30
# September) is due in October.
EXPECTED_OVERVIEW_A: dict[str, int] = {
    "managed": 3,
    "neighbourhood-crime": 2,
    "in-custody": 1,
    "home-visits-overdue": 1,
    "rag-red-alert": 0,
    "rag-red": 1,
    "rag-amber": 1,
    "rag-green": 1,
    "rag-prison": 0,
    "referrals-submitted": 3,
    "decisions-adopt": 2,
    "decisions-reject": 1,
}


def build(partnership: Any) -> Dataset:
    chair = partnership.users[Role.CHAIR]
    coordinator = partnership.users[Role.COORDINATOR]
    data = Dataset(team_a=TeamFactory(name="Northbridge IOM"), team_b=TeamFactory(name="Southmere IOM"))
    names = {
        "P1": ("Quillon", "Abernathy", D(1991, 3, 14)),
        "P2": ("Zephyrine", "Blackwood", D(1988, 11, 2)),
        "P3": ("Octavian", "Carrow", D(1995, 7, 23)),
        "P4": ("Marisol", "Dunleavy", D(2001, 1, 9)),
        "P5": ("Ignatius", "Esterhazy", D(1979, 12, 31)),
        "P6": ("Perpetua", "Fairweather", D(1983, 6, 6)),
        "P7": ("Leopold", "Gorringe", D(1999, 4, 17)),
        "P8": ("Theodric", "Hollingsworth", D(1986, 8, 28)),
        "P9": ("Ulyana", "Ingleby", D(1993, 2, 19)),
        "P10": ("Cressida", "Jolliffe", D(1990, 10, 10)),
    }
    for serial, (key, (first, last, dob)) in enumerate(names.items(), start=1):
        team = data.team_b if key == "P6" else data.team_a
        data.people[key] = PersonFactory(
            first_name=first, last_name=last, date_of_birth=dob, managing_team=team, pnc_id=pnc(2011, 9100 + serial)
        )
    p = data.people

    def register(key: str, start: datetime.date, end: datetime.date | None = None, rag: str = "amber", nc: bool = False) -> Registration:
        return Registration.objects.create(person=p[key], started_on=start, ended_on=end, rag=rag, neighbourhood_crime=nc)

    def deregister(registration: Registration, *, required: list[str] | None = None) -> None:
        assert registration.ended_on is not None
        Deregistration.objects.create(
            registration=registration,
            approved_on=registration.ended_on,
            reasons=FREE_TEXT["reasons"],
            exit_plan=FREE_TEXT["exit_plan"],
            supported_by="Probation",
            required_by=required or [],
            approved_by=chair,
            approved_by_name="Chair",
        )

    def sentence(key: str) -> Sentence:
        return Sentence.objects.create(person=p[key], sentenced_on=D(2025, 1, 6), offence_committed_on=D(2024, 12, 1), months=10)

    def recall(key: str, day: datetime.date, kind: str) -> None:
        Recall.objects.create(
            person=p[key],
            sentence=sentence(key),
            kind=kind,
            recalled_at=at(day),
            report_due_at=at(day + datetime.timedelta(days=1)),
            reason=FREE_TEXT["recall"],
        )

    def case(key: str, *, parental: str = "", children: str = "", safeguarding: str = "") -> None:
        CaseRecord.objects.create(person=p[key], parental_status=parental, lives_with_children=children, safeguarding=safeguarding)

    # P1: from 10 May 2026, open, Red, neighbourhood crime; remanded 20 September (open); breach
    # warrant 1 August; visited at home on 25 September; case record complete.
    register("P1", D(2026, 5, 10), rag="red", nc=True)
    CustodyEpisode.objects.create(person=p["P1"], kind="remand", prison="HMP Northbridge", started_on=D(2026, 9, 20))
    Warrant.objects.create(person=p["P1"], kind=Warrant.Kind.BREACH, issued_on=D(2026, 8, 1))
    TimelineEntry.objects.create(
        person=p["P1"],
        kind="home-visit",
        outcome="attended",
        occurred_on=D(2026, 9, 25),
        recorded_by=coordinator,
        recorded_by_name="PC Lee",
    )
    case("P1", parental="not-a-parent", children="no", safeguarding="none-known")
    CaseRecord.objects.filter(person=p["P1"]).update(safeguarding_notes=FREE_TEXT["safeguarding"])
    Address.objects.create(person=p["P1"], line_1=FREE_TEXT["address"], town="Northbridge", postcode="SO14 7ZZ")
    # P2: registered 1 Jan 2025 to 1 Dec 2025 (planned exit), re-registered 15 August 2026 (Amber);
    # in custody 10 to 30 September (released on the quarter's last day); fixed-term recall 1 Sep.
    deregister(register("P2", D(2025, 1, 1), D(2025, 12, 1)))
    register("P2", D(2026, 8, 15), rag="amber")
    CustodyEpisode.objects.create(
        person=p["P2"], kind="sentenced", prison="HMP Northbridge", started_on=D(2026, 9, 10), ended_on=D(2026, 9, 30)
    )
    recall("P2", D(2026, 9, 1), Recall.Kind.FIXED_TERM)
    case("P2", parental="all-live-with")
    # P3: 1 March to 31 July 2026, deregistered at review; PSS breach heard 15 July; a standard
    # recall on 10 August, after leaving.
    deregister(register("P3", D(2026, 3, 1), D(2026, 7, 31)))
    PssBreach.objects.create(
        person=p["P3"], sentence=sentence("P3"), heard_on=D(2026, 7, 15), outcome=PssBreach.Outcome.FINE, fine_pounds=50
    )
    recall("P3", D(2026, 8, 10), Recall.Kind.STANDARD)
    # P4: registered on the quarter's last day, Green, neighbourhood crime; no case record.
    register("P4", D(2026, 9, 30), rag="green", nc=True)
    # P5: 1 January to 10 September 2026, deregistration required by a rule; breach warrant 30 June
    # (before the quarter); failed-to-appear warrant 2 July.
    deregister(register("P5", D(2026, 1, 1), D(2026, 9, 10)), required=["sentence-5-years"])
    Warrant.objects.create(person=p["P5"], kind=Warrant.Kind.BREACH, issued_on=D(2026, 6, 30))
    Warrant.objects.create(person=p["P5"], kind=Warrant.Kind.FAIL_TO_APPEAR, issued_on=D(2026, 7, 2))
    # P6 (team B): from 1 February 2026, open; standard recall 20 July; case record complete.
    register("P6", D(2026, 2, 1), rag="amber")
    recall("P6", D(2026, 7, 20), Recall.Kind.STANDARD)
    case("P6", parental="not-a-parent", children="no", safeguarding="none-known")
    # P7: registered 1 October 2026, after the quarter.
    register("P7", D(2026, 10, 1))
    # P8: 1 April to 1 July 2026, ended without a deregistration (transferred out).
    register("P8", D(2026, 4, 1), D(2026, 7, 1))

    referrer = partnership.users[Role.POLICE_IOM_OFFICER]

    def refer(
        key: str, submitted: datetime.date, *, decided: datetime.date | None = None, outcome: str = "", status: str = "submitted"
    ) -> None:
        referral = make_referral(by=referrer, person=p[key], status=status, justification=FREE_TEXT["justification"])
        Referral.objects.filter(pk=referral.pk).update(submitted_at=at(submitted) if status != "draft" else None)
        if decided is not None:
            Referral.objects.filter(pk=referral.pk).update(status={"adopt": "adopted", "reject": "rejected"}[outcome])
            Decision.objects.create(
                referral=referral, outcome=outcome, reasons="Meeting", meeting_date=decided, chair=chair, chair_name="Chair"
            )

    refer("P2", D(2026, 8, 1), decided=D(2026, 8, 10), outcome="adopt")
    refer("P7", D(2026, 9, 15), decided=D(2026, 9, 25), outcome="adopt")
    refer("P9", D(2026, 7, 5), decided=D(2026, 7, 20), outcome="reject")
    refer("P10", D(2026, 6, 30))
    refer("P10", D(2026, 8, 20), status="draft")

    # Drug tests, office appointments and no fixed abode (the drugs, engagement and accommodation tables).
    def entry(key: str, kind: str, day: datetime.date, outcome: str = "done", result: str = "") -> None:
        TimelineEntry.objects.create(
            person=p[key], kind=kind, outcome=outcome, drug_result=result, occurred_on=day, recorded_by=coordinator, recorded_by_name="DIP"
        )

    entry("P1", "drug-test", D(2026, 8, 10), result="positive")
    entry("P1", "drug-test", D(2026, 9, 10), result="negative")
    entry("P3", "drug-test", D(2026, 7, 20), result="refused")
    entry("P3", "drug-test", D(2026, 8, 15), result="positive")  # after P3 left: not counted
    entry("P6", "drug-test", D(2026, 7, 5), result="negative")
    entry("P1", "office-appointment", D(2026, 9, 3), outcome="failed-to-attend")
    Address.objects.create(person=p["P2"], line_1="No fixed abode", no_fixed_abode=True, from_date=D(2026, 8, 15))
    Address.objects.create(person=p["P5"], line_1="No fixed abode", no_fixed_abode=True, from_date=D(2026, 1, 1))  # left 10 September
    refer("P3", D(2026, 2, 15), decided=D(2026, 2, 20), outcome="adopt")
    for key, day in (("P3", D(2026, 3, 10)), ("P2", D(2026, 8, 20))):
        TimelineEntry.objects.create(
            person=p[key],
            kind="office-appointment",
            outcome="attended",
            occurred_on=day,
            recorded_by=coordinator,
            recorded_by_name="PO Shah",
        )
    return data
