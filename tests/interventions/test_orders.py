"""DRR and ATR orders (seed 000 §6.1, appendix 4): the order, progress reviews, the progress report as
a PDF kept in the Documents tab; pages and API alike; health data only for those given it."""

import datetime
import io

import pypdfium2
import pytest
from django.core.exceptions import ValidationError

from iomhub.access.models import AuditEvent, Role, Section, SharingAgreement
from iomhub.documents.models import Document
from iomhub.interventions import services
from iomhub.interventions.models import OrderReview, TreatmentOrder

pytestmark = pytest.mark.django_db
D = datetime.date
ORDER = {
    "kind": "drr",
    "court": "Basingstoke Magistrates' Court",
    "made_on": D(2026, 3, 2),
    "starts_on": D(2026, 3, 16),
    "months": 12,
    "intensity": "medium",
    "provider": "HOMER Recovery Service",
    "offender_manager": "Sam Officer",
}


def _pdf_text(data: bytes) -> str:
    pdf = pypdfium2.PdfDocument(io.BytesIO(data))
    return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))


def test_an_order_its_reviews_and_the_progress_report(registered, today):
    p = registered
    worker = p.users[Role.SUBSTANCE_MISUSE]
    order = services.order_record(acting_user=worker, person=p.ordinary, **ORDER)
    services.drug_test_record(
        acting_user=worker,
        person=p.ordinary,
        tested_on=D(2026, 4, 14),
        sample_type="urine",
        specified="class-a",
        results={"opiates": "negative", "cocaine": "positive"},
        order=order,
    )
    services.review_record(
        acting_user=worker, order=order, reviewed_on=D(2026, 4, 20), progress="some", attendance="some-missed", notes="Engaging in key work"
    )
    from iomhub.interventions import reports, selectors

    view = selectors.order_for(person=p.ordinary, order_id=order.pk)
    assert view.ends_on == D(2027, 3, 15)
    document = reports.progress_report_make(acting_user=worker, view=view, audience="court")
    assert (document.kind, document.content_type, document.generated) == ("health", "application/pdf", True)
    assert document.filename == "drr-progress-report-2026-06-15.pdf"
    with document_file(document) as handle:
        text = _pdf_text(handle.read())
    for words in (
        "progress report for the court",
        "Basingstoke Magistrates",
        "16 March 2026 to 15 March 2027",
        "HOMER Recovery Service",
        "Engaging in key work",
        "14 April 2026: positive for cocaine",
        "negative for opiates",
    ):
        assert words in " ".join(text.split()), words
    assert AuditEvent.objects.filter(object_type="health-document", action="create", object_id=str(document.pk)).count() == 1


def document_file(document):
    from iomhub.documents.services import storage

    return storage().open(document.stored_as, "rb")


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"months": 5}, "months", "An order lasts from 6 to 36 months"),
        ({"months": 40}, "months", "An order lasts from 6 to 36 months"),
        ({"starts_on": D(2026, 3, 1)}, "starts_on", "on or after the date the order was made"),
        ({"court": "  "}, "court", "Enter the court"),
        ({"kind": "community-payback"}, "kind", "Select a valid the kind of order"),
        ({"made_on": D(2026, 7, 1)}, "made_on", "today or in the past"),
    ],
)
def test_order_answers_are_checked_by_name(registered, today, changes, field, words):
    with pytest.raises(ValidationError) as exc:
        services.order_record(acting_user=registered.users[Role.PROBATION_OFFICER], person=registered.ordinary, **{**ORDER, **changes})
    assert any(words in m for m in exc.value.message_dict[field]), exc.value.message_dict
    assert not TreatmentOrder.objects.exists()


def test_a_review_before_the_order_starts_is_refused(registered, today):
    order = services.order_record(acting_user=registered.users[Role.PROBATION_OFFICER], person=registered.ordinary, **ORDER)
    with pytest.raises(ValidationError) as exc:
        services.review_record(
            acting_user=registered.users[Role.PROBATION_OFFICER],
            order=order,
            reviewed_on=D(2026, 3, 10),
            progress="good",
            attendance="good",
            notes="x",
        )
    assert exc.value.message_dict["reviewed_on"] == ["The review must be on or after the order's start date"]
    assert not OrderReview.objects.exists()


def test_the_same_through_the_api(registered, today, client):
    p = registered
    client.force_login(p.users[Role.SUBSTANCE_MISUSE])
    pid = p.ordinary.pk
    body = {**ORDER, "made_on": "2026-03-02", "starts_on": "2026-03-16"}
    made = client.post(f"/api/v1/people/{pid}/treatment-orders", body, content_type="application/json")
    assert made.status_code == 201, made.content
    order = made.json()
    assert (order["kind"], order["ends_on"], order["reviews"]) == ("drr", "2027-03-15", [])
    test = client.post(
        f"/api/v1/people/{pid}/drug-tests",
        {
            "tested_on": "2026-06-01",
            "sample_type": "oral-fluid",
            "specified": "class-a-b",
            "results": {"cannabis": "positive"},
            "order": order["id"],
        },
        content_type="application/json",
    )
    assert test.status_code == 201, test.content
    assert (test.json()["result"], test.json()["results"]) == (
        "positive",
        [{"substance": "cannabis", "result": "positive", "substance_class": "B"}],
    )
    review = client.post(
        f"/api/v1/people/{pid}/treatment-orders/{order['id']}/reviews",
        {"reviewed_on": "2026-06-10", "progress": "good", "attendance": "good", "notes": "Doing well"},
        content_type="application/json",
    )
    assert review.status_code == 201, review.content
    bad = client.post(f"/api/v1/people/{pid}/treatment-orders", {**body, "months": 3}, content_type="application/json")
    assert bad.status_code == 400 and "An order lasts from 6 to 36 months" in bad.content.decode()
    report = client.post(
        f"/api/v1/people/{pid}/treatment-orders/{order['id']}/report", {"audience": "offender-manager"}, content_type="application/json"
    )
    assert report.status_code == 201, report.content
    download = client.get(report.json()["download"])
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert "progress report for the offender manager" in " ".join(_pdf_text(b"".join(download.streaming_content)).split())
    assert [d["title"] for d in client.get(f"/api/v1/people/{pid}/documents").json()] == [report.json()["title"]]


def test_without_health_nothing_of_it_by_page_or_api(registered, today, client):
    p = registered
    SharingAgreement.objects.filter(organisation=p.housing).update(
        sections=[Section.IDENTITY, Section.TIMELINE, Section.DOCUMENTS, Section.PLAN]
    )
    worker = p.users[Role.SUBSTANCE_MISUSE]
    order = services.order_record(acting_user=worker, person=p.housing_case, **ORDER)
    test = services.drug_test_record(
        acting_user=worker, person=p.housing_case, tested_on=D(2026, 6, 1), sample_type="urine", results={"cocaine": "positive"}
    )
    from iomhub.interventions import reports, selectors

    reports.progress_report_make(acting_user=worker, view=selectors.order_for(person=p.housing_case, order_id=order.pk), audience="court")
    housing = p.users[Role.PARTNER_WORKER]
    client.force_login(housing)
    pid = p.housing_case.pk
    for url in (
        f"/people/{pid}/interventions/",
        f"/people/{pid}/interventions/drug-tests/{test.pk}/",
        f"/people/{pid}/interventions/drug-tests/new/",
        f"/people/{pid}/interventions/orders/{order.pk}/",
        f"/people/{pid}/interventions/orders/new/",
        f"/people/{pid}/interventions/orders/{order.pk}/reviews/new/",
        f"/people/{pid}/interventions/orders/{order.pk}/report/",
        f"/api/v1/people/{pid}/drug-tests",
        f"/api/v1/people/{pid}/treatment-orders",
        f"/api/v1/people/{pid}/treatment-orders/{order.pk}",
        f"/api/v1/people/{pid}/treatment-orders/{order.pk}/reviews",
    ):
        assert client.get(url).status_code == 403, url
    assert (
        client.post(
            f"/api/v1/people/{pid}/treatment-orders/{order.pk}/report", {"audience": "court"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert AuditEvent.objects.filter(actor=housing, action="denied").count() == 12
    # The timeline shows the visit, not its result; the Documents tab not the report.
    timeline = client.get(f"/people/{pid}/timeline/").content.decode()
    assert "Drug test" in timeline and "cocaine" not in timeline.lower() and "positive" not in timeline.lower()
    assert "No documents." in client.get(f"/people/{pid}/documents/").content.decode()
    assert Document.objects.filter(person=p.housing_case).count() == 1
    entries = client.get(f"/api/v1/people/{pid}/timeline").json()
    assert [e.get("drug_result") for e in entries] == [None] and entries[0]["health_withheld"] is True
