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
seconds however many people. No audit events here: ``load_demo`` records the one demo event."""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from typing import Any

from django.db.models import Count, Max
from faker import Faker

from iomhub import clock
from iomhub.access.models import Organisation, Team
from iomhub.cohort.models import Registration
from iomhub.cohort.screening import rank_key, screen_people
from iomhub.demo.case_facts import DemoCase, DemoSentence, levels, make_worth_showing, some_days
from iomhub.demo.case_records import build_case_records
from iomhub.demo.plans import build_plans
from iomhub.demo.referrals import build_referrals
from iomhub.demo.registrations import build_registrations
from iomhub.demo.staff import Staff
from iomhub.demo.texts import DEREGISTRATION_REASONS
from iomhub.demo.timelines import build_timelines
from iomhub.justice.models import Arrest, Sentence, Warrant
from iomhub.justice.selectors import mappa_levels
from iomhub.people.models import Person
from iomhub.rules.casework import SentenceDates, on_licence_or_supervision
from iomhub.rules.dates import add_months
from iomhub.rules.sentence import PROGRESSION_MODEL_COMMENCEMENT as PROGRESSION_MODEL_FROM

COHORT_SHARE = 0.05  # of the people loaded
COHORT_CAP = 600  # "a few hundred"


def cohort_size(people: int) -> int:
    return min(COHORT_CAP, max(1, round(people * COHORT_SHARE))) if people > 0 else 0


class _Sentences:
    """The people's sentences passed by ``today``, and who is serving one or on licence or supervision."""

    def __init__(self, today: datetime.date) -> None:
        self.today = today
        self.of: dict[int, list[DemoSentence]] = defaultdict(list)
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
            self.of[pid].append(DemoSentence(on, months, orel or rel, oexp or exp, otused or tused))
        self.serving_now = {pid: cur for pid in self.of if (cur := self.serving(pid)) is not None}

    def serving(self, pid: int) -> DemoSentence | None:
        found = [s for s in self.of.get(pid, []) if s.release is not None and s.sentenced_on <= self.today < s.release]
        return max(found, key=lambda s: s.sentenced_on) if found else None

    def supervised(self, pid: int) -> bool:
        dates = [SentenceDates(release=s.release, expiry=s.expiry, supervision_end=s.tused) for s in self.of.get(pid, [])]
        return on_licence_or_supervision(dates, self.today)


def _arrests_in_year(available: Any, today: datetime.date) -> list[tuple[int, int, datetime.date]]:
    """(person, arrests, last arrest) in the last 12 months, most arrests (then most recent) first."""
    year_ago = add_months(today, -12)
    arrests = list(
        Arrest.objects.filter(arrested_on__gt=year_ago, arrested_on__lte=today, person__in=available)
        .values("person_id")
        .annotate(n=Count("pk"), last=Max("arrested_on"))
        .values_list("person_id", "n", "last")
    )
    arrests.sort(key=lambda r: (-r[1], -r[2].toordinal(), r[0]))
    return arrests


def _chosen(screenings: list[Any], size: int, rng: random.Random) -> list[int]:
    """Those meeting the criteria, many skipped so the candidate list still has entries."""
    chosen: list[int] = []
    skip_rate = 0.4
    for s in screenings:
        if len(chosen) >= size:
            break
        # MAPPA level 2 (dual management, 002 §4) waits for the meeting: left on the candidate list.
        if rng.random() >= skip_rate and "mappa-2-dual" not in s.result.codes:
            chosen.append(s.person_id)
    return chosen


def _topped_up(
    chosen: list[int],
    available: Any,
    arrests: list[tuple[int, int, datetime.date]],
    records: _Sentences,
    teams: list[Team],
    size: int,
    rng: random.Random,
    today: datetime.date,
) -> list[int]:
    """The chosen, topped up to about 15% in custody (Prison) and 25% on licence or supervision, as
    IOM cohorts are (not people under MAPPA level 2 or 3)."""
    serving_now, supervised = records.serving_now, records.supervised
    custody_pool = sorted(available.filter(pk__in=[p for p, cur in serving_now.items() if cur.months < 60]).values_list("pk", flat=True))
    licensed = [p for p, _, _ in arrests if supervised(p) and p not in serving_now]
    order = {pid: i for i, pid in enumerate(licensed)}
    licensed_pool = sorted(available.filter(pk__in=licensed).values_list("pk", flat=True), key=order.__getitem__)
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
    return [pid for pid in chosen if pid not in set(top_up)][: max(0, size - len(top_up))] + top_up


def _cases(
    chosen: list[int],
    people: dict[int, Person],
    arrests_of: dict[int, int],
    criteria: dict[int, set[str]],
    records: _Sentences,
    staff: Staff,
    rng: random.Random,
    today: datetime.date,
) -> list[DemoCase]:
    """The cases: when they started, in custody, wanted, supervised, and so who leads them."""
    wanted = dict(
        Warrant.objects.filter(executed_on__isnull=True, issued_on__lte=today)
        .values("person_id")
        .annotate(on=Max("issued_on"))
        .values_list("person_id", "on")
    )
    cases: list[DemoCase] = []
    for i, pid in enumerate(chosen):
        age = rng.choice([rng.randint(5, 56), rng.randint(57, 180), rng.randint(57, 180), rng.randint(181, 720), rng.randint(181, 720)])
        case = DemoCase(person=people[pid], started_on=today - datetime.timedelta(days=age), arrests=arrests_of.get(pid, 0))
        case.neighbourhood = "neighbourhood-crime" in criteria.get(pid, set())
        case.custody = records.serving(pid)
        if case.custody is not None and case.custody.sentenced_on - case.started_on > datetime.timedelta(days=600):
            case.started_on = case.custody.sentenced_on - some_days(rng, 30, 300)
        case.released = next(
            (s for s in records.of.get(pid, []) if s.release is not None and case.started_on < s.sentenced_on and s.release <= today),
            None,
        )
        case.supervised = records.supervised(pid)
        issued = wanted.get(pid)
        case.wanted_on = issued if issued is not None and case.custody is None else None
        case.drugs = rng.random() < 0.55
        if case.supervised or case.custody is not None:
            case.lead_kind = "probation"
        else:
            case.lead_kind = rng.choices(["police", "substance", "probation"], weights=[60, 25 if case.drugs else 5, 15])[0]
        case.lead = staff.allocate(case.lead_kind)
        case.police = case.lead if case.lead_kind == "police" else staff.pools["police"][i % len(staff.pools["police"])]
        levels(case, rng, today)
        cases.append(case)
    _every_demo_lead_leads_some(cases, staff)
    return cases


def _every_demo_lead_leads_some(cases: list[DemoCase], staff: Staff) -> None:
    for kind in ("substance", "police", "probation"):
        demo = staff.demo(kind)
        free = [c for c in cases if not c.supervised and c.custody is None and c.lead != demo and staff.loads[c.lead.pk] > 1]  # type: ignore[union-attr]
        for case in free[: max(0, 2 - sum(1 for c in cases if c.lead == demo))]:
            staff.loads[case.lead.pk] -= 1  # type: ignore[union-attr]
            case.lead_kind, case.lead = kind, demo
            staff.loads[demo.pk] += 1
            if kind == "police":
                case.police = demo


PastRegistration = tuple[Person, datetime.date, datetime.date, str, list[str], bool]  # person, from, to, reasons, rules, required


def _past(
    cases: list[DemoCase],
    others: list[int],
    long_custody: list[int],
    people: dict[int, Person],
    records: _Sentences,
    size: int,
    rng: random.Random,
    today: datetime.date,
) -> list[PastRegistration]:
    """Past registrations: ended with a deregistration (some re-registered since, some required by custody)."""
    past: list[PastRegistration] = []
    again = [c for c in cases if c.custody is None and (today - c.started_on).days > 60][: max(1, round(0.06 * size))]
    for case in again:
        ended = case.started_on - some_days(rng, 45, 240)
        reasons, rules = rng.choice(DEREGISTRATION_REASONS)
        past.append((case.person, add_months(ended, -rng.randint(6, 15)), ended, reasons, rules, False))
    chosen_set = {c.person.pk for c in cases}
    leavers = rng.sample(others, min(len(others), round(0.15 * size)))
    leaving = sorted(set(leavers) | set(long_custody[: max(1, size // 40)]) - chosen_set)
    people.update({p.pk: p for p in Person.objects.filter(pk__in=set(leaving) - set(people))})
    for pid in leaving:
        person = people[pid]
        long = records.serving(pid)
        if long is not None and long.months >= 60:
            ended = min(today - datetime.timedelta(days=1), long.sentenced_on + some_days(rng, 7, 40))
            reasons = f"Sentenced to {long.months // 12} years' custody on {long.sentenced_on:%d %B %Y}: deregistration required"
            past.append(
                (person, min(ended, long.sentenced_on) - some_days(rng, 90, 400), ended, reasons, ["custodial-sentence-5-years"], True)
            )
            continue
        ended = today - some_days(rng, 20, 500)
        reasons, rules = rng.choice(DEREGISTRATION_REASONS)
        past.append((person, add_months(ended, -rng.randint(6, 18)), ended, reasons, rules, False))
    return past


def build_cohort(*, seed: int = 2026, today: datetime.date | None = None, batch_size: int = 5000) -> dict[str, int]:
    """Put a cohort of the people already loaded on IOM, with their cases (see the module)."""
    today = today or clock.today()
    rng = random.Random(seed + 7)
    fake = Faker("en_GB")
    fake.seed_instance(seed + 13)
    orgs = {o.name: o for o in Organisation.objects.all()}
    teams = list(Team.objects.order_by("pk"))
    available = Person.objects.filter(restriction="", merged_into__isnull=True).exclude(pk__in=Registration.objects.values("person_id"))
    size = cohort_size(available.count())
    if not size or "Wessex Police" not in orgs:
        return {"registrations": 0}

    # Who: the people meeting the criteria with the most arrests in the year, many left as candidates.
    arrests = _arrests_in_year(available, today)
    arrests_of = {pid: n for pid, n, _ in arrests}
    screened_ids = [pid for pid, _, _ in arrests[: max(6 * size, 300)]]
    people = {p.pk: p for p in Person.objects.filter(pk__in=screened_ids)}
    screenings = [s for s in screen_people([people[pid] for pid in screened_ids], today) if s.result.eligible]
    screenings.sort(key=lambda s: (*rank_key(s), s.person_id))
    records = _Sentences(today)
    long_custody = sorted(
        available.filter(pk__in=[p for p, cur in records.serving_now.items() if cur.months >= 60]).values_list("pk", flat=True)
    )
    chosen = _topped_up(_chosen(screenings, size, rng), available, arrests, records, teams, size, rng, today)
    criteria = {s.person_id: set(s.result.codes) for s in screenings}
    unregistered_eligible = [s.person_id for s in screenings if s.person_id not in set(chosen)]
    people.update({p.pk: p for p in Person.objects.filter(pk__in=set(chosen) - set(people))})

    staff = Staff(cohort=len(chosen), seed=seed, orgs=orgs, teams=teams)
    cases = _cases(chosen, people, arrests_of, criteria, records, staff, rng, today)
    make_worth_showing(cases, staff, rng, today)
    past = _past(cases, sorted(set(arrests_of) - set(chosen)), long_custody, people, records, size, rng, today)

    referrals = build_referrals(cases, unregistered_eligible, people, staff, orgs, records.of, rng, fake, today)
    registrations = build_registrations(cases, past, referrals, staff, rng, today, batch_size)
    assessments, actions, agencies = build_plans(cases, staff, orgs, rng, fake, today, batch_size)
    involvements, contacts = build_case_records(cases, agencies, staff, orgs, rng, fake, today, batch_size)
    entries = build_timelines(cases, staff, orgs, rng, today, batch_size)
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
