"""What each feed keeps of a row it wrote (iomhub.feeds.records.record_once): one ``FeedRecord``
naming the record written (its type and id) and, for a release alone, the override's time as the
feed set it (``written_at``, the sentence's ``overridden_at``); court outcomes and offending
history keep no time."""

from __future__ import annotations

import datetime

import pytest

from iomhub.feeds.models import FeedRecord
from iomhub.feeds.services import feed_import
from iomhub.justice.models import CourtOutcome, Offence, OffenceCode, Sentence
from tests.feeds.test_other_feeds import COURT_HEADER, HISTORY_HEADER, RELEASE_HEADER, lines

pytestmark = pytest.mark.django_db
FAR = 2_000_000_000  # someone else's record at this id first: the record a feed writes has an id no person or other record has


def test_a_release_keeps_the_sentence_and_the_time_the_feed_set_its_override(partnership, coordinator):
    sentence = Sentence.objects.create(
        pk=FAR,
        person=partnership.ordinary,
        sentenced_on=datetime.date(2026, 2, 1),
        offence_committed_on=datetime.date(2025, 12, 1),
        years=2,
    )
    data = lines(RELEASE_HEADER, "A1234BC,,Example,Jordan,1990-05-17,HMP Northbridge,2026-11-20,CRD")
    run = feed_import(feed="releases", acting_user=coordinator, data=data, file_name="releases.csv")
    sentence.refresh_from_db()
    assert sentence.overridden_at is not None
    kept = FeedRecord.objects.get()
    assert (kept.feed, kept.person_id, kept.object_type, kept.object_id, kept.run_id, kept.line) == (
        "releases",
        partnership.ordinary.pk,
        "sentence-override",
        sentence.pk,
        run.pk,
        2,
    )
    assert kept.written_at == sentence.overridden_at


def test_a_court_outcome_keeps_the_outcome_and_no_time(partnership, coordinator):
    CourtOutcome.objects.create(
        pk=FAR, person=partnership.housing_case, decided_on=datetime.date(2018, 1, 1), disposal="fine", fine_pounds=5
    )
    Offence.objects.create(
        person=partnership.housing_case, code=OffenceCode.objects.get(code="28E"), committed_on=datetime.date(2018, 1, 1)
    )
    data = lines(COURT_HEADER, ",Example,Jordan,1990-05-17,Northbridge MC,2026-07-01,28E,2026-05-02,Absolute discharge,,")
    feed_import(feed="court-outcomes", acting_user=coordinator, data=data, file_name="courts.csv")
    outcome = CourtOutcome.objects.get(person=partnership.ordinary)
    kept = FeedRecord.objects.get()
    assert (kept.feed, kept.object_type, kept.object_id, kept.written_at) == ("court-outcomes", "court-outcome", outcome.pk, None)


def test_an_offence_from_the_history_keeps_the_offence_and_no_time(partnership, coordinator):
    Offence.objects.create(
        pk=FAR, person=partnership.housing_case, code=OffenceCode.objects.get(code="28E"), committed_on=datetime.date(2018, 1, 1)
    )
    data = lines(HISTORY_HEADER, ",Example,Jordan,1990-05-17,28E,2019-04-01")
    feed_import(feed="offending-history", acting_user=coordinator, data=data, file_name="pnc.csv")
    offence = Offence.objects.get(person=partnership.ordinary)
    kept = FeedRecord.objects.get()
    assert (kept.feed, kept.object_type, kept.object_id, kept.written_at) == ("offending-history", "offence", offence.pk, None)
