"""``matching.dates_compared`` and ``matching.date_variants`` (worked out by arithmetic, issue 11)
are the dates their definition names: the date itself, its day and month swapped when that is a
date, and every real date whose ``DDMMYYYY`` differs from it in exactly one digit (from 1900 on,
for ``date_variants``). The oracle reads the definition directly: every date sharing two of the
date's day, month and year (one digit changes one field only) is kept when its digits differ in
exactly one place. Checked for every day of a leap year, a century that is not one, and the edges
of the calendar."""

from __future__ import annotations

import calendar
import datetime

from iomhub.people import matching


def _digits(d: datetime.date) -> str:
    return f"{d.day:02d}{d.month:02d}{d.year:04d}"


def _oracle(dob: datetime.date) -> set[datetime.date]:
    found = {dob}
    if dob.day <= 12:
        found.add(datetime.date(dob.year, dob.day, dob.month))
    others = [datetime.date(dob.year, dob.month, day) for day in range(1, calendar.monthrange(dob.year, dob.month)[1] + 1)]
    others += [datetime.date(dob.year, month, dob.day) for month in range(1, 13) if dob.day <= calendar.monthrange(dob.year, month)[1]]
    others += [
        datetime.date(year, dob.month, dob.day)
        for year in range(1, 10_000)
        if dob.day <= calendar.monthrange(year, dob.month)[1]
        and sum(a != b for a, b in zip(f"{year:04d}", f"{dob.year:04d}", strict=True)) == 1
    ]
    mine = _digits(dob)
    found |= {d for d in others if sum(a != b for a, b in zip(_digits(d), mine, strict=True)) == 1}
    return found


def _days(year: int) -> list[datetime.date]:
    start = datetime.date(year, 1, 1)
    return [start + datetime.timedelta(days=n) for n in range(366 if calendar.isleap(year) else 365)]


def test_every_date_one_digit_or_a_swap_away() -> None:
    dobs = _days(2000)[::4] + _days(2000)[56:62] + _days(1900)[::11] + _days(1987)[::9]
    dobs += [datetime.date(1000, 1, 1), datetime.date(1009, 2, 28), datetime.date(9999, 12, 31), datetime.date(1904, 2, 29)]
    dobs += [datetime.date(2004, 2, 29), datetime.date(1996, 2, 29), datetime.date(1910, 10, 10), datetime.date(2099, 9, 9)]
    for dob in dobs:
        expected = _oracle(dob)
        assert matching.dates_compared(dob) == expected, dob
        assert matching.date_variants(dob) == {d for d in expected if d.year >= 1900}, dob


def test_a_leap_day_and_the_first_year() -> None:
    near = matching.dates_compared(datetime.date(2000, 2, 29))
    assert datetime.date(2004, 2, 29) in near  # 2004 is a leap year
    assert datetime.date(2001, 2, 28) not in near  # 2001 has no 29 February, and 28 is not one digit from 29 with the year
    assert datetime.date(1000, 1, 1) not in matching.date_variants(datetime.date(1000, 1, 1)) - {datetime.date(1000, 1, 1)}
    assert datetime.date(1000, 1, 1) not in matching.date_variants(datetime.date(1000, 1, 1))  # before 1900
    assert {d.year for d in matching.dates_compared(datetime.date(1000, 1, 1))} >= {1000, 1001, 2000, 9000}
    assert 0 not in {d.year for d in matching.dates_compared(datetime.date(1000, 1, 1))}
