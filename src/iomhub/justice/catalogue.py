"""The offence catalogue: Home Office offence classification codes as versioned data.

``offence_codes.csv`` holds one row per notifiable offence code of the Home Office Counting Rules
(HOCR) with its title, neighbourhood-crime category (seed 003; instruments.md §5.2), OGRS3 offence
group (instruments.md §3.3) and Home Office unit-cost-of-crime category (instruments.md §4), and the
source of each mapping. Version 2026.2 is every code of the ONS crime hierarchy
(``ONSdigital/dp-hierarchy-builder``, ``cmd/hierarchy-transformer/output/crime/hierarchy.cypher`` at
commit 8a4c66685543366df978623e719e35e0b9f50fed): 136 nodes, 139 codes, the node
``1/4.1/4.10/4.2`` "Homicide" being catalogued as its four classes. Codes and titles are the
hierarchy's; the 38 rows of version 2026.1 keep their wording.

- ``neighbourhood_crime``: only where the hierarchy's group is domestic burglary, robbery of
  personal property, theft from or of a vehicle, vehicle interference or theft from the person.
- ``ogrs3_group``: the MoJ ``offence-code-mapping.csv`` (``ministryofjustice/hmpps-arns-risk-actuarial-api``,
  ``src/main/resources/offencegroupparameters/offence-code-mapping.csv`` at commit
  4d7aede8822a3a92114ffe2b870702f34368cff9) weight of the code's class (its number: 28E is class
  028), where every sub-code of that class carries the same weight. Where the class mixes weights
  by sub-code, is 999/empty or is missing, the group is left empty (as the MoJ service's
  ``NEED_DETAILS_OF_EXACT_OFFENCE``); so it is for a later HOCR code that reuses a class number
  whose weight does not fit it (9A, 9B, 33A, 62A).
- ``cost_category``: the RR99 category of ``iomhub.rules.costs`` named like the hierarchy's group,
  empty where that is not clear (deaths by driving, non-assault violence without injury, drugs,
  weapons, public order, fraud, other theft, miscellaneous).

A code that is not in the catalogue is refused with a message naming it - never mapped to a guess.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Any

from django.db import transaction

from iomhub.rules.costs import CostTable
from iomhub.rules.eligibility import NEIGHBOURHOOD_CRIME
from iomhub.rules.ogrs3 import OFFENCE_GROUPS

CATALOGUE_VERSION = "2026.2"
COLUMNS = ("code", "description", "neighbourhood_crime", "ogrs3_group", "cost_category", "source")


@dataclass(frozen=True)
class CatalogueRow:
    code: str
    description: str
    neighbourhood_crime: str
    ogrs3_group: str
    cost_category: str
    source: str


def unknown_codes(codes: Iterable[str]) -> str:
    """The message refusing offence codes not in the catalogue: each code by name, and the
    catalogue's version (one wording for a form, the API, a feed's row and a batch)."""
    return f"Unknown Home Office offence code {', '.join(sorted(set(codes)))}: not in the offence catalogue (version {CATALOGUE_VERSION})"


def normalise_code(text: str) -> str:
    return "".join(str(text).split()).upper()


def parse_catalogue(lines: Any) -> list[CatalogueRow]:
    """Rows of a catalogue CSV, each checked; a bad row raises ``ValueError`` naming its line."""
    reader = csv.DictReader(lines)
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise ValueError(f"offence catalogue columns must be {', '.join(COLUMNS)}; found {', '.join(reader.fieldnames or [])}")
    costs = set(CostTable.default().categories)
    rows: list[CatalogueRow] = []
    seen: set[str] = set()
    for line, raw in enumerate(reader, start=2):
        row = CatalogueRow(**{k: (raw.get(k) or "").strip() for k in COLUMNS})
        code = normalise_code(row.code)
        problems = []
        if not code:
            problems.append("code is empty")
        elif code in seen:
            problems.append(f"code {code} appears twice")
        if not row.description:
            problems.append("description is empty")
        if row.neighbourhood_crime and row.neighbourhood_crime not in NEIGHBOURHOOD_CRIME:
            problems.append(f"neighbourhood_crime {row.neighbourhood_crime!r} is not one of {', '.join(NEIGHBOURHOOD_CRIME)}")
        if row.ogrs3_group and row.ogrs3_group not in OFFENCE_GROUPS:
            problems.append(f"ogrs3_group {row.ogrs3_group!r} is not an OGRS3 offence group")
        if row.cost_category and row.cost_category not in costs:
            problems.append(f"cost_category {row.cost_category!r} is not in the unit costs table")
        if not row.source:
            problems.append("source is empty: every mapping must say where it comes from")
        if problems:
            raise ValueError(f"offence catalogue line {line}: " + "; ".join(problems))
        seen.add(code)
        rows.append(CatalogueRow(code, row.description, row.neighbourhood_crime, row.ogrs3_group, row.cost_category, row.source))
    return rows


def default_rows() -> list[CatalogueRow]:
    text = resources.files("iomhub.justice").joinpath("offence_codes.csv").read_text(encoding="utf-8")
    return parse_catalogue(text.splitlines())


MAPPED_FIELDS = ("description", "neighbourhood_crime", "ogrs3_group", "cost_category", "source")


def sync(
    model: Any, rows: list[CatalogueRow] | None = None, *, version: str = CATALOGUE_VERSION, using: str = "default", batch_size: int = 500
) -> dict[str, int]:
    """Bring the ``OffenceCode`` table (``model``, so migrations can pass their historical model) in
    line with ``rows`` in a fixed number of queries: new codes added and changed ones updated in
    bulk, in one transaction; rows already in line are left alone (a second run changes nothing).
    ``catalogue_version`` is the version that last added or changed the row. Codes dropped from the
    file stay (old offences point at them) and are counted as ``kept``."""
    rows = default_rows() if rows is None else rows
    manager = model.objects.db_manager(using)
    existing = {o.code: o for o in manager.all()}
    added: list[Any] = []
    changed: list[Any] = []
    for row in rows:
        values = {f: getattr(row, f) for f in MAPPED_FIELDS}
        current = existing.get(row.code)
        if current is None:
            added.append(model(code=row.code, catalogue_version=version, **values))
        elif any(getattr(current, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(current, f, v)
            current.catalogue_version = version
            changed.append(current)
    with transaction.atomic(using=using):
        manager.bulk_create(added, batch_size=batch_size)
        manager.bulk_update(changed, [*MAPPED_FIELDS, "catalogue_version"], batch_size=batch_size)
    kept = len(set(existing) - {r.code for r in rows})
    return {"added": len(added), "updated": len(changed), "kept": kept}
