"""The offending chart's drawing (issue 4 §7): positions for an inline SVG drawn by the template
from the counts of ``iomhub.rules.offending``. Pure Python; colours are SVG presentation
attributes (the Content-Security-Policy allows no inline style), from the GOV.UK palette, and the
numbers are also given as a table (``justice/_chart.html``)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from iomhub.rules.offending import OffendingChart, Period

WIDTH = 760
LEFT = 44
RIGHT = 12
LANE_TOP = 8  # the registration lane, above the plot
LANE_HEIGHT = 14
PLOT_TOP = 34
PLOT_HEIGHT = 180
AXIS_GAP = 34  # quarter labels under the plot
LEGEND_ROW = 22

COLOURS = {
    "burglary": "#1d70b8",
    "robbery": "#d4351c",
    "vehicle": "#00703c",
    "theft-from-person": "#f47738",
    "other": "#505a5f",
}
CUSTODY_FILL = "#b1b4b6"
REGISTRATION_FILL = "#912b88"


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float
    fill: str
    kind: str = ""
    label: str = ""


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    anchor: str = "middle"


@dataclass
class Drawing:
    height: int
    title: str
    description: str
    plot_top: int = PLOT_TOP
    plot_bottom: int = PLOT_TOP + PLOT_HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    width: int = WIDTH
    bars: list[Box] = field(default_factory=list)
    custody: list[Box] = field(default_factory=list)
    registrations: list[Box] = field(default_factory=list)
    markers: list[Box] = field(default_factory=list)
    labels: list[Text] = field(default_factory=list)
    ticks: list[Text] = field(default_factory=list)
    legend: list[tuple[Box, Text]] = field(default_factory=list)


def _day_text(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _period_text(p: Period) -> str:
    start = f"before {_day_text(p.start)}" if p.starts_before_chart else _day_text(p.start)
    return f"{start} to {'now' if p.ongoing else _day_text(p.end)}"


def draw(chart: OffendingChart, labels: dict[str, str], *, name: str) -> Drawing | None:
    """Where everything goes; None when there is nothing to draw."""
    if not chart.quarters:
        return None
    first = chart.quarters[0].quarter.start
    after = chart.quarters[-1].quarter.end + datetime.timedelta(days=1)
    span = (after - first).days
    plot_width = WIDTH - LEFT - RIGHT

    def x(day: datetime.date) -> float:
        return round(LEFT + plot_width * (day - first).days / span, 1)

    legend_rows = (len(chart.categories) + 2 + 2) // 3
    drawing = Drawing(
        height=PLOT_TOP + PLOT_HEIGHT + AXIS_GAP + legend_rows * LEGEND_ROW + 8,
        title=f"Offending by quarter for {name}",
        description=_describe(chart, labels),
    )
    _periods(drawing, chart, x)
    _bars(drawing, chart, labels, x)
    drawing.ticks = [Text(LEFT - 6, PLOT_TOP + PLOT_HEIGHT + 4, "0", "end"), Text(LEFT - 6, PLOT_TOP + 4, str(chart.peak), "end")]
    _legend(drawing, chart, labels)
    return drawing


def _periods(drawing: Drawing, chart: OffendingChart, x: Callable[[datetime.date], float]) -> None:
    """Custody behind the bars; the registrations in their lane, with a line where one starts."""
    for p in chart.custody:
        drawing.custody.append(
            Box(
                x(p.start),
                PLOT_TOP,
                max(x(p.end + datetime.timedelta(days=1)) - x(p.start), 1.5),
                PLOT_HEIGHT,
                CUSTODY_FILL,
                "custody",
                f"In custody {_period_text(p)}",
            )
        )
    for p in chart.registrations:
        left = x(p.start)
        drawing.registrations.append(
            Box(
                left,
                LANE_TOP,
                max(x(p.end + datetime.timedelta(days=1)) - left, 1.5),
                LANE_HEIGHT,
                REGISTRATION_FILL,
                "registration",
                f"On the IOM cohort {_period_text(p)}",
            )
        )
        if not p.starts_before_chart:  # the registration starts here: a line down through the plot
            drawing.markers.append(Box(left, LANE_TOP, 2, PLOT_TOP + PLOT_HEIGHT - LANE_TOP, REGISTRATION_FILL, "registration-start"))


def _bars(drawing: Drawing, chart: OffendingChart, labels: dict[str, str], x: Callable[[datetime.date], float]) -> None:
    """A stacked bar per quarter, by category, and the quarter (and year) under every few."""
    unit = PLOT_HEIGHT / max(chart.peak, 1)
    every = max(1, (len(chart.quarters) + 11) // 12)
    for i, q in enumerate(chart.quarters):
        left, right = x(q.quarter.start), x(q.quarter.end + datetime.timedelta(days=1))
        bar_width = (right - left) * 0.6
        bar_x = round(left + (right - left - bar_width) / 2, 1)
        bottom = float(PLOT_TOP + PLOT_HEIGHT)
        for category, count in zip(chart.categories, q.counts, strict=True):
            if count:
                height = round(count * unit, 1)
                bottom -= height
                colour = COLOURS.get(category, COLOURS["other"])
                title = f"{q.quarter.label}: {count} {labels[category]}"
                drawing.bars.append(Box(bar_x, round(bottom, 1), round(bar_width, 1), height, colour, category, title))
        if i % every == 0:
            middle = round((left + right) / 2, 1)
            drawing.labels.append(Text(middle, PLOT_TOP + PLOT_HEIGHT + 14, f"Q{q.quarter.number}"))
            if q.quarter.number == 1 or i == 0:
                drawing.labels.append(Text(middle, PLOT_TOP + PLOT_HEIGHT + 28, str(q.quarter.year)))


def _legend(drawing: Drawing, chart: OffendingChart, labels: dict[str, str]) -> None:
    keys = [(COLOURS.get(c, COLOURS["other"]), labels[c]) for c in chart.categories]
    keys += [(CUSTODY_FILL, "In custody"), (REGISTRATION_FILL, "On the IOM cohort")]
    top = PLOT_TOP + PLOT_HEIGHT + AXIS_GAP
    for i, (colour, text) in enumerate(keys):
        col, row = i % 3, i // 3
        kx, ky = LEFT + col * 240, top + row * LEGEND_ROW
        drawing.legend.append((Box(kx, ky, 14, 14, colour), Text(kx + 20, ky + 12, text, "start")))


def _describe(chart: OffendingChart, labels: dict[str, str]) -> str:
    """The chart in words (the SVG's <desc>); the table under it gives every number."""
    first, last = chart.quarters[0].quarter, chart.quarters[-1].quarter
    parts = [f"{chart.total} offence{'s' if chart.total != 1 else ''} from {first.label} to {last.label}"]
    by_category = [f"{n} {labels[c]}" for c, n in zip(chart.categories, chart.category_totals(), strict=True) if n]
    if by_category:
        parts[0] += f" ({', '.join(by_category)})"
    if chart.earlier_offences:
        parts.append(f"{chart.earlier_offences} earlier offences are not shown")
    if chart.total:
        busiest = max(chart.quarters, key=lambda q: q.total)
        parts.append(f"the most in {busiest.quarter.label} ({busiest.total})")
    parts.append(
        "in custody " + "; ".join(_period_text(p) for p in chart.custody) if chart.custody else "no time in custody in this period"
    )
    parts.append(
        "on the IOM cohort " + "; ".join(_period_text(p) for p in chart.registrations)
        if chart.registrations
        else "not on the IOM cohort in this period"
    )
    return ". ".join(p[0].upper() + p[1:] for p in parts) + "."
