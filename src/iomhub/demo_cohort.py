"""The demo IOM cohort: who is on the scheme, and their cases, for the synthetic partnership.

``build_cohort`` runs after ``iomhub.demo`` has loaded the people and their justice records. From a
fixed seed, with every date relative to ``today`` (the day it is loaded, so the caseload looks live
when the demo is tried), it builds what an IOM team works with (seed 002, BRIEF "The life of a case"):

- **Registrations**: about 5% of the people, at most 600 (IOM manages "a few hundred"), chosen
  mostly from those who meet the entry criteria (``cohort.screening``) with the most arrests in the
  last 12 months, skipping many of them (and MAPPA level 2, dual management, for the meeting to
  decide) so the candidate list still has entries; people in custody
  (Prison RAG from their sentence date), people wanted on a warrant (Red Alert); a few transfers in;
  RAG history, flags, reviews and the adoption checklist (partly outstanding). Past registrations
  that ended with a deregistration (reasons, exit plan, removal checklist), some required by a
  custodial sentence of 5 years or more, and a few people registered again since.
- **Cases**: one lead worker each (the probation officer while on licence or supervision, and for
  people in custody, so ``casework.selectors.lead_worker_problems`` finds none), a coordinator, the
  involved agencies with named contacts, safeguarding and parental status for most (not all:
  completeness is a reported measure).
- **Pathway assessments** at registration and recently (so first-to-latest change shows), plan
  actions linked to the needs (done, open, overdue, carried over), and the **timeline**: home
  visits at recencies that leave some Red and Amber visits overdue under the regime (002 appendix
  1), office appointments attended or failed, appointments booked ahead, drug tests, prison visits
  and police-only intelligence notes.
- **Referrals**: adopted ones linked to recent registrations, some submitted awaiting the meeting's
  decision, drafts, one rejected and one deferred.

Every demo user whose role leads cases has some (with overdue visits and actions to act on); the
rest of a large cohort goes to extra workers who cannot sign in. Bulk writes in batches: a few
seconds however many people. No audit events here: ``load_demo`` records the one demo event.
"""

from __future__ import annotations

import datetime
import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max
from django.utils import timezone
from faker import Faker

from iomhub import clock
from iomhub.access.models import Organisation, Role, RoleAssignment, Team, User
from iomhub.casework.models import (
    ActionStatus,
    AgencyContact,
    AgencyInvolvement,
    CaseChange,
    CaseRecord,
    DrugResult,
    EntryKind,
    EntryOutcome,
    LivesWithChildren,
    ParentalStatus,
    PathwayAssessment,
    PathwayNeed,
    PathwayRag,
    PlanAction,
    PlanActionChange,
    Safeguarding,
    Substance,
    TimelineEntry,
)
from iomhub.cohort.models import (
    ChecklistEntry,
    ChecklistItem,
    Deregistration,
    RagChange,
    RagLevel,
    Registration,
    RemovalEntry,
    RemovalItem,
    Review,
)
from iomhub.justice.models import Arrest, Sentence, Warrant
from iomhub.people.models import Address, ContactNumber, Person
from iomhub.referrals.models import SCREENING_QUESTIONS, Decision, Pathway, PriorityGroup, Referral
from iomhub.rules import regime
from iomhub.rules._dates import add_months
from iomhub.rules.casework import SentenceDates, on_licence_or_supervision
from iomhub.rules.sentence import PROGRESSION_MODEL_COMMENCEMENT as PROGRESSION_MODEL_FROM

COHORT_SHARE = 0.05  # of the people loaded
COHORT_CAP = 600  # "a few hundred"
CASELOAD = 30  # the most cases a demo worker leads; the rest of a large cohort go to extra workers
LEAD_SHARES = {"police": 0.45, "probation": 0.35, "substance": 0.2}
DEMO_LEADS = {"police": "police.officer", "probation": "probation.officer", "substance": "substance.worker"}
LEAD_ORGS = {"police": "Wessex Police", "probation": "Probation Service Wessex", "substance": "Wessex Drug and Alcohol Service"}
LEAD_ROLES = {"police": Role.POLICE_IOM_OFFICER, "probation": Role.PROBATION_OFFICER, "substance": Role.SUBSTANCE_MISUSE}
TIMELINE_DAYS = 120  # how far back the timeline of a long registration goes
OTHER_AREAS = ["Dorset IOM", "Thames Valley IOM", "Avon and Somerset IOM", "Hampshire IOM"]

NEEDS: dict[str, list[tuple[str, str]]] = {
    Pathway.ACCOMMODATION: [
        ("Sofa-surfing with friends; no tenancy since release", "Housing register application and support to bid for a tenancy"),
        ("Rent arrears of about £900; notice served on the flat", "Agree a repayment plan with the landlord; referral to tenancy support"),
    ],
    Pathway.ETE: [
        ("Unemployed for over two years; no qualifications", "Referral to the Jobcentre work coach and a CSCS card course"),
        ("Wants work in construction; needs basic maths and English", "Enrol on functional skills at Wessex College"),
    ],
    Pathway.HEALTH: [
        ("Not registered with a GP; untreated leg ulcer", "Register with a GP and attend the wound clinic"),
        ("Low mood and poor sleep; no treatment", "GP appointment; referral to talking therapies"),
    ],
    Pathway.DRUGS_ALCOHOL: [
        (
            "Daily crack cocaine and heroin use funded by shoplifting",
            "Structured treatment with the drug service; opiate substitute prescription",
        ),
        ("Drinking heavily most days; offending when drunk", "Alcohol treatment requirement and weekly key-work sessions"),
    ],
    Pathway.FINANCE: [
        ("No bank account; Universal Credit claim closed", "Open a basic bank account and reclaim Universal Credit"),
        ("Debts to a loan shark linked to drug use", "Referral to debt advice; safety planning with the police"),
    ],
    Pathway.CHILDREN_FAMILIES: [
        ("Two children in the care of their grandmother; contact supervised", "Support to attend contact sessions and parenting course"),
        ("Relationship with partner strained; risk of losing the family home", "Family support worker visit"),
    ],
    Pathway.ATTITUDES: [
        ("Minimises offending; peers are active offenders", "Thinking Skills Programme; mentor from Second Chance Trust"),
        ("Impulsive; poor consequential thinking", "One-to-one sessions on consequential thinking"),
    ],
    Pathway.DOMESTIC_ABUSE: [
        ("Police called to two incidents with a former partner", "Building Better Relationships programme; MARAC liaison"),
    ],
    Pathway.OTHER: [
        ("Associates with an organised acquisitive crime group", "Disruption by the police IOM team; support to change peer group"),
    ],
}
ACTIONS: dict[str, list[str]] = {
    Pathway.ACCOMMODATION: [
        "Complete the housing register application",
        "Attend tenancy sustainment appointment",
        "View supported housing place",
    ],
    Pathway.ETE: ["Attend the work coach appointment", "Start the functional skills course", "Apply for the CSCS card"],
    Pathway.HEALTH: ["Register with a GP", "Attend the talking therapies assessment"],
    Pathway.DRUGS_ALCOHOL: ["Attend the treatment assessment", "Start the substitute prescription", "Attend weekly key-work sessions"],
    Pathway.FINANCE: ["Open a basic bank account", "Make the Universal Credit claim", "Attend debt advice"],
    Pathway.CHILDREN_FAMILIES: ["Attend the supervised contact session", "Start the parenting course"],
    Pathway.ATTITUDES: ["Start the Thinking Skills Programme", "Meet the Second Chance Trust mentor"],
    Pathway.DOMESTIC_ABUSE: ["Start the Building Better Relationships programme", "Share the safety plan with MARAC"],
    Pathway.OTHER: ["Agree a disruption plan with the neighbourhood team"],
}
PATHWAY_AGENCY: dict[str, str] = {
    Pathway.ACCOMMODATION: "Wessex City Council Housing",
    Pathway.ETE: "DWP Wessex Jobcentres",
    Pathway.FINANCE: "DWP Wessex Jobcentres",
    Pathway.DRUGS_ALCOHOL: "Wessex Drug and Alcohol Service",
    Pathway.HEALTH: "Wessex Community Health",
}
CONTACT_TITLES = {
    "Wessex Police": "Police IOM officer",
    "Probation Service Wessex": "Probation officer",
    "Wessex Drug and Alcohol Service": "Recovery worker",
    "Wessex City Council Housing": "Housing options officer",
    "DWP Wessex Jobcentres": "Work coach",
    "Wessex Community Health": "Practice nurse",
    "Wessex Mental Health Trust": "Community psychiatric nurse",
    "Wessex Youth Offending Team": "YOT case manager",
    "HMP Wessex": "Offender management unit",
    "Second Chance Trust": "Mentor",
}
INTELLIGENCE = [
    "Seen in the town centre with known shoplifters",
    "Information that they are dealing from the address",
    "Linked by a witness to a burglary in the area; enquiries ongoing",
    "Stopped in a car with two active offenders; nothing found",
    "Reported to be back in contact with the county lines group",
    "Sighted near the retail park; store security aware",
]
DEREGISTRATION_REASONS = [
    (
        "No intelligence for three months, drug tests negative and attendance good",
        ["no-intelligence-3-months", "drug-tests-negative", "good-attendance"],
    ),
    ("Assessed risk has fallen: stable tenancy, in work and no arrests for six months", ["risk-fallen"]),
    ("Risk now managed through MAPPA level 2 arrangements", ["managed-elsewhere"]),
    ("Good attendance throughout; no further offending since registration", ["good-attendance"]),
]
EXIT_PLANS = [
    ("Monthly contact with the offender manager to the end of the licence; drug service key work continues", "Probation Service Wessex"),
    ("Mentoring continues weekly; the neighbourhood team keeps an interest marker for six months", "Second Chance Trust"),
    (
        "Treatment continues with the drug service; housing support to the end of the tenancy's first year",
        "Wessex Drug and Alcohol Service",
    ),
]


@dataclass
class _Sentence:
    sentenced_on: datetime.date
    months: int
    release: datetime.date | None
    expiry: datetime.date | None
    tused: datetime.date | None


@dataclass
class _Case:
    person: Person
    started_on: datetime.date
    arrests: int = 0
    neighbourhood: bool = False
    custody: _Sentence | None = None  # serving now
    released: _Sentence | None = None  # released since the registration started
    supervised: bool = False
    wanted_on: datetime.date | None = None
    drugs: bool = False
    lead_kind: str = "police"
    lead: User | None = None
    levels: list[tuple[datetime.date, str, str]] = field(default_factory=list)  # (from, level, why)
    transferred_in_on: datetime.date | None = None
    overdue: bool = False
    registration: Registration | None = None
    police: User | None = None  # the police officer who visits

    @property
    def rag(self) -> str:
        return self.levels[-1][1]

    def effective(self, today: datetime.date) -> str:
        return regime.effective_rag(assessed_rag=self.rag, transferred_in_on=self.transferred_in_on, today=today)


class _Staff:
    """The demo users and, for a large cohort, extra workers (who cannot sign in) to share it."""

    def __init__(self, *, cohort: int, seed: int, orgs: dict[str, Organisation], teams: list[Team]) -> None:
        users = {
            u.username: u
            for u in User.objects.filter(username__in=[*DEMO_LEADS.values(), "coordinator", "chair", "housing.worker", "dwp.worker"])
        }
        fake = Faker("en_GB")
        fake.seed_instance(seed + 11)
        self.pools: dict[str, list[User]] = {}
        for kind, username in DEMO_LEADS.items():
            pool = [users[username]]
            for i in range(max(0, math.ceil(cohort * LEAD_SHARES[kind] / CASELOAD) - 1)):
                first, last = fake.first_name(), fake.last_name()
                name = f"{username}.{i + 2:02d}"
                user, created = User.objects.get_or_create(
                    username=name,
                    defaults={
                        "first_name": first,
                        "last_name": last,
                        "email": f"{name}@example.org",
                        "organisation": orgs[LEAD_ORGS[kind]],
                        "team": teams[i % len(teams)] if teams else None,
                    },
                )
                if created:
                    user.set_unusable_password()
                    user.save(update_fields=["password"])
                RoleAssignment.objects.get_or_create(user=user, role=LEAD_ROLES[kind])
                pool.append(user)
            self.pools[kind] = pool
        self.coordinator = users["coordinator"]
        self.chair = users["chair"]
        self.housing = users["housing.worker"]
        self.dwp = users["dwp.worker"]
        self.loads: dict[int, int] = defaultdict(int)

    def demo(self, kind: str) -> User:
        return self.pools[kind][0]

    def allocate(self, kind: str) -> User:
        pool = self.pools[kind]
        if len(pool) == 1 or self.loads[pool[0].pk] < CASELOAD:
            chosen = pool[0]
        else:
            chosen = min(pool[1:], key=lambda u: (self.loads[u.pk], u.pk))
        self.loads[chosen.pk] += 1
        return chosen


def name_of(user: User) -> str:
    return user.get_full_name() or user.get_username()


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _days(rng: random.Random, low: int, high: int) -> datetime.timedelta:
    return datetime.timedelta(days=rng.randint(low, high))


def cohort_size(people: int) -> int:
    return min(COHORT_CAP, max(1, round(people * COHORT_SHARE))) if people > 0 else 0


def build_cohort(*, seed: int = 2026, today: datetime.date | None = None, batch_size: int = 5000) -> dict[str, int]:
    """Put a cohort of the people already loaded on IOM, with their cases (see the module)."""
    from iomhub.cohort.screening import rank_key, screen_people

    today = today or clock.today()
    rng = random.Random(seed + 7)  # noqa: S311 - synthetic data from a fixed seed
    fake = Faker("en_GB")
    fake.seed_instance(seed + 13)
    orgs = {o.name: o for o in Organisation.objects.all()}
    teams = list(Team.objects.order_by("pk"))
    available = Person.objects.filter(restriction="", merged_into__isnull=True).exclude(pk__in=Registration.objects.values("person_id"))
    size = cohort_size(available.count())
    if not size or "Wessex Police" not in orgs:
        return {"registrations": 0}
    year_ago = add_months(today, -12)

    # Who: the people meeting the criteria with the most arrests in the year, many left as candidates.
    arrests = list(
        Arrest.objects.filter(arrested_on__gt=year_ago, arrested_on__lte=today, person__in=available)
        .values("person_id")
        .annotate(n=Count("pk"), last=Max("arrested_on"))
        .values_list("person_id", "n", "last")
    )
    arrests.sort(key=lambda r: (-r[1], -r[2].toordinal(), r[0]))
    arrests_of = {pid: n for pid, n, _ in arrests}
    screened_ids = [pid for pid, _, _ in arrests[: max(6 * size, 300)]]
    people = {p.pk: p for p in Person.objects.filter(pk__in=screened_ids)}
    screenings = [s for s in screen_people([people[pid] for pid in screened_ids], today) if s.result.eligible]
    screenings.sort(key=lambda s: (*rank_key(s), s.person_id))

    sentences: dict[int, list[_Sentence]] = defaultdict(list)
    for row in Sentence.objects.filter(sentenced_on__lte=today).values_list(
        "person_id",
        "sentenced_on",
        "months",
        "release_date",
        "override_release_date",
        "expiry_date",
        "override_expiry_date",
        "tused",
        "override_tused",
    ):
        pid, on, months, rel, orel, exp, oexp, tused, otused = row
        sentences[pid].append(_Sentence(on, months, orel or rel, oexp or exp, otused or tused))

    def serving(pid: int) -> _Sentence | None:
        found = [s for s in sentences.get(pid, []) if s.release is not None and s.sentenced_on <= today < s.release]
        return max(found, key=lambda s: s.sentenced_on) if found else None

    wanted = dict(
        Warrant.objects.filter(executed_on__isnull=True, issued_on__lte=today)
        .values("person_id")
        .annotate(on=Max("issued_on"))
        .values_list("person_id", "on")
    )
    serving_now = {pid: cur for pid in sentences if (cur := serving(pid)) is not None}
    custody_pool = sorted(available.filter(pk__in=[p for p, cur in serving_now.items() if cur.months < 60]).values_list("pk", flat=True))
    long_custody = sorted(available.filter(pk__in=[p for p, cur in serving_now.items() if cur.months >= 60]).values_list("pk", flat=True))

    chosen: list[int] = []
    skip_rate = 0.4
    for s in screenings:
        if len(chosen) >= size:
            break
        # MAPPA level 2 (dual management, 002 §4) waits for the meeting: left on the candidate list.
        if rng.random() >= skip_rate and "mappa-2-dual" not in s.result.codes:
            chosen.append(s.person_id)
    criteria = {s.person_id: set(s.result.codes) for s in screenings}

    # Topped up to about 15% in custody (Prison) and 25% on licence or supervision, as IOM cohorts are.
    def supervised(pid: int) -> bool:
        dates = [SentenceDates(release=s.release, expiry=s.expiry, supervision_end=s.tused) for s in sentences.get(pid, [])]
        return on_licence_or_supervision(dates, today)

    licensed = [p for p, _, _ in arrests if supervised(p) and p not in serving_now]
    order = {pid: i for i, pid in enumerate(licensed)}
    licensed_pool = sorted(available.filter(pk__in=licensed).values_list("pk", flat=True), key=order.__getitem__)
    from iomhub.justice.selectors import mappa_levels

    pooled = sorted(set(custody_pool) | set(licensed_pool))
    dual = {pid for pid, m in mappa_levels(person_ids=pooled, as_of=today).items() if m.level in (2, 3)}  # not for the top-up
    custody_pool = [pid for pid in custody_pool if pid not in dual]
    licensed_pool = [pid for pid in licensed_pool if pid not in dual]
    # Issue 10: the demo users' team always has people in custody on a sentence passed under the
    # progression model (from 1 October 2026) and released within 3 months, so its dates reach the
    # Justice tab, the release prompts and the meeting's agenda.
    home = teams[0].pk if teams else None
    team_of = dict(Person.objects.filter(pk__in=custody_pool).values_list("pk", "managing_team_id"))
    top_up: list[int] = [
        pid
        for pid in custody_pool
        if serving_now[pid].sentenced_on >= PROGRESSION_MODEL_FROM
        and (serving_now[pid].release or today) <= add_months(today, 3)
        and team_of.get(pid) == home
        and pid not in chosen
    ][:2]
    for pool, share, test in ((custody_pool, 0.15, serving_now.__contains__), (licensed_pool, 0.25, supervised)):
        have = sum(1 for pid in chosen if test(pid))
        extra = [pid for pid in pool if pid not in set(chosen) | set(top_up)]
        top_up += rng.sample(extra, min(len(extra), max(0, round(share * size) - have), max(0, size // 4)))
    chosen = [pid for pid in chosen if pid not in set(top_up)][: max(0, size - len(top_up))] + top_up
    chosen_set = set(chosen)
    unregistered_eligible = [s.person_id for s in screenings if s.person_id not in chosen_set]
    people.update({p.pk: p for p in Person.objects.filter(pk__in=set(chosen) - set(people))})

    staff = _Staff(cohort=len(chosen), seed=seed, orgs=orgs, teams=teams)

    # The cases: when they started, in custody, wanted, supervised, and so who leads them.
    cases: list[_Case] = []
    for i, pid in enumerate(chosen):
        age = rng.choice([rng.randint(5, 56), rng.randint(57, 180), rng.randint(57, 180), rng.randint(181, 720), rng.randint(181, 720)])
        case = _Case(person=people[pid], started_on=today - datetime.timedelta(days=age), arrests=arrests_of.get(pid, 0))
        case.neighbourhood = "neighbourhood-crime" in criteria.get(pid, set())
        case.custody = serving(pid)
        if case.custody is not None and case.custody.sentenced_on - case.started_on > datetime.timedelta(days=600):
            case.started_on = case.custody.sentenced_on - _days(rng, 30, 300)
        case.released = next(
            (s for s in sentences.get(pid, []) if s.release is not None and case.started_on < s.sentenced_on and s.release <= today),
            None,
        )
        case.supervised = supervised(pid)
        issued = wanted.get(pid)
        case.wanted_on = issued if issued is not None and case.custody is None else None
        case.drugs = rng.random() < 0.55
        if case.supervised or case.custody is not None:
            case.lead_kind = "probation"
        else:
            case.lead_kind = rng.choices(["police", "substance", "probation"], weights=[60, 25 if case.drugs else 5, 15])[0]
        case.lead = staff.allocate(case.lead_kind)
        case.police = case.lead if case.lead_kind == "police" else staff.pools["police"][i % len(staff.pools["police"])]
        _levels(case, rng, today)
        cases.append(case)
    for kind in ("substance", "police", "probation"):  # every demo lead worker leads some cases
        demo = staff.demo(kind)
        free = [c for c in cases if not c.supervised and c.custody is None and c.lead != demo and staff.loads[c.lead.pk] > 1]  # type: ignore[union-attr]
        for case in free[: max(0, 2 - sum(1 for c in cases if c.lead == demo))]:
            staff.loads[case.lead.pk] -= 1  # type: ignore[union-attr]
            case.lead_kind, case.lead = kind, demo
            staff.loads[demo.pk] += 1
            if kind == "police":
                case.police = demo
    _make_worth_showing(cases, staff, rng, today)

    # Past registrations: ended with a deregistration (some re-registered since, some required by custody).
    past: list[tuple[Person, datetime.date, datetime.date, str, list[str], bool]] = []  # person, from, to, reasons, rules, required
    again = [c for c in cases if c.custody is None and (today - c.started_on).days > 60][: max(1, round(0.06 * size))]
    for case in again:
        ended = case.started_on - _days(rng, 45, 240)
        reasons, rules = rng.choice(DEREGISTRATION_REASONS)
        past.append((case.person, add_months(ended, -rng.randint(6, 15)), ended, reasons, rules, False))
    others = sorted(set(arrests_of) - chosen_set)
    leavers = rng.sample(others, min(len(others), round(0.15 * size)))
    leaving = sorted(set(leavers) | set(long_custody[: max(1, size // 40)]) - chosen_set)
    people.update({p.pk: p for p in Person.objects.filter(pk__in=set(leaving) - set(people))})
    for pid in leaving:
        person = people[pid]
        long = serving(pid)
        if long is not None and long.months >= 60:
            ended = min(today - datetime.timedelta(days=1), long.sentenced_on + _days(rng, 7, 40))
            reasons = f"Sentenced to {long.months // 12} years' custody on {long.sentenced_on:%d %B %Y}: deregistration required"
            past.append((person, min(ended, long.sentenced_on) - _days(rng, 90, 400), ended, reasons, ["custodial-sentence-5-years"], True))
            continue
        ended = today - _days(rng, 20, 500)
        reasons, rules = rng.choice(DEREGISTRATION_REASONS)
        past.append((person, add_months(ended, -rng.randint(6, 18)), ended, reasons, rules, False))

    referrals = _referrals(cases, unregistered_eligible, people, staff, orgs, sentences, rng, fake, today)
    registrations = _registrations(cases, past, referrals, staff, rng, today, batch_size)
    assessments, actions, agencies = _plans(cases, staff, orgs, rng, fake, today, batch_size)
    involvements, contacts = _cases(cases, agencies, staff, orgs, rng, fake, today, batch_size)
    entries = _timelines(cases, staff, orgs, rng, today, batch_size)
    return {
        "registrations": len(cases),
        "ended_registrations": registrations,
        "referrals": len(referrals),
        "agency_contacts": contacts,
        "involvements_added": involvements,
        "pathway_assessments": assessments,
        "plan_actions": actions,
        "timeline_entries": entries,
    }


def _levels(case: _Case, rng: random.Random, today: datetime.date) -> None:
    """The RAG history: Prison from the sentence date, Red Alert from the warrant, otherwise a level
    by the evidence, now and then changed at a monthly meeting."""
    start = case.started_on
    weights = [45, 35, 20] if case.arrests >= 4 else [25, 45, 30]
    level = rng.choices([RagLevel.RED, RagLevel.AMBER, RagLevel.GREEN], weights=weights)[0]
    first = rng.choice([RagLevel.RED, RagLevel.AMBER])
    if case.custody is not None:
        if case.custody.sentenced_on > start:
            case.levels = [(start, first, "Initial classification at adoption")]
            case.levels.append((case.custody.sentenced_on, RagLevel.PRISON, f"Sentenced to {case.custody.months} months' custody"))
        else:
            case.levels = [(start, RagLevel.PRISON, "Adopted in custody: pre-release planning")]
        return
    if case.wanted_on is not None:
        if case.wanted_on > start:
            case.levels = [(start, first, "Initial classification at adoption")]
            case.levels.append((case.wanted_on, RagLevel.RED_ALERT, "Warrant issued: wanted for arrest"))
        else:
            case.levels = [(start, RagLevel.RED_ALERT, "Wanted on a warrant at adoption")]
        return
    released = case.released
    if released is not None and released.release is not None:
        case.levels = [
            (start, first, "Initial classification at adoption"),
            (released.sentenced_on, RagLevel.PRISON, f"Sentenced to {released.months} months' custody"),
            (released.release, level, "Released on licence: back on the live list"),
        ]
        return
    age = (today - start).days
    if age < 56 and rng.random() < 0.1:
        case.transferred_in_on = start
        case.levels = [(start, level, f"Transferred in from {rng.choice(OTHER_AREAS)}: managed as Red for the first 8 weeks")]
        return
    if age > 90 and rng.random() < 0.45:
        was = rng.choice([lv for lv in (RagLevel.RED, RagLevel.AMBER, RagLevel.GREEN) if lv != level])
        moved = start + datetime.timedelta(days=rng.randint(30, age - 14))
        why = "Re-offending and missed appointments" if was != RagLevel.RED and level == RagLevel.RED else "Engaging well with the plan"
        case.levels = [(start, was, "Initial classification at adoption"), (moved, level, why)]
        return
    case.levels = [(start, level, "Initial classification at adoption")]


def _visit_interval(level: str, today: datetime.date) -> int | None:
    """Days from one home visit to the next under the RAG regime (``iomhub.rules.regime``), or None
    where the level has no home-visit regime (Red Alert, Prison)."""
    due = regime.next_home_visit_due(rag=level, rag_since=today, last_home_visit=None)
    return None if due is None else (due - today).days


def _make_worth_showing(cases: list[_Case], staff: _Staff, rng: random.Random, today: datetime.date) -> None:
    """Which home visits are overdue (about a third of Red and Amber, some Green), making sure every
    demo lead worker has a Red or Amber case with a visit overdue to act on."""
    for case in cases:
        level = case.effective(today)
        days = _visit_interval(level, today)
        if days is None or (today - case.started_on).days <= days + 1:
            continue
        case.overdue = rng.random() < (0.15 if level == RagLevel.GREEN else 0.33)
    for kind in DEMO_LEADS:
        mine = [c for c in cases if c.lead == staff.demo(kind) and c.custody is None and c.wanted_on is None]
        old = [c for c in mine if (today - c.started_on).days > 20]
        if not old:
            continue
        live = [c for c in old if c.effective(today) in (RagLevel.RED, RagLevel.AMBER)]
        if not live:
            case = old[0]
            start, _, why = case.levels[-1]
            level = RagLevel.RED if len(case.levels) > 1 and case.levels[-2][1] == RagLevel.AMBER else RagLevel.AMBER
            case.levels[-1] = (start, level, why)
            live = [case]
        if not any(c.overdue for c in live):
            live[0].overdue = True


def _referral_answers(person: Person, *, address: Any, number: str, sentence: _Sentence | None, rng: random.Random) -> dict[str, Any]:
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


def _referrals(
    cases: list[_Case],
    candidates: list[int],
    people: dict[int, Person],
    staff: _Staff,
    orgs: dict[str, Organisation],
    sentences: dict[int, list[_Sentence]],
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
    referrers = [staff.demo("police"), staff.demo("probation"), staff.demo("substance"), staff.housing]
    by_org = {o.pk: o for o in orgs.values()}
    made: list[Referral] = []
    decisions: list[tuple[int, str, datetime.date, str]] = []  # (index into made, outcome, meeting, reasons)

    def refer(pid: int, status: str, on: datetime.date) -> Referral:
        by = rng.choice(referrers)
        person = people[pid]
        last = max(sentences.get(pid, []), key=lambda s: s.sentenced_on, default=None)
        answers = _referral_answers(person, address=addresses.get(pid), number=numbers.get(pid, ""), sentence=last, rng=rng)
        if status == Referral.Status.DRAFT:
            answers.update(threat_harm_risk="", screening={}, ogrs_score=None, ogrs_source="")
        referral = Referral(
            status=status,
            person=person,
            referring_organisation=by_org[by.organisation_id or 0],
            referred_by=by,
            contact=f"{name_of(by)}, {by.email}",
            referral_date=on,
            created_at=_at(on, 9),
            updated_at=_at(on, 11),
            submitted_at=_at(on, 11) if status != Referral.Status.DRAFT else None,
            **answers,
        )
        made.append(referral)
        return referral

    adopted: dict[int, Referral] = {}
    for case in recent:
        adopted[case.person.pk] = refer(case.person.pk, Referral.Status.ADOPTED, case.started_on - _days(rng, 7, 30))
        decisions.append((len(made) - 1, Decision.Outcome.ADOPT, case.started_on, "Meets the entry criteria; adopted by the meeting"))
    for pid in waiting:
        refer(pid, Referral.Status.SUBMITTED, today - _days(rng, 1, 20))
    for pid in drafts:
        refer(pid, Referral.Status.DRAFT, today - _days(rng, 0, 10))
    for pid, (status, outcome, why) in zip(
        decided,
        [
            (Referral.Status.REJECTED, Decision.Outcome.REJECT, "Risk is managed through MARAC; IOM would add nothing"),
            (Referral.Status.DEFERRED, Decision.Outcome.DEFER, "Deferred to next month for the drug service's assessment"),
        ],
        strict=False,
    ):
        refer(pid, status, today - _days(rng, 35, 50))
        decisions.append((len(made) - 1, outcome, today - _days(rng, 10, 30), why))
    Referral.objects.bulk_create(made)
    Decision.objects.bulk_create(
        [
            Decision(
                referral=made[i],
                outcome=outcome,
                reasons=why,
                meeting_date=meeting,
                chair=staff.chair,
                chair_name=name_of(staff.chair),
                decided_at=_at(meeting, 15),
            )
            for i, outcome, meeting, why in decisions
        ]
    )
    return adopted


def _registrations(
    cases: list[_Case],
    past: list[tuple[Person, datetime.date, datetime.date, str, list[str], bool]],
    referrals: dict[int, Referral],
    staff: _Staff,
    rng: random.Random,
    today: datetime.date,
    batch_size: int,
) -> int:
    chair, coordinator = staff.chair, staff.coordinator
    meeting = "Referral and operational meeting, {:%B %Y}".format
    open_rows = []
    for case in cases:
        ppo = case.arrests >= 5 and rng.random() < 0.5
        da = rng.random() < 0.12
        open_rows.append(
            Registration(
                person=case.person,
                referral=referrals.get(case.person.pk),
                started_on=case.started_on,
                rag=case.rag,
                neighbourhood_crime=case.neighbourhood,
                domestic_abuse=da,
                ppo=ppo,
                strand="Fixed" if ppo or case.neighbourhood else rng.choice(["Flex", "Flex", "Free"]),
                transferred_in_on=case.transferred_in_on,
                other_forum="MARAC" if da and rng.random() < 0.5 else "",
                created_at=_at(case.started_on, 16),
            )
        )
    ended_rows = [
        Registration(
            person=person,
            started_on=start,
            ended_on=end,
            end_reason=f"Deregistered: {reasons}",
            rag=RagLevel.PRISON if required else RagLevel.GREEN,
            neighbourhood_crime=rng.random() < 0.6,
            strand="Flex",
            created_at=_at(start, 16),
        )
        for person, start, end, reasons, _, required in past
    ]
    made = Registration.objects.bulk_create(open_rows + ended_rows, batch_size=batch_size)
    for case, registration in zip(cases, made, strict=False):
        case.registration = registration
    changes, ticks, reviews, deregistrations = [], [], [], []
    for case in cases:
        reg = case.registration
        assert reg is not None
        for on, level, why in case.levels:
            decider = chair if on == case.started_on or level == RagLevel.RED_ALERT else coordinator
            changes.append(
                RagChange(
                    registration=reg,
                    level=level,
                    changed_on=on,
                    reason=why,
                    decided_by=decider,
                    decided_by_name=name_of(decider),
                    meeting=meeting(on) if level not in (RagLevel.PRISON, RagLevel.RED_ALERT) else "",
                    recorded_at=_at(on, 17),
                )
            )
        age = (today - case.started_on).days
        outstanding = set()
        if age < 60:
            outstanding = set(rng.sample(ChecklistItem.values, rng.randint(1, 4)))
        elif rng.random() < 0.15:
            outstanding = {rng.choice([ChecklistItem.PNC_MARKER, ChecklistItem.SOCIAL_SERVICES])}
        for item in ChecklistItem.values:
            if item in outstanding:
                ticks.append(ChecklistEntry(registration=reg, item=item))
                continue
            done = min(today, case.started_on + _days(rng, 0, 14))
            na = item == ChecklistItem.SOCIAL_SERVICES and rng.random() < 0.5
            ticks.append(
                ChecklistEntry(
                    registration=reg,
                    item=item,
                    done_on=None if na else done,
                    done_by="" if na else name_of(coordinator),
                    not_applicable=na,
                    recorded_by=coordinator,
                    recorded_at=_at(done, 12),
                )
            )
        review_days: set[datetime.date] = set()
        due = add_months(case.started_on, 6)
        while due <= today:
            if due < today - datetime.timedelta(days=60) or rng.random() < 0.8:
                review_days.add(due)
            due = add_months(due, 3)
        if case.effective(today) in (RagLevel.RED, RagLevel.RED_ALERT) and rng.random() < 0.7:
            review_days.add(max(case.levels[-1][0], today - _days(rng, 0, 6)))
        for on in sorted(review_days):
            reviews.append(
                Review(
                    registration=reg,
                    reviewed_on=on,
                    meeting=meeting(on),
                    outcome=Review.Outcome.RETAIN,
                    notes=rng.choice(
                        [
                            "Still offending; retain at the current level",
                            "Engaging with treatment but risk remains; retain",
                            "Progress on housing; retain and review in three months",
                        ]
                    ),
                    reviewed_by=chair,
                    reviewed_by_name=name_of(chair),
                    recorded_at=_at(on, 17),
                )
            )
    ended = made[len(cases) :]
    for reg, (_, start, end, reasons, rules, required) in zip(ended, past, strict=True):
        first = RagLevel.RED if required else rng.choice([RagLevel.AMBER, RagLevel.RED])
        changes.append(
            RagChange(
                registration=reg,
                level=first,
                changed_on=start,
                reason="Initial classification",
                decided_by=chair,
                decided_by_name=name_of(chair),
            )
        )
        moved = start + datetime.timedelta(days=max(0, (end - start).days // 2))
        changes.append(
            RagChange(
                registration=reg,
                level=reg.rag,
                changed_on=moved,
                reason="Sentenced to custody" if required else "Engaging well",
                decided_by=coordinator,
                decided_by_name=name_of(coordinator),
                meeting=meeting(moved),
            )
        )
        for item in ChecklistItem.values:
            ticks.append(
                ChecklistEntry(
                    registration=reg,
                    item=item,
                    done_on=start,
                    done_by=name_of(coordinator),
                    recorded_by=coordinator,
                    recorded_at=_at(start, 12),
                )
            )
        plan, supported_by = EXIT_PLANS[rng.randrange(len(EXIT_PLANS))]
        deregistrations.append(
            Deregistration(
                registration=reg,
                approved_on=end,
                meeting=meeting(end),
                reasons=reasons,
                exit_plan="Custody: the offender manager brings the case back 12 months before release" if required else plan,
                supported_by="Probation Service Wessex" if required else supported_by,
                required_by=rules if required else [],
                suggested_by=[] if required else rules,
                approved_by=chair,
                approved_by_name=name_of(chair),
                recorded_at=_at(end, 17),
            )
        )
    RagChange.objects.bulk_create(changes, batch_size=batch_size)
    ChecklistEntry.objects.bulk_create(ticks, batch_size=batch_size)
    Review.objects.bulk_create(reviews, batch_size=batch_size)
    made_deregistrations = Deregistration.objects.bulk_create(deregistrations, batch_size=batch_size)
    removals = []
    for record in made_deregistrations:
        recent = (today - record.approved_on).days < 30
        for item in RemovalItem.values:
            if recent and item == RemovalItem.PNC_MARKER:
                removals.append(RemovalEntry(deregistration=record, item=item))
                continue
            done = min(today, record.approved_on + _days(rng, 0, 10))
            removals.append(
                RemovalEntry(
                    deregistration=record,
                    item=item,
                    done_on=done,
                    done_by=name_of(coordinator),
                    recorded_by=coordinator,
                    recorded_at=_at(done, 12),
                )
            )
    RemovalEntry.objects.bulk_create(removals, batch_size=batch_size)
    return len(ended)


def _cases(
    cases: list[_Case],
    agencies: dict[int, set[str]],
    staff: _Staff,
    orgs: dict[str, Organisation],
    rng: random.Random,
    fake: Faker,
    today: datetime.date,
    batch_size: int,
) -> tuple[int, int]:
    """Case records (lead, coordinator, safeguarding), the agencies involved and their contacts."""
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
                updated_at=_at(case.started_on, 16),
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
                    new_value=f"{name_of(user)} ({user.get_username()})",
                    reason="Allocated at adoption",
                    changed_by=staff.coordinator,
                    changed_at=_at(case.started_on, 16),
                )
            )
    CaseChange.objects.bulk_create(history, batch_size=batch_size)

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
            name = name_of(worker) if worker is not None else fake.name()
            contacts.append(
                AgencyContact(
                    involvement_id=inv_pk,
                    name=name,
                    job_title=CONTACT_TITLES.get(org.name, "Caseworker"),
                    phone=f"01632 96{rng.randrange(10000):04d}",
                    email=worker.email if worker is not None else name.lower().replace(" ", ".").replace("'", "") + "@example.org",
                )
            )
    AgencyContact.objects.bulk_create(contacts, batch_size=batch_size)
    return len(added), len(contacts)


def _rating(rng: random.Random, pathway: str, case: _Case) -> str:
    if pathway == Pathway.DRUGS_ALCOHOL and case.drugs:
        return rng.choice([PathwayRag.RED, PathwayRag.RED, PathwayRag.AMBER])
    if pathway == Pathway.DOMESTIC_ABUSE:
        return rng.choices(PathwayRag.values, weights=[1, 2, 7])[0]
    return rng.choices(PathwayRag.values, weights=[3, 4, 3])[0]


def _plans(
    cases: list[_Case], staff: _Staff, orgs: dict[str, Organisation], rng: random.Random, fake: Faker, today: datetime.date, batch_size: int
) -> tuple[int, int, dict[int, set[str]]]:
    """Pathway assessments (at registration, now and then in between, and recently) and the plan's
    actions linked to the latest needs: done, open, overdue, carried over, now and then cancelled."""
    better = {PathwayRag.RED: PathwayRag.AMBER, PathwayRag.AMBER: PathwayRag.GREEN, PathwayRag.GREEN: PathwayRag.GREEN}
    worse = {PathwayRag.GREEN: PathwayRag.AMBER, PathwayRag.AMBER: PathwayRag.RED, PathwayRag.RED: PathwayRag.RED}
    assessments: list[PathwayAssessment] = []
    ratings: list[dict[str, str]] = []
    owners: list[_Case] = []
    for case in cases:
        assert case.lead is not None
        first_on = min(today, case.started_on + _days(rng, 0, 10))
        dates = [first_on]
        age = (today - first_on).days
        if age > 240:
            dates.append(first_on + datetime.timedelta(days=age // 2))
        if age > 45:
            dates.append(today - _days(rng, 2, min(40, age - 30)))
        rating = {p: _rating(rng, p, case) for p in Pathway.values}
        for on in dates:
            if on != first_on:
                rating = {
                    p: better[r] if (x := rng.random()) < 0.4 else worse[r] if x > 0.9 else r  # type: ignore[index]
                    for p, r in rating.items()
                }
            assessments.append(
                PathwayAssessment(person=case.person, assessed_on=on, assessed_by=case.lead, assessed_by_name=name_of(case.lead))
            )
            ratings.append(dict(rating))
            owners.append(case)
    made = PathwayAssessment.objects.bulk_create(assessments, batch_size=batch_size)
    needs = []
    for assessment, rating in zip(made, ratings, strict=True):
        for pathway, rag in rating.items():
            need_text, action_text = rng.choice(NEEDS[pathway]) if rag != PathwayRag.GREEN else ("", "")
            needs.append(PathwayNeed(assessment=assessment, pathway=pathway, rag=rag, needs=need_text, actions=action_text))
    made_needs = PathwayNeed.objects.bulk_create(needs, batch_size=batch_size)
    latest: dict[int, tuple[PathwayAssessment, list[PathwayNeed]]] = {}
    first: dict[int, tuple[PathwayAssessment, list[PathwayNeed]]] = {}
    for i, assessment in enumerate(made):
        latest[owners[i].person.pk] = (assessment, made_needs[i * len(Pathway) : (i + 1) * len(Pathway)])
        first.setdefault(owners[i].person.pk, latest[owners[i].person.pk])

    actions: list[PlanAction] = []
    history: list[list[tuple[str, datetime.date, datetime.date, str]]] = []  # (status, changed on, due, note) per action

    def add(
        case: _Case,
        need: PathwayNeed | None,
        pathway: str,
        owner: User | None,
        agency: Organisation,
        created: datetime.date,
        due: datetime.date,
        status: str,
        *,
        sentence_plan: bool = False,
    ) -> None:
        steps = [(ActionStatus.OPEN.value, created, due, "Added to the plan")]
        final_due = due
        if status == ActionStatus.DONE:
            steps.append((status, min(today, due - _days(rng, 0, 5) if due - created > datetime.timedelta(days=6) else due), due, "Done"))
        elif status == ActionStatus.CANCELLED:
            steps.append((status, min(today, due), due, "No longer needed: the person moved to supported housing"))
        elif status == ActionStatus.CARRIED_OVER:
            final_due = due + _days(rng, 14, 42)
            steps.append((status, min(today, due), final_due, "Waiting list: carried over to the next review"))
        assert case.lead is not None
        actions.append(
            PlanAction(
                person=case.person,
                description=rng.choice(ACTIONS[pathway]),
                pathway=pathway,
                need=need,
                sentence_plan=sentence_plan,
                agency=agency,
                owner=owner,
                owner_name=name_of(owner) if owner is not None else fake.name(),
                due_on=final_due,
                status=status,
                version=len(steps),
                created_by=case.lead,
                created_at=_at(created, 14),
            )
        )
        history.append(steps)

    def owner_for(case: _Case, pathway: str) -> tuple[User | None, Organisation]:
        assert case.lead is not None
        name = PATHWAY_AGENCY.get(pathway)
        if name == "Wessex Drug and Alcohol Service":
            return (case.lead if case.lead_kind == "substance" else staff.demo("substance")), orgs[name]
        if name == "Wessex City Council Housing":
            return (staff.housing if rng.random() < 0.6 else None), orgs[name]
        if name == "DWP Wessex Jobcentres":
            return (staff.dwp if rng.random() < 0.6 else None), orgs[name]
        if name is not None:
            return None, orgs[name]
        return case.lead, orgs[LEAD_ORGS[case.lead_kind]]

    for case in cases:
        plans = [latest[case.person.pk]]
        if first[case.person.pk][0] is not plans[0][0]:
            plans.insert(0, first[case.person.pk])
        for n, (assessment, case_needs) in enumerate(plans):
            wanted = [need for need in case_needs if need.rag != PathwayRag.GREEN]
            rng.shuffle(wanted)
            earlier = n < len(plans) - 1  # the first plan's actions: mostly done by now
            for need in wanted[: rng.randint(1, 3) if earlier else rng.randint(2, 4)]:
                owner, agency = owner_for(case, need.pathway)
                created = assessment.assessed_on
                due = created + _days(rng, 10, 75)
                if due < today:
                    weights = [70, 15, 10, 5] if earlier else [45, 35, 15, 5]
                    choices = [ActionStatus.DONE, ActionStatus.OPEN, ActionStatus.CARRIED_OVER, ActionStatus.CANCELLED]
                    status = rng.choices(choices, weights=weights)[0]
                else:
                    status = ActionStatus.OPEN
                add(case, need, need.pathway, owner, agency, created, due, status)
        if case.supervised and case.lead_kind == "probation":
            created = max(case.started_on, today - _days(rng, 20, 60))
            add(
                case,
                None,
                Pathway.ATTITUDES,
                case.lead,
                orgs["Probation Service Wessex"],
                created,
                created + _days(rng, 14, 60),
                ActionStatus.OPEN,
                sentence_plan=True,
            )

    # Every demo worker who owns actions has one overdue to act on.
    for user in [*(staff.demo(k) for k in DEMO_LEADS), staff.housing, staff.dwp]:
        mine = [a for a in actions if a.owner_id == user.pk]
        if not mine or any(a.status == ActionStatus.OPEN and a.due_on < today for a in mine):
            continue
        i = actions.index(min(mine, key=lambda a: a.created_at))
        start = min(history[i][0][1], today - datetime.timedelta(days=30))
        due = today - _days(rng, 2, 20)
        actions[i].created_at = _at(start, 14)
        actions[i].status, actions[i].due_on, actions[i].version = ActionStatus.OPEN, due, 1
        history[i] = [(ActionStatus.OPEN.value, start, due, "Added to the plan")]
    made_actions = PlanAction.objects.bulk_create(actions, batch_size=batch_size)
    agencies: dict[int, set[str]] = defaultdict(set)
    names = {o.pk: o.name for o in orgs.values()}
    for action in made_actions:
        agencies[action.person_id].add(names[action.agency_id])
    changes = [
        PlanActionChange(action=action, status=status, due_on=due, note=note, changed_by=action.created_by, changed_at=_at(on, 15))
        for action, steps in zip(made_actions, history, strict=True)
        for status, on, due, note in steps
    ]
    PlanActionChange.objects.bulk_create(changes, batch_size=batch_size)
    return len(made), len(made_actions), agencies


def _timelines(
    cases: list[_Case], staff: _Staff, orgs: dict[str, Organisation], rng: random.Random, today: datetime.date, batch_size: int
) -> int:
    """Home visits by the regime (some overdue), office appointments, appointments booked ahead,
    drug tests, prison visits, intelligence notes (police only) and the odd phone call."""
    police, treatment = orgs["Wessex Police"], orgs["Wessex Drug and Alcohol Service"]
    entries: list[TimelineEntry] = []

    def entry(
        case: _Case, kind: str, on: datetime.date, by: User, outcome: str = EntryOutcome.DONE, summary: str = "", **extra: Any
    ) -> None:
        entries.append(
            TimelineEntry(
                person=case.person,
                kind=kind,
                outcome=outcome,
                occurred_on=on,
                summary=summary,
                organisation=by.organisation,
                recorded_by=by,
                recorded_by_name=name_of(by),
                recorded_at=_at(min(on, today), 17),
                **extra,
            )
        )

    for case in cases:
        assert case.lead is not None and case.police is not None
        start = max(case.started_on, today - datetime.timedelta(days=TIMELINE_DAYS))
        level = case.effective(today)
        interval = _visit_interval(level, today)
        if interval is not None:
            age = (today - case.started_on).days
            if case.overdue:
                last: datetime.date | None = today - datetime.timedelta(days=min(age, interval + rng.randint(2, 12)))
            elif age < interval and rng.random() < 0.4:
                last = None  # not visited yet, and not due yet
            else:
                last = today - datetime.timedelta(days=rng.randint(0, min(age, interval - 3)))
            day = last
            while day is not None and day >= start:
                kind = EntryKind.JOINT_VISIT if rng.random() < 0.15 else EntryKind.HOME_VISIT
                entry(
                    case,
                    kind,
                    day,
                    case.police,
                    EntryOutcome.ATTENDED,
                    rng.choice(["Seen at home; no concerns", "Seen with partner; address checked", ""]),
                )
                if rng.random() < 0.15 and day - datetime.timedelta(days=2) >= start:
                    entry(
                        case,
                        EntryKind.HOME_VISIT,
                        day - datetime.timedelta(days=2),
                        case.police,
                        EntryOutcome.NO_REPLY,
                        "No reply; card left",
                    )
                day -= datetime.timedelta(days=interval - rng.randint(0, 2) if interval < 30 else rng.randint(26, 30))
            if case.overdue and last is not None and rng.random() < 0.6 and last + datetime.timedelta(days=1) < today:
                on = last + datetime.timedelta(days=rng.randint(1, (today - last).days - 1))
                entry(
                    case,
                    EntryKind.HOME_VISIT,
                    on,
                    case.police,
                    rng.choice([EntryOutcome.NO_REPLY, EntryOutcome.REFUSED]),
                    "Not seen at the address",
                )
            if rng.random() < 0.65:
                entry(
                    case,
                    EntryKind.HOME_VISIT,
                    today + datetime.timedelta(days=rng.randint(1, min(interval, 10))),
                    case.police,
                    EntryOutcome.BOOKED,
                )
        if case.custody is not None:
            day = max(start, case.custody.sentenced_on) + _days(rng, 7, 20)
            while day <= today:
                entry(case, EntryKind.PRISON_VISIT, day, case.lead, EntryOutcome.ATTENDED, "Sentence plan reviewed at HMP Wessex")
                day += _days(rng, 25, 40)
            entry(case, EntryKind.PRISON_VISIT, today + _days(rng, 3, 20), case.lead, EntryOutcome.BOOKED)
            release = case.custody.release
            if release is not None and regime.pre_release_planning_from(release_date=release) <= today:
                entry(
                    case,
                    EntryKind.ASSESSMENT,
                    today - _days(rng, 0, 10),
                    case.lead,
                    summary="Pre-release planning: accommodation and treatment on release",
                )
            continue
        if case.wanted_on is not None:
            for _ in range(rng.randint(1, 3)):
                entry(
                    case,
                    EntryKind.OUTREACH,
                    max(case.wanted_on, today - _days(rng, 0, 20)),
                    case.police,
                    EntryOutcome.NO_REPLY,
                    "Not at the address; wanted",
                )
        if case.supervised or case.lead_kind == "probation":
            day = start + _days(rng, 0, 6)
            while day <= today:
                outcome = rng.choices([EntryOutcome.ATTENDED, EntryOutcome.FAILED, EntryOutcome.REARRANGED], weights=[80, 12, 8])[0]
                summary = {
                    EntryOutcome.FAILED: "Did not attend; warning letter sent",
                    EntryOutcome.REARRANGED: "Rearranged: hospital appointment",
                }.get(outcome, "Supervision session")
                entry(case, EntryKind.OFFICE, day, case.lead, outcome, summary)
                day += _days(rng, 7, 14)
            entry(case, EntryKind.OFFICE, today + _days(rng, 1, 10), case.lead, EntryOutcome.BOOKED)
        if case.drugs:
            tester = case.lead if case.lead_kind == "substance" else staff.demo("substance")
            day = start + _days(rng, 0, 14)
            while day <= today:
                tested = sorted(
                    rng.sample(
                        [Substance.OPIATES, Substance.COCAINE, Substance.CANNABIS, Substance.BENZODIAZEPINES, Substance.SPICE],
                        rng.randint(2, 3),
                    )
                )
                result = rng.choices([DrugResult.NEGATIVE, DrugResult.POSITIVE, DrugResult.REFUSED], weights=[55, 35, 10])[0]
                positive = sorted(rng.sample(tested, rng.randint(1, len(tested)))) if result == DrugResult.POSITIVE else []
                entries.append(
                    TimelineEntry(
                        person=case.person,
                        kind=EntryKind.DRUG_TEST,
                        outcome=EntryOutcome.DONE,
                        occurred_on=day,
                        organisation=treatment,
                        substances_tested=[str(s) for s in tested],
                        drug_result=result,
                        positive_for=[str(s) for s in positive],
                        recorded_by=tester,
                        recorded_by_name=name_of(tester),
                        recorded_at=_at(day, 15),
                    )
                )
                day += _days(rng, 14, 28)
        if rng.random() < 0.65 or case.wanted_on is not None:
            for _ in range(rng.randint(1, 4)):
                on = start + datetime.timedelta(days=rng.randint(0, max(0, (today - start).days)))
                entries.append(
                    TimelineEntry(
                        person=case.person,
                        kind=EntryKind.INTELLIGENCE,
                        occurred_on=on,
                        summary=rng.choice(INTELLIGENCE),
                        organisation=police,
                        recorded_by=case.police,
                        recorded_by_name=name_of(case.police),
                        recorded_at=_at(on, 18),
                    )
                )
        for _ in range(rng.randint(0, 2)):
            on = start + datetime.timedelta(days=rng.randint(0, max(0, (today - start).days)))
            entry(case, rng.choice([EntryKind.PHONE, EntryKind.TEXT]), on, case.lead, summary="Reminder of the next appointment")
    TimelineEntry.objects.bulk_create(entries, batch_size=batch_size)
    from iomhub.interventions.services import drug_tests_from_entries

    drug_tests_from_entries(entries)  # each drug test has its record (ADR 0024)
    return len(entries)


__all__ = ["build_cohort", "cohort_size"]
