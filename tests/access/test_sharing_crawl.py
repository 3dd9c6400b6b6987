"""Sharing you can prove (issue 9): every reader, every page and API answer they can reach, nothing of a
section they are not entitled to.

One person is built through the services with a distinct marker string in every field of every
section (``sharing_world``), timeline entries of every kind, and an intelligence note on a date
nothing else uses. Then, for every role and every kind of sharing agreement (``sharing_world.READERS``),
the reader is signed in and the service is crawled with Django's test client: from the home page,
every route of the URL resolver with its parameters filled in for this person (pages and API), and
every same-site link found in a page (``href``) or an API answer (URL strings), up to ``LIMIT``
pages. Every answer's body is searched (case-insensitively) for the markers, and the dates in their
usual written forms, of every section the *sharing table* (``sharing_world.entitled``, written out
from the agreement rules, not read from the application) does not give the reader.

"Reads the same before and after a protected entry is added": after the first crawl, protected
entries are added one at a time, each the latest of its kind on a date nothing else uses (so any
"last ..." or "recent ..." fact derived from them moves), and the reader crawls again:

- a new intelligence note: for a reader without intelligence, every page and answer must read
  exactly as before (the deregistration evidence "Intelligence recorded on ..." must not move);
- an attended home visit: for a reader without timeline, likewise (last home visit, next visit
  due, appointments kept);
- a positive drug test: for a reader with neither health nor timeline, likewise; for a reader with
  timeline but not health, the test's existence may show (it is a timeline entry) but no text added
  to any page may name a drug-test result or substance; a reader with health but not timeline is
  held only to the marker search (the test's date and note are timeline).

A reader who sees nothing of the person gets all three at once. Comparing whole pages is the
honest measure: a page of a section the reader is entitled to may change only where entitled data
changed, and none of these entries is entitled data for these readers.

What legitimately changes between two crawls is normalised away before comparing: CSRF tokens and
CSP nonces, request ids, and times of day. The audit viewer (``/audit/``) is left out of the
comparison (the crawl itself is audited, so it always changes), but not out of the marker search.

Every leak found is listed (reader, URL, section, marker) before one assertion fails, so a single
run lists them all; they are also written to ``/tmp/crawl_leaks.txt`` (``CRAWL_LEAKS_FILE``).
Two checks keep the crawl honest: the police IOM officer (entitled to everything) must find the
markers (so a marker missing elsewhere is withheld, not unreachable), and every reader entitled
to identity must reach the person's record (so a reader who was never signed in cannot pass).

Not covered: values that are choices rather than text (ethnicity, disability, RAG and MAPPA
levels, safeguarding and parental status, marker kinds, drug-test substances outside the diff
above), since forms list every choice to anyone who may edit; the text inside a generated PDF
(compressed: a progress report is checked by its section instead, ``tests/interventions``); the names of users and organisations (lead worker, involved agencies), which other pages
list legitimately; break-glass reading; requests other than GET.
"""

from __future__ import annotations

import contextlib
import datetime
import difflib
import html
import itertools
import json
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from django.test import Client

from iomhub import clock
from tests.access import sharing_world as sw
from tests.access.support import all_routes, concrete, parameters

LIMIT = 400  # pages per crawl
QUERY_VARIANTS = 6  # different query strings followed per path
LEAK_FILE = Path(os.environ.get("CRAWL_LEAKS_FILE", "/tmp/crawl_leaks.txt"))  # noqa: S108 - a report for the engineers

SKIP_PREFIXES = ("/sign-out/", "/sign-in/", "/static/", "/api/v1/docs", "/api/v1/schema", "/health")

# Values for the URL parameters of the routes, besides the world's ids.
SLUGS: dict[str, list[str]] = {
    "tab": ["summary", "timeline", "plan", "assessments", "justice", "documents"],
    "kind": ["arrests", "offences", "outcomes", "warrants", "custody", "sentences", "mappa"],
    "action": ["override", "recall", "breach", "conditions"],
    "step": ["person", "referrer", "justification", "agencies", "risk", "priority", "threat"],
    "transfer_step": ["home-visit", "spoc", "decision", "deselect", "withdraw"],
}

# Drug-test results and substances, as a page might write them (health).
HEALTH_WORDS = re.compile(r"positive|negative|benzodiazepine|spice|synthetic cannabinoid", re.IGNORECASE)

# A record's version number (for optimistic locking) moves with any change to the record; it says
# that something changed, not what, and the forms of sections the reader has need it.
_VERSION = re.compile(r'"version": \d+|name="version" value="\d+"')
_HREF = re.compile(r"""href\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_NORMALISE = [
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"'), 'name="csrfmiddlewaretoken" value=""'),
    # A form's once-only token (iomhub.web.once) is random on every render, like the CSRF token.
    (re.compile(r'name="once_token" value="[^"]*"'), 'name="once_token" value=""'),
    (re.compile(r'nonce="[^"]*"'), 'nonce=""'),
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "<uuid>"),
    (re.compile(r"\b\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*(am|pm)?", re.IGNORECASE), "<time>"),
    (re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?"), "<timestamp>"),
]


@dataclass
class Page:
    url: str
    status: int
    kind: str  # content type
    body: str


@dataclass
class Crawl:
    reader: str
    pages: dict[str, Page] = field(default_factory=dict)
    truncated: bool = False


# ---------------------------------------------------------------- the world, built once per module


# The crawl runs on a fixed day: the world picks its dates relative to it and keeps them apart from
# the dates the service derives from them, so the outcome cannot depend on the day the suite runs.
TODAY = datetime.date(2026, 12, 4)


@pytest.fixture(scope="module", autouse=True)
def fixed_today() -> Iterator[None]:
    with clock.frozen(TODAY):
        yield


@pytest.fixture(scope="module")
def world(fixed_today: None, django_db_setup: Any, django_db_blocker: Any) -> Iterator[sw.World]:
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            w = sw.World(today=clock.today())
            sw.build(w)
            yield w
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def seeds(world: sw.World) -> list[str]:
    """Every GET-able route of the URL resolver with its parameters filled in for the person."""
    values: dict[str, list[Any]] = {k: [v] for k, v in world.ids.items() if not isinstance(v, list)}
    values["sentence_id"] = world.ids["sentence_ids"]
    values["involvement_id"] = world.ids["involvement_ids"]
    values["warrant_id"] = [world.ids.get("warrant_id", 0)]
    values["meeting_id"] = [world.ids["meeting_id"], world.ids["closed_meeting_id"]]  # one ahead, one held and closed
    values.update(SLUGS)
    urls = ["/"]
    for route in all_routes():
        url_params = parameters(route.route)
        if not all(p in values for p in url_params):
            continue
        names = sorted(url_params)
        for combo in itertools.product(*(values[n] for n in names)):
            urls.append(concrete(route.route, **dict(zip(names, combo, strict=True))))
    surname = world.ids["surname"]
    pid = world.ids["person_id"]
    urls += [
        f"/people/?q={surname}",
        f"/api/v1/people?q={surname}",
        f"/audit/?person={pid}",
        f"/referrals/new/?person={pid}",
    ]
    return [u for u in dict.fromkeys(urls) if not u.startswith(SKIP_PREFIXES)]


def _links(page: Page) -> Iterator[str]:
    if "json" in page.kind:
        try:
            data = json.loads(page.body)
        except ValueError:
            return
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, str) and (item.startswith("/") or item.startswith("http://testserver/")):
                yield item
    elif "html" in page.kind:
        for match in _HREF.finditer(page.body):
            yield html.unescape(match.group(1))


def _local(base: str, link: str) -> str | None:
    url = urljoin("http://testserver" + base, link)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
        return None
    path = parts.path
    if path.startswith(SKIP_PREFIXES):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def _readable(body: bytes, kind: str) -> str:
    """A response as text to search: a spreadsheet's cells (its zip bytes hide every marker and
    carry a timestamp), anything else as UTF-8."""
    if "zip" in kind:  # an archive of exports (the evaluation extract): each member's text, by name
        import io
        import zipfile

        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "\n".join(f"== {name}\n" + archive.read(name).decode("utf-8", "replace") for name in sorted(archive.namelist()))
    if "spreadsheetml" in kind:
        import io

        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            "\t".join("" if v is None else str(v) for v in row) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
        )
    return body.decode("utf-8", "replace")


def crawl(client: Client, reader: str, start: list[str]) -> Crawl:
    result = Crawl(reader)
    queue = list(start)
    seen = set(queue)
    variants: dict[str, int] = {}
    while queue:
        if len(result.pages) >= LIMIT:
            result.truncated = True
            break
        url = queue.pop(0)
        response = client.get(url)
        kind = response.get("Content-Type", "")
        body = b"".join(response.streaming_content) if response.streaming else response.content
        page = Page(url, response.status_code, kind, _readable(body, kind))
        result.pages[url] = page
        found = list(_links(page))
        if response.status_code in (301, 302, 303, 307, 308) and response.get("Location"):
            found.append(response["Location"])
        for link in found:
            target = _local(url, link)
            if target is None or target in seen:
                continue
            path = target.split("?")[0]
            if "?" in target:
                variants[path] = variants.get(path, 0) + 1
                if variants[path] > QUERY_VARIANTS:
                    continue
            seen.add(target)
            queue.append(target)
    return result


def crawl_as(world: sw.World, key: str) -> Crawl:
    client = Client()
    client.force_login(world.users[key])
    quiet = logging.getLogger("django.request")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # refusals are expected by the hundred: keep them out of the report
    try:
        return crawl(client, key, seeds(world))
    finally:
        quiet.setLevel(level)


# ---------------------------------------------------------------- checking


@dataclass(frozen=True)
class Leak:
    reader: str
    url: str
    section: str
    marker: str

    def __str__(self) -> str:
        return f"{self.reader}: {self.url} shows {self.section}: {self.marker!r}"


def _without_echo(page: Page) -> str:
    """The body, lower case, without the values of its own query string (a search box echoes them)."""
    body = page.body.lower()
    for value in parse_qs(urlsplit(page.url).query).values():
        for v in value:
            if v:
                body = body.replace(v.lower(), "")
    return body


def leaks(world: sw.World, result: Crawl) -> list[Leak]:
    sections = sw.entitled(sw.BY_KEY[result.reader])
    forbidden = world.forbidden_for(sections)
    found = []
    for page in result.pages.values():
        body = _without_echo(page)
        dates_found = set()
        for marker, section in forbidden.items():
            if marker in body and section not in dates_found:  # a date: its first written form is enough
                found.append(Leak(result.reader, page.url, section, marker))
                if "date" in section:
                    dates_found.add(section)
    return found


def grouped(found: list[Leak]) -> list[str]:
    """One line per reader, page and section, naming every marker of that section found there."""
    by_page: dict[tuple[str, str, str], list[str]] = {}
    for leak in found:
        by_page.setdefault((leak.reader, leak.url, leak.section.split(" ")[0]), []).append(
            leak.marker if "date" not in leak.section else f"{leak.section.split(' ', 1)[1]} as {leak.marker!r}"
        )
    return [f"{reader}: {url} shows {section}: {', '.join(markers)}" for (reader, url, section), markers in by_page.items()]


def normalise(page: Page) -> str:
    """The body as compared: JSON laid out one value a line (so a diff names the value), then
    tokens, nonces, ids and times of day blanked."""
    body = page.body
    if "json" in page.kind:
        with contextlib.suppress(ValueError):
            body = json.dumps(json.loads(body), indent=1, sort_keys=True)
    for pattern, replacement in _NORMALISE:
        body = pattern.sub(replacement, body)
    return body


def changes(before: Crawl, after: Crawl) -> Iterator[tuple[str, list[str]]]:
    """(url, lines added or removed) for every page (not the audit viewer, not the reports) that reads
    differently. The reports are aggregate figures counted over every record whoever reads them
    (ADR 0015), so an entry anywhere may move a count; they are still searched for every marker."""
    for url in sorted(set(before.pages) | set(after.pages)):
        if url.startswith(("/audit/", "/reports/", "/api/v1/reports/")):
            continue
        old, new = before.pages.get(url), after.pages.get(url)
        if old is None or new is None:
            yield url, [f"reachable only {'after' if old is None else 'before'} the entry was added"]
            continue
        a, b = normalise(old), normalise(new)
        if a != b or old.status != new.status:
            diff = [
                line
                for line in difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm="", n=0)
                if line[:1] in "+-" and not line.startswith(("+++", "---")) and not _VERSION.search(line)
            ]
            if diff or old.status != new.status:
                yield url, diff or [f"status {old.status} -> {new.status}"]


def report(lines: list[str], title: str) -> None:
    with LEAK_FILE.open("a") as out:
        out.write(f"## {title}\n")
        out.writelines(f"{line}\n" for line in lines)


@pytest.fixture(scope="module", autouse=True)
def _fresh_leak_file() -> None:
    LEAK_FILE.write_text("")


def _add_all(world: sw.World) -> None:
    sw.add_protected_intelligence(world)
    sw.add_protected_home_visit(world)
    sw.add_protected_drug_test(world)
    sw.add_protected_health_document(world)
    sw.change_sections(world, set(sw.CHANGEABLE))


# ---------------------------------------------------------------- the tests


def test_the_oracle_is_the_sharing_table() -> None:
    """The expectations, spelled out (so a change to them is a visible change to this test)."""
    assert sw.entitled(sw.BY_KEY["police"]) == sw.ALL
    for key in ("probation", "substance-misuse", "coordinator", "chair", "partner-all-but-intelligence"):
        assert sw.entitled(sw.BY_KEY[key]) == sw.ALL - {"intelligence"}, key
    assert sw.entitled(sw.BY_KEY["ig-lead"]) == {"identity"}
    for key in ("performance-lead", "evaluator", "system-admin", "partner-expired", "partner-uninvolved"):
        assert sw.entitled(sw.BY_KEY[key]) == frozenset(), key
    assert "intelligence" not in sw.entitled(sw.BY_KEY["partner-names-intelligence-not-police"])
    assert sw.entitled(sw.BY_KEY["partner-police-intelligence"]) == {"identity", "timeline", "intelligence"}


def test_every_section_with_data_has_markers(world: sw.World) -> None:
    planted = set(world.markers.values()) | set(world.dates.values())
    assert {part for section in planted for part in section.split("+")} == sw.ALL


def test_the_intelligence_date_is_used_by_nothing_else(world: sw.World) -> None:
    """The intelligence note's date appears in no other date of the database."""
    from django.apps import apps
    from django.db import models

    day = world.intelligence_day
    assert day is not None
    holders = []
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if isinstance(f, models.DateField) and not isinstance(f, models.DateTimeField):
                for pk in model._default_manager.filter(**{f.name: day}).values_list("pk", flat=True):
                    holders.append(f"{model._meta.label}.{f.name}#{pk}")
    assert holders == [next(h for h in holders if h.startswith("casework.TimelineEntry.occurred_on"))], holders


def test_the_police_crawl_reaches_every_marker(world: sw.World, db: Any) -> None:
    """The crawl reaches what it looks for: the police IOM officer (entitled to everything) finds every
    marker somewhere, so a marker missing for another reader is missing because it is withheld."""
    result = crawl_as(world, "police")
    text = "\n".join(p.body.lower() for p in result.pages.values())
    unseen = sorted(f"{s}: {m}" for m, s in world.markers.items() if m not in text)
    unseen += sorted(f"{s}: {d}" for d, s in world.dates.items() if not any(f.lower() in text for f in sw.date_forms(d)))
    if unseen:
        report(unseen, "markers the police IOM officer's crawl never saw (not rendered anywhere, or not reached)")
    assert not result.truncated, f"the police crawl stopped at {LIMIT} pages"
    assert not unseen, "the police IOM officer's crawl never saw:\n" + "\n".join(unseen)


@pytest.mark.parametrize("key", [r.key for r in sw.READERS])
def test_a_reader_sees_nothing_beyond_their_sections(world: sw.World, db: Any, key: str) -> None:
    saved = world.snapshot()
    try:
        _check_reader(world, key)
    finally:
        world.restore(saved)


def _check_reader(world: sw.World, key: str) -> None:
    reader = sw.BY_KEY[key]
    sections = sw.entitled(reader)
    before = crawl_as(world, key)
    problems = grouped(leaks(world, before))
    if "identity" in sections:  # the crawl is not vacuous: signed in, it reached the person
        surname = world.ids["surname"].lower()
        if not any(surname in p.body.lower() for u, p in before.pages.items() if "q=" not in u):
            problems.append(f"{key}: the crawl never reached the person's record (is the reader signed in?)")

    # The protected entries this reader must not be able to notice, one at a time.
    steps: list[tuple[str, Any]] = []
    if not sections:  # sees nothing of the person: all at once, nothing may change
        steps.append(("an intelligence note, a home visit, a drug test, a health document and a change in every section were", _add_all))
    else:
        others = set(sw.CHANGEABLE) - sections
        if others:
            steps.append((f"a change in each of {', '.join(sorted(others))} was", lambda w: sw.change_sections(w, others)))
        if "intelligence" not in sections:
            steps.append(("an intelligence note was", sw.add_protected_intelligence))
        if "timeline" not in sections:
            steps.append(("a home visit was", sw.add_protected_home_visit))
        if "health" not in sections:
            steps.append(("a positive drug test was", sw.add_protected_drug_test))
            steps.append(("a health document was", sw.add_protected_health_document))
    for what, add in steps:
        add(world)
        after = crawl_as(world, key)
        problems += grouped(leaks(world, after))
        for url, diff in changes(before, after):
            if add is sw.add_protected_drug_test and "timeline" in sections:
                # The test itself is a timeline entry the reader sees; its result is health.
                added = [line for line in diff if line.startswith("+") and HEALTH_WORDS.search(line)]
                if added:
                    problems.append(f"{key}: {url} shows a drug test's result: {added[:6]}")
            else:
                problems.append(f"{key}: {url} reads differently after {what} added: {diff[:6]}")
        before = after

    problems = list(dict.fromkeys(problems))
    if problems:
        report(problems, f"{key} ({len(before.pages)} pages and answers)")
    assert not problems, f"{len(problems)} leaks for {key}:\n" + "\n".join(problems)
