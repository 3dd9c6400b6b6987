"""The one PDF path: a template becomes a PDF whose text reads back, and nothing outside our own
static files can be fetched while it is made."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest
from django.template import engines

from iomhub.web import pdf


def _text(data: bytes) -> str:
    document = pdfium.PdfDocument(data)
    return "\n".join(page.get_textpage().get_text_range() for page in document)


def _render_string(source: str, context: dict[str, object]) -> bytes:
    from weasyprint import HTML

    html = engines["django"].from_string(source).render(context)
    return HTML(string=html, base_url="http://localhost/", url_fetcher=pdf._static_only).write_pdf()


def test_a_template_becomes_a_pdf_whose_text_reads_back() -> None:
    data = pdf.render_pdf("web/pdf/base.html", {"protective_marking": "OFFICIAL", "generated_at": "5 December 2026"})
    assert data.startswith(b"%PDF-")
    text = _text(data)
    assert "IOM Hub" in text
    assert "OFFICIAL" in text
    assert "made 5 December 2026" in text
    assert "Page 1 of 1" in text


def test_a_hostile_string_is_text_not_markup() -> None:
    data = _render_string(
        "{% extends 'web/pdf/base.html' %}{% block content %}<p>{{ note }}</p>{% endblock %}",
        {"note": "<img src='http://example.org/x.png'>Jo"},
    )
    assert "<img src='http://example.org/x.png'>Jo" in _text(data)


@pytest.mark.parametrize("url", ["http://example.org/tracker.png", "file:///etc/passwd", "/etc/passwd", "//evil.example/x.css"])
def test_nothing_outside_our_static_files_is_fetched(url: str) -> None:
    with pytest.raises(pdf.RefusedURL):
        pdf._static_only(url)


def test_our_own_static_files_are_served() -> None:
    from django.contrib.staticfiles import finders

    name = next(
        path
        for path, _storage in finders.get_finder("django.contrib.staticfiles.finders.AppDirectoriesFinder").list([])
        if path.endswith(".css")
    )
    served = pdf._static_only("/static/" + name)
    assert served["mime_type"] == "text/css"
    assert served["string"]


def test_a_download_is_named_and_typed() -> None:
    response = pdf.pdf_response(b"%PDF-1.7", "minutes-12.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="minutes-12.pdf"'
