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
