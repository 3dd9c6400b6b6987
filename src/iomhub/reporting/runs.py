"""Long reports in the background (issue 16 §6; ADR 0019): a ``ReportRun`` is asked for, queued on
the ``reports`` queue, made by :func:`make_report` (which re-reads the run and makes the report as
the user who asked, so the policy and the audit apply as for a download) and kept for that user to
download. Its progress is coarse and honest: queued, counting the figures, writing the file, done.
"""

from __future__ import annotations

import datetime
import json
import logging
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django_tasks import task

from iomhub import clock
from iomhub.access.policy import Action
from iomhub.reporting import downloads
from iomhub.reporting.models import ReportRun
from iomhub.reporting.params import BadParameter, date_from, quarter_from, team_id_from
from iomhub.reporting.selectors.base import _authorise
from iomhub.rules.dates import add_months

if TYPE_CHECKING:
    from iomhub.access.models import User

log = logging.getLogger(__name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _params(kind: str, query: dict[str, str]) -> dict[str, Any]:
    """The run's parameters, checked now so a mistake is named at once, not after queueing."""
    if kind not in ReportRun.Kind.values:
        raise BadParameter(f"kind must be one of {', '.join(ReportRun.Kind.values)}, not {kind!r}")
    team = team_id_from(query.get("team"))
    if kind == ReportRun.Kind.COMPARISON:
        start, end = query.get("from", ""), query.get("to", "")
        date_from("from", start, datetime.date.min), date_from("to", end, datetime.date.min)
        return {"from": start, "to": end, "team": team}
    return {"quarter": str(quarter_from(query.get("quarter"))), "team": team}


def start_run(*, user: User, kind: str, query: dict[str, str]) -> ReportRun:
    """Ask for a report in the background: checked, recorded and queued (run at once in
    development and the tests)."""
    _authorise(user, Action.REPORT_VIEW, f"run {kind}")
    run = ReportRun.objects.create(requested_by=user, kind=kind, params=_params(kind, query), stage="Waiting to start")
    make_report.enqueue(run.pk)
    run.refresh_from_db()
    return run


def run_for(*, user: User, run_id: int) -> ReportRun:
    """A run, for the user who asked for it only (anyone else: not found)."""
    _authorise(user, Action.REPORT_VIEW, f"run {run_id}")
    run = ReportRun.objects.filter(pk=run_id, requested_by=user).first()
    if run is None:
        raise Http404("No such report run")
    return run


def recent_runs(*, user: User, limit: int = 10) -> list[ReportRun]:
    _authorise(user, Action.REPORT_VIEW, "runs")
    return list(ReportRun.objects.filter(requested_by=user).defer("result")[:limit])


def _step(run: ReportRun, progress: int, stage: str, status: str = ReportRun.Status.RUNNING) -> None:
    run.progress, run.stage, run.status = progress, stage, status
    run.save(update_fields=["progress", "stage", "status"])


@task(queue_name="reports")
def make_report(run_id: int) -> str:
    """Make one run's report as the user who asked for it; a run already finished is left alone."""
    run = ReportRun.objects.select_related("requested_by").get(pk=run_id)
    if run.status in (ReportRun.Status.DONE, ReportRun.Status.FAILED):
        return run.status
    try:
        _make(run)
    except (BadParameter, ValueError, PermissionDenied) as error:
        run.error = str(error) or "You may not make this report"
        _step(run, run.progress, "Could not be made", ReportRun.Status.FAILED)
    except Exception:
        log.exception("report run %s failed", run_id)
        run.error = "The report could not be made because of a fault. Try again, or tell the system administrator."
        _step(run, run.progress, "Could not be made", ReportRun.Status.FAILED)
    run.finished_at = timezone.now()
    run.save(update_fields=["error", "finished_at"])
    return run.status


def _make(run: ReportRun) -> None:
    from iomhub.reporting import selectors

    user, params = run.requested_by, run.params
    _step(run, 10, "Counting the figures")
    if run.kind == ReportRun.Kind.COMPARISON:
        today = clock.today()
        start = date_from("from", params.get("from"), add_months(today, -30))
        end = date_from("to", params.get("to"), add_months(today, -18) - datetime.timedelta(days=1))
        comparison = selectors.matched_comparison_report(
            user=user, cohort_from=start, cohort_to=end, team_id=params.get("team"), export=True
        )
        _step(run, 80, "Writing the file")
        data, name, content_type = (
            (json.dumps(comparison.as_json(), indent=2) + "\n").encode(),
            f"iom-comparison-{start}-{end}.json",
            "application/json",
        )
    else:
        quarter = quarter_from(params.get("quarter"))
        report = selectors.quarterly(user=user, quarter=quarter, team_id=params.get("team"), export=True)
        _step(run, 60, "Writing the file")
        if run.kind == ReportRun.Kind.QUARTERLY_PDF:
            data, content_type, ext = downloads.report_pdf(report), "application/pdf", "pdf"
        else:
            data, content_type, ext = downloads.report_xlsx(report), XLSX, "xlsx"
        name = f"iom-quarterly-{quarter}" + (f"-team-{params['team']}" if params.get("team") else "") + f".{ext}"
    run.result, run.filename, run.content_type = data, name, content_type
    run.save(update_fields=["result", "filename", "content_type"])
    _step(run, 100, "Ready", ReportRun.Status.DONE)
