"""Last night's custody file, imported into the demo partnership (issue 11), so that `make run`
shows what a feed does: arrests linked to people on record by PNC ID or by name and date of birth
(each saying which fields agreed), a PNC ID keyed against another name left for the coordinator to
decide in the review queue, a name spelled differently, someone new added, two rows rejected with their line and reason, and the lead
workers told of their cohort's arrests. A few people on the cohort have agreed to appointment
reminders by text. Everything goes through the services, as the coordinator, like an upload.

Synthetic people only: the file is made from the demo's own people. Loaded by the ``demo`` command
after the partnership (not by ``load_demo``, whose partnership the benchmark copies)."""

from __future__ import annotations

import csv
import datetime
import io
import random

from iomhub import clock
from iomhub.access.models import User
from iomhub.cohort.models import Registration
from iomhub.demo.justice import DEMO_OFFENCE_CODES
from iomhub.feeds.models import ImportRun
from iomhub.feeds.services import arrests_import
from iomhub.notifications.services import text_consent_record
from iomhub.people.models import ContactNumber, Person

HEADER = ["pnc_id", "family_name", "given_name", "date_of_birth", "arrested_at", "custody_suite", "offence_code", "outcome"]
SUITES = ["Southampton Central custody suite", "Portsmouth custody suite", "Basingstoke custody suite"]
OUTCOMES = ["Charged", "Released under investigation", "Bailed", "No further action", "Caution"]
NEW_PEOPLE = [("Ravenscroft", "Milo", "1999-04-17"), ("Okonkwo-Hale", "Tamsin", "2001-11-02")]


def _misspelt(name: str, rng: random.Random) -> str:
    """The name with two letters swapped, as a custody record might key it."""
    i = rng.randrange(1, max(2, len(name) - 1))
    return name[: i - 1] + name[i] + name[i - 1] + name[i + 1 :] if len(name) > 2 else name + "e"


def overnight_file(*, seed: int = 2026) -> bytes:
    """The CSV: arrests of cohort members overnight, by PNC ID, by name and date of birth, a PNC ID
    keyed against the wrong name, a misspelt name, two people new to IOM Hub, and two bad rows."""
    rng = random.Random(seed + 11)
    # Yesterday evening, every arrest before midnight: never in the future, whenever the demo is loaded.
    evening = datetime.datetime.combine(clock.today() - datetime.timedelta(days=1), datetime.time(19, 0))
    on_record = Person.objects.filter(merged_into__isnull=True).exclude(pnc_id="")
    cohort = list(on_record.filter(pk__in=Registration.objects.filter(ended_on__isnull=True).values("person_id")).order_by("pk")[:40])
    # The cohort's first (their lead workers are told), then others arrested, for a small demo.
    chosen = rng.sample(cohort, min(12, len(cohort)))
    chosen += list(on_record.exclude(pk__in=[p.pk for p in chosen]).order_by("pk")[: 12 - len(chosen)])
    rows: list[list[str]] = []

    def arrest(i: int) -> list[str]:
        at = evening + datetime.timedelta(minutes=15 * i + rng.randrange(10))
        return [at.isoformat(timespec="minutes"), rng.choice(SUITES), rng.choice(DEMO_OFFENCE_CODES), rng.choice(OUTCOMES)]

    for i, p in enumerate(chosen):
        dob = p.date_of_birth.isoformat()
        if i < 7:  # the PNC ID given, as custody records mostly do
            rows.append([p.pnc_id, p.last_name, p.first_name, dob, *arrest(i)])
        elif i < 10:  # no PNC ID: linked on the exact name and date of birth
            rows.append(["", p.last_name.upper(), p.first_name, dob, *arrest(i)])
        elif i == 10:  # the PNC ID, but another surname and date of birth: the coordinator decides
            other = (p.date_of_birth.replace(day=1) - datetime.timedelta(days=400)).isoformat()
            rows.append([p.pnc_id, "Harrington", p.first_name, other, *arrest(i)])
        else:  # no PNC ID and the surname keyed differently: a probable match, or the coordinator decides
            rows.append(["", _misspelt(p.last_name, rng), p.first_name, dob, *arrest(i)])
    for j, (family, given, dob) in enumerate(NEW_PEOPLE):
        rows.append(["", family, given, dob, *arrest(len(chosen) + j)])
    rows.append(["", "Ashby", "Lee", "1990-02-30", *arrest(14)])  # no such date
    rows.append(["", "Ashby", "Lee", "1990-02-03", *arrest(15)[:2], "999Z", "Charged"])  # no such offence code
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def load_overnight(*, seed: int = 2026) -> ImportRun:
    """Import last night's custody file as the coordinator, and record three cohort members'
    agreement to appointment reminders by text (their mobile number, as their record holds it)."""
    coordinator = User.objects.get(username="coordinator")
    run = arrests_import(
        acting_user=coordinator,
        data=overnight_file(seed=seed),
        file_name=f"custody-overnight-{clock.today().isoformat()}.csv",
    )
    mobiles = ContactNumber.objects.filter(
        kind=ContactNumber.Kind.MOBILE, person__in=Registration.objects.filter(ended_on__isnull=True).values("person_id")
    ).order_by("person_id")[:3]
    for number in mobiles:
        text_consent_record(acting_user=coordinator, person=number.person, number=number.number, agreed=True)
    return run
