"""Issue 12 part 2 in the browser, on a desktop and a tablet (768 px): a substance-misuse worker
records a DRR, a drug test under it and a progress review, finds them in the history and the test
on the timeline, makes the progress report and downloads it, and uploads a document (a wrong type
refused with its message); every page axe-clean."""

from __future__ import annotations

import datetime
import io
import tempfile
from pathlib import Path

import pypdfium2
import pytest

from iomhub import clock
from iomhub.documents.models import Document
from iomhub.interventions.models import DrugTest, OrderReview, TreatmentOrder
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _date(page, prefix: str, day: datetime.date) -> None:
    page.fill(f"[name='{prefix}_day']", str(day.day))
    page.fill(f"[name='{prefix}_month']", str(day.month))
    page.fill(f"[name='{prefix}_year']", str(day.year))


@pytest.mark.parametrize("width", [1280, 768], ids=["desktop", "tablet"])
def test_drug_test_order_review_report_and_documents(session, partnership, width):
    person, today, page = partnership.ordinary, clock.today(), session.page
    page.set_viewport_size({"width": width, "height": 1000})
    session.sign_in("substance-misuse-practitioner", PASSWORD)
    base = f"/people/{person.pk}/interventions/"
    session.go(base)
    session.assert_accessible(f"interventions tab at {width}px")

    # The order.
    session.follow("a:has-text('Record a DRR or ATR order')")
    session.assert_accessible("order form")
    page.check("input[name='kind'][value='drr']")
    page.fill("[name='court']", "Basingstoke Magistrates' Court")
    _date(page, "made_on", today - datetime.timedelta(days=40))
    _date(page, "starts_on", today - datetime.timedelta(days=30))
    page.fill("[name='months']", "3")  # too short: refused by name
    page.check("input[name='intensity'][value='medium']")
    page.fill("[name='provider']", "HOMER Recovery Service")
    session.follow("button:has-text('Save')")
    assert "An order lasts from 6 to 36 months" in page.content()
    session.assert_accessible("order form with an error")
    page.fill("[name='months']", "12")
    session.follow("button:has-text('Save')")
    assert "Drug Rehabilitation Requirement (DRR) recorded" in page.content()
    order = TreatmentOrder.objects.get(person=person)

    # A drug test under it.
    session.go(base)
    session.follow("a:has-text('Record a drug test')")
    session.assert_accessible("drug test form")
    _date(page, "tested_on", today)
    page.check("input[name='sample_type'][value='oral-fluid']")
    page.check("input[name='specified'][value='class-a']")
    page.select_option("[name='result_opiates']", value="negative")
    page.select_option("[name='result_cocaine']", value="positive")
    page.select_option("[name='order']", value=str(order.pk))
    session.follow("button:has-text('Save')")
    assert "Drug test recorded" in page.content()
    test = DrugTest.objects.get(person=person)
    assert {(r.substance, r.result) for r in test.results.all()} == {("opiates", "negative"), ("cocaine", "positive")}
    assert page.locator("#drug-tests").inner_text().count("Drug test") == 1
    session.follow("#drug-tests a")
    assert "Cocaine (including crack) (Class A): positive" in " ".join(page.locator("main").inner_text().split())
    session.assert_accessible("drug test record")

    # It is on the timeline too.
    session.go(f"/people/{person.pk}/timeline/")
    entry = page.locator("#timeline li[data-kind='drug-test']")
    assert entry.count() == 1 and "positive for cocaine" in entry.inner_text().lower()
    session.assert_accessible("timeline with the drug test")

    # A progress review, its tests filled in from the test under the order.
    session.go(f"{base}orders/{order.pk}/")
    session.follow("a:has-text('Record a progress review')")
    assert "positive for cocaine" in page.input_value("[name='tests_summary']")
    _date(page, "reviewed_on", today)
    page.check("input[name='progress'][value='some']")
    page.check("input[name='attendance'][value='good']")
    page.fill("[name='notes']", "Attending key work; one positive test for cocaine")
    session.follow("button:has-text('Save')")
    assert "Progress review recorded" in page.content()
    assert "Attending key work" in page.locator("#reviews").inner_text()
    assert OrderReview.objects.filter(order=order).count() == 1
    session.assert_accessible("order with its review")

    # The progress report, made and downloaded from the Documents tab.
    session.follow("a:has-text('Make a progress report')")
    session.assert_accessible("progress report form")
    page.check("input[name='audience'][value='court']")
    session.follow("button:has-text('Save')")
    assert "it is in the Documents tab" in page.content()
    session.assert_accessible("documents tab with the report")
    report = Document.objects.get(person=person, generated=True)
    with page.expect_download() as info:
        page.click(f"a[href='/people/{person.pk}/documents/{report.pk}/']")
    download = info.value
    assert download.suggested_filename == report.filename
    pdf = pypdfium2.PdfDocument(io.BytesIO(Path(download.path()).read_bytes()))
    text = " ".join(pdf[0].get_textpage().get_text_range().split())
    assert "progress report for the court" in text and "Attending key work" in text

    # An upload: the wrong type refused with its message, then a good file.
    session.follow("a:has-text('Upload a document')")
    session.assert_accessible("upload form")
    with tempfile.TemporaryDirectory() as folder:
        fake = Path(folder) / "certificate.pdf"
        fake.write_bytes(b"MZ\x90\x00" + b"\x00" * 200)
        page.set_input_files("[name='file']", str(fake))
        page.check("input[name='kind'][value='health']")
        session.follow("button:has-text('Upload')")
        assert "Nothing was stored." in page.content()
        session.assert_accessible("upload refused")
        good = Path(folder) / "Certificate.txt"
        good.write_text("Drug test certificate: observed oral fluid sample.\n")
        page.set_input_files("[name='file']", str(good))
        page.check("input[name='kind'][value='health']")
        session.follow("button:has-text('Upload')")
    assert "Certificate uploaded as Certificate.txt" in page.content()
    assert Document.objects.filter(person=person).count() == 2
