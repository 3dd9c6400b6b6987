"""Recent arrests of the people on a caseload: "daily intelligence and information checks on
cohort members … to be kept up to date with current intelligence and overnight arrests" (seed 002
§3). The caseload and the team dashboard list the arrests of their cases in the last seven days,
so a Monday still shows the weekend's.

An arrest is part of the justice record (section ``justice``): read only for a reader who may see
that section, of the people they see, and audited against each person shown.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Prefetch

from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.policy import Action, people_filter
from iomhub.justice.models import Arrest, Offence
from iomhub.justice.selectors import SECTION, can_see_justice_at_all
from iomhub.people.models import Person

if TYPE_CHECKING:
    from iomhub.access.models import User

RECENT_ARREST_DAYS = 7  # today and the six days before it: a week, so a Monday shows the weekend


@dataclass(frozen=True)
class RecentArrest:
    person_id: int
    arrested_on: datetime.date
    custody_suite: str
    outcome: str  # as custody records word it ("Charged", "No further action", ...)
    offences: tuple[tuple[str, str], ...]  # (Home Office code, description)


def window(as_of: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day whose arrests are recent on ``as_of``."""
    return as_of - datetime.timedelta(days=RECENT_ARREST_DAYS - 1), as_of


def recent_arrests(*, user: User, person_ids: Iterable[int], as_of: datetime.date) -> list[RecentArrest]:
    """The arrests in the week up to ``as_of`` of those of ``person_ids`` whom ``user`` sees, newest
    first. Refused (and the refusal audited) for a reader without the justice section; audited
    against each person whose arrest is shown. Two queries, whatever the number of people."""
    if not can_see_justice_at_all(user):
        deny(user=user, action=Action.PERSON_VIEW, reason="role may not see justice records", object_type="recent-arrests")
    first, last = window(as_of)
    wanted = Person.objects.filter(people_filter(user), pk__in=sorted(set(person_ids))).values("pk")
    arrests = (
        Arrest.objects.filter(person__in=wanted, arrested_on__gte=first, arrested_on__lte=last)
        .order_by("-arrested_on", "-pk")
        .prefetch_related(Prefetch("offences", queryset=Offence.objects.select_related("code").order_by("code__code", "pk")))
    )
    found = [
        RecentArrest(
            person_id=a.person_id,
            arrested_on=a.arrested_on,
            custody_suite=a.custody_suite,
            outcome=a.get_outcome_display(),
            offences=tuple((o.code.code, o.code.description) for o in a.offences.all()),
        )
        for a in arrests
    ]
    audit.record_shown(
        actor=user,
        person_ids=sorted({a.person_id for a in found}),
        object_type="recent-arrests",
        changes={"section": SECTION, "from": first, "to": last},
    )
    return found
