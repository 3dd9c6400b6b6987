"""Reads of registrations: authorised through the access policy and audited, like every read."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet

from iomhub import clock
from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.models import Section
from iomhub.access.policy import Action, can, decide
from iomhub.access.projection import lens_for, lens_of

# The candidate list has a module of its own (issue 15); its names stay importable from here.
from iomhub.cohort.candidates import Candidates as Candidates
from iomhub.cohort.candidates import candidate_list as candidate_list
from iomhub.cohort.models import OPEN_TRANSFER, ChecklistEntry, Registration, Transfer

# The regime and reviews have a module of their own (issue 14/15); their names stay importable from here.
from iomhub.cohort.regimes import Regime as Regime
from iomhub.cohort.regimes import ReviewRow as ReviewRow
from iomhub.cohort.regimes import _current_visible, _plan_shared, _visible_people
from iomhub.cohort.regimes import dashboard_regimes as dashboard_regimes
from iomhub.cohort.regimes import next_release_for as next_release_for
from iomhub.cohort.regimes import regime_for as regime_for
from iomhub.cohort.regimes import regime_of as regime_of
from iomhub.cohort.regimes import regime_seen_by as regime_seen_by
from iomhub.cohort.regimes import regimes_of as regimes_of
from iomhub.cohort.regimes import reviews_due as reviews_due
from iomhub.rules import regime as rules_regime

if TYPE_CHECKING:
    from iomhub.access.models import Team, User
    from iomhub.cohort.advice import Advice
    from iomhub.cohort.screening import Screening
    from iomhub.people.models import Person

# Registration belongs to the plan section of a record: who is on IOM, at what level, with what
# administration done (partners see it where their agreement shares the plan).
SECTION = Section.PLAN


def registration_periods(person_id: int) -> list[tuple[datetime.date, datetime.date | None]]:
    """A person's registrations as (started, ended) periods, oldest first: the Justice tab's chart
    draws them (installed in ``justice.selectors`` by ``CohortConfig.ready``). The caller has read the
    person's justice record, which authorised and audited the read."""
    return list(Registration.objects.filter(person_id=person_id).order_by("started_on").values_list("started_on", "ended_on"))


def current_registrations(person_ids: list[int]) -> dict[int, int]:
    """Those of ``person_ids`` on IOM now, each with their open registration's id: the "On IOM"
    standing of the one-referral-at-a-time rule (issue 18 §4; installed in ``referrals.selectors`` by
    ``CohortConfig.ready``). Not audited here: the caller lists or refuses, and audits what it shows."""
    return dict(Registration.objects.filter(person_id__in=person_ids, ended_on__isnull=True).values_list("person_id", "pk"))


def registrations_for_person(*, user: User, person: Person) -> list[Registration] | None:
    """A visible person's registrations, newest first, or None when the user may not see this
    section. The caller has already read (and audited) the person; this read is audited too."""
    decision = decide(user, Action.PERSON_VIEW, person, section=SECTION)
    if not decision:
        return None
    # referral__person: the policy reads the referral's person to decide if its link is shown (below).
    registrations = list(_lifecycle_queryset().select_related("referral__person").filter(person=person))
    today = clock.today()
    manages, changes_rag = can(user, Action.COHORT_MANAGE), can(user, Action.COHORT_RAG)
    for r in registrations:
        current = r.is_current and r.started_on <= today
        # Its link says "Manage" to someone who can change it there: the coordinator and chair, and a
        # police IOM officer on a current registration (its RAG and Red Alert); "View" to the rest.
        r.manageable = manages or (changes_rag and r.is_current)  # type: ignore[attr-defined]
        r.regime = regime_seen_by(user=user, registration=r, as_of=today) if current else None  # type: ignore[attr-defined]
        # The referral it came from is linked only for someone who may open it (its referring
        # organisation, the coordinator and the chair): a link that answers 404 tells nothing and helps no one.
        r.referral_shown = r.referral is not None and can(user, Action.REFERRAL_VIEW, r.referral)  # type: ignore[attr-defined]
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
def _lifecycle_queryset() -> QuerySet[Registration]:
    return Registration.objects.select_related("person", "referral").prefetch_related(
        "rag_history", "reviews", "checklist", "transfers", "deregistration__checklist"
    )


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
    advice = advise_many(found, as_of, lens=lens_of(user))
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


def reregistration_reminders(
    *, user: User, as_of: datetime.date, listed: bool = True, within: Q | None = None
) -> list[tuple[Registration, datetime.date]]:
    """People deregistered for a custodial sentence of 5 years or more whose case is due back at
    the referral and review meeting: from 12 months before release until release (002 §2). Pairs of
    (ended registration, release date), soonest release first; audited as a search, and against
    each person listed unless the caller (the agenda) shows a part of the list and audits that.
    ``within`` (a filter on Registration: the agenda's team) narrows them in the database."""
    from iomhub.cohort.advice import long_sentences_many

    if not can(user, Action.COHORT_MANAGE):
        deny(user=user, action=Action.COHORT_MANAGE, reason="coordinator or chair", object_type="registration")
    ended = Registration.objects.filter(within or Q(), deregistration__isnull=False, person__in=_visible_people(user)).select_related(
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
