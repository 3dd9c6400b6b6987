"""The synthetic demo partnership: three local teams, a user for every role, N fake people, their
justice records and an IOM cohort with its cases (``python -m iomhub demo --people N``).

Every person is invented (Faker en_GB name pools and random identifiers with valid check
characters) from a fixed seed, so two runs give the same partnership. Bulk writes keep
N = 100,000 to a couple of minutes; one audit event records that the demo was loaded.

The modules are named for what they build: ``partnership`` (teams, organisations, sharing
agreements, users), ``people``, ``justice`` (arrests, sentences, conditions, warrants, court
outcomes, MAPPA), ``cohort`` (who is on IOM) with ``registrations``, ``case_records``, ``plans``,
``timelines`` and ``referrals``; ``staff``, ``case_facts`` and ``texts`` are what they share.
"""

from __future__ import annotations

from django.db import transaction

from iomhub.access import audit
from iomhub.access.models import AuditAction
from iomhub.demo.cohort import build_cohort, cohort_size
from iomhub.demo.justice import build_justice, build_mappa, build_sanctions
from iomhub.demo.partnership import DEMO_PASSWORD, DEMO_USERS, TEAMS, DemoUser, build_partnership
from iomhub.demo.people import build_people
from iomhub.justice import screening_table


@transaction.atomic
def load_demo(*, people: int, seed: int = 2026) -> dict[str, int]:
    """The partnership (``partnership``), the people (``people``), their justice records (``justice``)
    and the cohort with its cases (``cohort``), then the one audit event."""
    teams, orgs, users = build_partnership()
    made = build_people(count=people, seed=seed, teams=teams, orgs=orgs) if people else 0
    justice = build_justice(seed=seed) if people else {}
    if people:
        justice["mappa"] = build_mappa(seed=seed)
        justice["court_outcomes"] = build_sanctions(seed=seed)
    cohort = build_cohort(seed=seed) if people else {}  # the IOM cohort and its cases, as of today
    if people:
        screening_table.rebuild()  # the candidate list's table, in use from now on (ADR 0036)
    audit.record(
        actor=None,
        username="demo-loader",
        action=AuditAction.CREATE,
        object_type="demo-data",
        changes={"people": made, "seed": seed, **justice, **cohort},
    )
    return {"people": made, "users": len(users), "teams": len(teams), "organisations": len(orgs), **cohort}


__all__ = [
    "DEMO_PASSWORD",
    "DEMO_USERS",
    "TEAMS",
    "DemoUser",
    "build_cohort",
    "build_justice",
    "build_mappa",
    "build_partnership",
    "build_people",
    "build_sanctions",
    "cohort_size",
    "load_demo",
]
