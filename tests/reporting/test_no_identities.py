"""The performance lead and the evaluator reach the overview, the reports, the downloads and the
API, and nothing they reach holds a name, identifier or date of birth of anyone in the dataset
(a crawl following every link under /reports/ as them). The same crawl as the chair finds names
on the drill-down, so the crawl can see identities where they are."""

from __future__ import annotations

import io
import re
import zipfile
from urllib.parse import urljoin

import pytest

from iomhub import clock
from iomhub.access.models import Role
from tests.reporting.dataset import AS_OF, QUARTER, build

START = ["/", "/reports/", f"/reports/quarterly/?quarter={QUARTER}", "/reports/reoffending/?from=2026-01-01&to=2026-09-30"]
API = [
    "/api/v1/reports/overview",
    f"/api/v1/reports/quarterly?quarter={QUARTER}",
    "/api/v1/reports/reoffending?from=2024-01-01&to=2026-09-30",
    "/api/v1/reports/comparison?from=2024-01-01&to=2026-09-30",
]
HREF = re.compile(r'href="([^"#]+)"')


def text_of(response) -> str:
    """A response as text; an XLSX or a ZIP unzipped so what it holds is read, a PDF's text read back."""
    if response["Content-Type"] == "application/pdf":
        import pypdfium2 as pdfium

        return " ".join(page.get_textpage().get_text_range() for page in pdfium.PdfDocument(response.content))
    if response["Content-Type"].startswith(("application/vnd.openxmlformats", "application/zip")):
        with zipfile.ZipFile(io.BytesIO(response.content)) as book:
            return " ".join(book.read(name).decode() for name in book.namelist())
    return response.content.decode()


def crawl(client, data) -> dict[str, str]:
    seen: dict[str, str] = {}
    queue = list(START)
    for team in (data.team_a, data.team_b):
        queue += [f"/reports/?team={team.pk}", f"/reports/quarterly/?quarter={QUARTER}&team={team.pk}"]
    while queue:
        url = queue.pop(0).replace("&amp;", "&")
        if url in seen or not url.startswith(("/reports", "/")) or (url != "/" and not url.startswith("/reports")):
            continue
        response = client.get(url)
        seen[url] = f"{response.status_code} " + text_of(response)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            queue += [urljoin(url, href) for href in HREF.findall(response.content.decode())]
    for url in API:
        response = client.get(url)
        seen[url] = f"{response.status_code} " + response.content.decode()
    return seen


@pytest.mark.parametrize("role", [Role.PERFORMANCE_LEAD, Role.EVALUATOR])
def test_a_crawl_as_them_finds_no_identity(client, partnership, role):
    data = build(partnership)
    client.force_login(partnership.users[role])
    with clock.frozen(AS_OF):
        pages = crawl(client, data)
    reached = {u.split("?")[0] for u, body in pages.items() if body.startswith("200")}
    assert {
        "/reports/",
        "/reports/quarterly/",
        "/reports/quarterly.csv",
        "/reports/quarterly.xlsx",
        "/reports/reoffending/",
        "/reports/comparison/",
    } <= reached
    assert {"/api/v1/reports/overview", "/api/v1/reports/quarterly", "/api/v1/reports/reoffending", "/api/v1/reports/comparison"} <= reached
    assert ("/reports/evaluation-extract.zip" in reached) is (role == Role.EVALUATOR)
    assert not any(u.startswith("/reports/quarterly/people/") for u in pages), "the figures must not link to people for them"
    identities = data.identities() + [p.pk and f"/people/{p.pk}/" for p in data.people.values()]
    found = [(url, s) for url, body in pages.items() for s in identities if s in body]
    assert not found


@pytest.mark.parametrize("role", [Role.PERFORMANCE_LEAD, Role.EVALUATOR])
def test_the_drill_down_refuses_them(client, partnership, role):
    data = build(partnership)
    client.force_login(partnership.users[role])
    response = client.get("/reports/quarterly/people/", {"quarter": QUARTER, "team": data.team_a.pk, "figure": "exits"})
    assert response.status_code == 403
    assert not [s for s in data.identities() if s in response.content.decode()]


def test_the_same_crawl_as_the_chair_reaches_names_through_the_drill_down(client, partnership):
    data = build(partnership)
    client.force_login(partnership.users[Role.CHAIR])
    with clock.frozen(AS_OF):
        pages = crawl(client, data)
    drill = {u: body for u, body in pages.items() if u.startswith("/reports/quarterly/people/")}
    assert drill, "the chair's report links each figure to the people behind it"
    assert any("Esterhazy" in body for body in drill.values())
