"""The feed pages for coordinators: upload a feed file (custody arrests, prison releases, court
outcomes, offending history; imported in the background, ``feeds.uploads``), follow its import
(queued, importing with the rows done, then the result) and see what became of each row,
download the error report, and decide the rows whose person is uncertain. Thin: parse, call one
service or selector, render."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from iomhub.access.http import AuthedRequest
from iomhub.access.policy import Action
from iomhub.access.routes import guarded
from iomhub.feeds import selectors, services
from iomhub.feeds.forms import ReviewDecisionForm, UploadForm
from iomhub.feeds.models import ImportRun
from iomhub.feeds.registry import spec_for
from iomhub.feeds.report import write_report
from iomhub.feeds.uploads import upload_enqueue
from iomhub.web.forms import apply_errors


@guarded(Action.COHORT_MANAGE)
@require_http_methods(["GET", "POST"])
def upload(request: AuthedRequest, feed: str) -> HttpResponse:
    spec = spec_for(feed)
    form = UploadForm(request.POST or None, request.FILES or None, spec=spec)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        run = upload_enqueue(feed=feed, acting_user=request.user, data=file.read(), file_name=file.name or "upload")
        return redirect("feeds:run", run_id=run.pk)
    runs = selectors.recent_runs(user=request.user, feed=feed)
    return render(request, "feeds/upload.html", {"form": form, "spec": spec, "runs": runs})


@guarded(Action.COHORT_MANAGE, personal_data=True)
@require_http_methods(["GET"])
def run_result(request: AuthedRequest, run_id: int) -> HttpResponse:
    run = selectors.run_get_for(user=request.user, run_id=run_id)
    over = run.over
    return render(request, "feeds/result.html", {"run": run, "over": over, "rejections": list(run.rejections.all()[:50]) if over else []})


@guarded(Action.COHORT_MANAGE, personal_data=True)
@require_http_methods(["GET"])
def run_errors(request: AuthedRequest, run_id: int) -> HttpResponse:
    return error_report_response(selectors.run_get_for(user=request.user, run_id=run_id, export=True))


def error_report_response(run: ImportRun) -> HttpResponse:
    """The run's error report as a CSV download (the page's and the API's)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-errors.csv"'
    write_report(run, response)
    return response


@guarded(Action.COHORT_MANAGE, personal_data=True)
@require_http_methods(["GET"])
def review(request: AuthedRequest) -> HttpResponse:
    return render(request, "feeds/review.html", {"items": selectors.review_queue(user=request.user)})


@guarded(Action.COHORT_MANAGE, personal_data=True)
@require_http_methods(["POST"])
def review_decide(request: AuthedRequest, review_id: int) -> HttpResponse:
    form = ReviewDecisionForm(request.POST)
    if form.is_valid():
        decision: str = form.cleaned_data["decision"]
        try:
            services.review_decide(
                acting_user=request.user, review_id=review_id, person_id=None if decision == "create" else int(decision[5:])
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("feeds:review")
    return render(request, "feeds/review.html", {"items": selectors.review_queue(user=request.user), "form": form}, status=400)
