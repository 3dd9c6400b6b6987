"""Which deregistration rules of 002 §2 hold for a registration on a date, with the evidence.

Required: a custodial sentence of 5 years or more (the justice record), MAPPA level 3 (the person's
MAPPA record on the justice record, ``justice.MappaManagement``: the one record of it, also read by
eligibility screening, ADR 0008). Suggested: no intelligence for 3 months, negative drug tests, good attendance, assessed
risk fallen (the case timeline, through ``cohort.evidence``; "not known" while it is not there), and
risk managed in another forum (recorded on the registration). The rules themselves are
``iomhub.rules.regime.deregistration``. Callers authorise and audit; this module gathers, and
projects the answer through the reader's sections (issue 9 finding 1, ``access.projection``): each
rule's evidence carries the sections it was worked out from (a sentence is justice, "intelligence
recorded on ..." police intelligence, drug-test results health, appointments kept the timeline),
and a rule whose sections the reader does not see all of reads "Not shared with you", the same
whatever the record holds. The rules a deregistration recorded when it was approved are read through
the same table (``recorded_rules``): left out where not shared, and ``exceptional`` withheld from a
reader not shown every required rule, since it says whether one held.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.db.models import Q

from iomhub.access.models import Section
from iomhub.access.projection import WITHHELD, Lens
from iomhub.cohort import evidence
from iomhub.rules import regime

if TYPE_CHECKING:
    from iomhub.cohort.models import Deregistration, Registration
    from iomhub.justice.models import MappaManagement, Sentence

LABELS = {
    "custodial-sentence-5-years": "Custodial sentence of 5 years or more",
    "mappa-level-3": "Subject to MAPPA level 3",
    "no-intelligence-3-months": "No police intelligence for 3 months",
    "drug-tests-negative": "Drug tests negative",
    "good-attendance": "Full or good attendance at appointments",
    "risk-fallen": "Assessed risk has fallen",
    "managed-elsewhere": "Risk managed in another forum",
}
REQUIRED = ("custodial-sentence-5-years", "mappa-level-3")
SUGGESTED = ("no-intelligence-3-months", "drug-tests-negative", "good-attendance", "risk-fallen", "managed-elsewhere")
NOT_KNOWN = "Not known: the case timeline does not record this yet"
# The sections each rule's evidence is worked out from (the derived fact carries them all).
RULE_SECTIONS: dict[str, frozenset[str]] = {
    "custodial-sentence-5-years": frozenset({Section.JUSTICE}),
    "mappa-level-3": frozenset({Section.JUSTICE}),
    "no-intelligence-3-months": frozenset({Section.INTELLIGENCE}),
    "drug-tests-negative": frozenset({Section.TIMELINE, Section.HEALTH}),
    "good-attendance": frozenset({Section.TIMELINE}),
    "risk-fallen": frozenset({Section.ASSESSMENTS}),
    "managed-elsewhere": frozenset({Section.PLAN}),
}


def rule_shown(lens: Lens, code: str) -> bool:
    """Whether ``lens`` sees every section rule ``code``'s evidence comes from (``RULE_SECTIONS``,
    the one table of them); a code not in it is never shown (default deny)."""
    sections = RULE_SECTIONS.get(code)
    return sections is not None and lens.sees(*sections)


@dataclass(frozen=True)
class RuleRow:
    code: str
    holds: bool | None  # None: not known (or withheld)
    evidence: str
    withheld: bool = False  # the reader does not see every section the evidence comes from

    @property
    def label(self) -> str:
        return LABELS[self.code]

    @property
    def required(self) -> bool:
        return self.code in REQUIRED


@dataclass(frozen=True)
class Advice:
    as_of: datetime.date
    rows: list[RuleRow]
    earliest: datetime.date  # six months on the scheme (000 §5.7) unless required
    justice_shared: bool  # False: the justice facts below are withheld from this reader
    reconsider_from: datetime.date | None = None  # 12 months before release from a long sentence
    release_on: datetime.date | None = None
    sentences: list[Sentence] = field(default_factory=list)
    mappa: MappaManagement | None = None  # the MAPPA record in force (None: none, or not shared)

    @property
    def required(self) -> list[str]:
        return [r.code for r in self.rows if r.required and r.holds]

    @property
    def suggested(self) -> list[str]:
        return [r.code for r in self.rows if not r.required and r.holds]


def _years(s: Sentence) -> float:
    years = s.years + s.months / 12 + (s.weeks * 7 + s.days) / 365.25
    return max(years, float(regime.DEREGISTER_SENTENCE_YEARS)) if s.five_years_or_more else years


def long_sentences(person_id: int, as_of: datetime.date) -> list[Sentence]:
    """Custodial sentences of 5 years or more being served on ``as_of`` (not yet released)."""
    return long_sentences_many([(person_id, as_of)])[(person_id, as_of)]


def long_sentences_many(wanted: Iterable[tuple[int, datetime.date]]) -> dict[tuple[int, datetime.date], list[Sentence]]:
    """``long_sentences`` for each (person id, day) of ``wanted`` (e.g. every person on one day, or
    each deregistration on the day it was approved), the sentences read in one query."""
    from iomhub.justice.models import Sentence
    from iomhub.justice.models.sentences import may_be_five_years_or_more

    found: dict[tuple[int, datetime.date], list[Sentence]] = {key: [] for key in wanted}
    if not found:
        return found
    days: dict[int, list[datetime.date]] = {}
    for pid, day in found:
        days.setdefault(pid, []).append(day)
    # Released before the earliest day asked about: served on every day asked about (not read).
    running = Q(effective_release_date__isnull=True) | Q(effective_release_date__gt=min(day for _, day in found))
    sentences = Sentence.objects.filter(
        may_be_five_years_or_more(), running, person_id__in=list(days), sentenced_on__lte=max(day for _, day in found)
    )
    for s in sentences:
        if not s.five_years_or_more:
            continue
        for day in days[s.person_id]:
            if s.sentenced_on <= day and (s.effective_release_date is None or s.effective_release_date > day):
                found[(s.person_id, day)].append(s)
    return found


def advise(registration: Registration, as_of: datetime.date, *, lens: Lens | None = None) -> Advice:
    return advise_many([registration], as_of, lens=lens)[registration.pk]


def advise_many(registrations: Sequence[Registration], as_of: datetime.date, *, lens: Lens | None = None) -> dict[int, Advice]:
    """``advise`` for each of ``registrations`` (by id), the timeline and the justice record read in
    bulk: a fixed number of queries however many registrations. ``lens``: the reader's view (rules
    whose sections it does not see are withheld; the justice record is not even read); None for the
    whole record (a service deciding, not a reader)."""
    from iomhub.justice.selectors import mappa_levels

    justice_shared = lens is None or lens.sees(Section.JUSTICE)

    ids = sorted({r.person_id for r in registrations})
    facts: dict[int, evidence.CaseworkFacts] = {}
    pending = list(registrations)
    while pending:  # one round per registration of the same person (almost always one round)
        batch: dict[int, Registration] = {}
        rest = []
        for r in pending:
            if r.person_id in batch:
                rest.append(r)
            else:
                batch[r.person_id] = r
        found = evidence.deregistration_facts_many(since={pid: r.started_on for pid, r in batch.items()}, as_of=as_of)
        facts.update({r.pk: found[pid] for pid, r in batch.items()})
        pending = rest
    sentences = long_sentences_many((pid, as_of) for pid in ids) if justice_shared else {}
    mappa = mappa_levels(person_ids=ids, as_of=as_of) if justice_shared else {}
    return {
        r.pk: _project(_advise(r, as_of, facts[r.pk], sentences.get((r.person_id, as_of), []), mappa.get(r.person_id)), lens)
        for r in registrations
    }


def required_many(registrations: Sequence[Registration], as_of: datetime.date, *, lens: Lens | None = None) -> dict[int, list[str]]:
    """``advise_many(...)[pk].required`` for each of ``registrations`` (by id): the rules that
    require deregistration (a custodial sentence of 5 years or more, MAPPA level 3) hold on the
    justice record alone, so only it is read (two queries; nothing where ``lens`` does not see it),
    not the timeline the suggested rules need (the meeting agenda)."""
    from iomhub.justice.selectors import mappa_levels

    if lens is not None and not all(rule_shown(lens, code) for code in REQUIRED):
        return {r.pk: [] for r in registrations}
    ids = sorted({r.person_id for r in registrations})
    sentences = long_sentences_many((pid, as_of) for pid in ids)
    mappa = mappa_levels(person_ids=ids, as_of=as_of) if ids else {}
    found = {}
    for r in registrations:
        served = sentences[(r.person_id, as_of)]
        in_force = mappa.get(r.person_id)
        advice = regime.deregistration(
            today=as_of,
            mappa_level=in_force.level if in_force is not None else None,
            custodial_sentence_years=max((_years(s) for s in served), default=None),
        )
        found[r.pk] = list(advice.required)
    return found


def _project(advice: Advice, lens: Lens | None) -> Advice:
    """``advice`` as ``lens`` may read it: each rule whose sections are not all shared is withheld
    (the same text whatever it held), and the release and MAPPA facts go with the justice record."""
    if lens is None:
        return advice
    rows = [row if rule_shown(lens, row.code) else RuleRow(row.code, None, WITHHELD, withheld=True) for row in advice.rows]
    justice = lens.sees(Section.JUSTICE)
    return replace(
        advice,
        rows=rows,
        justice_shared=justice,
        reconsider_from=advice.reconsider_from if justice else None,
        release_on=advice.release_on if justice else None,
        sentences=advice.sentences if justice else [],
        mappa=advice.mappa if justice else None,
    )


@dataclass(frozen=True)
class RecordedRules:
    """What a deregistration recorded of the rules when it was approved, as one reader may read it."""

    required_by: list[str]
    suggested_by: list[str]
    exceptional: bool | None  # None: withheld (the reader does not see every required rule)
    withheld: list[str]  # the rules not shared with the reader, whether or not they held


def recorded_rules(record: Deregistration, lens: Lens) -> RecordedRules:
    """A deregistration's ``required_by``, ``suggested_by`` and ``exceptional`` as ``lens`` may read
    them, the same projection as the rules' rows (``rule_shown``): a rule whose sections the reader
    does not all see is left out of the lists, and named in ``withheld`` whatever it held (the list
    is the same for every deregistration the reader reads, so it says nothing of this one).
    ``exceptional`` (removal before six months when no rule required it) says whether a required
    rule held, so it is given only to a reader shown every required rule, else None. Every reader of
    a stored deregistration's rules calls this (issue 9 finding 1; the API, ``cohort.api``)."""
    shown = {code for code in (*REQUIRED, *SUGGESTED) if rule_shown(lens, code)}
    return RecordedRules(
        required_by=[code for code in record.required_by if code in shown],
        suggested_by=[code for code in record.suggested_by if code in shown],
        exceptional=record.exceptional if all(code in shown for code in REQUIRED) else None,
        withheld=[code for code in (*REQUIRED, *SUGGESTED) if code not in shown],
    )


def _advise(
    registration: Registration,
    as_of: datetime.date,
    facts: evidence.CaseworkFacts,
    sentences: list[Sentence],
    mappa: MappaManagement | None,
) -> Advice:
    advice = _rules(registration, as_of, facts, sentences, mappa)
    why = dict(zip(advice.required + advice.suggested, advice.breakdown, strict=True))
    held = set(why)

    def row(code: str, known: bool, otherwise: str, unknown: str = NOT_KNOWN) -> RuleRow:
        if code in held:
            return RuleRow(code, True, why[code])
        return RuleRow(code, False if known else None, otherwise if known else unknown)

    releases = [d for d in (s.effective("release_date") for s in sentences) if d is not None]
    release = min(releases, default=None)
    rows = [
        # The whole record: a reader without the justice section has these rows withheld by ``_project``.
        row("custodial-sentence-5-years", True, "No custodial sentence of 5 years or more being served"),
        row("mappa-level-3", True, _mappa_evidence(mappa)),
        row(
            "no-intelligence-3-months",
            facts.intelligence_known,
            f"Intelligence recorded on {facts.last_intelligence_on.day} {facts.last_intelligence_on:%b %Y}, within 3 months"
            if facts.last_intelligence_on
            else "Less than 3 months on the scheme",
        ),
        row(
            "drug-tests-negative",
            facts.drug_test_results is not None,
            "No drug tests recorded" if not facts.drug_test_results else "At least one recent drug test was positive",
        ),
        row(
            "good-attendance",
            facts.appointments_due is not None and facts.appointments_kept is not None,
            f"{facts.appointments_kept} of {facts.appointments_due} appointments kept" if facts.appointments_due else "No appointments due",
        ),
        row("risk-fallen", facts.risk_fallen is not None, facts.risk_evidence or "Assessed risk has not fallen"),
        row("managed-elsewhere", True, "No other forum recorded on the registration"),
    ]
    if facts.risk_fallen and facts.risk_evidence:
        rows[5] = RuleRow("risk-fallen", True, facts.risk_evidence)
    if registration.other_forum:
        rows[6] = RuleRow("managed-elsewhere", True, f"Risk managed by {registration.other_forum} (002 §2)")
    return Advice(
        as_of=as_of,
        rows=rows,
        earliest=regime.earliest_deregistration(registered_on=registration.started_on),
        justice_shared=True,
        reconsider_from=regime.reconsider_reregistration_from(release_date=release) if release else None,
        release_on=release,
        sentences=sentences,
        mappa=mappa,
    )


def _rules(
    registration: Registration,
    as_of: datetime.date,
    facts: evidence.CaseworkFacts,
    sentences: list[Sentence],
    mappa: MappaManagement | None,
) -> Any:
    """The deregistration rules (``regime.deregistration``) on what is known: a fact not known is not passed."""
    mappa_level = mappa.level if mappa is not None else None
    kwargs: dict[str, object] = {}
    if sentences:
        kwargs["custodial_sentence_years"] = max(_years(s) for s in sentences)
    if facts.intelligence_known:
        kwargs["last_intelligence_on"] = facts.last_intelligence_on
        kwargs["registered_on"] = registration.started_on
    if facts.drug_test_results is not None:
        kwargs["drug_test_results"] = tuple(facts.drug_test_results)
    attendance_known = facts.appointments_due is not None and facts.appointments_kept is not None
    if attendance_known:
        kwargs["appointments_kept"] = facts.appointments_kept
        kwargs["appointments_due"] = facts.appointments_due
    advice = regime.deregistration(
        today=as_of,
        mappa_level=mappa_level,
        risk_fallen=bool(facts.risk_fallen),
        managed_in_another_forum=bool(registration.other_forum),
        **kwargs,  # type: ignore[arg-type]
    )
    return advice


def _mappa_evidence(mappa: MappaManagement | None) -> str:
    if mappa is None:
        return "No MAPPA level recorded on the justice record"
    if mappa.level is None:
        return f"MAPPA management ended on {mappa.from_date.day} {mappa.from_date:%b %Y}"
    return f"MAPPA level {mappa.level} from {mappa.from_date.day} {mappa.from_date:%b %Y}, recorded by {mappa.recorded_by_name}"
