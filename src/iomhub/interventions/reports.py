"""Progress reports on a DRR or ATR for the court or the offender manager (seed 000 appendix 4:
"Preparation of reports for offender managers", "Preparation of progress reports for courts"),
made as PDF (``iomhub.web.pdf``, ADR 0018) and kept in the person's Documents tab as a health
document (documents + health sections; ADR 0024)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from iomhub import clock
from iomhub.documents.models import DocumentKind
from iomhub.documents.services import document_store_generated
from iomhub.web.pdf import render_pdf

if TYPE_CHECKING:
    from iomhub.access.models import User
    from iomhub.documents.models import Document
    from iomhub.interventions.models import DrugTest
    from iomhub.interventions.selectors import OrderView

AUDIENCES = {"court": "the court", "offender-manager": "the offender manager"}


def describe_test(test: DrugTest) -> str:
    """One line for a test: "10 March 2026: positive (cocaine); negative for opiates"."""
    day = f"{test.tested_on.day} {test.tested_on:%B %Y}"
    if test.refused:
        return f"{day}: refused"
    results = list(test.results.all())
    positive = [r.get_substance_display().lower() for r in results if r.result == "positive"]
    negative = [r.get_substance_display().lower() for r in results if r.result != "positive"]
    parts = []
    if positive:
        parts.append(f"positive for {', '.join(positive)}")
    if negative:
        parts.append(f"negative for {', '.join(negative)}")
    return f"{day}: {'; '.join(parts)}"


def tests_since_last_review(view: OrderView) -> str:
    """The tests under the order since its last review, one a line (the review form's prefill)."""
    since = view.reviews[0].reviewed_on if view.reviews else None
    tests = sorted((t for t in view.tests if since is None or t.tested_on > since), key=lambda t: (t.tested_on, t.pk))
    return "\n".join(describe_test(t) for t in tests)


def progress_report_make(*, acting_user: User, view: OrderView, audience: str) -> Document:
    """The report as PDF, kept as a health document on the person's record."""
    order = view.order
    person = order.person
    today = clock.today()
    context = {
        "person": person,
        "order": order,
        "ends_on": view.ends_on,
        "reviews": sorted(view.reviews, key=lambda r: (r.reviewed_on, r.pk)),
        "tests": [describe_test(t) for t in sorted(view.tests, key=lambda t: (t.tested_on, t.pk))],
        "audience": AUDIENCES.get(audience, AUDIENCES["court"]),
        "author": acting_user.display_name,
        "today": today,
        "generated_at": timezone.localtime().strftime("%d/%m/%Y %H:%M"),
    }
    pdf = render_pdf("interventions/progress_report.pdf.html", context)
    kind = order.get_kind_display().split(" (")[-1].rstrip(")")  # DRR or ATR
    return document_store_generated(
        acting_user=acting_user,
        person=person,
        data=pdf,
        filename=f"{kind.lower()}-progress-report-{today.isoformat()}.pdf",
        title=f"{kind} progress report for {context['audience']}, {today.day} {today:%B %Y}",
        kind=DocumentKind.HEALTH,
        source=f"treatment-order:{order.pk}",
    )
