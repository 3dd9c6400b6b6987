"""Calendar quarters (Q1 = January to March): the one ``Quarter`` of the performance reports (002 §7,
000 §9 quarterly returns) and of the Justice tab's offending chart (issue 4 §7). Pure Python."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

_QUARTER = re.compile(r"^(\d{4})[Qq]([1-4])$")
_MONTHS = ("January to March", "April to June", "July to September", "October to December")


@dataclass(frozen=True, order=True, slots=True)
class Quarter:
    """A calendar quarter, ordered in time."""

    year: int
    number: int  # 1-4

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """``2026Q3`` → the third quarter of 2026. Anything else is refused by name."""
        found = _QUARTER.match(str(text).strip())
        if not found:
            raise ValueError(f"quarter must be written like 2026Q3 (a year, Q and 1 to 4), not {text!r}")
        year = int(found.group(1))
        if not 2000 <= year <= 2100:
            raise ValueError(f"quarter year must be between 2000 and 2100, not {year}")
        return cls(year, int(found.group(2)))

    @classmethod
    def containing(cls, day: datetime.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> datetime.date:
        """The quarter's last day (inclusive)."""
        return self.next().start - datetime.timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, datetime.date) and self.start <= day <= self.end

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def label(self) -> str:
        """Short, for a chart's axis and table: ``Q3 2025``."""
        return f"Q{self.number} {self.year}"

    @property
    def months(self) -> str:
        """In words, for a report's title: ``July to September 2025``."""
        return f"{_MONTHS[self.number - 1]} {self.year}"
