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
