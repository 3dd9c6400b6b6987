"""Documents as PDF: one way for every part of IOM Hub (meeting minutes, reports, progress reports,
subject access packs) to turn an HTML template into a PDF.

WeasyPrint lays the page out (ADR 0018). Nothing is fetched while a PDF is made: the only URLs a
template may name are our own static files (``{% static %}``), served from the static finders;
any other URL (a CDN, a file path, another host) is refused, so a hostile string in a record can
never make the server reach out or read a file.
"""

from __future__ import annotations

import mimetypes
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string

PDF_CONTENT_TYPE = "application/pdf"


class RefusedURL(ValueError):
    """A PDF template named something other than one of our static files."""


def _static_only(url: str) -> dict[str, Any]:
    static_url = settings.STATIC_URL or "/static/"
    path = url
    for prefix in ("http://localhost", "http://testserver", ""):
        if path.startswith(prefix + static_url):
            path = path[len(prefix + static_url) :]
            break
    else:
        raise RefusedURL(f"a PDF may only use IOM Hub's own static files, not {url[:80]!r}")
    found = finders.find(path.split("?", 1)[0])
    if not found or isinstance(found, list):
        raise RefusedURL(f"no static file {path[:80]!r}")
    with open(found, "rb") as handle:
        data = handle.read()
    return {"string": data, "mime_type": mimetypes.guess_type(found)[0] or "application/octet-stream"}


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """The template rendered to PDF bytes. The template should extend ``web/pdf/base.html``."""
    from weasyprint import HTML  # imported here: WeasyPrint loads Pango, which takes a moment

    html = render_to_string(template_name, context)
    data: bytes = HTML(string=html, base_url="http://localhost/", url_fetcher=_static_only).write_pdf()
    return data


def pdf_response(pdf: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    """A download of ``pdf`` named ``filename`` (which the caller makes from safe parts only)."""
    response = HttpResponse(pdf, content_type=PDF_CONTENT_TYPE)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
