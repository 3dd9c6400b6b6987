"""``feeds.provenance``: where each record a feed wrote came from, installed into justice at start-up
(ADR 0032), in words a police officer reads, in a few queries whatever the size of the record."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iomhub.feeds import provenance
from iomhub.feeds.models import LinkMethod
from iomhub.feeds.services import arrests_import
from iomhub.justice import selectors
from iomhub.justice.models import Arrest
from tests.feeds.conftest import csv_file, row

pytestmark = pytest.mark.django_db


def test_feeds_installs_the_reader_into_justice_at_start_up():
    assert selectors._sources.step() is provenance.sources_for


def test_justice_knows_every_link_method_feeds_has():
    assert set(selectors.LINK_METHODS) == set(LinkMethod.values)
    assert set(selectors.LINK_WORDS) | {"reviewed"} == set(LinkMethod.values)


@pytest.mark.parametrize(
    ("stored", "words", "probability"),
    [
        (["pnc_id", "family_name", "given_name", "date_of_birth"], ("PNC ID", "family name", "given name", "date of birth"), None),
        (
            ["prison_number", "given_name", "date_of_birth (day and month swapped)"],
            ("prison number", "given name", "date of birth (day and month swapped)"),
            None,
        ),
        (
            [
                "given_name (another form of the name)",
                "family_name (sounds alike)",
                "date_of_birth (one digit differs)",
                "match probability 0.912",
            ],
            ("given name (another form of the name)", "family name (sounds alike)", "date of birth (one digit differs)"),
            0.912,
        ),
        ([], (), None),
    ],
)
def test_the_fields_that_agreed_in_words(stored, words, probability):
    assert provenance.agreed_words(stored) == (words, probability)


def test_without_feeds_nothing_says_a_feed_wrote_a_record(partnership, monkeypatch):
    """The safe default (feeds not installed): the record reads, with no source."""
    from iomhub.access.models import Role
    from tests.justice import factories

    officer = partnership.users[Role.POLICE_IOM_OFFICER]
    factories.arrest(user=officer, person=partnership.ordinary)
    monkeypatch.setattr(selectors._sources, "_step", None)
    record = selectors.justice_record_for(user=officer, person_id=partnership.ordinary.pk)
    assert len(record.arrests) == 1 and record.sources == {} and record.arrests[0].source is None


def _arrests_for(person, coordinator, n, start):
    rows = [
        row(
            pnc_id=person.pnc_id,
            family_name=person.last_name,
            given_name=person.first_name,
            date_of_birth=person.date_of_birth.isoformat(),
            arrested_at=f"2026-0{1 + (start + i) // 28 % 8}-{1 + (start + i) % 28:02d}T10:00",
        )
        for i in range(n)
    ]
    run = arrests_import(acting_user=coordinator, data=csv_file(*rows), file_name=f"many-{start}.csv")
    assert run.imported == n


def _queries(user, person_id):
    with CaptureQueriesContext(connection) as ctx:
        record = selectors.justice_record_for(user=user, person_id=person_id)
    return len(ctx), record


def test_the_queries_for_a_record_do_not_grow_with_its_feed_rows(partnership, coordinator):
    """Two records, one with 2 feed arrests and one with 40 (and their offences): the same number of
    queries, and the sources themselves in two (the links, and the imports' rows for the other feeds
    are not asked when there are none)."""
    few, many = partnership.ordinary, partnership.housing_case
    _arrests_for(few, coordinator, 2, 0)
    _arrests_for(many, coordinator, 40, 100)
    small, small_record = _queries(coordinator, few.pk)
    large, large_record = _queries(coordinator, many.pk)
    assert (len(small_record.arrests), len(large_record.arrests)) == (2, 40)
    assert all(a.source is not None and a.source.method == "pnc" for a in large_record.arrests)
    assert small == large, (small, large)
    wanted = {selectors.ARREST: list(Arrest.objects.filter(person=many).values_list("pk", flat=True))}
    with CaptureQueriesContext(connection) as ctx:
        found = provenance.sources_for(user=coordinator, person_id=many.pk, wanted=wanted)
    assert (len(found), len(ctx)) == (40, 1), [q["sql"] for q in ctx.captured_queries]


def test_a_row_decided_on_review_names_who_decided_by_its_key_or_for_an_older_link_its_import_and_line(partnership, coordinator):
    from iomhub.feeds.models import ArrestLink, LinkReview
    from iomhub.feeds.services import review_decide
    from tests.factories import PersonFactory

    PersonFactory(first_name="Jordan", last_name="Example", date_of_birth=datetime.date(1992, 5, 17))  # a namesake: the row is doubtful
    run = arrests_import(
        acting_user=coordinator,
        data=csv_file(row(family_name="Example", given_name="Jordan", date_of_birth="1991-05-17")),
        file_name="a.csv",
    )
    review = LinkReview.objects.get(run=run)
    review_decide(acting_user=coordinator, review_id=review.pk, person_id=partnership.ordinary.pk)
    review.refresh_from_db()
    arrest = Arrest.objects.get()
    wanted = {selectors.ARREST: [arrest.pk]}
    who = f"{coordinator.first_name} {coordinator.last_name}"
    found = provenance.sources_for(user=coordinator, person_id=partnership.ordinary.pk, wanted=wanted)[(selectors.ARREST, arrest.pk)]
    assert (found.method, found.decided_by, found.decided_at, found.line) == ("reviewed", who, review.decided_at, 2)
    ArrestLink.objects.update(row_key="")  # kept before row keys were
    found = provenance.sources_for(user=coordinator, person_id=partnership.ordinary.pk, wanted=wanted)[(selectors.ARREST, arrest.pk)]
    assert (found.decided_by, found.decided_at) == (who, review.decided_at)
