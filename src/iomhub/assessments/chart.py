"""The Treatment Outcomes Profile over time as inline SVG (like ``justice.chart``): positions only,
drawn by ``assessments/_top_chart.html`` with presentation attributes (the Content-Security-Policy
allows no inline style), GOV.UK colours, and every number also in a table under it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from iomhub.rules import top

if TYPE_CHECKING:
    from iomhub.assessments.models import TreatmentOutcomesProfile

WIDTH = 640
LEFT = 40
RIGHT = 16
TOP = 12
HEIGHT = 160
AXIS_GAP = 34
LEGEND_ROW = 22
COLOURS = ("#1d70b8", "#d4351c", "#00703c", "#f47738", "#912b88", "#505a5f", "#28a197", "#6f72af")
# The chart's two panels: days in the last 28 (substance use, injecting, crime, work) and the
# client's ratings (0-20). Every measure is in the table.
PANELS = (
    ("Days in the last 28", top.DAYS, top.MAX_DAYS),
    ("The client's ratings (0 poor to 20 good)", top.RATING, top.MAX_RATING),
)


@dataclass(frozen=True)
class Series:
    label: str
    colour: str
    points: str  # "x,y x,y" for <polyline>
    dots: tuple[tuple[float, float, str], ...]  # x, y, the value in words


@dataclass
class Panel:
    title: str
    peak: int
    height: int
    plot_bottom: int
    series: list[Series] = field(default_factory=list)
    labels: list[tuple[float, str]] = field(default_factory=list)
    legend: list[tuple[int, int, str, str]] = field(default_factory=list)  # x, y, colour, label
    width: int = WIDTH
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP


@dataclass
class TopChart:
    description: str
    panels: list[Panel]
    columns: list[str]  # the profiles, oldest first: "12 Mar 2026 (start)"
    rows: list[tuple[str, list[str]]]  # each measure and its value in every profile


def _value(p: TreatmentOutcomesProfile, name: str) -> str:
    v = getattr(p, name)
    if v is None:
        return "Not asked"
    if isinstance(v, bool):
        return "Yes" if v else "No"
    return str(v)


def _panel(title: str, kind: str, peak: int, profiles: list[TreatmentOutcomesProfile]) -> Panel | None:
    measures = [m for m in top.MEASURES if m.kind == kind and any(getattr(p, m.name) for p in profiles)]
    if not measures:
        return None
    legend_rows = (len(measures) + 1) // 2
    panel = Panel(title, peak, TOP + HEIGHT + AXIS_GAP + legend_rows * LEGEND_ROW, TOP + HEIGHT)
    span = max(len(profiles) - 1, 1)
    xs = [round(LEFT + (WIDTH - LEFT - RIGHT) * (i / span if len(profiles) > 1 else 0.5), 1) for i in range(len(profiles))]
    for x, p in zip(xs, profiles, strict=True):
        panel.labels.append((x, f"{p.completed_on.day} {p.completed_on:%b %Y}"))
    for i, m in enumerate(measures):
        colour = COLOURS[i % len(COLOURS)]
        dots = tuple(
            (x, round(TOP + HEIGHT - HEIGHT * getattr(p, m.name) / peak, 1), f"{m.label}: {getattr(p, m.name)}")
            for x, p in zip(xs, profiles, strict=True)
        )
        panel.series.append(Series(m.label, colour, " ".join(f"{x},{y}" for x, y, _ in dots), dots))
        col, row = i % 2, i // 2
        panel.legend.append((LEFT + col * 300, TOP + HEIGHT + AXIS_GAP + row * LEGEND_ROW, colour, m.label))
    return panel


def draw_top(profiles: list[TreatmentOutcomesProfile], *, name: str) -> TopChart | None:
    """The profiles oldest first; None when there are none."""
    if not profiles:
        return None
    ordered = sorted(profiles, key=lambda p: (p.completed_on, p.pk))
    panels = [p for title, kind, peak in PANELS if (p := _panel(title, kind, peak, ordered)) is not None]
    columns = [f"{p.completed_on.day} {p.completed_on:%b %Y} ({p.get_stage_display().lower()})" for p in ordered]
    rows = [(m.label, [_value(p, m.name) for p in ordered]) for m in top.MEASURES]
    first, last = ordered[0], ordered[-1]
    description = (
        f"{len(ordered)} Treatment Outcomes Profile{'s' if len(ordered) != 1 else ''} for {name}, from {columns[0]} to {columns[-1]}."
    )
    if len(ordered) > 1:
        moved = [c for c in top.change(_values(first), _values(last)) if c.direction != "same"]
        if moved:
            description += " First to latest: " + "; ".join(f"{c.label} {c.first} to {c.latest} ({c.direction})" for c in moved) + "."
    return TopChart(description, panels, columns, rows)


def _values(p: TreatmentOutcomesProfile) -> dict[str, object]:
    return {m.name: getattr(p, m.name) for m in top.MEASURES}
