"""A row's key (issue 11 §2: nothing twice): worked out once per row, when the row is checked, and
the same hash as every earlier import made, since databases hold the keys (``ArrestLink``,
``FeedRecord`` and ``LinkReview`` by ``row_key``) and a file imported again is matched on them.

The oracle is the definition, written here again: SHA-256 of the parts joined by U+001F, the parts
being the feed's name (not for arrests, whose keys predate the other feeds), the PNC ID, the family
and given names as linkage compares them (``people.comparison.normalise_name``, the definition of a
name's normal form, which this work does not touch), the date of birth (ISO), the prison number
when there is one, then the feed's natural key. Pinned hashes, computed by the code before the key
was cached (commit e0b9ba6), hold the odd names (accents, ligatures, stray hyphens) to the bit.
"""

from __future__ import annotations

import datetime
import hashlib
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iomhub.feeds.models import ArrestLink, LinkReview
from iomhub.feeds.reading import RawRow
from iomhub.feeds.registry import FEEDS, spec_for
from iomhub.feeds.rows import FeedRow, Identity, RowFaults, check_row
from iomhub.feeds.services import arrests_import
from iomhub.people.comparison import normalise_name
from tests.feeds.conftest import csv_file, row

# Computed by FeedRow.row_key / record_key at e0b9ba6 (a property hashing on every access).
PINNED = [
    (
        ("arrests", "2001/0012345X", "O'Brien", "José-María", datetime.date(1990, 2, 28), ""),
        ("2024-01-01T10:00:00+00:00", "northbridge custody suite"),
        "ef394681da5763f955636804c9f5ba10d09a1ff28a0dd71f42eb84a171d1f637",
        "2fcff713a5e5fb90dc59019191bbfdbd7a19935bcf0ca8022f36c2e692b2cafd",
    ),
    (
        ("arrests", "", "  van der Berg", "Zoë", datetime.date(1975, 12, 31), "A1234BC"),
        ("2025-06-30T23:00:00+00:00", "king's lynn"),
        "e72eb6d4caaf0cc644707d288d4104e9651ada82c9b2600ac080ffe6f6791ccb",
        "60a2be5d0d3c9ed41dc8fa125690d080baeb0f66c6623837f8eccb65680aa913",
    ),
    (
        ("arrests", "", "a - - b", "\ufb01nn", datetime.date(2000, 1, 1), ""),
        ("2024-03-31T00:30:00+00:00", "southport custody"),
        "82c9978178481b16f576e598a27daa39e4d790c152a59a67d7e6170086d494f9",
        "35bd8663c69b2a366feaff62abd4f5609e7bee21436be68d31f5d7ecf9f532b2",
    ),
    (
        ("releases", "1999/0000001A", "Smith", "John", datetime.date(1980, 5, 6), "B7654XY"),
        ("2026-01-02", "hmp leeds"),
        "a7bd9ff5ea5c124369d9b2d3768b20789a83c299135882516a37d4b18ddb734c",
        "5d6ae7f1c11f01b5b98af5c7ccf36c477c0fdb141706a433f526d1e7b74f098c",
    ),
    (
        ("courts", "", "Müller-Lüdenscheidt", "İstanbul", datetime.date(1960, 7, 8), ""),
        (),
        "7f073a06afff318749e0229fb31645ddda9c872ed1b2553aba4b26ef149ca3fc",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    ),
]


def oracle(feed: str, pnc_id: str, family: str, given_name: str, dob: datetime.date, prison_number: str, key: tuple[str, ...]) -> str:
    parts = [] if feed == "arrests" else [feed]
    parts += [pnc_id, normalise_name(family), normalise_name(given_name), dob.isoformat()]
    if prison_number:
        parts.append(prison_number)
    parts += list(key)
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _row(feed: str, pnc_id: str, family: str, given_name: str, dob: datetime.date, prison_number: str, key: tuple[str, ...]) -> FeedRow:
    return FeedRow(feed, 2, {}, Identity(pnc_id, family, given_name, dob, prison_number), key, {}, ())


@pytest.mark.parametrize(("who", "key", "row_key", "record_key"), PINNED)
def test_the_keys_are_the_hashes_earlier_imports_stored(who, key, row_key, record_key):
    made = _row(*who, key)
    assert (made.row_key, made.record_key) == (row_key, record_key)
    assert made.row_key == oracle(*who, key)


_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


@settings(max_examples=300, deadline=None)
@given(
    feed=st.sampled_from(sorted(FEEDS)),
    pnc_id=st.sampled_from(["", "2001/0012345X", "99/1Z"]),
    family=_text,
    given_name=_text,
    dob=st.dates(datetime.date(1900, 1, 1), datetime.date(2026, 12, 31)),
    prison_number=st.sampled_from(["", "A1234BC"]),
    key=st.lists(_text, max_size=3).map(tuple),
)
def test_a_rows_key_is_its_definition(feed, pnc_id, family, given_name, dob, prison_number, key):
    made = _row(feed, pnc_id, family, given_name, dob, prison_number, key)
    assert made.row_key == oracle(feed, pnc_id, family, given_name, dob, prison_number, key)
    assert made.record_key == hashlib.sha256("\x1f".join(key).encode()).hexdigest()


def test_the_key_is_worked_out_when_the_row_is_made_and_kept_with_it():
    made = _row("arrests", "", "Example", "Jordan", datetime.date(1990, 5, 17), "", ("2026-08-30T22:15:00+00:00", "northbridge"))
    assert vars(made)["row_key"] == oracle("arrests", "", "Example", "Jordan", datetime.date(1990, 5, 17), "", made.key)
    assert "row_key" not in repr(made)  # derived from the fields shown
    twin = _row("arrests", "", "Example", "Jordan", datetime.date(1990, 5, 17), "", made.key)
    assert made == twin


@pytest.fixture
def namesake(partnership):
    """A second Jordan Example (born 1992) beside the partnership's (born 1990): a Jordan Example
    born 1991 could be either, so such a row goes to review (tests/feeds/test_linkage.py)."""
    from tests.factories import PersonFactory

    return PersonFactory(first_name="Jordan", last_name="Example", date_of_birth=datetime.date(1992, 5, 17))


def _arrest_key(arrested_at_utc: str, suite: str) -> tuple[str, str]:
    return (arrested_at_utc, " ".join(suite.split()).casefold())


@pytest.mark.django_db
def test_the_keys_written_by_an_import_are_the_definitions(partnership, coordinator, namesake):
    ordinary = partnership.ordinary
    data = csv_file(
        # on record, linked by PNC ID (arrested at 23:15 in England's summer time: 22:15 UTC)
        row(pnc_id=ordinary.pnc_id, family_name="Example", given_name="Jordan", date_of_birth="1990-05-17"),
        # someone new, created
        row(family_name="  Ó'Néill ", given_name="Siobhán  Marie", date_of_birth="1988-02-29", custody_suite=" Southport  CUSTODY "),
        # doubtful: to review
        row(family_name="Example", given_name="Jordan", date_of_birth="1991-05-17", arrested_at="2026-08-29T08:00+00:00"),
    )
    run = arrests_import(acting_user=coordinator, data=data, file_name="a.csv")
    assert run.counts() == {"rows": 3, "imported": 2, "unchanged": 0, "rejected": 0, "review": 1}
    links = {link.line: link.row_key for link in ArrestLink.objects.all()}
    assert links == {
        2: oracle(
            "arrests",
            ordinary.pnc_id,
            "Example",
            "Jordan",
            datetime.date(1990, 5, 17),
            "",
            _arrest_key("2026-08-30T22:15:00+00:00", "Northbridge custody suite"),
        ),
        3: oracle(
            "arrests",
            "",
            "Ó'Néill",
            "Siobhán Marie",
            datetime.date(1988, 2, 29),
            "",
            _arrest_key("2026-08-30T22:15:00+00:00", "Southport CUSTODY"),
        ),
    }
    [review] = LinkReview.objects.all()
    assert (review.line, review.row_key) == (
        4,
        oracle(
            "arrests",
            "",
            "Example",
            "Jordan",
            datetime.date(1991, 5, 17),
            "",
            _arrest_key("2026-08-29T08:00:00+00:00", "Northbridge custody suite"),
        ),
    )


def _doubtful(i: int) -> dict[str, str]:
    return row(family_name="Example", given_name="Jordan", date_of_birth="1991-05-17", arrested_at=f"2026-08-{10 + i:02d}T08:00")


@pytest.mark.django_db
def test_rows_sent_to_review_are_queued_in_line_order_once_each_batch_after_batch(partnership, coordinator, namesake):
    # Five doubtful rows and two new people in batches of three: every batch sends rows to review.
    rows = [
        _doubtful(0),
        row(family_name="Abernethy", given_name="Quentin", date_of_birth="1961-01-02"),
        _doubtful(1),
        _doubtful(2),
        _doubtful(3),
        row(family_name="Zielinski", given_name="Marta", date_of_birth="1983-11-12", arrested_at="2026-08-01T09:30"),
        _doubtful(4),
    ]
    first = arrests_import(acting_user=coordinator, data=csv_file(*rows), file_name="a.csv", batch_size=3)
    assert first.counts() == {"rows": 7, "imported": 2, "unchanged": 0, "rejected": 0, "review": 5}
    queued = list(LinkReview.objects.order_by("pk").values_list("pk", "line", "run_id", "status"))
    assert [(line, run, status) for _, line, run, status in queued] == [(n, first.pk, "open") for n in (2, 4, 5, 6, 8)]
    # Imported again, with one doubtful row more: the queue keeps its entries as they were (same
    # ids, the first run), the new row is added after them; every doubtful row counted again.
    again = arrests_import(acting_user=coordinator, data=csv_file(*rows, _doubtful(5)), file_name="b.csv", batch_size=3)
    assert again.counts() == {"rows": 8, "imported": 0, "unchanged": 2, "rejected": 0, "review": 6}
    now = list(LinkReview.objects.order_by("pk").values_list("pk", "line", "run_id", "status"))
    assert now[:5] == queued
    assert [(line, run) for _, line, run, _ in now[5:]] == [(9, again.pk)]
    assert now[5][0] == queued[-1][0] + 1  # no id spent on the keys held already (PostgreSQL's sequence)


_ENGLAND = zoneinfo.ZoneInfo("Europe/London")
_BORN = datetime.date(1990, 5, 17)


def _before_birth_oracle(text: str) -> bool:
    """An arrest before the date of birth: its date in England (records are kept in local time; a
    time without an offset is the time in England) before the birth."""
    moment = datetime.datetime.fromisoformat(text)
    moment = moment.replace(tzinfo=_ENGLAND) if moment.tzinfo is None else moment.astimezone(_ENGLAND)
    return moment.date() < _BORN


@settings(max_examples=400, deadline=None)
@given(
    minutes=st.integers(-4 * 24 * 60, 4 * 24 * 60),
    offset=st.one_of(st.none(), st.integers(-(24 * 60 - 1), 24 * 60 - 1)),
)
def test_an_arrest_before_the_date_of_birth_in_england_is_refused_whatever_its_offset(minutes, offset):
    at = datetime.datetime.combine(_BORN, datetime.time(12, 0)) + datetime.timedelta(minutes=minutes)
    text = at.strftime("%Y-%m-%dT%H:%M")
    if offset is not None:
        sign, size = ("-" if offset < 0 else "+"), abs(offset)
        text += f"{sign}{size // 60:02d}:{size % 60:02d}"
    cells = dict(row(family_name="Example", given_name="Jordan", date_of_birth=_BORN.isoformat(), arrested_at=text))
    checked = check_row(RawRow(2, cells), spec_for("arrests"), frozenset({"28E"}))
    refused = isinstance(checked, RowFaults) and ("arrested_at", f"{text} is before the date of birth") in checked.faults
    assert refused == _before_birth_oracle(text)
    assert isinstance(checked, FeedRow) != refused
    if isinstance(checked, FeedRow):  # the key: the moment in UTC, whatever offset the file gave
        moment = datetime.datetime.fromisoformat(text)
        moment = moment.replace(tzinfo=_ENGLAND) if moment.tzinfo is None else moment
        assert checked.key[0] == moment.astimezone(datetime.UTC).isoformat()
