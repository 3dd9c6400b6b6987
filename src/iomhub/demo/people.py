"""The demo people: N invented people (Faker en_GB name pools, random identifiers with valid check
characters), with aliases, addresses mostly in the partnership's area, phone numbers, markers and
the agencies involved. Fixed seed, bulk writes in batches."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from faker import Faker

from iomhub.access.models import Organisation, Team
from iomhub.casework.models import AgencyInvolvement
from iomhub.demo.partnership import AREA_SHARE, TEAM_POSTCODES
from iomhub.people.models import Address, Alias, ContactNumber, Ethnicity, Marker, Person, Restriction, Sex
from iomhub.rules import identifiers

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


TOWNS = ["Northbridge", "Wessex City", "Southhaven", "Eastleigh Green", "Westmoor"]
PARTNERS = ("Wessex City Council Housing", "DWP Wessex Jobcentres", "Wessex Mental Health Trust", "Second Chance Trust")
PEOPLE_TODAY = datetime.date(2026, 11, 1)  # the demo people's ages and addresses count from here
# Invented notes for "Other" markers (a marker of type Other needs its details, people.services).
OTHER_MARKER_NOTES = (
    "Known to carry a dog lead as a weapon",
    "Has used a false name when stopped; check identity on arrival",
    "Lives with a relative who has threatened staff; visit in pairs",
    "Keeps the front door barricaded; use the rear entrance",
    "Has spat at officers during previous arrests",
)


@dataclass
class _Pools:
    """The name, street and postcode pools the people are drawn from (Faker, from the seed)."""

    first_m: list[str]
    first_f: list[str]
    last: list[str]
    streets: list[str]
    postcodes: list[str]


def _pools(seed: int) -> _Pools:
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    # Sorted, not in a set's order: a set of strings iterates in an order that changes from one
    # process to the next (hash randomisation), and the demo must be the same for the same seed.
    first_m = sorted({fake.first_name_male() for _ in range(600)})
    first_f = sorted({fake.first_name_female() for _ in range(600)})
    last = sorted({fake.last_name() for _ in range(1500)})
    streets = sorted({fake.street_address() for _ in range(800)})
    postcodes = []
    for _ in range(600):
        try:
            postcodes.append(identifiers.normalise_postcode(fake.postcode()))
        except ValueError:
            continue
    return _Pools(first_m, first_f, last, streets, _mostly_in_area(postcodes, random.Random(seed + 7)))


def _person(n: int, rng: random.Random, pools: _Pools, teams: list[Team], ethnicities: list[str]) -> Person:
    sex = Sex.FEMALE if rng.random() < 0.15 else Sex.MALE
    first = rng.choice(pools.first_f if sex == Sex.FEMALE else pools.first_m)
    surname = rng.choice(pools.last)
    dob = PEOPLE_TODAY - datetime.timedelta(days=rng.randrange(18 * 365, 60 * 365))
    restricted = rng.random() < 0.01
    names = [first.lower(), surname.lower()]
    return Person(
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


@dataclass
class _Details:
    """What each person has besides their identity, gathered for one batch's bulk writes."""

    aliases: list[Alias] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    numbers: list[ContactNumber] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    involvements: list[AgencyInvolvement] = field(default_factory=list)

    def add(self, person: Person, rng: random.Random, pools: _Pools, orgs: dict[str, Organisation]) -> None:
        if rng.random() < 0.35:
            alias = Alias(person=person, first_name=rng.choice(pools.first_m), last_name=rng.choice(pools.last))
            self.aliases.append(alias)
            person.search_names += f" {alias.first_name.lower()} {alias.last_name.lower()}"
        moved = PEOPLE_TODAY - datetime.timedelta(days=rng.randrange(30, 2000))
        for k in range(rng.choice((1, 1, 2, 3))):
            start = moved - datetime.timedelta(days=400 * k + rng.randrange(0, 300))
            end = None if k == 0 else moved - datetime.timedelta(days=400 * (k - 1) + 1)
            if end is not None and end < start:
                end = start
            self.addresses.append(
                Address(
                    person=person,
                    line_1=rng.choice(pools.streets),
                    town=rng.choice(TOWNS),
                    postcode=rng.choice(pools.postcodes),
                    from_date=start,
                    to_date=end,
                )
            )
        self.numbers.append(ContactNumber(person=person, kind="M", number=f"07700 9{rng.randrange(10**5):05d}"))
        if rng.random() < 0.2:
            kind = rng.choice([m.value for m in Marker.Kind])
            # An "Other" marker always says what it is; the note is picked without the generator, so
            # every other invented detail stays as it was.
            note = OTHER_MARKER_NOTES[len(self.markers) % len(OTHER_MARKER_NOTES)] if kind == Marker.Kind.OTHER else ""
            self.markers.append(Marker(person=person, kind=kind, note=note))
        police, probation = orgs["Wessex Police"], orgs["Probation Service Wessex"]
        self.involvements.append(AgencyInvolvement(person=person, organisation=police, started_on=moved, role_in_case="Police IOM"))
        self.involvements.append(
            AgencyInvolvement(person=person, organisation=probation, started_on=moved, role_in_case="Offender manager")
        )
        for org in (orgs[n] for n in PARTNERS):
            if rng.random() < 0.25:
                self.involvements.append(AgencyInvolvement(person=person, organisation=org, started_on=moved))

    def save(self, batch_size: int) -> None:
        Alias.objects.bulk_create(self.aliases, batch_size=batch_size)
        Address.objects.bulk_create(self.addresses, batch_size=batch_size)
        ContactNumber.objects.bulk_create(self.numbers, batch_size=batch_size)
        Marker.objects.bulk_create(self.markers, batch_size=batch_size)
        AgencyInvolvement.objects.bulk_create(self.involvements, batch_size=batch_size)
        Person.objects.bulk_update([a.person for a in self.aliases], ["search_names"], batch_size=batch_size)


def build_people(*, count: int, seed: int = 2026, teams: list[Team], orgs: dict[str, Organisation], batch_size: int = 5000) -> int:
    """``count`` more invented people (numbered on from those already loaded), with their details."""
    rng = random.Random(seed)
    pools = _pools(seed)
    ethnicities = [e.value for e in Ethnicity]
    offset = Person.objects.count()
    created = 0
    for batch in _batches(count, batch_size):
        people = Person.objects.bulk_create([_person(offset + i, rng, pools, teams, ethnicities) for i in batch])
        details = _Details()
        for person in people:
            details.add(person, rng, pools, orgs)
        details.save(batch_size)
        created += len(people)
    return created
