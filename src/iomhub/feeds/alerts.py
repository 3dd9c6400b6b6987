"""Alerts (issue 11 §5): an overnight arrest of a cohort member reaches the person's lead worker and
the police IOM officers of their team after an arrests import; a new Red Alert (a warrant not yet
executed: wanted, 002 appendix 1) reaches them at once, however the warrant was recorded.

Through the notifications outbox (``notifications.services.notification_queue``, ADR 0020): the
subject and body name no person and hold no detail; the attachment is a reference to the person's
Justice tab, which the recipient opens signed in, where the one projection applies. An alert itself
says that an arrest or a warrant exists, a fact of the justice section, so it goes only to a recipient
whose ``access.projection.lens_for`` shows them that section of that person (ADR 0010): nothing the
recipient may not see.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from iomhub import clock
from iomhub.access.models import Role, Section, User
from iomhub.access.projection import lens_for
from iomhub.casework.models import CaseRecord
from iomhub.cohort.models import Registration
from iomhub.feeds.models import ArrestLink
from iomhub.notifications.services import notification_queue
from iomhub.people.models import Person
from iomhub.pg_arrays import one_of

if TYPE_CHECKING:
    from collections.abc import Iterable

    from iomhub.feeds.models import ImportRun
    from iomhub.justice.models import Warrant
    from iomhub.notifications.models import Notification

OVERNIGHT = datetime.timedelta(hours=24)
ARREST_SUBJECT = "Overnight arrest of someone in your IOM cohort"
ARREST_BODY = (
    "Someone in the IOM cohort you work with was arrested in the last 24 hours. "
    "Sign in to IOM Hub and open the link to see who, and the custody record."
)
RED_ALERT_SUBJECT = "Red Alert: someone in your IOM cohort is wanted"
RED_ALERT_BODY = "A warrant has been recorded for someone in the IOM cohort you work with. Sign in to IOM Hub and open the link to see who."


def recipients(person: Person) -> list[User]:
    """The person's lead worker and the police IOM officers of their team (every police IOM officer
    when they have no team), each only if they may see the person's justice record."""
    return recipients_of([person])[person.pk]


def recipients_of(people: list[Person]) -> dict[int, list[User]]:
    """``recipients`` of each of ``people``, by person id: their case records read in one query and
    the police IOM officers once per team, not once per person (an arrests import's alerts)."""
    leads: dict[int, User] = {}
    for case in one_of(CaseRecord.objects.select_related("lead_worker").order_by(), "person_id", {p.pk for p in people}):
        if case.lead_worker is not None and case.lead_worker.is_active:
            leads[case.person_id] = case.lead_worker
    police = User.objects.filter(is_active=True, role_assignments__role=Role.POLICE_IOM_OFFICER).distinct()
    teams: dict[int | None, list[User]] = {}
    found: dict[int, list[User]] = {}
    for person in people:
        team = person.managing_team_id
        if team not in teams:
            teams[team] = list((police.filter(team_id=team) if team is not None else police).order_by("pk"))
        chosen: dict[int, User] = {}
        lead = leads.get(person.pk)
        if lead is not None:
            chosen[lead.pk] = lead
        for officer in teams[team]:
            chosen.setdefault(officer.pk, officer)
        found[person.pk] = [user for user in chosen.values() if lens_for(user, person).sees(Section.JUSTICE)]
    return found


def _registered_on(on: datetime.date) -> QuerySet[Registration]:
    """Registrations open on ``on``: their people are the cohort that day."""
    return Registration.objects.filter(started_on__lte=on).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))


def in_cohort(person: Person, on: datetime.date) -> bool:
    return _registered_on(on).filter(person=person).exists()


def _send(acting_user: User, person: Person, subject: str, body: str, to: list[User] | None = None) -> list[Notification]:
    return [
        notification_queue(acting_user=acting_user, recipient=user, subject=subject, body=body, attachment=f"/people/{person.pk}/justice/")
        for user in (recipients(person) if to is None else to)
    ]


def in_cohort_of(person_ids: Iterable[int], on: datetime.date) -> set[int]:
    """Of ``person_ids``, those in the cohort on ``on`` (``in_cohort`` for each, in one query)."""
    return set(one_of(_registered_on(on).order_by().values_list("person_id", flat=True), "person_id", person_ids))


def arrest_alerts(run: ImportRun, acting_user: User) -> list[Notification]:
    """After an arrests import: each arrest the run recorded in the last 24 hours of someone in the
    cohort, once per recipient and person (two arrests of one person overnight are one alert). Who
    is in the cohort is read for all the run's people at once, and only their records are loaded
    (a daily feed's every row is overnight; few of its people are in the cohort)."""
    since = clock.now() - OVERNIGHT
    arrested = list(dict.fromkeys(ArrestLink.objects.filter(run=run, arrested_at__gte=since).values_list("person_id", flat=True)))
    members = in_cohort_of(arrested, clock.today())
    people = Person.objects.in_bulk([pid for pid in arrested if pid in members])
    to = recipients_of(list(people.values()))
    sent: list[Notification] = []
    for pid in arrested:
        if pid in members:
            sent += _send(acting_user, people[pid], ARREST_SUBJECT, ARREST_BODY, to[pid])
    return sent


def red_alert(warrant: Warrant) -> list[Notification]:
    """A new warrant not yet executed, for someone in the cohort: their police and lead worker at
    once, queued as the feeds' system account (the warrant's own audit event names who recorded it)."""
    if warrant.executed_on is not None or not in_cohort(warrant.person, clock.today()):
        return []
    from iomhub.feeds.actors import feed_system_user

    return _send(feed_system_user(), warrant.person, RED_ALERT_SUBJECT, RED_ALERT_BODY)
