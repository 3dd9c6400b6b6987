"""Justice records for tests, made through the services (so they are what a user would store)."""

from __future__ import annotations

import datetime
from typing import Any

from iomhub.justice import services


def sentence(*, user: Any, person: Any, **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "sentenced_on": datetime.date(2026, 1, 5),
        "offence_committed_on": datetime.date(2025, 12, 1),
        "months": 10,
    }
    values.update(overrides)
    return services.sentence_record(acting_user=user, person=person, **values)


def arrest(*, user: Any, person: Any, **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "arrested_on": datetime.date(2026, 8, 1),
        "custody_suite": "Northbridge custody suite",
        "outcome": "charge",
        "offence_codes": ["28E"],
    }
    values.update(overrides)
    return services.arrest_record(acting_user=user, person=person, **values)


def stored_sentence(person: Any, *, years: int, months: int = 0, sentenced_on: datetime.date, release: datetime.date) -> Any:
    """A sentence stored as it stands, its release date given (no calculation, no audit): for tests
    of what reads sentences, not of how they are recorded."""
    from iomhub.justice.models import Sentence

    return Sentence.objects.create(
        person=person,
        sentenced_on=sentenced_on,
        offence_committed_on=sentenced_on - datetime.timedelta(days=30),
        years=years,
        months=months,
        effective_release_date=release,
        release_date=release,
    )
