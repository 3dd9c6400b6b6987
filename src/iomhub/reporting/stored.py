"""Reports counted once and kept (ADR 0042): a report's figures are stored with the data version
they were counted at (``reporting.data_version``) and used again while that version and the code's
figures version are unchanged; any committed write to a counted table changes the version, so the
next reader counts afresh.

What is kept is figures only (counts, labels, captions): the same for every reader allowed the
report (ADR 0015: counted over the partnership or one team, whoever reads them), so the key is the
report's parameters alone. No person's id is kept: the drill-down (the only use of them) counts the
report afresh and lists only whom the policy lets the reader see. The policy check and the audit
of each read stay with the selector, before and after this, on every read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from iomhub.reporting import data_version
from iomhub.reporting.models import StoredReport
from iomhub.reporting.selectors.base import Figure, Report, Table


def as_stored(report: Report) -> dict[str, Any]:
    """The report's figures, without the people behind them."""
    return {
        "title": report.title,
        "period": report.period,
        "team": report.team,
        "notes": list(report.notes),
        "not_supported": [list(pair) for pair in report.not_supported],
        "tables": [
            {
                "key": t.key,
                "caption": t.caption,
                "unit": t.unit,
                "rows": [{"key": f.key, "label": f.label, "count": f.count, "drillable": f.drillable} for f in t.rows],
            }
            for t in report.tables
        ],
    }


def from_stored(data: dict[str, Any]) -> Report:
    return Report(
        title=data["title"],
        period=data["period"],
        team=data["team"],
        tables=tuple(
            Table(
                t["key"],
                t["caption"],
                tuple(Figure(f["key"], f["label"], f["count"], frozenset(), drillable=f["drillable"]) for f in t["rows"]),
                unit=t["unit"],
            )
            for t in data["tables"]
        ),
        notes=tuple(data["notes"]),
        not_supported=tuple((m, why) for m, why in data["not_supported"]),
        with_people=False,
    )


def stored_or_counted(*, kind: str, params: str, figures_version: int, count: Callable[[], Report]) -> Report:
    """The report ``kind`` for ``params`` as stored at the current data version, else counted by
    ``count`` and stored. The version is read *before* counting: a write committed while counting
    changes it, so what is stored is never used for data newer than it saw. Either way the figures
    come back as stored (no people's ids), so a reader cannot tell a stored report from a new one."""
    version, uncompacted = data_version.current()
    found = (
        StoredReport.objects.filter(kind=kind, params=params, data_version=version, figures_version=figures_version)
        .values_list("figures", flat=True)
        .first()
    )
    if found is not None:
        return from_stored(found)
    figures = as_stored(count())
    StoredReport.objects.bulk_create(
        [StoredReport(kind=kind, params=params, data_version=version, figures_version=figures_version, figures=figures)],
        update_conflicts=True,
        unique_fields=["kind", "params"],
        update_fields=["data_version", "figures_version", "figures", "counted_at"],
    )
    if uncompacted > data_version.COMPACT_AFTER:
        data_version.compact()
    return from_stored(figures)
