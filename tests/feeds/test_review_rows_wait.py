"""A row waiting on the review queue waits there when its file comes again (issue 11 §2: nothing
twice). Linkage may answer otherwise by then (people added or renamed, the model's prior scaled by
the people on record): without this rule the second import links or creates the person and writes
the arrest, and the coordinator's later decision writes it again."""

from __future__ import annotations

import datetime

import pytest

from iomhub.feeds.linkage import Uncertain, link_for
from iomhub.feeds.linkage_batch import links_for_many
from iomhub.feeds.models import LinkReview
from iomhub.feeds.rows import Identity
from iomhub.feeds.services import arrests_import
from iomhub.justice.models import Arrest
from iomhub.people.models import Person
from tests.factories import PersonFactory
from tests.feeds.conftest import csv_file, row

pytestmark = pytest.mark.django_db

DOUBTFUL = row(family_name="Example", given_name="Jordan", date_of_birth="1991-05-17")


@pytest.fixture
def waiting(partnership, coordinator):
    """The doubtful row on the review queue: two Jordan Examples on record, born 1990 (the
    partnership's ordinary person) and 1992, for a row born 1991. Then the 1992 one is renamed, so
    that linkage alone would now link the row to the 1990 Jordan Example."""
    other = PersonFactory(first_name="Jordan", last_name="Example", date_of_birth=datetime.date(1992, 5, 17))
    first = arrests_import(acting_user=coordinator, data=csv_file(DOUBTFUL), file_name="night.csv")
    assert (first.imported, first.review) == (0, 1)
    Person.objects.filter(pk=other.pk).update(last_name="Elsewhere")
    return LinkReview.objects.get()


def _identity() -> Identity:
    return Identity(given_name="Jordan", family_name="Example", date_of_birth=datetime.date(1991, 5, 17), pnc_id="", prison_number="")


def test_the_same_file_again_changes_nothing_while_the_row_waits(partnership, coordinator, waiting):
    people = Person.objects.count()
    again = arrests_import(acting_user=coordinator, data=csv_file(DOUBTFUL), file_name="night.csv")
    assert (again.imported, again.unchanged, again.rejected, again.review) == (0, 0, 0, 1)
    assert Person.objects.count() == people and not Arrest.objects.exists()
    assert list(LinkReview.objects.values_list("pk", "status")) == [(waiting.pk, LinkReview.Status.OPEN)]


def test_row_by_row_and_batch_linkage_both_answer_the_queue_for_a_waiting_row(coordinator, waiting):
    with pytest.raises(Uncertain) as held:
        link_for(_identity(), row_key=waiting.row_key, user=coordinator)
    assert held.value.candidates == waiting.candidates
    [answer] = links_for_many([_identity()], [waiting.row_key], user=coordinator)
    assert isinstance(answer, Uncertain) and answer.candidates == waiting.candidates


def test_once_decided_the_row_is_imported_for_the_person_decided(partnership, coordinator, waiting):
    waiting.status, waiting.person = LinkReview.Status.DECIDED, partnership.ordinary
    waiting.save()
    again = arrests_import(acting_user=coordinator, data=csv_file(DOUBTFUL), file_name="night.csv")
    assert (again.imported, again.review) == (1, 0)
    assert Arrest.objects.get().person == partnership.ordinary
