"""Text-direction controls (``rules.text_direction``: U+202A-U+202E, U+2066-U+2069; "Trojan
Source", CVE-2021-42574) are refused in free text with a message naming the field, on the pages,
in the API and in the feeds; the implicit marks U+200E, U+200F and U+061C are kept in free text.
Each expected message is written out here in full, not built by the code under test."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from iomhub import clock
from iomhub.access.models import Role
from iomhub.casework import services as casework
from iomhub.casework.models import TimelineEntry
from iomhub.cohort.models import Registration
from iomhub.feeds.services import feed_import
from iomhub.justice import services as justice
from iomhub.justice.models import Arrest
from iomhub.validation import clean_text
from tests.feeds.conftest import csv_file, row

pytestmark = pytest.mark.django_db
D = datetime.date
RLO = "\u202e"
NINE = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]


@pytest.mark.parametrize("control", NINE)
def test_clean_text_refuses_each_control_naming_the_field(control):
    errors: dict[str, list[str]] = {}
    clean_text(errors, "notes", f"Seen at home{control} today", "notes", required=False, limit=5000)
    assert errors == {"notes": [f"Notes contains a control or invisible character (U+{ord(control):04X}): type it again without it"]}


@pytest.mark.parametrize("mark", ["\u200e", "\u200f", "\u061c"])
def test_clean_text_keeps_the_implicit_marks_of_right_to_left_writing(mark):
    errors: dict[str, list[str]] = {}
    value = clean_text(errors, "notes", f"Address given as \u05e8\u05d7\u05d5\u05d1{mark} 12", "notes", required=False, limit=5000)
    assert errors == {} and mark in value


def test_a_null_character_keeps_its_own_message():
    errors: dict[str, list[str]] = {}
    clean_text(errors, "notes", "a\x00b", "notes", required=False, limit=5000)
    assert errors == {"notes": ["Notes contains a character that is not allowed: null characters are refused"]}


# ---- the same custody suite by page, API and feed ---------------------------------------------

SUITE = f"Northbridge{RLO} custody suite"
SUITE_MESSAGE = "The custody suite contains a control or invisible character (U+202E): type it again without it"


@pytest.fixture
def sept():
    with clock.frozen(datetime.datetime(2026, 9, 1, 12, 0, tzinfo=datetime.UTC)):
        yield


def test_a_custody_suite_with_an_override_is_refused_alike_by_page_api_and_feed(client, partnership, sept):
    officer = partnership.users[Role.POLICE_IOM_OFFICER]
    person = partnership.ordinary
    with pytest.raises(ValidationError) as caught:
        justice.arrest_record(
            acting_user=officer, person=person, arrested_on=D(2026, 8, 1), custody_suite=SUITE, outcome="nfa", offence_codes=["28E"]
        )
    assert caught.value.message_dict["custody_suite"] == [SUITE_MESSAGE]

    client.force_login(officer)
    page = client.post(
        f"/people/{person.pk}/justice/arrests/new/",
        {
            "arrested_on_day": "1",
            "arrested_on_month": "8",
            "arrested_on_year": "2026",
            "custody_suite": SUITE,
            "outcome": "nfa",
            "offence_codes": "28E",
        },
    )
    assert page.context["form"].errors["custody_suite"] == [SUITE_MESSAGE]
    api = client.post(
        f"/api/v1/people/{person.pk}/justice/arrests",
        {"arrested_on": "2026-08-01", "custody_suite": SUITE, "outcome": "bail", "offence_codes": ["28E"]},
        content_type="application/json",
    )
    assert api.status_code == 400
    assert api.json()["errors"]["custody_suite"] == [SUITE_MESSAGE]
    assert not Arrest.objects.exists()

    # The feed: the row is reported with its line and column, in the words of every hidden
    # character in a cell (the report names the column); the good row is kept.
    data = csv_file(row(custody_suite=SUITE), row(given_name="Alex", custody_suite="Northbridge custody suite"))
    run = feed_import(feed="arrests", acting_user=partnership.users[Role.COORDINATOR], data=data, file_name="arrests.csv")
    assert [(r.line, r.column, r.reason) for r in run.rejections.all()] == [
        (2, "custody_suite", "Contains a control or invisible character (U+202E)")
    ]
    assert run.imported == 1
    assert list(Arrest.objects.values_list("custody_suite", flat=True)) == ["Northbridge custody suite"]


# ---- casework free text: a timeline summary -----------------------------------------------------

SUMMARY_MESSAGE = "The summary contains a control or invisible character (U+2067): type it again without it"


@pytest.fixture
def june(partnership):
    with clock.frozen(D(2026, 6, 15)):
        Registration.objects.create(person=partnership.ordinary, started_on=D(2026, 1, 5), rag="amber")
        yield partnership


def test_a_timeline_summary_is_refused_alike_on_the_page_and_in_the_api(client, june):
    p = june
    client.force_login(p.users[Role.PROBATION_OFFICER])
    summary = "Attended \u2067on time\u2069 and engaged"
    page = client.post(
        f"/people/{p.ordinary.pk}/timeline/new/",
        {"kind": "phone", "summary": summary, "occurred_on_day": "15", "occurred_on_month": "6", "occurred_on_year": "2026"},
    )
    assert page.context["form"].errors["summary"] == [SUMMARY_MESSAGE]
    api = client.post(
        f"/api/v1/people/{p.ordinary.pk}/timeline",
        {"kind": "phone", "occurred_on": "2026-06-15", "summary": summary},
        content_type="application/json",
    )
    assert api.status_code == 400
    assert api.json()["errors"]["summary"] == [SUMMARY_MESSAGE]
    assert not TimelineEntry.objects.exists()
    kept = casework.timeline_record(
        acting_user=p.users[Role.PROBATION_OFFICER],
        person=p.ordinary,
        kind="phone",
        occurred_on=D(2026, 6, 15),
        summary="Spoke to \u200f\u05e0\u05d5\u05e2\u05d4",
    )
    assert kept.summary == "Spoke to \u200f\u05e0\u05d5\u05e2\u05d4"


# ---- justice text cleaned by its own service ----------------------------------------------------


def test_the_reason_for_the_prisons_dates_is_refused_by_service_and_api(client, partnership, sept):
    from tests.justice import factories

    officer = partnership.users[Role.PROBATION_OFFICER]
    sentence = factories.sentence(user=officer, person=partnership.ordinary)
    reason = f"Prison calculation sheet {RLO}of 20 August"
    message = "The reason contains a control or invisible character (U+202E): type it again without it"
    with pytest.raises(ValidationError) as caught:
        justice.sentence_override(acting_user=officer, sentence=sentence, reason=reason, release_date=D(2026, 6, 2))
    assert caught.value.message_dict["reason"] == [message]
    client.force_login(officer)
    api = client.post(
        f"/api/v1/people/{partnership.ordinary.pk}/justice/overrides",
        {"sentence": sentence.pk, "release_date": "2026-06-02", "reason": reason},
        content_type="application/json",
    )
    assert api.status_code == 400 and api.json()["errors"]["reason"] == [message]
    sentence.refresh_from_db()
    assert not sentence.overridden


def test_a_recall_reason_with_an_override_is_refused(partnership, sept):
    from tests.justice import factories

    officer = partnership.users[Role.PROBATION_OFFICER]
    sentence = factories.sentence(user=officer, person=partnership.ordinary)
    with pytest.raises(ValidationError) as caught:
        justice.recall_record(
            acting_user=officer,
            sentence=sentence,
            recalled_at=datetime.datetime(2026, 8, 20, 10, tzinfo=datetime.UTC),
            reason=f"Breach of licence {RLO}conditions",
            recall_type="FTR56",
        )
    assert caught.value.message_dict["reason"] == [
        "The reason for recall contains a control or invisible character (U+202E): type it again without it"
    ]
