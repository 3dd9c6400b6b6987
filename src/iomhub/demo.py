"""The synthetic demo partnership: three local teams, a user for every role, N fake people.

Every person is invented (Faker en_GB name pools and random identifiers with valid check
characters) from a fixed seed, so two runs give the same partnership. Bulk writes keep
N = 100,000 to a couple of minutes; one audit event records that the demo was loaded.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from faker import Faker

from iomhub import clock
from iomhub.access import audit
from iomhub.access.models import (
    AuditAction,
    Organisation,
    OrganisationKind,
    Role,
    RoleAssignment,
    Section,
    SharingAgreement,
    Team,
    User,
)
from iomhub.casework.models import AgencyInvolvement
from iomhub.people.models import Address, Alias, ContactNumber, Ethnicity, Marker, Person, Restriction, Sex
from iomhub.rules import identifiers

DEMO_PASSWORD = "iomhub-demo-2026"  # noqa: S105 - demo mode only; the command refuses to run in production
TEAMS = [("North Wessex IOM", "Northbridge"), ("Central Wessex IOM", "Wessex City"), ("South Wessex IOM", "Southhaven")]
# The postcode districts each local team covers: together, the partnership's area (000 §5.7).
TEAM_POSTCODES = {
    "North Wessex IOM": "RG21, RG22, RG23, RG24, SP10, SP11",
    "Central Wessex IOM": "SO14, SO15, SO16, SO17, SO18, SO19",
    "South Wessex IOM": "BH1, BH2, BH8, BH9, PO1, PO2",
}
AREA_SHARE = 0.88  # of demo addresses in the area; the rest are elsewhere in the UK
ORGANISATIONS: list[tuple[str, str]] = [
    ("Wessex Police", OrganisationKind.POLICE),
    ("Probation Service Wessex", OrganisationKind.PROBATION),
    ("Wessex Drug and Alcohol Service", OrganisationKind.TREATMENT),
    ("Wessex City Council Housing", OrganisationKind.HOUSING),
    ("DWP Wessex Jobcentres", OrganisationKind.DWP),
    ("Wessex Community Health", OrganisationKind.HEALTH),
    ("Wessex Mental Health Trust", OrganisationKind.MENTAL_HEALTH),
    ("Wessex Youth Offending Team", OrganisationKind.YOT),
    ("HMP Wessex", OrganisationKind.PRISON),
    ("Second Chance Trust", OrganisationKind.VOLUNTARY),
]
# The agreements differ so a walk in the browser shows the difference (issue 9): housing has the
# contact details but not the timeline; DWP the timeline but not the contact details.
SHARING: dict[str, list[str]] = {
    OrganisationKind.HOUSING: [Section.IDENTITY, Section.CONTACT, Section.MARKERS, Section.PLAN],
    OrganisationKind.DWP: [Section.IDENTITY, Section.PLAN, Section.TIMELINE],
    OrganisationKind.MENTAL_HEALTH: [Section.IDENTITY, Section.CONTACT, Section.MARKERS, Section.HEALTH, Section.PLAN, Section.ASSESSMENTS],
    OrganisationKind.HEALTH: [Section.IDENTITY, Section.CONTACT, Section.HEALTH, Section.PLAN],
    OrganisationKind.YOT: [Section.IDENTITY, Section.CONTACT, Section.MARKERS, Section.JUSTICE, Section.PLAN],
    OrganisationKind.VOLUNTARY: [Section.IDENTITY, Section.CONTACT, Section.PLAN],
    OrganisationKind.PRISON: [Section.IDENTITY, Section.JUSTICE, Section.PLAN],
}
PURPOSE: dict[str, str] = {
    OrganisationKind.HOUSING: "Housing options, tenancy support and safe addresses for people on IOM",
    OrganisationKind.DWP: "Benefits, work coaching and appointments kept, to support employment",
    OrganisationKind.MENTAL_HEALTH: "Assessment and treatment of mental health needs",
    OrganisationKind.HEALTH: "Primary care and health needs of people on IOM",
    OrganisationKind.YOT: "Transition of young adults from youth justice to the adult scheme",
    OrganisationKind.VOLUNTARY: "Mentoring and through-the-gate support",
    OrganisationKind.PRISON: "Release planning from 12 weeks before release",
}
# Days before the demo's load day each agreement was signed, and after it that it is to be reviewed:
# the IG lead's list shows one due for review and one expired (which then shares nothing).
REVIEW: dict[str, tuple[int, int]] = {OrganisationKind.VOLUNTARY: (340, 20), OrganisationKind.YOT: (400, -35)}


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    organisation: str
    team: int | None


DEMO_USERS = [
    DemoUser("police.officer", Role.POLICE_IOM_OFFICER, "Wessex Police", 0),
    DemoUser("probation.officer", Role.PROBATION_OFFICER, "Probation Service Wessex", 0),
    DemoUser("substance.worker", Role.SUBSTANCE_MISUSE, "Wessex Drug and Alcohol Service", 1),
    DemoUser("housing.worker", Role.PARTNER_WORKER, "Wessex City Council Housing", 1),
    DemoUser("dwp.worker", Role.PARTNER_WORKER, "DWP Wessex Jobcentres", 2),
    DemoUser("coordinator", Role.COORDINATOR, "Wessex Police", 0),
    DemoUser("chair", Role.CHAIR, "Wessex Police", 0),
    DemoUser("performance.lead", Role.PERFORMANCE_LEAD, "Probation Service Wessex", None),
    DemoUser("ig.lead", Role.IG_LEAD, "Probation Service Wessex", None),
    DemoUser("sys.admin", Role.SYSTEM_ADMIN, "Wessex Police", None),
    DemoUser("evaluator", Role.EVALUATOR, "Second Chance Trust", None),
]

NI_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
NI_SECOND = "ABCEGHJKLMNPRSTWXYZ"


def _ni(rng: random.Random) -> str:
    while True:
        prefix = rng.choice(NI_FIRST) + rng.choice(NI_SECOND)
        if prefix not in {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}:
            return f"{prefix}{rng.randrange(10**6):06d}{rng.choice('ABCD')}"


def _nhs(rng: random.Random) -> str:
    while True:
        nine = f"{rng.randrange(4 * 10**8, 10**9):09d}"
        check = identifiers.nhs_check_digit(nine)
        if check is not None:
            return nine + str(check)


def _pnc(year: int, serial: int) -> str:
    return f"{year}/{serial:07d}{identifiers.pnc_check_character(str(year), str(serial))}"


def build_partnership() -> tuple[list[Team], dict[str, Organisation], list[User]]:
    teams = [Team.objects.get_or_create(name=name, defaults={"area": area})[0] for name, area in TEAMS]
    for team in teams:
        if not team.postcodes:
            team.postcodes = TEAM_POSTCODES[team.name]
            team.save(update_fields=["postcodes"])
    orgs = {name: Organisation.objects.get_or_create(name=name, defaults={"kind": kind})[0] for name, kind in ORGANISATIONS}
    for org in orgs.values():
        if org.kind in SHARING:
            signed, review = REVIEW.get(org.kind, (200, 165))
            SharingAgreement.objects.get_or_create(
                organisation=org,
                defaults={
                    "sections": SHARING[org.kind],
                    "purpose": PURPOSE[org.kind],
                    "signed_on": clock.today() - datetime.timedelta(days=signed),
                    "review_by": clock.today() + datetime.timedelta(days=review),
                },
            )
    fake = Faker("en_GB")
    fake.seed_instance(2026)
    users = []
    for demo in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=demo.username,
            defaults={
                "first_name": fake.first_name(),
                "last_name": fake.last_name(),
                "email": f"{demo.username}@example.org",
                "organisation": orgs[demo.organisation],
                "team": teams[demo.team] if demo.team is not None else None,
                "demo_account": True,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        elif not user.demo_account:
            user.demo_account = True  # made before the flag existed
            user.save(update_fields=["demo_account"])
        RoleAssignment.objects.get_or_create(user=user, role=demo.role)
        users.append(user)
    return teams, orgs, users


def _batches(total: int, size: int) -> Iterator[range]:
    for start in range(0, total, size):
        yield range(start, min(total, start + size))


def _mostly_in_area(postcodes: list[str], rng: random.Random) -> list[str]:
    """The same number of postcodes (so the people's own random stream is unchanged), most moved into
    a district the local teams cover by swapping the outward code; the rest stay elsewhere."""
    districts = [d.strip() for covered in TEAM_POSTCODES.values() for d in covered.split(",")]
    moved = []
    for postcode in postcodes:
        inward = postcode.split(" ")[1]
        moved.append(f"{rng.choice(districts)} {inward}" if rng.random() < AREA_SHARE else postcode)
    return moved


def build_people(*, count: int, seed: int = 2026, teams: list[Team], orgs: dict[str, Organisation], batch_size: int = 5000) -> int:
    rng = random.Random(seed)
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    first_m = list({fake.first_name_male() for _ in range(600)})
    first_f = list({fake.first_name_female() for _ in range(600)})
    last = list({fake.last_name() for _ in range(1500)})
    streets = list({fake.street_address() for _ in range(800)})
    towns = ["Northbridge", "Wessex City", "Southhaven", "Eastleigh Green", "Westmoor"]
    postcodes = []
    for _ in range(600):
        try:
            postcodes.append(identifiers.normalise_postcode(fake.postcode()))
        except ValueError:
            continue
    postcodes = _mostly_in_area(postcodes, random.Random(seed + 7))
    police, probation = orgs["Wessex Police"], orgs["Probation Service Wessex"]
    partners = [
        orgs[n] for n in ("Wessex City Council Housing", "DWP Wessex Jobcentres", "Wessex Mental Health Trust", "Second Chance Trust")
    ]
    ethnicities = [e.value for e in Ethnicity]
    today = datetime.date(2026, 11, 1)
    offset = Person.objects.count()
    created = 0
    for batch in _batches(count, batch_size):
        people: list[Person] = []
        for i in batch:
            n = offset + i
            sex = Sex.FEMALE if rng.random() < 0.15 else Sex.MALE
            first = rng.choice(first_f if sex == Sex.FEMALE else first_m)
            surname = rng.choice(last)
            dob = today - datetime.timedelta(days=rng.randrange(18 * 365, 60 * 365))
            restricted = rng.random() < 0.01
            names = [first.lower(), surname.lower()]
            people.append(
                Person(
                    first_name=first,
                    last_name=surname,
                    date_of_birth=dob,
                    sex=sex,
                    ethnicity=rng.choice(ethnicities) if rng.random() < 0.8 else "",
                    pnc_id=_pnc(rng.randrange(1995, 2025), 100000 + n),
                    crn=f"X{n % 1000000:06d}" if n < 1000000 else "",
                    ni_number=_ni(rng) if rng.random() < 0.85 else "",
                    nhs_number=_nhs(rng) if rng.random() < 0.6 else "",
                    prison_number=f"A{n % 10000:04d}{chr(65 + n // 10000 % 26)}{chr(65 + n // 260000 % 26)}" if rng.random() < 0.3 else "",
                    restriction=rng.choice([Restriction.MAPPA, Restriction.COUNTER_TERRORISM]) if restricted else "",
                    managing_team=teams[n % len(teams)],
                    search_names=" ".join(names),
                )
            )
        people = Person.objects.bulk_create(people)
        aliases, addresses, numbers, markers, involvements = [], [], [], [], []
        for person in people:
            if rng.random() < 0.35:
                alias = Alias(person=person, first_name=rng.choice(first_m), last_name=rng.choice(last))
                aliases.append(alias)
                person.search_names += f" {alias.first_name.lower()} {alias.last_name.lower()}"
            moved = today - datetime.timedelta(days=rng.randrange(30, 2000))
            for k in range(rng.choice((1, 1, 2, 3))):
                start = moved - datetime.timedelta(days=400 * k + rng.randrange(0, 300))
                end = None if k == 0 else moved - datetime.timedelta(days=400 * (k - 1) + 1)
                if end is not None and end < start:
                    end = start
                addresses.append(
                    Address(
                        person=person,
                        line_1=rng.choice(streets),
                        town=rng.choice(towns),
                        postcode=rng.choice(postcodes),
                        from_date=start,
                        to_date=end,
                    )
                )
            numbers.append(ContactNumber(person=person, kind="M", number=f"07700 9{rng.randrange(10**5):05d}"))
            if rng.random() < 0.2:
                markers.append(Marker(person=person, kind=rng.choice([m.value for m in Marker.Kind]), note=""))
            involvements.append(AgencyInvolvement(person=person, organisation=police, started_on=moved, role_in_case="Police IOM"))
            involvements.append(AgencyInvolvement(person=person, organisation=probation, started_on=moved, role_in_case="Offender manager"))
            for org in partners:
                if rng.random() < 0.25:
                    involvements.append(AgencyInvolvement(person=person, organisation=org, started_on=moved))
        Alias.objects.bulk_create(aliases, batch_size=batch_size)
        Address.objects.bulk_create(addresses, batch_size=batch_size)
        ContactNumber.objects.bulk_create(numbers, batch_size=batch_size)
        Marker.objects.bulk_create(markers, batch_size=batch_size)
        AgencyInvolvement.objects.bulk_create(involvements, batch_size=batch_size)
        with_alias = [a.person for a in aliases]
        Person.objects.bulk_update(with_alias, ["search_names"], batch_size=batch_size)
        created += len(people)
    return created


# Home Office codes the demo draws offences from (weighted towards acquisitive crime, 003).
DEMO_OFFENCE_CODES = (
    ["28E"] * 4 + ["34B"] * 2 + ["39"] * 2 + ["45"] * 3 + ["48"] * 2 + ["46"] * 4 + ["105A"] * 2 + ["58D"] * 2 + ["54", "83"]
)
DEMO_SENTENCE_MONTHS = [1, 2, 3, 4, 6, 6, 8, 10, 12, 18, 24, 36, 60]
# Sentences passed since the Sentencing Act 2026 progression model began (1 October 2026): released
# at one third, so most are released within months of the demo's day (issue 10).
PROGRESSION_MODEL_FROM = datetime.date(2026, 10, 1)
DEMO_RECENT_SENTENCE_MONTHS = [6, 6, 8, 9, 10, 12, 12, 15, 18, 24, 30]


def _demo_sentence(person_id: int, dob: datetime.date, sentenced: datetime.date, committed: datetime.date, months: int, remand: int) -> Any:
    """A standard determinate sentence with the dates the rules in force give it (``ValueError``
    where they refuse it), as the justice app would store it."""
    from iomhub.justice.models import Sentence
    from iomhub.rules.sentence import sentence_dates

    dates = sentence_dates(sentenced_on=sentenced, offence_committed_on=committed, date_of_birth=dob, months=months, remand_days=remand)
    return Sentence(
        person_id=person_id,
        prison="HMP Wessex",
        sentenced_on=sentenced,
        offence_committed_on=committed,
        months=months,
        remand_days=remand,
        length_days=dates.length_days,
        release_type=dates.release_type,
        release_date=dates.release_date,
        expiry_type=dates.expiry_type,
        expiry_date=dates.expiry_date,
        tused=dates.tused,
        hdced=dates.hdced,
        breakdown=list(dates.breakdown),
        effective_release_date=dates.release_date,
    )


def build_justice(*, seed: int = 2026, batch_size: int = 5000, today: datetime.date = datetime.date(2026, 11, 1)) -> dict[str, int]:
    """Arrests (with their offences), sentences with dates from ``iomhub.rules.sentence`` and
    outstanding warrants for a realistic share of the demo people (about 45% arrested in the last
    three years, 15% sentenced to custody, 2% wanted), and, from a stream of its own (so the rest is
    unchanged), about 5% of the others sentenced since 1 October 2026 under the progression model.
    Bulk writes; one pass over the people."""
    from iomhub.justice.models import Arrest, ArrestOutcome, Offence, OffenceCode, Sentence, Warrant

    rng = random.Random(seed + 4)
    recent = random.Random(seed + 7)  # sentences passed from 1 October 2026 (issue 10)
    codes = {c.code: c for c in OffenceCode.objects.filter(code__in=set(DEMO_OFFENCE_CODES))}
    if not codes:
        return {"arrests": 0, "sentences": 0, "warrants": 0, "conditions": 0}
    outcomes = [o.value for o in ArrestOutcome]
    counts = {"arrests": 0, "sentences": 0, "warrants": 0, "conditions": 0}
    last_supported = datetime.date(2026, 9, 30)  # the first stream's sentences: before the progression model
    people = Person.objects.order_by("pk").values_list("pk", "date_of_birth")
    for start in range(0, people.count(), batch_size):
        arrests: list[Arrest] = []
        offences: list[tuple[int, str, datetime.date]] = []  # (index into arrests, code, date)
        sentences: list[Sentence] = []
        warrants: list[Warrant] = []
        for pk, dob in people[start : start + batch_size]:
            adult = dob + datetime.timedelta(days=18 * 366)
            before = len(sentences)
            if rng.random() < 0.45:
                for _ in range(rng.choice((1, 1, 1, 2, 2, 3, 4, 6, 7))):
                    day = today - datetime.timedelta(days=rng.randrange(1, 3 * 365))
                    if day < adult:
                        continue
                    arrests.append(
                        Arrest(
                            person_id=pk,
                            arrested_on=day,
                            custody_suite=rng.choice(TEAMS)[1] + " custody suite",
                            outcome=rng.choice(outcomes),
                        )
                    )
                    offences.append((len(arrests) - 1, rng.choice(DEMO_OFFENCE_CODES), day))
            if rng.random() < 0.15:
                sentenced = last_supported - datetime.timedelta(days=rng.randrange(0, 3 * 365))
                months = rng.choice(DEMO_SENTENCE_MONTHS)
                committed = sentenced - datetime.timedelta(days=rng.randrange(1, 120))
                if committed <= adult:
                    continue
                remand = rng.choice((0, 0, 0, 7, 14, 30)) if months > 2 else 0
                try:
                    sentences.append(_demo_sentence(pk, dob, sentenced, committed, months, remand))
                except ValueError:
                    continue
            draw = (recent.random(), recent.randrange(0, (today - PROGRESSION_MODEL_FROM).days + 1), recent.randrange(1, 60))
            if len(sentences) == before and draw[0] < 0.05:
                sentenced = PROGRESSION_MODEL_FROM + datetime.timedelta(days=draw[1])
                committed = sentenced - datetime.timedelta(days=draw[2])
                months = recent.choice(DEMO_RECENT_SENTENCE_MONTHS)
                remand = recent.choice((0, 0, 14, 30))
                if committed > adult:
                    sentences.append(_demo_sentence(pk, dob, sentenced, committed, months, remand))
            if rng.random() < 0.02:
                warrants.append(
                    Warrant(
                        person_id=pk,
                        kind=rng.choice(["arrest", "fail-to-appear", "breach"]),
                        issued_on=today - datetime.timedelta(days=rng.randrange(1, 60)),
                    )
                )
        made = Arrest.objects.bulk_create(arrests, batch_size=batch_size)
        Offence.objects.bulk_create(
            [
                Offence(person_id=made[i].person_id, arrest=made[i], code=codes[code], committed_on=day)
                for i, code, day in offences
                if code in codes
            ],
            batch_size=batch_size,
        )
        Sentence.objects.bulk_create(sentences, batch_size=batch_size)
        counts["conditions"] += _demo_conditions(sentences, random.Random(seed + 5 + start), today, batch_size)
        Warrant.objects.bulk_create(warrants, batch_size=batch_size)
        counts["arrests"] += len(made)
        counts["sentences"] += len(sentences)
        counts["warrants"] += len(warrants)
    return counts


def _demo_conditions(sentences: list[Any], rng: random.Random, today: datetime.date, batch_size: int) -> int:
    """Licence conditions and supervision requirements (002 §5) for most sentences released on
    licence: set by the governor two weeks before release; all standard conditions, now and then an
    additional one or the drug conditions; the usual first 8 supervision requirements where the
    sentence has post-sentence supervision. Its own random stream: the other demo data is unchanged."""
    from iomhub.justice.models import LicenceCondition, PssRequirement, SupervisionConditions

    made: list[SupervisionConditions] = []
    extras = [("curfew", "Curfew from 7pm to 7am at the approved address"), ("exclusion", "Not to enter Northbridge town centre")]
    for s in sentences:
        if s.pk is None or s.release_type != "CRD" or s.release_date is None or rng.random() > 0.7:
            continue
        set_on = max(s.sentenced_on, s.release_date - datetime.timedelta(days=14))
        if set_on > today:
            continue
        additional: list[str] = []
        wording = ""
        if rng.random() < 0.3:
            code, wording = rng.choice(extras)
            additional.append(code)
        drugs = rng.random() < 0.35
        if drugs:
            additional += ["drug-testing", "drug-appointments"]
        pss: list[str] = []
        if s.tused is not None:
            pss = list(PssRequirement.values)[:8] + (["drug-testing", "drug-appointments"] if drugs else [])
        made.append(
            SupervisionConditions(
                person_id=s.person_id,
                sentence_id=s.pk,
                set_on=set_on,
                licence_standard=list(LicenceCondition.values),
                licence_additional=additional,
                additional_wording=wording,
                pss_requirements=pss,
                drug_test_criteria_met=drugs,
            )
        )
    SupervisionConditions.objects.bulk_create(made, batch_size=batch_size)
    return len(made)


DEMO_DISPOSALS = ["community-order"] * 3 + ["fine"] * 2 + ["suspended"] * 2 + ["conditional-discharge", "caution"]


def build_sanctions(*, seed: int = 2026, today: datetime.date = datetime.date(2026, 11, 1), batch_size: int = 5000) -> int:
    """Court outcomes, so the demo's justice records have convictions and cautions (and OGRS3 can be
    computed for a referral or a candidate, 002 §4): a conviction some weeks after each charge, a
    caution on the day for each caution, a custody outcome for every sentence (linked to it), and for
    most people who were arrested an earlier history of sanctions from their mid-teens. Its own random
    stream, so the people, arrests and sentences are the same with or without it. Returns the count."""
    from iomhub.justice.models import ArrestOutcome, CourtOutcome, Offence, OffenceCode, Sentence

    rng = random.Random(seed + 6)
    codes = {c.code: c for c in OffenceCode.objects.filter(code__in=set(DEMO_OFFENCE_CODES))}
    if not codes:
        return 0
    outcomes: list[CourtOutcome] = []
    linked: list[tuple[int, Offence]] = []  # (index into outcomes, its offence: saved, or made here)
    charged = Offence.objects.filter(arrest__outcome__in=[ArrestOutcome.CHARGE, ArrestOutcome.CAUTION]).order_by("pk")
    for offence in charged.select_related("arrest").only("pk", "person_id", "arrest__arrested_on", "arrest__outcome"):
        arrest = offence.arrest
        assert arrest is not None
        if arrest.outcome == ArrestOutcome.CAUTION:
            decided, disposal, court = arrest.arrested_on, rng.choice(["caution", "conditional-caution"]), ""
        else:
            decided, disposal, court = (
                arrest.arrested_on + datetime.timedelta(days=rng.randrange(30, 120)),
                rng.choice(DEMO_DISPOSALS),
                "Wessex Magistrates' Court",
            )
            if decided > today:
                continue  # still awaiting court
        outcomes.append(CourtOutcome(person_id=offence.person_id, decided_on=decided, court=court, disposal=disposal))
        linked.append((len(outcomes) - 1, offence))
    arrested = set(Offence.objects.values_list("person_id", flat=True))  # everyone with an offence so far
    dobs = dict(Person.objects.filter(pk__in=arrested).values_list("pk", "date_of_birth"))
    three_years_ago = today - datetime.timedelta(days=3 * 365)
    for pk in sorted(arrested):
        if rng.random() >= 0.7:
            continue
        earliest = dobs[pk] + datetime.timedelta(days=15 * 366)
        span = (three_years_ago - earliest).days
        if span <= 0:
            continue
        for _ in range(rng.choice((1, 1, 2, 3, 4, 6, 9, 12))):
            decided = earliest + datetime.timedelta(days=rng.randrange(span))
            disposal = rng.choice(DEMO_DISPOSALS)
            court = "" if disposal == "caution" else "Wessex Magistrates' Court"
            outcomes.append(CourtOutcome(person_id=pk, decided_on=decided, court=court, disposal=disposal))
            code = codes[rng.choice(DEMO_OFFENCE_CODES)]
            linked.append(
                (len(outcomes) - 1, Offence(person_id=pk, code=code, committed_on=decided - datetime.timedelta(days=rng.randrange(1, 60))))
            )
    sentences = list(
        Sentence.objects.filter(court_outcome__isnull=True).order_by("pk").only("pk", "person_id", "sentenced_on", "offence_committed_on")
    )
    for sentence in sentences:
        outcomes.append(
            CourtOutcome(person_id=sentence.person_id, decided_on=sentence.sentenced_on, court="Wessex Crown Court", disposal="custody")
        )
        code = codes[rng.choice(DEMO_OFFENCE_CODES)]
        linked.append((len(outcomes) - 1, Offence(person_id=sentence.person_id, code=code, committed_on=sentence.offence_committed_on)))
    with transaction.atomic():
        Offence.objects.bulk_create([o for _, o in linked if o.pk is None], batch_size=batch_size)
        CourtOutcome.objects.bulk_create(outcomes, batch_size=batch_size)
        through = CourtOutcome.offences.through
        through.objects.bulk_create([through(courtoutcome_id=outcomes[i].pk, offence_id=o.pk) for i, o in linked], batch_size=batch_size)
        custody = outcomes[len(outcomes) - len(sentences) :]
        for sentence, outcome, (_, offence) in zip(sentences, custody, linked[len(linked) - len(sentences) :], strict=True):
            sentence.court_outcome, sentence.offence = outcome, offence
        Sentence.objects.bulk_update(sentences, ["court_outcome", "offence"], batch_size=batch_size)
    return len(outcomes)


def build_mappa(*, seed: int = 2026, today: datetime.date = datetime.date(2026, 11, 1), batch_size: int = 5000) -> int:
    """MAPPA levels (002 §4) for some of the people with an arrest: about 3% at level 1, 5% at
    level 2 and 2% at level 3, recorded by the demo probation officer from a date in the last two years.
    Its own random stream: the other demo data is unchanged."""
    from iomhub.justice.models import Arrest, MappaCategory, MappaManagement

    rng = random.Random(seed + 9)
    officer = User.objects.filter(username="probation.officer").first()
    name = (officer.get_full_name() or officer.get_username()) if officer is not None else "Demo MAPPA coordinator"
    arrested = Arrest.objects.order_by("person_id").values_list("person_id", flat=True).distinct()
    made: list[MappaManagement] = []
    for pk in arrested:
        draw = rng.random()
        level = 1 if draw < 0.03 else 2 if draw < 0.08 else 3 if draw < 0.10 else None
        if level is None:
            continue
        made.append(
            MappaManagement(
                person_id=pk,
                level=level,
                category=rng.choice([MappaCategory.SEXUAL, MappaCategory.VIOLENT, MappaCategory.VIOLENT, MappaCategory.OTHER_DANGEROUS]),
                from_date=today - datetime.timedelta(days=rng.randrange(1, 730)),
                source=f"MAPPA level {level} meeting",
                recorded_by=officer,
                recorded_by_name=name,
            )
        )
    MappaManagement.objects.bulk_create(made, batch_size=batch_size)
    return len(made)


@transaction.atomic
def load_demo(*, people: int, seed: int = 2026) -> dict[str, int]:
    teams, orgs, users = build_partnership()
    made = build_people(count=people, seed=seed, teams=teams, orgs=orgs) if people else 0
    justice = build_justice(seed=seed) if people else {}
    if people:
        justice["mappa"] = build_mappa(seed=seed)
        justice["court_outcomes"] = build_sanctions(seed=seed)
    from iomhub.demo_cohort import build_cohort

    cohort = build_cohort(seed=seed) if people else {}  # the IOM cohort and its cases, as of today
    audit.record(
        actor=None,
        username="demo-loader",
        action=AuditAction.CREATE,
        object_type="demo-data",
        changes={"people": made, "seed": seed, **justice, **cohort},
    )
    return {"people": made, "users": len(users), "teams": len(teams), "organisations": len(orgs), **cohort}
