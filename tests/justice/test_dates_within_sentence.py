"""The prison's dates are bounded by the sentence (``rules.date_windows.latest_release``), with the
same message on the override page, in the API and from the prison release feed (row reported with
its line and column, good rows kept). A 30-year sentence passed on 5 January 2026 ends on
4 January 2056 (PSI 5.5: the day before the 30th anniversary), worked by hand."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from iomhub.access.models import AuditEvent, Role
from iomhub.feeds.services import feed_import
from iomhub.justice import services
from iomhub.justice.models import Sentence
from tests.justice import factories

D = datetime.date
pytestmark = pytest.mark.django_db

LAST_DAY = D(2056, 1, 4)
TOO_LATE = "The release date must be on or before 4 January 2056, the end of the sentence"
REASON = "HMP Northbridge calculation sheet of 20 August"


def _long(person, officer, **extra):
    return factories.sentence(user=officer, person=person, sentenced_on=D(2026, 1, 5), months=0, years=30, **extra)


def test_a_thirty_year_sentences_release_on_its_last_day_is_accepted(person, officer, today):
    sentence = _long(person, officer)
    done = services.sentence_override(acting_user=officer, sentence=sentence, reason=REASON, release_date=LAST_DAY, expiry_date=LAST_DAY)
    assert (done.override_release_date, done.override_expiry_date, done.effective_release_date) == (LAST_DAY, LAST_DAY, LAST_DAY)


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"release_date": D(2056, 1, 5)}, "release_date", TOO_LATE),
        ({"release_date": D(9999, 12, 31)}, "release_date", TOO_LATE),
        (
            {"expiry_date": D(2056, 1, 5)},
            "expiry_date",
            "The sentence and licence expiry date must be on or before 4 January 2056, the end of the sentence",
        ),
        ({"hdced": D(2056, 1, 5)}, "hdced", "The HDC eligibility date must be on or before 4 January 2056, the end of the sentence"),
        (
            {"tused": D(2057, 1, 5)},
            "tused",
            "The top-up supervision expiry date must be on or before 4 January 2057, 12 months after the end of the sentence",
        ),
    ],
)
def test_a_date_a_day_beyond_the_sentence_is_refused_and_nothing_changes(person, officer, today, values, field, message):
    sentence = _long(person, officer)
    with pytest.raises(ValidationError) as caught:
        services.sentence_override(acting_user=officer, sentence=sentence, reason=REASON, **values)
    assert caught.value.message_dict[field] == [message]
    sentence.refresh_from_db()
    assert not sentence.overridden
    assert not AuditEvent.objects.filter(object_type="sentence-override").exists()


def test_top_up_supervision_twelve_months_after_the_sentence_is_accepted(person, officer, today):
    sentence = _long(person, officer)
    done = services.sentence_override(acting_user=officer, sentence=sentence, reason=REASON, tused=D(2057, 1, 4))
    assert done.override_tused == D(2057, 1, 4)


def test_days_unlawfully_at_large_move_the_bound_and_are_named(person, officer, today):
    sentence = _long(person, officer, unlawfully_at_large_days=10)
    done = services.sentence_override(acting_user=officer, sentence=sentence, reason=REASON, release_date=D(2056, 1, 14))
    assert done.override_release_date == D(2056, 1, 14)
    with pytest.raises(ValidationError) as caught:
        services.sentence_override(acting_user=officer, sentence=done, reason=REASON, release_date=D(2056, 1, 15))
    assert caught.value.message_dict["release_date"] == [
        "The release date must be on or before 14 January 2056, the end of the sentence with its 10 days unlawfully at large"
    ]


def test_a_date_already_on_record_sent_again_unchanged_is_not_checked_again(person, officer, today):
    """The release feed re-sends the other overrides in force: one stored before this check (or by a
    later change of the sentence) must not make every later release row fail."""
    sentence = _long(person, officer)
    Sentence.objects.filter(pk=sentence.pk).update(override_expiry_date=D(2060, 1, 1))
    sentence.refresh_from_db()
    done = services.sentence_override(
        acting_user=officer, sentence=sentence, reason=REASON, release_date=D(2040, 1, 1), expiry_date=D(2060, 1, 1)
    )
    assert done.override_release_date == D(2040, 1, 1)


def _date(prefix, d):
    return {f"{prefix}_day": str(d.day), f"{prefix}_month": str(d.month), f"{prefix}_year": str(d.year)}


def test_the_same_message_on_the_page_in_the_api_and_from_the_release_feed(client, partnership, person, officer, today):
    sentence = _long(person, officer)
    client.force_login(officer)
    page = client.post(
        f"/people/{person.pk}/justice/sentences/{sentence.pk}/override/", {"reason": REASON} | _date("release_date", D(2056, 1, 5))
    )
    assert page.status_code == 200
    assert page.context["form"].errors["release_date"] == [TOO_LATE]

    api = client.post(
        f"/api/v1/people/{person.pk}/justice/overrides",
        {"sentence": sentence.pk, "release_date": "2056-01-05", "reason": REASON},
        content_type="application/json",
    )
    assert api.status_code == 400
    assert api.json()["errors"]["release_date"] == [TOO_LATE]
    sentence.refresh_from_db()
    assert not sentence.overridden

    header = "prison_number,pnc_id,family_name,given_name,date_of_birth,prison,expected_release_date,release_type"
    rows = [
        header,
        "A1234BC,,Example,Jordan,1990-05-17,HMP Northbridge,2056-01-05,CRD",  # 2 a day beyond the sentence
        "A1234BC,,Example,Jordan,1990-05-17,HMP Northbridge,2056-01-04,SED",  # 3 its last day: kept
    ]
    run = feed_import(feed="releases", acting_user=partnership.users[Role.COORDINATOR], data="\n".join(rows).encode(), file_name="r.csv")
    refused = [(r.line, r.column, r.reason) for r in run.rejections.all()]
    assert refused == [(2, "expected_release_date", TOO_LATE)]
    assert run.imported == 1
    sentence.refresh_from_db()
    assert sentence.override_release_date == LAST_DAY


def test_the_persons_other_sentences_served_back_to_back_raise_the_bound(person, officer, today):
    """A sentence of 2 years passed on 5 January 2026 and one of 1 year passed on 2 February 2026:
    730 + 365 days from 5 January 2026 (2 years to 4 January 2028, then 2 February 2026 to
    1 February 2027) end on 3 January 2029."""
    first = factories.sentence(user=officer, person=person, sentenced_on=D(2026, 1, 5), months=0, years=2)
    factories.sentence(user=officer, person=person, sentenced_on=D(2026, 2, 2), offence_committed_on=D(2026, 1, 20), months=0, years=1)
    done = services.sentence_override(acting_user=officer, sentence=first, reason=REASON, expiry_date=D(2029, 1, 3))
    assert done.override_expiry_date == D(2029, 1, 3)
    with pytest.raises(ValidationError) as caught:
        services.sentence_override(acting_user=officer, sentence=done, reason=REASON, expiry_date=D(2029, 1, 4))
    assert caught.value.message_dict["expiry_date"] == [
        "The sentence and licence expiry date must be on or before 3 January 2029, "
        "the end of this person's sentences on record served one after another"
    ]
