"""The pages' ``date`` filter (iomhub.web.templatetags.dates, a template builtin) writes exactly what
Django's own writes, for every format the templates use and for the ones it hands back to Django."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Engine, engines
from django.utils import timezone, translation

SRC = Path(__file__).resolve().parents[2] / "src" / "iomhub"
USED = sorted({m for path in SRC.rglob("*.html") for m in re.findall(r"""\|date:["']([^"']*)["']""", path.read_text())})
OTHERS = ["D j M", "N j, Y", "jS F Y", r"j \d\e F", "DATE_FORMAT", "SHORT_DATE_FORMAT", "P", "c", "d/m/Y", "G:i", "y", "b"]
LONDON = ZoneInfo("Europe/London")
VALUES = [
    datetime.date(2026, 1, 1),
    datetime.date(2026, 3, 29),
    datetime.date(1999, 12, 31),
    datetime.date(812, 5, 9),
    datetime.datetime(2026, 3, 29, 0, 30, tzinfo=datetime.UTC),  # the clocks go forward in London at 01:00 UTC
    datetime.datetime(2026, 3, 29, 1, 30, 5, tzinfo=datetime.UTC),
    datetime.datetime(2026, 10, 25, 23, 59, 59, tzinfo=datetime.UTC),
    datetime.datetime(2026, 7, 4, 9, 5, tzinfo=LONDON),
    datetime.datetime(2026, 7, 4, 9, 5),  # naive
    None,
    "",
    "not a date",
    datetime.time(9, 5),
]


def django_engine() -> Engine:
    """An engine with Django's builtins only: its ``date`` is Django's own."""
    return Engine(libraries={})


def test_the_pages_use_the_quick_filter():
    assert "iomhub.web.templatetags.dates" in engines["django"].engine.builtins


def test_the_templates_use_some_formats():
    assert {"j F Y", "j M Y", "j M Y H:i"} <= set(USED)


@pytest.mark.parametrize("fmt", USED + OTHERS)
def test_the_same_text_as_djangos_filter(fmt):
    ours = engines["django"].from_string("{{ v|date:f }}")
    theirs = django_engine().from_string("{{ v|date:f }}")
    with translation.override("en-gb"), timezone.override("Europe/London"):
        for value in VALUES:
            try:
                expected = theirs.render(Context({"v": value, "f": fmt}))
            except TypeError:  # Django refuses a time letter for a date: so must we
                with pytest.raises(TypeError):
                    ours.render({"v": value, "f": fmt})
                continue
            assert ours.render({"v": value, "f": fmt}) == expected, (fmt, value)


def test_no_format_and_other_languages_are_djangos():
    ours = engines["django"].from_string("{{ v|date }}|{{ v|date:'j F Y' }}")
    theirs = django_engine().from_string("{{ v|date }}|{{ v|date:'j F Y' }}")
    value = datetime.date(2026, 5, 1)
    for language in ("en-gb", "fr", "cy"):
        with translation.override(language):
            assert ours.render({"v": value}) == theirs.render(Context({"v": value}))


# -- GOV.UK's style (govuk_date, govuk_datetime): oracles written by hand from the style guide ------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2026, 12, 4), "4 December 2026"),
        (datetime.date(2026, 1, 31), "31 January 2026"),
        (datetime.date(1990, 3, 4), "4 March 1990"),
        (datetime.date(2027, 5, 9), "9 May 2027"),
    ],
)
def test_govuk_date(day, expected):
    from iomhub.web.templatetags.dates import govuk_date

    assert govuk_date(day) == expected


UTC = datetime.UTC


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime.datetime(2026, 12, 4, 14, 15, tzinfo=UTC), "4 December 2026, 2:15pm"),  # GMT: as UTC
        (datetime.datetime(2026, 12, 4, 2, 15, tzinfo=UTC), "4 December 2026, 2:15am"),
        (datetime.datetime(2026, 12, 4, 9, 0, tzinfo=UTC), "4 December 2026, 9am"),
        (datetime.datetime(2026, 12, 4, 0, 0, tzinfo=UTC), "4 December 2026, midnight"),
        (datetime.datetime(2026, 12, 4, 12, 0, tzinfo=UTC), "4 December 2026, midday"),
        (datetime.datetime(2026, 12, 4, 12, 5, tzinfo=UTC), "4 December 2026, 12:05pm"),
        (datetime.datetime(2026, 12, 4, 0, 5, tzinfo=UTC), "4 December 2026, 12:05am"),
        (datetime.datetime(2026, 12, 4, 23, 59, 59, tzinfo=UTC), "4 December 2026, 11:59pm"),  # seconds are not written
        (datetime.datetime(2026, 7, 31, 23, 0, tzinfo=UTC), "1 August 2026, midnight"),  # British Summer Time: the next day
        (datetime.datetime(2026, 7, 1, 11, 0, tzinfo=UTC), "1 July 2026, midday"),
        (datetime.datetime(2026, 3, 29, 0, 30, tzinfo=UTC), "29 March 2026, 12:30am"),  # before the clocks go forward at 1am
        (datetime.datetime(2026, 3, 29, 1, 30, tzinfo=UTC), "29 March 2026, 2:30am"),  # after
        (datetime.datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "25 October 2026, 1:30am"),  # the clocks go back at 1am UTC
        (datetime.datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "25 October 2026, 1:30am"),
        (datetime.datetime(2026, 7, 4, 9, 5, tzinfo=LONDON), "4 July 2026, 9:05am"),
    ],
)
def test_govuk_datetime_in_englands_time(moment, expected):
    from iomhub.web.templatetags.dates import govuk_datetime

    with timezone.override("Europe/London"):
        assert govuk_datetime(moment) == expected


def test_govuk_filters_in_a_template():
    page = engines["django"].from_string("{{ d|govuk_date }} / {{ m|govuk_datetime }}")
    moment = datetime.datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
    with timezone.override("Europe/London"):
        assert page.render({"d": datetime.date(2026, 12, 4), "m": moment}) == "4 December 2026 / 3 December 2026, midday"
