"""The regime of a current registration and the reviews due (issue 6 §2, §6; 002 appendix 1, §2,
§4; 000 §5.7, §6.4): what the RAG level implies on a day, worked out for one registration or many
at once (the dashboard, the agenda), as the reader's view of the person allows. Split from
``cohort.selectors`` (issue 14/15), which still offers every name here."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.models import AuditAction, Section
from iomhub.access.policy import Action, can, decide, people_filter, sections_for
from iomhub.access.projection import Lens, lens_for, lens_of
from iomhub.cohort.models import Registration
from iomhub.rules.regime import ReviewDue

if TYPE_CHECKING:
    from iomhub.access.models import User
    from iomhub.people.models import Person

SECTION = Section.PLAN  # as ``cohort.selectors``: the registration is the plan section's


def _visible_people(user: User) -> QuerySet[Person]:
    from iomhub.people.models import Person

    return Person.objects.filter(people_filter(user)).values("pk")  # type: ignore[return-value]


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
    (their RAG history and reviews prefetched by the caller, as ``_lifecycle_queryset`` does, or their dates attached by ``_with_dates``).
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

    # Read from the lists ``_with_dates`` attached (no per-row querysets), or the prefetch.
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


def regime_for(*, user: User, registrations: Sequence[Registration], as_of: datetime.date) -> dict[int, Regime]:
    """The regime (next home visit, review due, overdue flags) of each current registration whose
    person the user sees (for the dashboard), as their sections allow. Not audited here: the caller
    lists the people."""
    return regimes_of(_current_visible(user, registrations, as_of), as_of, lens=lens_of(user))


def _current_visible(user: User, registrations: Sequence[Registration] | None, as_of: datetime.date) -> list[Registration]:
    """The registrations current on ``as_of`` (of ``registrations``, or all) whose person ``user``
    sees, with the dates the regime reads attached (``_with_dates``): a fixed number of queries. A
    given list is matched by id first and its people checked against the policy's filter among those
    ids only (a filter on both a long id list and the visible-people subquery made SQLite probe every
    pair: 26 s at 100,000 people)."""
    queryset = Registration.objects.select_related("person").filter(ended_on__isnull=True, started_on__lte=as_of)
    if registrations is None:
        return _with_dates(list(queryset.filter(person__in=_visible_people(user))))
    found = list(queryset.filter(pk__in=[r.pk for r in registrations]))
    visible = _visible_among(user, {r.person_id for r in found})
    return _with_dates([r for r in found if r.person_id in visible])


def _visible_among(user: User, person_ids: Iterable[int]) -> set[int]:
    """Which of ``person_ids`` ``user`` sees (the policy's ``people_filter``), in one query."""
    from iomhub.people.models import Person

    return set(Person.objects.filter(people_filter(user), pk__in=sorted(set(person_ids))).values_list("pk", flat=True))


def dashboard_regimes(
    *, user: User, registrations: Sequence[Registration], as_of: datetime.date, within_days: int, visible: bool = False
) -> tuple[dict[int, Regime], list[ReviewRow]]:
    """``regime_for`` and ``reviews_due`` for the dashboard in one pass: the registrations (current
    on ``as_of``, person visible to ``user``) read once with their RAG history and reviews, each
    regime worked out once, and the reviews due by ``as_of`` + ``within_days`` taken from those
    regimes. The reviews search is audited as ``reviews_due`` audits it. ``visible``: the caller
    read ``registrations`` through ``people_filter(user)`` (the dashboard), so they are not read and
    checked again; only those current on ``as_of`` are kept."""
    if not can(user, Action.PERSON_SEARCH):
        deny(user=user, action=Action.PERSON_SEARCH, reason="role may not list people", object_type="registration")
    if visible:
        found = _with_dates([r for r in registrations if r.ended_on is None and r.started_on <= as_of])
    else:
        found = _current_visible(user, registrations, as_of)
    regimes = regimes_of(found, as_of, lens=lens_of(user))
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


def _with_dates(found: list[Registration]) -> list[Registration]:
    """``found`` with the dates of their RAG history and reviews attached as plain lists
    (``rag_rows``, ``review_rows``: all ``_regime`` reads of them): two queries, no queryset or model
    per row (Django's prefetch builds a queryset per registration: a third of a second for 500)."""
    from types import SimpleNamespace

    from iomhub.cohort.models import RagChange, Review

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


def _plan_shared(user: User) -> bool:

    return SECTION in sections_for(user)
