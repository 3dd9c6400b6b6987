"""Unit costs of crime: Home Office Research Report 99, *The economic and social costs of crime*
(2nd edition, Heeks, Reed, Tafsiri & Prince, July 2018), Table 1, in 2015/16 prices.

Seed 004 asks what the offending of the cohort costs (value for money). The table ships as
``unit_costs_2015_16.csv`` with the source of every row. Rows that could not be verified from the
publication are left empty and reported as unknown - never guessed (reference/instruments.md §4).
A deployment may load its own table (for example the full RR99 Table 1) with ``CostTable.from_csv``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

PRICE_YEAR = "2015/16"


@dataclass(frozen=True, slots=True)
class UnitCost:
    category: str
    label: str
    pounds: int | None
    known: bool
    source: str
    price_year: str


@dataclass(frozen=True, slots=True)
class CostOfOffending:
    total_pounds: int
    counted: int
    unknown_categories: tuple[str, ...]
    breakdown: tuple[str, ...]


class CostTable:
    def __init__(self, rows: Iterable[Mapping[str, str]], *, price_year: str = PRICE_YEAR) -> None:
        self._rows: dict[str, UnitCost] = {}
        for number, row in enumerate(rows, start=2):
            category = (row.get("category") or "").strip()
            if not category:
                raise ValueError(f"cost table row {number}: category is empty")
            if category in self._rows:
                raise ValueError(f"cost table row {number}: category {category!r} appears twice")
            raw = (row.get("unit_cost_gbp") or "").strip()
            if raw and not raw.isdigit():
                raise ValueError(f"cost table row {number}: unit_cost_gbp {raw!r} is not a whole number of pounds")
            self._rows[category] = UnitCost(
                category=category,
                label=(row.get("label") or category).strip(),
                pounds=int(raw) if raw else None,
                known=bool(raw),
                source=(row.get("source") or "").strip(),
                price_year=price_year,
            )

    @classmethod
    def from_csv(cls, path: str | Path, *, price_year: str = PRICE_YEAR) -> CostTable:
        with open(path, newline="", encoding="utf-8") as handle:
            return cls(csv.DictReader(handle), price_year=price_year)

    @classmethod
    def default(cls) -> CostTable:
        text = resources.files("iomhub.rules").joinpath("unit_costs_2015_16.csv").read_text(encoding="utf-8")
        return cls(csv.DictReader(text.splitlines()))

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(self._rows)

    def unit_cost(self, category: str) -> UnitCost:
        try:
            return self._rows[category]
        except KeyError:
            raise ValueError(f"unknown cost-of-crime category {category!r}; known: {', '.join(self._rows)}") from None

    def cost_of(self, counts: Mapping[str, int]) -> CostOfOffending:
        """The cost of a number of offences by category; unknown unit costs are listed, not guessed."""
        total = 0
        counted = 0
        unknown: list[str] = []
        lines: list[str] = []
        for category, count in counts.items():
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                raise ValueError(f"count for {category!r} must be a whole number of 0 or more, not {count!r}")
            cost = self.unit_cost(category)
            if cost.pounds is None:
                if count:
                    unknown.append(category)
                    lines.append(f"{count} x {cost.label}: unit cost unknown ({cost.source})")
                continue
            total += cost.pounds * count
            counted += count
            lines.append(f"{count} x {cost.label} at £{cost.pounds:,} = £{cost.pounds * count:,}")
        return CostOfOffending(total_pounds=total, counted=counted, unknown_categories=tuple(unknown), breakdown=tuple(lines))


def unit_cost(category: str) -> UnitCost:
    """The Home Office RR99 unit cost (2015/16 prices) of one offence of ``category``."""
    return CostTable.default().unit_cost(category)
