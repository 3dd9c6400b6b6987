"""Reads of registrations: authorised through the access policy and audited, like every read."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet

from iomhub import clock
from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.models import AuditAction, Section
from iomhub.access.policy import Action, can, decide, people_filter, sections_for
from iomhub.access.projection import Lens, lens_for, lens_of_sections

# The candidate list has a module of its own (issue 15); its names stay importable from here.
from iomhub.cohort.candidates import Candidates as Candidates
from iomhub.cohort.candidates import candidate_list as candidate_list
from iomhub.cohort.models import OPEN_TRANSFER, ChecklistEntry, Registration, Transfer
from iomhub.rules import regime as rules_regime
from iomhub.rules.regime import ReviewDue

if TYPE_CHECKING:
    from iomhub.access.models import Team, User
    from iomhub.cohort.advice import Advice
    from iomhub.cohort.screening import Screening
    from iomhub.people.models import Person

# Registration belongs to the plan section of a record: who is on IOM, at what level, with what
# administration done (partners see it where their agreement shares the plan).
SECTION = Section.PLAN


def registrations_for_person(*, user: User, person: Person) -> list[Registration] | None:
    """A visible person's registrations, newest first, or None when the user may not see this
    section. The caller has already read (and audited) the person; this read is audited too."""
    decision = decide(user, Action.PERSON_VIEW, person, section=SECTION)
    if not decision:
        return None
    registrations = list(_lifecycle_queryset().filter(person=person))
    today = clock.today()
    for r in registrations:
        current = r.is_current and r.started_on <= today
        r.regime = regime_seen_by(user=user, registration=r, as_of=today) if current else None  # type: ignore[attr-defined]
    if registrations:
        audit.record_read(
            actor=user,
            decision=decision,
            object_type="registration",
            object_id=registrations[0].pk,
            person_id=person.pk,
            changes={"section": SECTION, "registrations": [r.pk for r in registrations]},
        )
    return registrations


def registration_get_for_management(*, user: User, registration_id: int | str, action: Action = Action.COHORT_MANAGE) -> Registration:
    """One registration for the coordinator or chair to manage (or ``action``: the RAG level, the
    chair's decisions); 404 for missing or not visible."""
    try:
        registration = _lifecycle_queryset().get(pk=int(registration_id))
    except (Registration.DoesNotExist, ValueError, TypeError, OverflowError):
        deny(user=user, action=action, reason="no such registration", object_type="registration", not_found=True)
    decision = decide(user, action)
    visible = decide(user, Action.PERSON_VIEW, registration.person, section=SECTION)
    if not (decision and visible):
        deny(
            user=user,
            action=action,
            reason=decision.reason if not decision else visible.reason,
            object_type="registration",
            object_id=registration.pk,
            person_id=registration.person_id,
            not_found=not visible,
        )
    audit.record_read(actor=user, decision=visible, object_type="registration", object_id=registration.pk, person_id=registration.person_id)
    return registration


def outstanding_checklist(*, user: User) -> Sequence[Registration]:
    """Current registrations of people the user sees with administration still to do (the
    coordinator's page). Audited with the people listed."""
    decision = decide(user, Action.COHORT_MANAGE)
    if not decision:
        deny(user=user, action=Action.COHORT_MANAGE, reason=decision.reason, object_type="registration")
    outstanding = ChecklistEntry.objects.filter(done_on__isnull=True, not_applicable=False)
    registrations = list(
        Registration.objects.filter(ended_on__isnull=True, checklist__in=outstanding)
        .filter(person__in=_visible_people(user))
        .distinct()
        .select_related("person")
        .prefetch_related(Prefetch("checklist", queryset=outstanding, to_attr="outstanding"))
        .order_by("started_on", "id")
    )
    audit.record_shown(
        actor=user,
        person_ids=[r.person_id for r in registrations],
        object_type="registration",
        changes={"purpose": "outstanding administration", "results": [r.person_id for r in registrations]},
    )
    return registrations


def outstanding_removals(*, user: User) -> Sequence[Registration]:
    """Ended registrations of people the user sees whose removal checklist (002 appendix 2) is not
    complete, with ``outstanding`` set to the items still to do. Audited with the people listed."""
    from iomhub.cohort.models import RemovalEntry

    decision = decide(user, Action.COHORT_MANAGE)
    if not decision:
        deny(user=user, action=Action.COHORT_MANAGE, reason=decision.reason, object_type="registration")
    outstanding = RemovalEntry.objects.filter(done_on__isnull=True, not_applicable=False)
    registrations = list(
        Registration.objects.filter(deregistration__checklist__in=outstanding, person__in=_visible_people(user))
        .distinct()
        .select_related("person", "deregistration")
        .order_by("ended_on", "id")
    )
    by_record: dict[int, list[RemovalEntry]] = {}
    for entry in outstanding.filter(deregistration__registration__in=registrations):
        by_record.setdefault(entry.deregistration_id, []).append(entry)
    for registration in registrations:
        registration.outstanding = by_record.get(registration.deregistration.pk, [])  # type: ignore[attr-defined]
    audit.record_shown(
        actor=user,
        person_ids=[r.person_id for r in registrations],
        object_type="registration",
        changes={"purpose": "outstanding removal checklist", "results": [r.person_id for r in registrations]},
    )
    return registrations


def _visible_people(user: User) -> QuerySet[Person]:
    from iomhub.people.models import Person

    return Person.objects.filter(people_filter(user)).values("pk")  # type: ignore[return-value]


def screening_for_person(*, user: User, person: Person, as_of: datetime.date) -> Screening:
    """Screen a person the user has read (``person_get_for``) on ``as_of``. The evidence is their
    justice record, so the justice section must be shared with the user; audited as a view."""
    from iomhub.cohort.screening import screen_people

    decision = decide(user, Action.PERSON_VIEW, person, section=Section.JUSTICE)
    if not decision:
        deny(
            user=user,
            action=Action.PERSON_VIEW,
            reason=decision.reason,
            object_type="person",
            object_id=person.pk,
            person_id=person.pk,
        )
    [screening] = screen_people([person], as_of, user=user)
    audit.record_read(
        actor=user,
        decision=decision,
        object_type="screening",
        object_id=person.pk,
        person_id=person.pk,
        changes={
            "section": Section.JUSTICE,
            "as_of": as_of,
            "criteria": list(screening.result.codes),
            "residence": screening.residence,
            "ogrs3_two_year_percent": screening.ogrs3_percent,
        },
    )
    return screening


def area_teams(*, user: User) -> list[Team]:
    """The local teams with the postcode areas and districts each covers (the partnership's area,
    000 §5.7): the coordinator's and chair's to see and set. No personal data."""
    from iomhub.access.models import Team

    decision = decide(user, Action.COHORT_MANAGE)
    if not decision:
        deny(user=user, action=Action.COHORT_MANAGE, reason=decision.reason, object_type="team")
    return list(Team.objects.order_by("name"))


def area_team(*, user: User, team_id: int | str) -> Team:
    """One local team for its coverage to be set; 404 when there is no such team."""
    from django.http import Http404

    teams = {t.pk: t for t in area_teams(user=user)}
    try:
        return teams[int(team_id)]
    except (KeyError, ValueError, TypeError, OverflowError):
        raise Http404("No such team") from None


# ---- the registration's lifecycle: regime, reviews, deregistration, transfers (issue 6) ----------


@dataclass(frozen=True)
class Regime:
    """What the RAG level implies on ``as_of`` (002 appendix 1, §2, §4; 000 §5.7, §6.4)."""

    as_of: datetime.date
    rag: str
    rag_since: datetime.date
    red_until: datetime.date | None  # a transfer-in's 8 weeks as Red (002 §4)
    last_home_visit: datetime.date | None
    timeline_available: bool
    next_home_visit: datetime.date | None
    last_review: datetime.date | None
    review: ReviewDue
    release_on: datetime.date | None = None  # Prison: the next release date, where the justice record is shared
    pre_release_from: datetime.date | None = None
    # The home visits come from the case timeline: where the reader does not see it, the last visit
    # and the next one due (worked out from it) are withheld, not guessed (issue 9 finding 1).
    timeline_shared: bool = True

    @property
    def pre_release_due(self) -> bool:
        return self.pre_release_from is not None and self.as_of >= self.pre_release_from

    @property
    def regime_text(self) -> str:
        return {
            "red-alert": "Wanted: a wanted alert is published to the partnership; priority intelligence sharing",
            "red": "At least one home visit every 7 days and a weekly review",
            "amber": "A home visit at least every 14 days; reviewed at least every three months",
            "green": "A home visit every month and an exit plan in progress",
            "prison": "Pre-release planning from 3 months before the release date",
        }[self.rag]

    @property
    def home_visit_overdue(self) -> bool:
        return self.next_home_visit is not None and self.as_of > self.next_home_visit

    @property
    def review_overdue(self) -> bool:
        return self.as_of > self.review.due

    @property
    def red_alert(self) -> bool:
        return self.rag == "red-alert"


def regime_seen_by(*, user: User, registration: Registration, as_of: datetime.date) -> Regime:
    """The regime of a current registration the user has read, as their view of the person allows:
    the release date only with the justice record (``next_release_for``), the home visits only with
    the timeline."""
    release = next_release_for(user=user, person=registration.person, as_of=as_of) if registration.rag == "prison" else None
    return regime_of(registration, as_of, release_on=release, lens=lens_for(user, registration.person))


def regime_of(
    registration: Registration, as_of: datetime.date, *, release_on: datetime.date | None = None, lens: Lens | None = None
) -> Regime:
    """The regime of a current registration on ``as_of``: pure rules over what is recorded, with the
    last home visit from the case timeline when it is there (``cohort.evidence``). Callers have
    authorised the read of ``registration``; ``release_on`` (see ``next_release_for``) only where
    the user may see the justice record. The one-registration case of ``regimes_of``."""
    return regimes_of([registration], as_of, release_on={registration.pk: release_on}, lens=lens)[registration.pk]


def regimes_of(
    registrations: Sequence[Registration],
    as_of: datetime.date,
    *,
    release_on: Mapping[int, datetime.date | None] | None = None,
    lens: Lens | None = None,
) -> dict[int, Regime]:
    """``regime_of`` for each of ``registrations`` (by id), the last home visits read in one query
    (their RAG history and reviews prefetched by the caller, as ``_lifecycle_queryset`` does).
    ``release_on``: registration id to its next release date, where the user may see it. ``lens``:
    the reader's view (without the timeline, no home visits are read or shown); None for all."""
    from iomhub.cohort import evidence

    shared = lens is None or lens.sees(Section.TIMELINE)
    person_ids = sorted({r.person_id for r in registrations})
    visits = evidence.last_home_visits(person_ids=person_ids, as_of=as_of) if shared else {}
    available = evidence.timeline_available()
    releases = release_on or {}
    found = {r.pk: _regime(r, as_of, visits.get(r.person_id), available, releases.get(r.pk)) for r in registrations}
    if shared:
        return found
    return {pk: replace(r, last_home_visit=None, next_home_visit=None, timeline_shared=False) for pk, r in found.items()}


def _regime(
    registration: Registration,
    as_of: datetime.date,
    visit: datetime.date | None,
    timeline_available: bool,
    release_on: datetime.date | None,
) -> Regime:
    from iomhub.rules import regime

    # Read from the lists ``_dashboard_rows`` attached (no per-row querysets), or the prefetch.
    history = getattr(registration, "rag_rows", None)
    if history is None:
        history = list(registration.rag_history.all())
    rag_since = max((c.changed_on for c in history if c.changed_on <= as_of), default=registration.started_on)
    rag_since = max(rag_since, registration.started_on)
    reviewed = getattr(registration, "review_rows", None)
    if reviewed is None:
        reviewed = list(registration.reviews.all())
    reviews = [r.reviewed_on for r in reviewed if r.reviewed_on <= as_of]
    last_review = max(reviews, default=None)
    red_until = None
    if registration.transferred_in_on:
        red_until = regime.transfer_in_red_until(transferred_in_on=registration.transferred_in_on)
    rag = regime.effective_rag(assessed_rag=registration.rag, transferred_in_on=registration.transferred_in_on, today=as_of)
    return Regime(
        as_of=as_of,
        rag=rag,
        rag_since=rag_since,
        red_until=red_until if red_until and as_of <= red_until else None,
        last_home_visit=visit,
        timeline_available=timeline_available,
        next_home_visit=regime.next_home_visit_due(rag=rag, rag_since=rag_since, last_home_visit=visit),
        last_review=last_review,
        review=regime.review_due(
            rag=rag,
            registered_on=registration.started_on,
            rag_since=rag_since,
            last_review=last_review,
            transferred_in_on=registration.transferred_in_on,
        ),
        release_on=release_on if rag == "prison" else None,
        pre_release_from=regime.pre_release_planning_from(release_date=release_on) if release_on and rag == "prison" else None,
    )


def next_release_for(*, user: User, person: Person, as_of: datetime.date) -> datetime.date | None:
    """The person's next release date from custody (the justice record's effective date), or None
    when there is none or the justice section is not shared with ``user``. A read of the justice
    section, audited as one (as break-glass when the chair sees the person only so)."""
    from iomhub.justice.models import Sentence

    decision = decide(user, Action.PERSON_VIEW, person, section=Section.JUSTICE)
    if not decision:
        return None
    found: datetime.date | None = (
        Sentence.objects.filter(person=person, sentenced_on__lte=as_of, effective_release_date__gt=as_of)
        .order_by("effective_release_date")
        .values_list("effective_release_date", flat=True)
        .first()
    )
    audit.record_read(
        actor=user,
        decision=decision,
        object_type="release-date",
        object_id=person.pk,
        person_id=person.pk,
        changes={"section": Section.JUSTICE, "as_of": as_of, "next_release": found},
    )
    return found


def _lifecycle_queryset() -> QuerySet[Registration]:
    return Registration.objects.select_related("person", "referral").prefetch_related(
        "rag_history", "reviews", "checklist", "transfers", "deregistration__checklist"
    )


def _regime_queryset() -> QuerySet[Registration]:
    """What ``regimes_of`` and ``advise_many`` read of a registration (the dashboard, reviews due,
    the agenda): the person, the RAG history and the reviews."""
    return Registration.objects.select_related("person").prefetch_related("rag_history", "reviews")


def registration_for_view(*, user: User, registration_id: int | str) -> Registration:
    """One registration for a user who sees its person's plan section; 404 otherwise. Audited."""
    try:
        registration = _lifecycle_queryset().get(pk=int(registration_id))
    except (Registration.DoesNotExist, ValueError, TypeError, OverflowError):
        deny(user=user, action=Action.PERSON_VIEW, reason="no such registration", object_type="registration", not_found=True)
    visible = decide(user, Action.PERSON_VIEW, registration.person, section=SECTION)
    if not visible:
        deny(
            user=user,
            action=Action.PERSON_VIEW,
            reason=visible.reason,
            object_type="registration",
            object_id=registration.pk,
            person_id=registration.person_id,
            not_found=True,
        )
    audit.record_read(
        actor=user,
        decision=visible,
        object_type="registration",
        object_id=registration.pk,
        person_id=registration.person_id,
        changes={"section": SECTION},
    )
    return registration


def regime_for(*, user: User, registrations: Sequence[Registration], as_of: datetime.date) -> dict[int, Regime]:
    """The regime (next home visit, review due, overdue flags) of each current registration whose
    person the user sees (for the dashboard), as their sections allow. Not audited here: the caller
    lists the people."""
    return regimes_of(_current_visible(user, registrations, as_of), as_of, lens=lens_of_sections(sections_for(user)))


def _current_visible(user: User, registrations: Sequence[Registration] | None, as_of: datetime.date) -> list[Registration]:
    """The registrations current on ``as_of`` (of ``registrations``, or all) whose person ``user``
    sees, with what the regime and the rules read prefetched: a fixed number of queries. A given list is matched by id
    first and its people checked against the policy's filter among those ids only (a filter on both
    a long id list and the visible-people subquery made SQLite probe every pair: 26 s at 100,000
    people)."""
    queryset = _regime_queryset().filter(ended_on__isnull=True, started_on__lte=as_of)
    if registrations is None:
        return list(queryset.filter(person__in=_visible_people(user)))
    found = list(queryset.filter(pk__in=[r.pk for r in registrations]))
    visible = _visible_among(user, {r.person_id for r in found})
    return [r for r in found if r.person_id in visible]


def _visible_among(user: User, person_ids: Iterable[int]) -> set[int]:
    """Which of ``person_ids`` ``user`` sees (the policy's ``people_filter``), in one query."""
    from iomhub.people.models import Person

    return set(Person.objects.filter(people_filter(user), pk__in=sorted(set(person_ids))).values_list("pk", flat=True))


def dashboard_regimes(
    *, user: User, registrations: Sequence[Registration], as_of: datetime.date, within_days: int
) -> tuple[dict[int, Regime], list[ReviewRow]]:
    """``regime_for`` and ``reviews_due`` for the dashboard in one pass: the registrations (current
    on ``as_of``, person visible to ``user``) read once with their RAG history and reviews, each
    regime worked out once, and the reviews due by ``as_of`` + ``within_days`` taken from those
    regimes. The reviews search is audited as ``reviews_due`` audits it."""
    if not can(user, Action.PERSON_SEARCH):
        deny(user=user, action=Action.PERSON_SEARCH, reason="role may not list people", object_type="registration")
    found = _dashboard_rows(user, registrations, as_of)
    regimes = regimes_of(found, as_of, lens=lens_of_sections(sections_for(user)))
    rows = []
    if _plan_shared(user):
        horizon = as_of + datetime.timedelta(days=within_days)
        for registration in found:
            status = regimes[registration.pk]
            if status.review.due <= horizon:
                rows.append(ReviewRow(registration, status.review.due, status.review.breakdown[0], status.review_overdue))
    rows.sort(key=lambda r: (r.due, r.registration.pk))
    audit.record(
        actor=user,
        action=AuditAction.SEARCH,
        object_type="registration",
        changes={"purpose": "reviews due", "as_of": as_of, "results": [r.registration.person_id for r in rows]},
    )
    return regimes, rows


def _dashboard_rows(user: User, registrations: Sequence[Registration], as_of: datetime.date) -> list[Registration]:
    """``_current_visible`` with the dates of the RAG history and reviews attached as plain lists
    (``rag_rows``, ``review_rows``: all ``_regime`` reads of them): three queries, no queryset or
    model per row (Django's prefetch builds a queryset per registration: a third of a second for 500)."""
    from types import SimpleNamespace

    from iomhub.cohort.models import RagChange, Review

    found = list(
        Registration.objects.select_related("person").filter(
            ended_on__isnull=True, started_on__lte=as_of, pk__in=[r.pk for r in registrations]
        )
    )
    visible = _visible_among(user, {r.person_id for r in found})
    found = [r for r in found if r.person_id in visible]
    ids = [r.pk for r in found]
    history: dict[int, list[SimpleNamespace]] = {pk: [] for pk in ids}
    for pk, day in (
        RagChange.objects.filter(registration_id__in=ids).order_by("changed_on", "pk").values_list("registration_id", "changed_on")
    ):
        history[pk].append(SimpleNamespace(changed_on=day))
    reviews: dict[int, list[SimpleNamespace]] = {pk: [] for pk in ids}
    for pk, day in (
        Review.objects.filter(registration_id__in=ids).order_by("reviewed_on", "pk").values_list("registration_id", "reviewed_on")
    ):
        reviews[pk].append(SimpleNamespace(reviewed_on=day))
    for registration in found:
        registration.rag_rows = history[registration.pk]  # type: ignore[attr-defined]
        registration.review_rows = reviews[registration.pk]  # type: ignore[attr-defined]
    return found


@dataclass(frozen=True)
class ReviewRow:
    registration: Registration
    due: datetime.date
    why: str
    overdue: bool


def reviews_due(
    *, user: User, registrations: Sequence[Registration] | None = None, as_of: datetime.date, within_days: int = 0
) -> list[ReviewRow]:
    """Current registrations (of ``registrations``, or all the user sees) whose review falls due by
    ``as_of`` + ``within_days``: overdue when the due date has passed (000 §5.7, §6.4; 002 §2).
    Soonest first; audited as a search listing the people."""
    if not can(user, Action.PERSON_SEARCH):
        deny(user=user, action=Action.PERSON_SEARCH, reason="role may not list people", object_type="registration")
    found = _current_visible(user, registrations, as_of) if _plan_shared(user) else []
    horizon = as_of + datetime.timedelta(days=within_days)
    rows = []
    statuses = regimes_of(found, as_of)
    for registration in found:
        status = statuses[registration.pk]
        if status.review.due <= horizon:
            rows.append(ReviewRow(registration, status.review.due, status.review.breakdown[0], status.review_overdue))
    rows.sort(key=lambda r: (r.due, r.registration.pk))
    audit.record(
        actor=user,
        action=AuditAction.SEARCH,
        object_type="registration",
        changes={"purpose": "reviews due", "as_of": as_of, "results": [r.registration.person_id for r in rows]},
    )
    return rows


def deregistrations_required(
    *, user: User, registrations: Sequence[Registration] | None = None, as_of: datetime.date
) -> list[tuple[Registration, list[str]]]:
    # Audited against each person listed when it lists the whole cohort (the coordinator's page);
    # a caller that passes ``registrations`` (the agenda) audits the people it shows itself.
    """Current registrations (of ``registrations``, or all the user sees) that a rule requires to be
    deregistered on ``as_of`` (a custodial sentence of 5 years or more; MAPPA level 3; 002 §2), with
    the rule codes. For coordinators and chairs (the dashboard); audited as a search."""
    from iomhub.cohort.advice import advise_many

    if not can(user, Action.COHORT_MANAGE):
        deny(user=user, action=Action.COHORT_MANAGE, reason="coordinator or chair", object_type="registration")
    found = _current_visible(user, registrations, as_of)
    advice = advise_many(found, as_of, lens=lens_of_sections(sections_for(user)))
    rows = []
    for registration in found:
        required = advice[registration.pk].required
        if required:
            rows.append((registration, required))
    audit.record_shown(
        actor=user,
        person_ids=[r.person_id for r, _ in rows] if registrations is None else [],
        object_type="registration",
        changes={"purpose": "deregistration required", "as_of": as_of, "results": [r.person_id for r, _ in rows]},
    )
    return rows


def _plan_shared(user: User) -> bool:
    from iomhub.access.policy import sections_for

    return SECTION in sections_for(user)


def red_alerts(*, user: User) -> list[Registration]:
    """Current Red Alert (wanted) registrations of people the user sees: the wanted alert published
    to the partnership (002 appendix 1). Audited as a search."""
    if not can(user, Action.PERSON_SEARCH):
        deny(user=user, action=Action.PERSON_SEARCH, reason="role may not list people", object_type="registration")
    found: list[Registration] = []
    if _plan_shared(user):
        found = list(
            _lifecycle_queryset()
            .filter(ended_on__isnull=True, rag="red-alert", person__in=_visible_people(user))
            .order_by("person__last_name", "person__first_name", "id")
        )
    audit.record_shown(
        actor=user,
        person_ids=[r.person_id for r in found],
        object_type="registration",
        changes={"purpose": "red alerts", "results": [r.person_id for r in found]},
    )
    return found


def deregistration_advice(*, user: User, registration: Registration, as_of: datetime.date) -> Advice:
    """Which deregistration rules hold (002 §2), with the evidence, for a registration the user has
    read (``registration_for_view``), projected through the user's view of the person: each rule's
    evidence only where every section it comes from is shared (issue 9 finding 1)."""
    from iomhub.cohort.advice import advise

    return advise(registration, as_of, lens=lens_for(user, registration.person))


def reregistration_reminders(*, user: User, as_of: datetime.date, listed: bool = True) -> list[tuple[Registration, datetime.date]]:
    """People deregistered for a custodial sentence of 5 years or more whose case is due back at
    the referral and review meeting: from 12 months before release until release (002 §2). Pairs of
    (ended registration, release date), soonest release first; audited as a search, and against
    each person listed unless the caller (the agenda) shows a part of the list and audits that."""
    from iomhub.cohort.advice import long_sentences_many

    if not can(user, Action.COHORT_MANAGE):
        deny(user=user, action=Action.COHORT_MANAGE, reason="coordinator or chair", object_type="registration")
    ended = Registration.objects.filter(deregistration__isnull=False, person__in=_visible_people(user)).select_related(
        "person", "deregistration"
    )
    long_ended = [r for r in ended if "custodial-sentence-5-years" in r.deregistration.required_by]
    current = set(
        Registration.objects.filter(person_id__in={r.person_id for r in long_ended}, ended_on__isnull=True).values_list(
            "person_id", flat=True
        )
    )
    long_ended = [r for r in long_ended if r.person_id not in current]
    served = long_sentences_many((r.person_id, r.deregistration.approved_on) for r in long_ended)
    rows = []
    for registration in long_ended:
        for sentence in served[(registration.person_id, registration.deregistration.approved_on)]:
            release = sentence.effective("release_date")
            if release and rules_regime.reconsider_reregistration_from(release_date=release) <= as_of < release:
                rows.append((registration, release))
                break
    rows.sort(key=lambda r: (r[1], r[0].pk))
    audit.record_shown(
        actor=user,
        person_ids=[r.person_id for r, _ in rows] if listed else [],
        object_type="registration",
        changes={"purpose": "re-registration reminders", "as_of": as_of, "results": [r.person_id for r, _ in rows]},
    )
    return rows


def transfer_list(*, user: User, open_only: bool = True, listed: bool = True) -> list[Transfer]:
    """Transfers of people the user sees (the coordinator's page); audited as a search, and against
    each person listed unless the caller (the agenda) shows a part of the list and audits that."""
    if not can(user, Action.COHORT_MANAGE):
        deny(user=user, action=Action.COHORT_MANAGE, reason="coordinator or chair", object_type="transfer")
    queryset = Transfer.objects.filter(person__in=_visible_people(user)).select_related("person", "from_team", "to_team")
    if open_only:
        queryset = queryset.filter(status__in=OPEN_TRANSFER)
    found = list(queryset)
    audit.record_shown(
        actor=user,
        person_ids=[t.person_id for t in found] if listed else [],
        object_type="transfer",
        changes={"purpose": "transfers", "results": [t.person_id for t in found]},
    )
    return found


def transfer_get(*, user: User, transfer_id: int | str) -> Transfer:
    """One transfer whose person the user sees (plan section); 404 otherwise. Audited."""
    try:
        transfer = Transfer.objects.select_related("person", "from_team", "to_team", "registration").get(pk=int(transfer_id))
    except (Transfer.DoesNotExist, ValueError, TypeError, OverflowError):
        deny(user=user, action=Action.PERSON_VIEW, reason="no such transfer", object_type="transfer", not_found=True)
    visible = decide(user, Action.PERSON_VIEW, transfer.person, section=SECTION)
    if not visible:
        deny(
            user=user,
            action=Action.PERSON_VIEW,
            reason=visible.reason,
            object_type="transfer",
            object_id=transfer.pk,
            person_id=transfer.person_id,
            not_found=True,
        )
    audit.record_read(actor=user, decision=visible, object_type="transfer", object_id=transfer.pk, person_id=transfer.person_id)
    return transfer


def transfers_for_person(*, user: User, person: Person) -> list[Transfer]:
    """A person's transfers, newest first, for a user who has read the person (plan section)."""
    decision = decide(user, Action.PERSON_VIEW, person, section=SECTION)
    if not decision:
        deny(user=user, action=Action.PERSON_VIEW, reason="plan not shared", object_type="transfer", person_id=person.pk, not_found=True)
    found = list(Transfer.objects.filter(person=person).select_related("from_team", "to_team"))
    audit.record_read(
        actor=user,
        decision=decision,
        object_type="transfer",
        object_id=found[0].pk if found else None,
        person_id=person.pk,
        changes={"section": SECTION, "transfers": [t.pk for t in found]},
    )
    return found
