"""The timeline as a reader may see it: intelligence notes only for those who see intelligence, a
drug test's results and a health agency's name only with the health section (``project_entries``)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from iomhub.access.models import Section
from iomhub.access.policy import sees_intelligence
from iomhub.access.projection import Lens, lens_for
from iomhub.casework.models import EntryKind, TimelineEntry, agency_section
from iomhub.people.models import Person
from iomhub.people.selectors import person_get_for

if TYPE_CHECKING:
    from iomhub.access.models import User


def timeline_for(
    *,
    user: User,
    person_id: int | str,
    kinds: list[str] | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> tuple[Person, list[TimelineEntry]]:
    """The timeline, newest first, filtered; intelligence notes only for those who see intelligence."""
    person = person_get_for(user=user, person_id=person_id, section=Section.TIMELINE)
    entries = visible_entries(user, TimelineEntry.objects.filter(person=person))
    if kinds:
        entries = entries.filter(kind__in=kinds)
    if since:
        entries = entries.filter(occurred_on__gte=since)
    if until:
        entries = entries.filter(occurred_on__lte=until)
    return person, project_entries(lens_for(user, person), list(entries.select_related("organisation")))


# A drug test's substances and results: the fields of a timeline entry in the health section.
DRUG_TEST_HEALTH_FIELDS = tuple(name for name, section in TimelineEntry.SECTIONS.items() if section == Section.HEALTH)


def project_entries(lens: Lens, entries: list[TimelineEntry]) -> list[TimelineEntry]:
    """Timeline entries as ``lens`` may read them: a drug test's substances and results belong to
    the health section (``TimelineEntry.SECTIONS``), so without it they are cleared on these
    read-only copies and ``health_withheld`` says so (issue 9 finding 9). The author's
    organisation, when it is a health, mental-health or treatment agency, says that agency works
    with the person, which is health (``agency_section``): without health it is left out, and the
    entry reads as one whose author has no organisation (the name stays; the entry is the timeline's)."""
    for entry in entries:
        if entry.organisation is not None and not lens.sees(agency_section(entry.organisation.kind)):
            entry.organisation = None
        withheld = not lens.sees(Section.HEALTH) and entry.kind == EntryKind.DRUG_TEST
        entry.health_withheld = withheld  # type: ignore[attr-defined]
        if withheld:
            for name in DRUG_TEST_HEALTH_FIELDS:
                setattr(entry, name, type(getattr(entry, name))())
    return entries


def visible_entries(user: User, entries: QuerySet[TimelineEntry]) -> QuerySet[TimelineEntry]:
    return entries if sees_intelligence(user) else entries.exclude(kind=EntryKind.INTELLIGENCE)


def timeline_entry_for(*, user: User, person: Person, entry_id: int | str) -> TimelineEntry:
    try:
        return visible_entries(user, TimelineEntry.objects.filter(person=person)).get(pk=int(entry_id))
    except (TimelineEntry.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No such entry") from None


def own_force_number(user: User) -> str:
    """The force number ``user`` gave on their latest timeline entry, to offer again on the next
    (their own number, not a person's data)."""
    found = (
        TimelineEntry.objects.filter(recorded_by=user)
        .exclude(force_number="")
        .order_by("-recorded_at", "-pk")
        .values_list("force_number", flat=True)
        .first()
    )
    return found or ""
