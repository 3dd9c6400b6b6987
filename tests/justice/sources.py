"""A justice record whose rows came from every kind of source (issue 11 §3), built by running the
real imports and the review queue's decision, and one arrest keyed by hand; with, written by hand
from how each row was built (never read back from the links), what each row's source must say."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from iomhub.access.models import Role
from iomhub.feeds.models import ImportRun, LinkReview
from iomhub.feeds.services import arrests_import, feed_import, review_decide
from iomhub.justice import services as justice
from iomhub.justice.models import Arrest, CourtOutcome, Offence, Sentence
from iomhub.people.models import Person
from tests.factories import PersonFactory
from tests.feeds.conftest import csv_file, row

DECIDED_AT = datetime.datetime(2026, 12, 3, 10, 30, tzinfo=datetime.UTC)
COURT_HEADER = "pnc_id,family_name,given_name,date_of_birth,court,decided_on,offence_code,offence_date,disposal,requirements,fine_pounds"
HISTORY_HEADER = "pnc_id,family_name,given_name,date_of_birth,offence_code,offence_date"
RELEASE_HEADER = "prison_number,pnc_id,family_name,given_name,date_of_birth,prison,expected_release_date,release_type"


def lines(*rows: str) -> bytes:
    return "\n".join(rows).encode("utf-8")


@dataclass
class World:
    person: Person  # Jordan Example: every kind of source
    newcomer: Person  # Taylor Newcombe, created by the arrests feed
    importer: Any  # the coordinator who ran every import
    runs: dict[str, ImportRun]
    arrests: dict[str, Arrest]  # by how it was linked: pnc, name-dob, probable, reviewed, created, hand
    outcome: CourtOutcome
    history_offence: Offence
    sentence: Sentence
    # What each row's source must say (the page's words), by the same keys.
    expected: dict[str, str] = field(default_factory=dict)


def build(partnership: Any) -> World:
    """Jordan Example (born 17 May 1990, PNC ID on record): arrests linked by PNC ID (line 2), by
    exact name and date of birth (line 3), as a probable match ("Jordon", line 4) in one import; a
    doubtful row ("born 1991", with a namesake born 1992 on record) decided on review by Sam
    Coordinator; Taylor Newcombe created by the arrests feed; an arrest keyed by hand; a court
    outcome, a past offence and a prison release from the other feeds."""
    importer = partnership.users[Role.COORDINATOR]
    importer.first_name, importer.last_name = "Sam", "Coordinator"
    importer.save(update_fields=["first_name", "last_name"])
    jordan = partnership.ordinary
    assert jordan.date_of_birth == datetime.date(1990, 5, 17) and jordan.pnc_id and not jordan.prison_number
    runs: dict[str, ImportRun] = {}
    runs["arrests"] = arrests_import(
        acting_user=importer,
        data=csv_file(
            row(
                pnc_id=jordan.pnc_id, family_name="Example", given_name="Jordan", date_of_birth="1990-05-17", arrested_at="2026-08-01T10:00"
            ),
            row(family_name="Example", given_name="Jordan", date_of_birth="1990-05-17", arrested_at="2026-08-02T10:00"),
            row(family_name="Example", given_name="Jordon", date_of_birth="1990-05-17", arrested_at="2026-08-03T10:00"),
            row(family_name="Newcombe", given_name="Taylor", date_of_birth="1994-03-08", arrested_at="2026-08-04T10:00"),
        ),
        file_name="overnight.csv",
    )
    assert runs["arrests"].counts() == {"rows": 4, "imported": 4, "unchanged": 0, "rejected": 0, "review": 0}
    PersonFactory(first_name="Jordan", last_name="Example", date_of_birth=datetime.date(1992, 5, 17))  # the namesake
    runs["review"] = arrests_import(
        acting_user=importer,
        data=csv_file(row(family_name="Example", given_name="Jordan", date_of_birth="1991-05-17", arrested_at="2026-08-05T10:00")),
        file_name="doubtful.csv",
    )
    review = LinkReview.objects.get(run=runs["review"])
    review_decide(acting_user=importer, review_id=review.pk, person_id=jordan.pk)
    LinkReview.objects.filter(pk=review.pk).update(decided_at=DECIDED_AT)  # the decision's time, fixed for the oracle
    hand = justice.arrest_record(
        acting_user=importer,
        person=jordan,
        arrested_on=datetime.date(2026, 8, 6),
        custody_suite="Keyed custody suite",
        outcome="bail",
        offence_codes=["45"],
    )
    runs["courts"] = feed_import(
        feed="court-outcomes",
        acting_user=importer,
        data=lines(COURT_HEADER, ",Example,Jordan,1990-05-17,Northbridge MC,2026-07-01,28E,2026-05-02,Absolute discharge,,"),
        file_name="courts.csv",
    )
    runs["history"] = feed_import(
        feed="offending-history",
        acting_user=importer,
        data=lines(HISTORY_HEADER, ",Example,Jordan,1990-05-17,34B,2019-04-01"),
        file_name="pnc.csv",
    )
    sentence = Sentence.objects.create(
        person=jordan, sentenced_on=datetime.date(2026, 2, 1), offence_committed_on=datetime.date(2025, 12, 1), years=2
    )
    runs["releases"] = feed_import(
        feed="releases",
        acting_user=importer,
        data=lines(RELEASE_HEADER, "A1234BC,,Example,Jordan,1990-05-17,HMP Northbridge,2026-11-20,CRD"),
        file_name="releases.csv",
    )
    for name in ("courts", "history", "releases"):
        assert runs[name].imported == 1, (name, list(runs[name].rejections.values_list("reason", flat=True)))
    by_day = {a.arrested_on.day: a for a in Arrest.objects.all()}
    a, r = runs["arrests"].pk, runs["review"].pk
    world = World(
        person=jordan,
        newcomer=Person.objects.get(last_name="Newcombe"),
        importer=importer,
        runs=runs,
        arrests={"pnc": by_day[1], "name-dob": by_day[2], "probable": by_day[3], "created": by_day[4], "reviewed": by_day[5], "hand": hand},
        outcome=CourtOutcome.objects.get(person=jordan),
        history_offence=Offence.objects.get(person=jordan, code__code="34B"),
        sentence=sentence,
    )
    world.expected = {
        "pnc": f"Custody arrests feed, import {a} line 2: linked on PNC ID: PNC ID, family name, given name, date of birth agreed",
        "name-dob": f"Custody arrests feed, import {a} line 3: linked on exact name and date of birth: "
        "family name, given name, date of birth agreed",
        # the match probability is the model's; the rest is what a one-letter slip of the given name agrees on
        "probable": f"Custody arrests feed, import {a} line 4: probable match (match probability 0.NNN): "
        "given name (spelt alike), family name, date of birth agreed",
        "created": f"Custody arrests feed, import {a} line 5: new person created",
        "reviewed": f"Custody arrests feed, import {r} line 2: decided on review by Sam Coordinator, 3 December 2026: "
        "family name, given name agreed",
        "hand": "Recorded by hand",
        "court": f"Court outcomes feed, import {runs['courts'].pk} line 2: linked on exact name and date of birth: "
        "family name, given name, date of birth agreed",
        "history": f"Offending history feed, import {runs['history'].pk} line 2: linked on exact name and date of birth: "
        "family name, given name, date of birth agreed",
        "release": f"Prison releases feed, import {runs['releases'].pk} line 2: linked on exact name and date of birth: "
        "family name, given name, date of birth agreed",
    }
    return world
