"""Every read of the justice record goes through here: authorised (section ``justice``) and audited.

Also the facts the cohort's eligibility screening needs (``screening_facts``, the adapter contract in
``iomhub.cohort.screening``) and the prompts for the caseload (``iomhub.rules.prompts``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from iomhub import clock
from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.models import AuditAction, Section
from iomhub.access.policy import Action, can, decide, people_filter
from iomhub.justice.models import (
    Arrest,
    CourtOutcome,
    CustodyEpisode,
    Disposal,
    MappaManagement,
    NeighbourhoodCrime,
    Offence,
    PssBreach,
    Recall,
    Sentence,
    SupervisionConditions,
    Warrant,
)
from iomhub.justice.models.sentences import may_be_five_years_or_more
from iomhub.people import selectors as people_selectors
from iomhub.people.models import Person
from iomhub.people.selectors import person_get_for
from iomhub.rules import prompts as rules_prompts
from iomhub.rules.dates import add_months
from iomhub.rules.eligibility import JusticeFacts
from iomhub.rules.offending import OTHER, OffendingChart, offending_by_quarter
from iomhub.rules.regime import LIVE_LIST_WEEKS
from iomhub.slots import Slot

if TYPE_CHECKING:
    from iomhub.access.models import User
SECTION = Section.JUSTICE
CHART_CATEGORIES = (*NeighbourhoodCrime.values, OTHER)
CHART_LABELS = {**{c.value: str(c.label) for c in NeighbourhoodCrime}, OTHER: "Other offences"}


@dataclass
class JusticeRecord:
    person: Person
    arrests: list[Arrest] = field(default_factory=list)
    offences: list[Offence] = field(default_factory=list)
    outcomes: list[CourtOutcome] = field(default_factory=list)
    warrants: list[Warrant] = field(default_factory=list)
    custody: list[CustodyEpisode] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    recalls: list[Recall] = field(default_factory=list)
    breaches: list[PssBreach] = field(default_factory=list)
    mappa: list[MappaManagement] = field(default_factory=list)  # oldest first
    prompts: list[rules_prompts.Prompt] = field(default_factory=list)
    registrations: list[tuple[datetime.date, datetime.date | None]] = field(default_factory=list)
    may_change: bool = False
    sources: dict[tuple[str, int], Source] = field(default_factory=dict)  # (kind, id): where a feed wrote it from


def _load(person: Person) -> JusticeRecord:
    record = JusticeRecord(
        person=person,
        arrests=list(Arrest.objects.filter(person=person).prefetch_related("offences__code")),
        offences=list(Offence.objects.filter(person=person).select_related("code", "arrest")),
        outcomes=list(CourtOutcome.objects.filter(person=person).prefetch_related("offences__code")),
        warrants=list(Warrant.objects.filter(person=person)),
        custody=list(CustodyEpisode.objects.filter(person=person)),
        sentences=list(Sentence.objects.filter(person=person).select_related("offence__code", "overridden_by", "conditions")),
        recalls=list(Recall.objects.filter(person=person).select_related("sentence")),
        breaches=list(PssBreach.objects.filter(person=person).select_related("sentence")),
        mappa=list(MappaManagement.objects.filter(person=person)),
    )
    record.prompts = person_prompts(record, clock.today())
    record.registrations = _registration_periods.step()(person.pk) if _registration_periods.installed else []
    return record


# The IOM registrations drawn on the offending chart are cohort's record, a layer above justice
# (ADR 0032): cohort installs the reader when it loads (``CohortConfig.ready``); none, none drawn.
RegistrationPeriods = Callable[[int], list[tuple[datetime.date, datetime.date | None]]]
_registration_periods: Slot[RegistrationPeriods] = Slot("reader of registration periods", installed_by="cohort (CohortConfig.ready)")


def install(*, registration_periods: RegistrationPeriods) -> None:
    _registration_periods.install(registration_periods)


# Where a record a feed wrote came from and why it is this person (issue 11 §3): the feeds' links,
# a layer above justice (ADR 0032). Feeds installs the reader (``FeedsConfig.ready``); none
# installed, nothing says a feed wrote it. Part of the justice section: read only here, with the
# record, by ``justice_record_for`` (authorised and audited as a view of the section).
ARREST, OFFENCE, COURT_OUTCOME, SENTENCE_OVERRIDE = "arrest", "offence", "court-outcome", "sentence-override"


@dataclass(frozen=True)
class Source:
    """One feed row a record came from: the feed, the import and line, how the row was linked to
    the person (``method`` and its label) and the fields that agreed, in words; for a row decided on
    the review queue, who decided and when; ``run_url`` only for a reader who may open the import."""

    feed: str
    run: int
    line: int
    method: str
    method_label: str
    agreed: tuple[str, ...] = ()
    decided_by: str = ""
    decided_at: datetime.datetime | None = None
    run_url: str = ""
    match_probability: float | None = None  # a probable match's, as the model scored it

    @property
    def how(self) -> str:
        """How the row was linked, as a police officer reads it: "linked on PNC ID", "probable
        match", "decided on review by Sam Coordinator, 3 December 2026", "new person created"."""
        if self.method == "reviewed":
            when = f", {timezone.localtime(self.decided_at):%-d %B %Y}" if self.decided_at else ""
            return f"decided on review by {self.decided_by or 'a coordinator'}{when}"
        if self.match_probability is not None:
            return f"probable match (match probability {self.match_probability:.3f})"
        return LINK_WORDS.get(self.method, self.method_label[:1].lower() + self.method_label[1:])

    @property
    def agreed_text(self) -> str:
        """The fields that agreed ("family name, given name, date of birth agreed"); blank for a new person."""
        return f"{', '.join(self.agreed)} agreed" if self.agreed and self.method != "created" else ""

    @property
    def run_page(self) -> str | None:
        return self.run_url or None

    @property
    def text(self) -> str:
        agreed = f": {self.agreed_text}" if self.agreed_text else ""
        return f"{self.feed} feed, import {self.run} line {self.line}: {self.how}{agreed}"


LINK_METHODS = ("prison-no", "pnc", "name-dob", "probable", "created", "reviewed")  # feeds.models.LinkMethod's values
LINK_WORDS = {
    "prison-no": "linked on prison number",
    "pnc": "linked on PNC ID",
    "name-dob": "linked on exact name and date of birth",
    "probable": "probable match",
    "created": "new person created",
}
SourcesReader = Callable[..., dict[tuple[str, int], Source]]  # (user=, person_id=, wanted={kind: ids})
_sources: Slot[SourcesReader] = Slot("reader of where feed records came from", installed_by="feeds (FeedsConfig.ready)")


def _no_sources(**kwargs: object) -> dict[tuple[str, int], Source]:
    return {}


def install_sources(*, sources: SourcesReader) -> None:
    _sources.install(sources)


def _read_sources(user: User, record: JusticeRecord) -> None:
    """Each record's source (``record.sources`` and ``.source`` on each): an offence of an arrest
    or a court outcome a feed wrote came from that row too. A few queries for the whole record."""
    wanted = {
        ARREST: [a.pk for a in record.arrests],
        OFFENCE: [o.pk for o in record.offences],
        COURT_OUTCOME: [c.pk for c in record.outcomes],
        SENTENCE_OVERRIDE: [s.pk for s in record.sentences if s.overridden],
    }
    found = _sources.step_or(_no_sources)(user=user, person_id=record.person.pk, wanted=wanted) if any(wanted.values()) else {}
    by_outcome = {o.pk: found.get((COURT_OUTCOME, c.pk)) for c in record.outcomes for o in c.offences.all()}
    for o in record.offences:
        inherited = found.get((ARREST, o.arrest_id)) if o.arrest_id else None
        source = found.get((OFFENCE, o.pk)) or inherited or by_outcome.get(o.pk)
        if source is not None:
            found[(OFFENCE, o.pk)] = source
    record.sources = found
    for kind, rows in ((ARREST, record.arrests), (OFFENCE, record.offences), (COURT_OUTCOME, record.outcomes)):
        for row in rows:
            setattr(row, "source", found.get((kind, row.pk)))  # noqa: B010  (read by the page and the API's serializers)
    for s in record.sentences:  # the override in force's: none once a person entered the dates after the feed
        setattr(s, "override_source", found.get((SENTENCE_OVERRIDE, s.pk)))  # noqa: B010


def current_mappa(record: JusticeRecord, as_of: datetime.date) -> MappaManagement | None:
    """The MAPPA record in force on ``as_of`` from the record already read (None: never recorded)."""
    return next((m for m in reversed(record.mappa) if m.from_date <= as_of), None)


def mappa_levels(*, person_ids: list[int], as_of: datetime.date) -> dict[int, MappaManagement]:
    """The MAPPA record in force on ``as_of`` for each person that has one (its ``level`` is None
    when MAPPA management had ended): the one source of a person's MAPPA level, read by screening
    and the deregistration rules. One query. The caller authorises and audits its own read."""
    found: dict[int, MappaManagement] = {}
    for m in MappaManagement.objects.filter(person_id__in=person_ids, from_date__lte=as_of).order_by("person_id", "from_date", "id"):
        found[m.person_id] = m
    return found


def custody_periods(record: JusticeRecord) -> list[tuple[datetime.date, datetime.date | None]]:
    """Recorded custody episodes, and the custodial part of each sentence (from the sentence date to
    the day before the release date in force; open while that release is ahead)."""
    periods: list[tuple[datetime.date, datetime.date | None]] = [(e.started_on, e.ended_on) for e in record.custody]
    for s in record.sentences:
        release = s.effective("release_date")
        if release is not None and release > s.sentenced_on:
            periods.append((s.sentenced_on, release - datetime.timedelta(days=1)))
    return periods


def offending_chart(record: JusticeRecord, today: datetime.date) -> OffendingChart:
    """Offences by neighbourhood-crime category per quarter, custody and IOM registration periods
    (issue 4 §7), from the record already read (and audited) by ``justice_record_for``."""
    return offending_by_quarter(
        offences=[(o.committed_on, o.code.neighbourhood_crime or OTHER) for o in record.offences],
        categories=CHART_CATEGORIES,
        today=today,
        custody=custody_periods(record),
        registrations=record.registrations,
    )


def justice_record_for(*, user: User, person_id: int | str) -> JusticeRecord:
    """A person's whole justice record; the same 404 as ``person_get_for`` for missing or hidden
    people, 403 (audited) when the person is visible but the justice section is not shared."""
    person = person_get_for(user=user, person_id=person_id, section=SECTION)  # authorises and audits the view
    record = _load(person)
    _read_sources(user, record)  # part of the section just authorised and audited
    record.may_change = can(user, Action.PERSON_CHANGE, person, section=SECTION)
    return record


def person_for_change(*, user: User, person_id: int | str) -> Person:
    """The person, if ``user`` may change their justice record; refused (audited) before any form
    is shown. The read is audited as a view of the justice section."""
    return people_selectors.person_for_change(user=user, person_id=person_id, section=SECTION)


def sentence_for(*, person: Person, sentence_id: int | str) -> Sentence:
    """One of ``person``'s sentences (the caller has authorised the person); 404 otherwise."""
    try:
        return Sentence.objects.get(pk=int(sentence_id), person=person)
    except (Sentence.DoesNotExist, ValueError, TypeError, OverflowError):
        from django.http import Http404

        raise Http404("No such sentence") from None


def conditions_for(*, sentence: Sentence) -> SupervisionConditions | None:
    """The conditions recorded for ``sentence`` (the caller has authorised the person), if any."""
    return SupervisionConditions.objects.filter(sentence=sentence).first()


def warrant_for(*, person: Person, warrant_id: int | str) -> Warrant:
    try:
        return Warrant.objects.get(pk=int(warrant_id), person=person)
    except (Warrant.DoesNotExist, ValueError, TypeError, OverflowError):
        from django.http import Http404

        raise Http404("No such warrant") from None


def _sentence_facts(s: Sentence) -> rules_prompts.SentenceFacts | None:
    if s.years == s.months == s.weeks == s.days == 0:
        return None
    return rules_prompts.SentenceFacts(
        sentence_id=s.pk, sentenced_on=s.sentenced_on, release_date=s.effective("release_date"), five_years_or_more=s.five_years_or_more
    )


def _recall_facts(r: Recall) -> rules_prompts.RecallFacts:
    return rules_prompts.RecallFacts(
        recall_id=r.pk,
        recalled_on=timezone.localdate(r.recalled_at),
        ends_on=r.release_date or r.sentence.effective("expiry_date"),
        report_due_at=timezone.localtime(r.report_due_at),
    )


def _warrant_facts(w: Warrant, arrest_days: Sequence[datetime.date], today: datetime.date) -> rules_prompts.WarrantFacts:
    """The warrant, with the person's first arrest on or after its issue up to ``today`` (of
    ``arrest_days``, the days they were arrested, read once for all their warrants): the
    ``warrant-arrested`` prompt's fact."""
    since = min((day for day in arrest_days if w.issued_on <= day <= today), default=None)
    return rules_prompts.WarrantFacts(
        warrant_id=w.pk, kind=w.get_kind_display(), issued_on=w.issued_on, executed_on=w.executed_on, arrested_on=since
    )


def person_prompts(record: JusticeRecord, today: datetime.date) -> list[rules_prompts.Prompt]:
    arrest_days = [a.arrested_on for a in record.arrests]
    return rules_prompts.prompts(
        today=today,
        sentences=[f for f in (_sentence_facts(s) for s in record.sentences) if f is not None],
        recalls=[_recall_facts(r) for r in record.recalls],
        warrants=[_warrant_facts(w, arrest_days, today) for w in record.warrants],
    )


@dataclass(frozen=True)
class CaseloadPrompt:
    person_id: int
    prompt: rules_prompts.Prompt


def caseload_prompts(
    *, user: User, as_of: datetime.date | None = None, person_ids: Iterable[int] | None = None, releases_only: bool = False
) -> list[CaseloadPrompt]:
    """Prompts for every person ``user`` may see the justice record of (of ``person_ids`` when
    given: the dashboard's cases), for the caseload dashboard and the meeting agenda. Only sentences
    released within 12 months (or long sentences still running), open recalls and outstanding
    warrants are read: a few queries whatever the size. ``releases_only``: the prompts of the
    releases in the next 12 weeks alone (the dashboard's ``live-list``), from the sentences released
    by then, in one query; recalls and warrants are not read."""
    today = as_of or clock.today()
    if not decide(user, Action.PERSON_SEARCH) or not can_see_justice_at_all(user):
        deny(user=user, action=Action.PERSON_VIEW, reason="role may not see justice records")
    visible = Person.objects.filter(people_filter(user))
    if person_ids is not None:
        visible = visible.filter(pk__in=sorted(set(person_ids)))
    visible_ids = visible.values("pk")
    horizon = add_months(today, 12)  # the reconsider prompt shows 12 months before release
    # Long sentences (deregister) however they were entered - 5 years, 60 months, 3 years 30 months: a
    # superset here, decided exactly by ``Sentence.five_years_or_more`` below.
    maybe_long = Q(may_be_five_years_or_more())
    sentences = Sentence.objects.filter(person__in=visible_ids, sentenced_on__lte=today).filter(
        Q(effective_release_date__gte=today, effective_release_date__lte=horizon)
        | (Q(effective_release_date__gte=today) | Q(effective_release_date__isnull=True)) & maybe_long
    )
    if releases_only:  # the live list's 12 weeks (a day's margin), decided exactly by the rule below
        sentences = Sentence.objects.filter(
            person__in=visible_ids,
            sentenced_on__lte=today,
            effective_release_date__gte=today,
            effective_release_date__lte=today + datetime.timedelta(weeks=LIVE_LIST_WEEKS, days=1),
        )
    recalls = Recall.objects.filter(person__in=visible_ids, recalled_at__date__lte=today).select_related("sentence")
    warrants = Warrant.objects.filter(person__in=visible_ids, issued_on__lte=today).filter(
        Q(executed_on__isnull=True) | Q(executed_on__gt=today)
    )
    found: list[CaseloadPrompt] = []
    for s in sentences:
        facts = _sentence_facts(s)
        if facts is not None:
            found += [
                CaseloadPrompt(s.person_id, p)
                for p in rules_prompts.sentence_prompts(facts, today)
                if not releases_only or p.code == "live-list"
            ]
    if releases_only:
        recalls, warrants = Recall.objects.none(), Warrant.objects.none()
    for r in recalls:
        found += [CaseloadPrompt(r.person_id, p) for p in rules_prompts.recall_prompts(_recall_facts(r), today)]
    outstanding = list(warrants)
    arrest_days: dict[int, list[datetime.date]] = defaultdict(list)
    if outstanding:  # the wanted people's arrests, for ``warrant-arrested`` (one query)
        wanted = sorted({w.person_id for w in outstanding})
        for person_id, day in Arrest.objects.filter(person_id__in=wanted, arrested_on__lte=today).values_list("person_id", "arrested_on"):
            arrest_days[person_id].append(day)
    for w in outstanding:
        found += [
            CaseloadPrompt(w.person_id, p) for p in rules_prompts.warrant_prompts(_warrant_facts(w, arrest_days[w.person_id], today), today)
        ]
    audit.record(
        actor=user,
        action=AuditAction.SEARCH,
        object_type="justice-prompts",
        changes={"section": SECTION, "as_of": today, "people": sorted({p.person_id for p in found})},
    )
    return sorted(found, key=lambda c: (c.prompt.shows_from, c.person_id, c.prompt.code))


def can_see_justice_at_all(user: User) -> bool:
    from iomhub.access.policy import sections_for

    return SECTION in sections_for(user)


def screening_facts(*, person_ids: list[int] | None, as_of: datetime.date) -> dict[int, JusticeFacts]:
    """The facts eligibility screening needs (the contract in ``iomhub.cohort.screening``): arrests,
    offences with their neighbourhood-crime category, custodial sentences, community-order
    non-compliance (a breach warrant) and the MAPPA level in force (``MappaManagement``). ``person_ids=None``: everyone with an arrest, offence or
    sentence in the twelve months up to ``as_of``. The caller authorises and audits its own read."""
    year_ago = add_months(as_of, -12)
    if person_ids is None:
        ids: set[int] = set(Arrest.objects.filter(arrested_on__gt=year_ago, arrested_on__lte=as_of).values_list("person_id", flat=True))
        ids |= set(Offence.objects.filter(committed_on__gt=year_ago, committed_on__lte=as_of).values_list("person_id", flat=True))
        ids |= set(Sentence.objects.filter(sentenced_on__gt=year_ago, sentenced_on__lte=as_of).values_list("person_id", flat=True))
        wanted = sorted(ids)
    else:
        wanted = list(person_ids)
    arrests: dict[int, list[datetime.date]] = defaultdict(list)
    for pid, day in Arrest.objects.filter(person_id__in=wanted, arrested_on__lte=as_of).values_list("person_id", "arrested_on"):
        arrests[pid].append(day)
    offences: dict[int, list[tuple[datetime.date, str]]] = defaultdict(list)
    for pid, day, category in Offence.objects.filter(person_id__in=wanted, committed_on__lte=as_of).values_list(
        "person_id", "committed_on", "code__neighbourhood_crime"
    ):
        offences[pid].append((day, category or "other"))
    custodial: dict[int, list[tuple[datetime.date, int]]] = defaultdict(list)
    for pid, day, length in Sentence.objects.filter(person_id__in=wanted, sentenced_on__lte=as_of, length_days__isnull=False).values_list(
        "person_id", "sentenced_on", "length_days"
    ):
        if length is not None:
            custodial[pid].append((day, length))
    breached = set(
        Warrant.objects.filter(person_id__in=wanted, kind=Warrant.Kind.BREACH, issued_on__lte=as_of, issued_on__gt=year_ago).values_list(
            "person_id", flat=True
        )
    )
    on_order = set(
        CourtOutcome.objects.filter(
            person_id__in=wanted, disposal__in=[Disposal.COMMUNITY, Disposal.SUSPENDED], decided_on__lte=as_of
        ).values_list("person_id", flat=True)
    )
    mappa = {pid: m.level for pid, m in mappa_levels(person_ids=wanted, as_of=as_of).items()}
    people = set(arrests) | set(offences) | set(custodial) | (breached & on_order) | {pid for pid, level in mappa.items() if level}
    return {
        pid: JusticeFacts(
            arrest_dates=tuple(sorted(arrests[pid])),
            offences=tuple(sorted(offences[pid])),
            custodial_sentences=tuple(sorted(custodial[pid])),
            community_order_non_compliance=pid in breached and pid in on_order,
            mappa_level=mappa.get(pid),
        )
        for pid in sorted(people)
    }
