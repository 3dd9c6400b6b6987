"""The figures of the performance reports (issue 16): the overview, the quarterly report, the
outcomes (proven reoffending and the rest) and the matched comparison. Keyword-only selectors with
``user=``, authorised through the access policy and audited; the pages, the JSON API, the downloads
and ``python -m iomhub report`` all call these.

Aggregate figures are counted over the whole partnership (or one local team), whoever reads them,
so the same report reads the same for the performance lead and the chair; no figure carries a
name, identifier or date of birth. Each figure keeps the ids of the people behind it for
``drill_down``, which shows only those ``people_filter`` lets the reader see, and only to the
roles ``Action.REPORT_DRILL`` allows (ADR 0015).

One module per seam: ``base`` (figures, tables, the policy check, the drill-down), ``overview``,
``quarterly``, ``outcomes`` and ``comparison``.
"""

from iomhub.reporting.selectors.base import RAG_LABELS, RAG_ORDER, Figure, Report, Table, TrendRow, drill_down, exit_planned, team_choices
from iomhub.reporting.selectors.comparison import ComparisonReport, balance_rows, matched_comparison_report, outcome_rows
from iomhub.reporting.selectors.outcomes import ReoffendingReport, proven_reoffending, reoffending_events
from iomhub.reporting.selectors.overview import overview
from iomhub.reporting.selectors.quarterly import NOT_YET_SUPPORTED, quarterly

__all__ = [
    "NOT_YET_SUPPORTED",
    "RAG_LABELS",
    "RAG_ORDER",
    "ComparisonReport",
    "Figure",
    "ReoffendingReport",
    "Report",
    "Table",
    "TrendRow",
    "balance_rows",
    "drill_down",
    "exit_planned",
    "matched_comparison_report",
    "outcome_rows",
    "overview",
    "proven_reoffending",
    "quarterly",
    "reoffending_events",
    "team_choices",
]
