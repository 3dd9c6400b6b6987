"""Shared set-up for the registration lifecycle tests."""

from __future__ import annotations

import datetime
from typing import Any

from iomhub.access.models import Role
from iomhub.cohort import services


def register(partnership: Any, person: Any = None, *, started_on: datetime.date, rag: str = "amber") -> Any:
    return services.registration_open(
        acting_user=partnership.users[Role.CHAIR],
        person=person or partnership.ordinary,
        referral=None,
        started_on=started_on,
        rag=rag,
        reason="Adopted at the meeting",
    )
