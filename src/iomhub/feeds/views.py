"""The feed pages for coordinators: upload a feed file (custody arrests, prison releases, court
outcomes, offending history; imported in the background, ``feeds.uploads``), follow its import
(queued, importing with the rows done, then the result) and see what became of each row,
download the error report, and decide the rows whose person is uncertain. Thin: parse, call one
service or selector, render."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from iomhub.access.http import AuthedRequest
from iomhub.access.policy import Action
from iomhub.access.routes import guarded
from iomhub.feeds import selectors, services
from iomhub.feeds.forms import ReviewDecisionForm, UploadForm
from iomhub.feeds.models import Feed, ImportRun, LinkReview
from iomhub.feeds.provenance import agreed_words
from iomhub.feeds.registry import spec_for
from iomhub.feeds.report import write_report
from iomhub.feeds.rows import database_id
from iomhub.feeds.uploads import upload_enqueue
from iomhub.justice.models import OffenceCode
from iomhub.web.forms import apply_errors
from iomhub.web.templatetags.dates import govuk_date, govuk_datetime


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


REVIEWS_PER_PAGE = 100


def _review_context(
    request: AuthedRequest, run_id: int | None, page_number: int | None, failed: LinkReview | None = None
) -> dict[str, Any]:
    """The review page: a page of the rows waiting (of one import, or all), each with its people and
    its values as the page writes them; ``failed``: the row whose decision was refused, shown (at the
    top if it is not on the page) with the error at its radios."""
    waiting = Paginator(selectors.reviews_for(user=request.user, run_id=run_id).select_related("run"), REVIEWS_PER_PAGE)
    page = waiting.get_page(page_number)
    reviews = list(page.object_list)
    if failed is not None and all(r.pk != failed.pk for r in reviews):
        reviews.insert(0, failed)
    items = selectors.review_items(user=request.user, reviews=reviews)
    offences = _offence_titles(items)
    query = QueryDict(mutable=True)
    if run_id is not None:
        query["import"] = str(run_id)
    return {
        "rows": [_row(item, offences) for item in items],
        "page": page,
        "showing": _showing(page, waiting.count),
        "run_id": run_id,
        "query": query.urlencode(),
        "failed_id": failed.pk if failed is not None else None,
    }


def _offence_titles(items: list[selectors.ReviewItem]) -> dict[str, str]:
    """The Home Office titles of the rows' offence codes ("46" -> "Shoplifting"), in one query."""
    codes = {str(item.review.values.get("offence_code", "")).strip() for item in items} - {""}
    return dict(OffenceCode.objects.filter(code__in=sorted(codes)).values_list("code", "description")) if codes else {}


def _row(item: selectors.ReviewItem, offences: dict[str, str]) -> dict[str, Any]:
    values = readable_values(item.review)
    for candidate in item.candidates:  # "PNC ID; given name", not the linkage's "pnc_id; given_name"
        candidate["agreed"] = "; ".join(agreed_words(list(candidate["reasons"]))[0])
    offence = offences.get(values.get("offence_code", ""), "")
    return {"item": item, "values": values, "fields": labelled_values(item.review.run.feed, values), "offence": offence}


def _showing(page: Page[LinkReview], count: int) -> str:
    """ "Showing the first 100 of 1,790 rows waiting", "Showing rows 101 to 200 of 1,790 waiting", "3 rows waiting"."""
    if count == 0:
        return "No rows are waiting for review."
    if count <= REVIEWS_PER_PAGE:
        return f"{count:,} {'row' if count == 1 else 'rows'} waiting."
    if page.number == 1:
        return f"Showing the first {REVIEWS_PER_PAGE} of {count:,} rows waiting."
    return f"Showing rows {page.start_index():,} to {page.end_index():,} of {count:,} waiting."


@guarded(Action.COHORT_MANAGE, personal_data=True)
@require_http_methods(["GET"])
def review(request: AuthedRequest) -> HttpResponse:
    context = _review_context(request, database_id(request.GET.get("import")), database_id(request.GET.get("page")))
    return render(request, "feeds/review.html", context)


@guarded(Action.COHORT_MANAGE, personal_data=True)
@require_http_methods(["POST"])
def review_decide(request: AuthedRequest, review_id: int) -> HttpResponse:
    """A decision on one row: the same checks as the API's (``feeds.api_reviews``); refused, the
    page again with the error at that row's radios; done, back to the same page of the queue."""
    review = selectors.review_get_for(user=request.user, review_id=review_id)
    run_id, page_number = database_id(request.POST.get("import")), database_id(request.POST.get("page"))
    form = ReviewDecisionForm(request.POST)
    if form.is_valid():
        decision: str = form.cleaned_data["decision"]
        person_id = None if decision == "create" else int(decision[5:])
        if review.status != LinkReview.Status.OPEN:
            form.add_error("decision", _already(review))
        elif person_id is not None and person_id not in {c["person_id"] for c in review.candidates}:
            form.add_error("decision", "Select one of the people offered, or that they are new")
        else:
            try:
                decided = services.review_decide(acting_user=request.user, review_id=review.pk, person_id=person_id)
            except ValidationError as exc:
                review = selectors.review_get_for(user=request.user, review_id=review.pk)
                if review.status != LinkReview.Status.OPEN:
                    form.add_error("decision", _already(review))
                else:
                    apply_errors(form, exc)
            else:
                messages.success(request, _done(decided, new=person_id is None))
                query = QueryDict(mutable=True)
                if run_id is not None:
                    query["import"] = str(run_id)
                if page_number is not None and page_number > 1:
                    query["page"] = str(page_number)
                return redirect(reverse("feeds:review") + (f"?{query.urlencode()}" if query else ""))
    context = _review_context(request, run_id, page_number, failed=review)
    return render(request, "feeds/review.html", {**context, "form": form}, status=400)


def _already(review: LinkReview) -> str:
    who = review.decided_by.display_name if review.decided_by is not None else "someone else"
    when = f" on {govuk_date(timezone.localdate(review.decided_at))}" if review.decided_at else ""
    return f"This row has already been decided, by {who}{when}"


def _done(review: LinkReview, *, new: bool) -> str:
    where = f"(import {review.run_id}, line {review.line})"
    name = review.person.display_name if review.person is not None else "them"
    return f"Added {name} as someone new {where}" if new else f"Linked to {name} {where}"


def readable_values(review: LinkReview) -> dict[str, str]:
    """The row's values as the page writes them: its dates and times as GOV.UK writes them
    ("4 March 1990", "3 December 2026, 2:15am"), beside the candidates' dates written the same way;
    a value that does not read as one (it was checked when imported, but is text from the file) as
    it is."""
    read = selectors.review_dates(review)
    shown: dict[str, str] = {}
    for column, raw in review.values.items():
        value = read.get(column)
        if isinstance(value, datetime.datetime):
            shown[column] = govuk_datetime(value)
        elif value is not None:
            shown[column] = govuk_date(value)
        else:
            shown[column] = str(raw).strip()
    return shown


def labelled_values(feed: str, shown: dict[str, str]) -> list[tuple[str, str]]:
    """(label, value) for each of the row's columns, in the feed's order, labelled in plain English
    (``COLUMN_LABELS``); a column the feed does not name (none is kept) under the file's name."""
    labels = COLUMN_LABELS.get(feed, {})
    order = {column: i for i, column in enumerate(labels)}
    columns = sorted(shown, key=lambda c: (order.get(c, len(order)), c))
    return [(labels.get(column, column), shown[column]) for column in columns]


# Each feed's columns in plain English, in the feed's order (its schema: docs/feeds/).
_PERSON = {
    "pnc_id": "PNC ID",
    "family_name": "Family name",
    "given_name": "Given name",
    "date_of_birth": "Date of birth",
}
COLUMN_LABELS: dict[str, dict[str, str]] = {
    Feed.ARRESTS: {
        **_PERSON,
        "arrested_at": "Arrested",
        "custody_suite": "Custody suite",
        "offence_code": "Offence code",
        "outcome": "Outcome",
    },
    Feed.RELEASES: {
        "prison_number": "Prison number",
        **_PERSON,
        "prison": "Prison",
        "expected_release_date": "Expected release date",
        "release_type": "Release type",
    },
    Feed.COURTS: {
        **_PERSON,
        "court": "Court",
        "decided_on": "Date of conviction or caution",
        "offence_code": "Offence code",
        "offence_date": "Date of the offence",
        "disposal": "Disposal",
        "requirements": "Requirements",
        "fine_pounds": "Fine (pounds)",
    },
    Feed.HISTORY: {
        **_PERSON,
        "offence_code": "Offence code",
        "offence_date": "Date of the offence",
    },
}
