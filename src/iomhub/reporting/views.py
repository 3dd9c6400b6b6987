"""The report pages and downloads (issue 16). Thin: parse, call one selector, render."""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from iomhub import clock
from iomhub.access.http import AuthedRequest
from iomhub.access.policy import Action, can
from iomhub.access.routes import guarded
from iomhub.reporting import budget, downloads, extract, selectors
from iomhub.reporting import runs as report_runs
from iomhub.reporting.params import BadParameter, date_from, report_params, team_id_from
from iomhub.rules.dates import add_months
from iomhub.web.pdf import pdf_response


def _bad(request: AuthedRequest, error: Exception) -> HttpResponse:
    return render(request, "reporting/bad_request.html", {"error": str(error)}, status=400)


def _common(request: AuthedRequest, team_id: int | None) -> dict[str, object]:
    return {
        "teams": selectors.team_choices(),
        "team_id": team_id,
        "can_drill": can(request.user, Action.REPORT_DRILL),
        "can_extract": can(request.user, Action.REPORT_EXTRACT),
    }


@guarded(Action.REPORT_VIEW)
@require_http_methods(["GET"])
def overview(request: AuthedRequest) -> HttpResponse:
    try:
        team_id = team_id_from(request.GET.get("team"))
        report = selectors.overview(user=request.user, team_id=team_id)
    except (BadParameter, ValueError) as error:
        return _bad(request, error)
    return render(request, "reporting/overview.html", {"report": report, **_common(request, team_id)})


@guarded(Action.REPORT_VIEW)
@require_http_methods(["GET"])
def quarterly(request: AuthedRequest) -> HttpResponse:
    try:
        params = report_params(request.GET)
        report = selectors.quarterly(user=request.user, quarter=params.quarter, team_id=params.team_id)
    except (BadParameter, ValueError) as error:
        return _bad(request, error)
    query = f"quarter={params.quarter}" + (f"&team={params.team_id}" if params.team_id else "")
    return render(
        request,
        "reporting/quarterly.html",
        {
            "report": report,
            "quarter": params.quarter,
            "query": query,
            "run_params": [("quarter", str(params.quarter)), ("team", params.team_id)],
            **_common(request, params.team_id),
        },
    )


def _download(request: AuthedRequest, kind: str) -> HttpResponse:
    try:
        params = report_params(request.GET)
        report = selectors.quarterly(user=request.user, quarter=params.quarter, team_id=params.team_id, export=True)
    except (BadParameter, ValueError) as error:
        return _bad(request, error)
    name = f"iom-quarterly-{params.quarter}" + (f"-team-{params.team_id}" if params.team_id else "")
    if kind == "csv":
        response = HttpResponse(downloads.report_csv(report), content_type="text/csv; charset=utf-8")
    elif kind == "pdf":
        return pdf_response(downloads.report_pdf(report), f"{name}.pdf")
    else:
        response = HttpResponse(
            downloads.report_xlsx(report), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


@guarded(Action.REPORT_VIEW)
@require_http_methods(["GET"])
def quarterly_csv(request: AuthedRequest) -> HttpResponse:
    return _download(request, "csv")


@guarded(Action.REPORT_VIEW)
@require_http_methods(["GET"])
def quarterly_xlsx(request: AuthedRequest) -> HttpResponse:
    return _download(request, "xlsx")


@guarded(Action.REPORT_VIEW)
@require_http_methods(["GET"])
def quarterly_pdf(request: AuthedRequest) -> HttpResponse:
    return _download(request, "pdf")


@guarded(Action.REPORT_DRILL, personal_data=True)
@require_http_methods(["GET"])
def people(request: AuthedRequest) -> HttpResponse:
    """The people behind one figure of the quarterly report, as the reader may see them."""
    try:
        params = report_params(request.GET)
        report = selectors.quarterly(user=request.user, quarter=params.quarter, team_id=params.team_id, people=True)
        key = request.GET.get("figure", "")
        figure = report.figure(key)
        found = selectors.drill_down(user=request.user, report=report, key=key)
    except KeyError:
        return _bad(request, BadParameter("figure must be one of the report's figures"))
    except (BadParameter, ValueError) as error:
        return _bad(request, error)
    return render(request, "reporting/people.html", {"report": report, "figure": figure, "people": found, "quarter": params.quarter})


@guarded(Action.REPORT_VIEW)
@require_http_methods(["GET"])
def reoffending(request: AuthedRequest) -> HttpResponse:
    today = clock.today()
    try:
        team_id = team_id_from(request.GET.get("team"))
        start = date_from("from", request.GET.get("from"), add_months(today, -30))
        end = date_from("to", request.GET.get("to"), add_months(today, -18) - datetime.timedelta(days=1))
        report = selectors.proven_reoffending(user=request.user, cohort_from=start, cohort_to=end, team_id=team_id)
    except (BadParameter, ValueError) as error:
        return _bad(request, error)
    return render(request, "reporting/reoffending.html", {"report": report, **_common(request, team_id)})


def _cohort_period(query: Mapping[str, str]) -> tuple[datetime.date, datetime.date, int | None]:
    """The cohort's period (the default: registered 30 to 18 months ago, so all are measurable)."""
    today = clock.today()
    start = date_from("from", query.get("from"), add_months(today, -30))
    end = date_from("to", query.get("to"), add_months(today, -18) - datetime.timedelta(days=1))
    return start, end, team_id_from(query.get("team"))


@guarded(Action.REPORT_VIEW)
@require_http_methods(["GET"])
def comparison(request: AuthedRequest) -> HttpResponse:
    """The matched comparison: figures only, for every role that reads reports."""
    try:
        start, end, team_id = _cohort_period(request.GET)
        report = selectors.matched_comparison_report(user=request.user, cohort_from=start, cohort_to=end, team_id=team_id)
    except (BadParameter, ValueError) as error:
        return _bad(request, error)
    context = {
        "report": report,
        "balance": selectors.balance_rows(report),
        "outcome_rows": selectors.outcome_rows(report),
        "run_params": [("from", f"{start:%Y-%m-%d}"), ("to", f"{end:%Y-%m-%d}"), ("team", team_id)],
    }
    return render(request, "reporting/comparison.html", {**context, **_common(request, team_id)})


@guarded(Action.REPORT_EXTRACT)
@require_http_methods(["GET"])
def evaluation_extract(request: AuthedRequest) -> HttpResponse:
    """The pseudonymised evaluation extract as a ZIP of CSV files (the deployment's export key)."""
    response = HttpResponse(extract.as_zip(extract.evaluation_extract(user=request.user)), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="iom-evaluation-extract-{clock.today():%Y-%m-%d}.zip"'
    return response


@guarded(Action.REPORT_VIEW)
@require_http_methods(["GET", "POST"])
def runs(request: AuthedRequest) -> HttpResponse:
    """Ask for a long report in the background (POST), and the reports you asked for lately."""
    if request.method == "POST":
        try:
            run = report_runs.start_run(user=request.user, kind=request.POST.get("kind", ""), query=request.POST.dict())
        except (BadParameter, ValueError) as error:
            return _bad(request, error)
        return redirect("reporting:run", run_id=run.pk)
    return render(request, "reporting/runs.html", {"runs": report_runs.recent_runs(user=request.user), **_common(request, None)})


@guarded(Action.REPORT_VIEW)
@require_http_methods(["GET"])
def run(request: AuthedRequest, run_id: int) -> HttpResponse:
    """One report being made: its progress, and the download when it is ready."""
    found = report_runs.run_for(user=request.user, run_id=run_id)
    return render(request, "reporting/run.html", {"run": found, **_common(request, None)})


@guarded(Action.REPORT_VIEW)
@require_http_methods(["GET"])
def run_download(request: AuthedRequest, run_id: int) -> HttpResponse:
    found = report_runs.run_for(user=request.user, run_id=run_id)
    if found.status != found.Status.DONE or found.result is None:
        return _bad(request, BadParameter("this report is not ready yet"))
    response = HttpResponse(bytes(found.result), content_type=found.content_type)
    response["Content-Disposition"] = f'attachment; filename="{found.filename}"'
    return response


@guarded(Action.REPORT_VIEW)
@require_http_methods(["GET"])
def budget_template(request: AuthedRequest) -> HttpResponse:
    """The empty IOM budget template (000 appendix 7) for a provider to fill in."""
    selectors.base._authorise(request.user, Action.REPORT_VIEW, "budget template")
    response = HttpResponse(budget.template_xlsx(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="iom-budget-template.xlsx"'
    return response


@guarded(Action.REPORT_VIEW)
@require_http_methods(["GET", "POST"])
def budget_return(request: AuthedRequest) -> HttpResponse:
    """Read a filled budget template back: the lines and totals read, and each problem by row and column."""
    selectors.base._authorise(request.user, Action.REPORT_VIEW, "budget return")
    found, error = None, ""
    if request.method == "POST":
        upload = request.FILES.get("budget")
        if upload is None:
            error = "Choose the filled budget template to read"
        else:
            found = budget.read_return(upload.read(budget.MAX_BYTES + 1))
    status = 400 if error else 200
    return render(request, "reporting/budget.html", {"found": found, "error": error, **_common(request, None)}, status=status)
