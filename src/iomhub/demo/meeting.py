"""The demo team's next monthly referral and operational meeting (seed 002 §2), arranged by the
coordinator and chaired by the chair, so that `make run` has an agenda to open: worked out from the
records on the day, as every agenda is. Loaded by the ``demo`` command after the partnership (not
by ``load_demo``, whose partnership the benchmark copies)."""

from __future__ import annotations

import datetime

from iomhub import clock
from iomhub.access.models import User
from iomhub.meetings.models import Meeting
from iomhub.meetings.services import meeting_arrange

LOCATION = "Wessex Police headquarters, meeting room 2"
DAYS_AHEAD = 7


def meeting_day(today: datetime.date) -> datetime.date:
    """A week today, moved to the Monday after when that is a weekend."""
    day = today + datetime.timedelta(days=DAYS_AHEAD)
    return day + datetime.timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def load_meeting() -> Meeting:
    coordinator = User.objects.get(username="coordinator")
    assert coordinator.team is not None  # the demo's coordinator is placed in a team (demo.partnership)
    return meeting_arrange(
        acting_user=coordinator,
        team=coordinator.team,
        held_on=meeting_day(clock.today()),
        location=LOCATION,
        chair=User.objects.get(username="chair"),
    )
