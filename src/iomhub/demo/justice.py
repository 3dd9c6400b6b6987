"""The demo people's justice records: arrests and offences, sentences with the dates the rules
give them, licence conditions, warrants, court outcomes (so OGRS3 can be computed) and MAPPA levels.
Each from a random stream of its own, so adding one leaves the others unchanged."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from iomhub import clock
from iomhub.access.models import User
from iomhub.demo.partnership import TEAMS
from iomhub.justice.models import (
    Arrest,
    ArrestOutcome,
    CourtOutcome,
    CustodyEpisode,
    LicenceCondition,
    MappaCategory,
    MappaManagement,
    Offence,
    OffenceCode,
    PssRequirement,
    Sentence,
    SupervisionConditions,
    Warrant,
)
from iomhub.people.models import Person
from iomhub.rules.sentence import sentence_dates

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


@dataclass
class _JusticeBatch:
    """One batch of people's arrests (with their offences), sentences and warrants, for bulk writes."""

    today: datetime.date
    rng: random.Random
    recent: random.Random  # sentences passed from 1 October 2026 (issue 10): a stream of its own
    arrests: list[Any] = field(default_factory=list)
    offences: list[tuple[int, str, datetime.date]] = field(default_factory=list)  # (index into arrests, code, date)
    sentences: list[Any] = field(default_factory=list)
    warrants: list[Any] = field(default_factory=list)

    def add(self, pk: int, dob: datetime.date, outcomes: list[str]) -> None:
        adult = dob + datetime.timedelta(days=18 * 366)
        before = len(self.sentences)
        if self.rng.random() < 0.45:
            self._arrests(pk, adult, outcomes)
        if self.rng.random() < 0.15 and not self._sentence(pk, dob, adult):
            return  # no sentence the rules allow: this person's draws end here
        self._recent_sentence(pk, dob, adult, before)
        if self.rng.random() < 0.02:
            self.warrants.append(
                Warrant(
                    person_id=pk,
                    kind=self.rng.choice(["arrest", "fail-to-appear", "breach"]),
                    issued_on=self.today - datetime.timedelta(days=self.rng.randrange(1, 60)),
                )
            )

    def _arrests(self, pk: int, adult: datetime.date, outcomes: list[str]) -> None:
        rng = self.rng
        for _ in range(rng.choice((1, 1, 1, 2, 2, 3, 4, 6, 7))):
            day = self.today - datetime.timedelta(days=rng.randrange(1, 3 * 365))
            if day < adult:
                continue
            self.arrests.append(
                Arrest(person_id=pk, arrested_on=day, custody_suite=rng.choice(TEAMS)[1] + " custody suite", outcome=rng.choice(outcomes))
            )
            self.offences.append((len(self.arrests) - 1, rng.choice(DEMO_OFFENCE_CODES), day))

    def _sentence(self, pk: int, dob: datetime.date, adult: datetime.date) -> bool:
        """A sentence passed before the progression model; False where none could be passed."""
        rng = self.rng
        sentenced = LAST_BEFORE_PROGRESSION_MODEL - datetime.timedelta(days=rng.randrange(0, 3 * 365))
        months = rng.choice(DEMO_SENTENCE_MONTHS)
        committed = sentenced - datetime.timedelta(days=rng.randrange(1, 120))
        if committed <= adult:
            return False
        remand = rng.choice((0, 0, 0, 7, 14, 30)) if months > 2 else 0
        try:
            self.sentences.append(_demo_sentence(pk, dob, sentenced, committed, months, remand))
        except ValueError:
            return False
        return True

    def _recent_sentence(self, pk: int, dob: datetime.date, adult: datetime.date, before: int) -> None:
        recent = self.recent
        draw = (recent.random(), recent.randrange(0, (self.today - PROGRESSION_MODEL_FROM).days + 1), recent.randrange(1, 60))
        if len(self.sentences) == before and draw[0] < 0.05:
            sentenced = PROGRESSION_MODEL_FROM + datetime.timedelta(days=draw[1])
            committed = sentenced - datetime.timedelta(days=draw[2])
            months = recent.choice(DEMO_RECENT_SENTENCE_MONTHS)
            remand = recent.choice((0, 0, 14, 30))
            if committed > adult:
                self.sentences.append(_demo_sentence(pk, dob, sentenced, committed, months, remand))


LAST_BEFORE_PROGRESSION_MODEL = datetime.date(2026, 9, 30)  # the first stream's sentences


def build_justice(*, seed: int = 2026, batch_size: int = 5000, today: datetime.date = datetime.date(2026, 11, 1)) -> dict[str, int]:
    """Arrests (with their offences), sentences with dates from ``iomhub.rules.sentence`` and
    outstanding warrants for a realistic share of the demo people (about 45% arrested in the last
    three years, 15% sentenced to custody, 2% wanted), and, from a stream of its own (so the rest is
    unchanged), about 5% of the others sentenced since 1 October 2026 under the progression model.
    Bulk writes; one pass over the people."""
    rng = random.Random(seed + 4)
    recent = random.Random(seed + 7)
    codes = {c.code: c for c in OffenceCode.objects.filter(code__in=set(DEMO_OFFENCE_CODES))}
    if not codes:
        return {"arrests": 0, "sentences": 0, "warrants": 0, "conditions": 0}
    outcomes = [o.value for o in ArrestOutcome]
    counts = {"arrests": 0, "sentences": 0, "custody_episodes": 0, "warrants": 0, "conditions": 0}
    loaded_on = clock.today()
    people = Person.objects.order_by("pk").values_list("pk", "date_of_birth")
    for start in range(0, people.count(), batch_size):
        batch = _JusticeBatch(today, rng, recent)
        for pk, dob in people[start : start + batch_size]:
            batch.add(pk, dob, outcomes)
        made = Arrest.objects.bulk_create(batch.arrests, batch_size=batch_size)
        Offence.objects.bulk_create(
            [
                Offence(person_id=made[i].person_id, arrest=made[i], code=codes[code], committed_on=day)
                for i, code, day in batch.offences
                if code in codes
            ],
            batch_size=batch_size,
        )
        Sentence.objects.bulk_create(batch.sentences, batch_size=batch_size)
        counts["custody_episodes"] += len(
            CustodyEpisode.objects.bulk_create(_custody_episodes(batch.sentences, loaded_on), batch_size=batch_size)
        )
        counts["conditions"] += _demo_conditions(batch.sentences, random.Random(seed + 5 + start), today, batch_size)
        Warrant.objects.bulk_create(batch.warrants, batch_size=batch_size)
        counts["arrests"] += len(made)
        counts["sentences"] += len(batch.sentences)
        counts["warrants"] += len(batch.warrants)
    return counts


def _custody_episodes(sentences: list[Any], today: datetime.date) -> list[CustodyEpisode]:
    """Each sentence's time in prison, so the reports' "in custody" and days at liberty
    (outcomes.md) agree with the sentences: on remand for its remand days up to the sentence date,
    then sentenced from that date until its release date, left open while the release is after
    ``today`` (the day the demo is loaded, as the cohort's Prison level is decided)."""
    found = []
    for s in sentences:
        if s.sentenced_on > today:
            continue
        if s.remand_days:
            started = s.sentenced_on - datetime.timedelta(days=s.remand_days)
            found.append(
                CustodyEpisode(
                    person_id=s.person_id, kind=CustodyEpisode.Kind.REMAND, prison=s.prison, started_on=started, ended_on=s.sentenced_on
                )
            )
        released = s.release_date if s.release_date is not None and s.release_date <= today else None
        found.append(
            CustodyEpisode(
                person_id=s.person_id, kind=CustodyEpisode.Kind.SENTENCED, prison=s.prison, started_on=s.sentenced_on, ended_on=released
            )
        )
    return found


def _demo_conditions(sentences: list[Any], rng: random.Random, today: datetime.date, batch_size: int) -> int:
    """Licence conditions and supervision requirements (002 §5) for most sentences released on
    licence: set by the governor two weeks before release; all standard conditions, now and then an
    additional one or the drug conditions; the usual first 8 supervision requirements where the
    sentence has post-sentence supervision. Its own random stream: the other demo data is unchanged."""
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
    rng = random.Random(seed + 6)
    codes = {c.code: c for c in OffenceCode.objects.filter(code__in=set(DEMO_OFFENCE_CODES))}
    if not codes:
        return 0
    outcomes: list[CourtOutcome] = []
    linked: list[tuple[int, Offence]] = []  # (index into outcomes, its offence: saved, or made here)
    _charge_outcomes(outcomes, linked, rng, today)
    _earlier_sanctions(outcomes, linked, rng, today, codes)
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


def _charge_outcomes(outcomes: list[Any], linked: list[tuple[int, Any]], rng: random.Random, today: datetime.date) -> None:
    """A conviction some weeks after each charge (unless still awaiting court), a caution on the day."""
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


def _earlier_sanctions(
    outcomes: list[Any], linked: list[tuple[int, Any]], rng: random.Random, today: datetime.date, codes: dict[str, Any]
) -> None:
    """For most people with an offence, a history of sanctions from their mid-teens to three years ago."""
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


def build_mappa(*, seed: int = 2026, today: datetime.date = datetime.date(2026, 11, 1), batch_size: int = 5000) -> int:
    """MAPPA levels (002 §4) for some of the people with an arrest: about 3% at level 1, 5% at
    level 2 and 2% at level 3, recorded by the demo probation officer from a date in the last two years.
    Its own random stream: the other demo data is unchanged."""
    rng = random.Random(seed + 9)
    officer = User.objects.filter(username="probation.officer").first()
    name = officer.display_name if officer is not None else "Demo MAPPA coordinator"
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
