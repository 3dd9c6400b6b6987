"""A sentence's override is one set of the prison's dates: the latest entered is in force, whoever
entered it (``justice.services.sentence_override``). Its source says where the override in force
came from: the prison releases feed's row while the feed's is in force, none ("Recorded by hand")
once a person has entered the dates by hand since, on the Justice tab and over the API alike.

Built through the real import, the real page and the real API; the oracle is written by hand from
how each override was entered (never read back from the feed's records)."""

from __future__ import annotations

import datetime
import html
import json
import re
from typing import Any

import pytest
from django.utils import timezone

from iomhub.access.models import Role
from iomhub.feeds.services import feed_import
from iomhub.justice.models import Sentence
from tests.justice import factories

pytestmark = pytest.mark.django_db

RELEASE_HEADER = "prison_number,pnc_id,family_name,given_name,date_of_birth,prison,expected_release_date,release_type"
RELEASE_ROW = "A1234BC,,Example,Jordan,1990-05-17,HMP Northbridge,2026-11-20,CRD"  # Jordan Example, linked on name and date of birth
FEED_REASON = (  # the reason the releases feed gives, written out by hand (docs/feeds/releases.md)
    "Prison release feed (releases.csv, line 2): conditional release (CRD) expected on 20 November 2026 "
    "from HMP Northbridge, prison number A1234BC"
)
HAND_REASON = "HMP Northbridge calculation sheet of 2 October, checked by phone"
ALL_AGREED = ["family name", "given name", "date of birth"]


@pytest.fixture
def jordan(partnership, today):
    person = partnership.ordinary
    assert (person.first_name, person.last_name, person.date_of_birth) == ("Jordan", "Example", datetime.date(1990, 5, 17))
    return person


@pytest.fixture
def importer(partnership):
    return partnership.users[Role.COORDINATOR]


@pytest.fixture
def sentence(jordan, officer):
    # 12 months from 5 January 2026: the prison's dates (late 2026) fall inside it
    return factories.sentence(user=officer, person=jordan, months=12)


def import_release(importer: Any) -> Any:
    run = feed_import(feed="releases", acting_user=importer, data=f"{RELEASE_HEADER}\n{RELEASE_ROW}".encode(), file_name="releases.csv")
    assert run.imported == 1, list(run.rejections.values_list("reason", flat=True))
    return run


def by_hand_on_the_page(client: Any, user: Any, sentence: Sentence, reason: str = HAND_REASON) -> None:
    client.force_login(user)
    response = client.post(
        f"/people/{sentence.person_id}/justice/sentences/{sentence.pk}/override/",
        {"release_date_day": "4", "release_date_month": "12", "release_date_year": "2026", "reason": reason},
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def by_hand_over_the_api(client: Any, api_auth: Any, role: str, sentence: Sentence, reason: str) -> None:
    body = {"sentence": sentence.pk, "release_date": "2026-12-04", "reason": reason}
    response = client.post(
        f"/api/v1/people/{sentence.person_id}/justice/overrides", json.dumps(body), content_type="application/json", **api_auth(role)
    )
    assert response.status_code == 200, response.content


def override_sources(client: Any, api_auth: Any, role: str, sentence: Sentence) -> list[Any]:
    """The override's source in each operation that shows the sentence: its list, the overrides', the record's."""
    auth = api_auth(role)
    base = f"/api/v1/people/{sentence.person_id}/justice"
    found = []
    for path, rows in (("/sentences", lambda b: b), ("/overrides", lambda b: b), ("", lambda b: b["sentences"])):
        response = client.get(base + path, **auth)
        assert response.status_code == 200, path
        (row,) = [s for s in rows(response.json()) if s["id"] == sentence.pk]
        found.append(row["override_source"])
    return found


def override_inset(client: Any, user: Any, sentence: Sentence) -> tuple[str, str]:
    """The Justice tab's words on the override in force (its inset), and the whole page."""
    client.force_login(user)
    page = client.get(f"/people/{sentence.person_id}/justice/").content.decode()
    found = re.search(r'<div class="govuk-inset-text">(The prison\'s dates are in force.*?)</div>', page, re.S)
    assert found is not None
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", found.group(1).replace("<br>", " "))).split()), page


def release_source(run: Any, *, run_url: bool, by_prison_number: bool = False) -> dict[str, Any]:
    """The feed row's source, written out by hand from the import: Jordan linked on his name and
    date of birth, or (once an import has put it on his record) on the prison number."""
    method, label, how = (
        ("prison-no", "Prison number", "prison number")
        if by_prison_number
        else ("name-dob", "Exact name and date of birth", "exact name and date of birth")
    )
    agreed = ["prison number", *ALL_AGREED] if by_prison_number else ALL_AGREED
    return {
        "feed": "Prison releases",
        "run": run.pk,
        "line": 2,
        "method": method,
        "method_label": label,
        "agreed": agreed,
        "decided_by": "",
        "decided_at": None,
        "run_url": f"/feeds/imports/{run.pk}/" if run_url else None,
        "match_probability": None,
        "text": f"Prison releases feed, import {run.pk} line 2: linked on {how}: {', '.join(agreed)} agreed",
    }


def test_the_feeds_override_in_force_says_where_it_came_from(client, api_auth, importer, officer, sentence):
    """The baseline: the feed's override is the only one, so it is the one in force."""
    run = import_release(importer)
    assert override_sources(client, api_auth, Role.COORDINATOR, sentence) == [release_source(run, run_url=True)] * 3
    assert override_sources(client, api_auth, Role.POLICE_IOM_OFFICER, sentence) == [release_source(run, run_url=False)] * 3
    words, _ = override_inset(client, officer, sentence)
    assert words.endswith(f"{FEED_REASON} Source: {release_source(run, run_url=False)['text']}"), words


@pytest.mark.parametrize(
    ("who", "how", "reason"),
    [
        (Role.PROBATION_OFFICER, "page", HAND_REASON),
        # The coordinator who ran the import, by hand afterwards: their own override, not the feed's.
        (Role.COORDINATOR, "page", HAND_REASON),
        # ... even over the API with the feed's very reason sent back (a client correcting the date only).
        (Role.COORDINATOR, "api", FEED_REASON),
    ],
)
def test_an_override_entered_by_hand_after_the_feed_is_recorded_by_hand(
    client, api_auth, partnership, importer, sentence, who, how, reason
):
    import_release(importer)
    user = partnership.users[who]
    if how == "page":
        by_hand_on_the_page(client, user, sentence, reason)
    else:
        by_hand_over_the_api(client, api_auth, who, sentence, reason)
    sentence.refresh_from_db()
    assert (sentence.override_release_date, sentence.override_reason, sentence.overridden_by) == (datetime.date(2026, 12, 4), reason, user)
    for reader in (Role.COORDINATOR, Role.POLICE_IOM_OFFICER):
        assert override_sources(client, api_auth, reader, sentence) == [None, None, None], reader  # the API's "by hand"
    for reader in (importer, partnership.users[Role.POLICE_IOM_OFFICER]):
        words, page = override_inset(client, reader, sentence)
        assert (
            words
            == f"The prison's dates are in force (entered {timezone.localdate():%-d %B %Y} by {user.get_full_name() or user.username}): {reason} Source: Recorded by hand"
        )
        assert "Prison releases feed" not in page


def test_the_feeds_override_after_one_by_hand_is_the_feeds(client, api_auth, importer, officer, sentence):
    """The reverse order: entered by hand, then the prison's release feed; the feed's is in force."""
    by_hand_on_the_page(client, officer, sentence)
    run = import_release(importer)
    sentence.refresh_from_db()
    assert (sentence.override_release_date, sentence.override_reason) == (datetime.date(2026, 11, 20), FEED_REASON)
    assert override_sources(client, api_auth, Role.COORDINATOR, sentence) == [release_source(run, run_url=True)] * 3
    assert override_sources(client, api_auth, Role.POLICE_IOM_OFFICER, sentence) == [release_source(run, run_url=False)] * 3
    words, _ = override_inset(client, officer, sentence)
    assert words.endswith(f"{FEED_REASON} Source: {release_source(run, run_url=False)['text']}"), words


def test_feed_then_hand_then_feed_again_is_the_second_imports(client, api_auth, importer, officer, sentence):
    """A later file with a new date overrides the person's in turn: the second import's row is in
    force (Jordan linked on the prison number the first import put on his record)."""
    import_release(importer)
    by_hand_on_the_page(client, officer, sentence)
    later = RELEASE_ROW.replace("2026-11-20", "2026-11-27")
    run = feed_import(feed="releases", acting_user=importer, data=f"{RELEASE_HEADER}\n{later}".encode(), file_name="releases.csv")
    assert run.imported == 1
    assert (
        override_sources(client, api_auth, Role.POLICE_IOM_OFFICER, sentence)
        == [release_source(run, run_url=False, by_prison_number=True)] * 3
    )


def test_the_justice_tab_says_an_override_entered_by_hand_after_the_feed_was_recorded_by_hand(client, importer, officer, sentence):
    import_release(importer)
    by_hand_on_the_page(client, officer, sentence)
    words, _ = override_inset(client, officer, sentence)
    assert words.endswith(f"{HAND_REASON} Source: Recorded by hand"), words


# ---- a release row decided on the review queue: written when the coordinator decides it -------

DOUBTFUL_ROW = "A1234BC,,Example,Jordan,1991-05-17,HMP Northbridge,2026-11-20,CRD"  # born 1991: Jordan (1990) or his namesake (1992)?


def import_doubtful_release_and_decide(importer: Any, decider: Any, jordan: Any) -> tuple[Any, datetime.datetime, datetime.datetime]:
    """The row waits on the review queue (a namesake born 1992 is on record too); ``decider`` decides it is Jordan."""
    from iomhub.feeds.models import LinkReview
    from iomhub.feeds.services import review_decide
    from tests.factories import PersonFactory

    PersonFactory(first_name="Jordan", last_name="Example", date_of_birth=datetime.date(1992, 5, 17))
    run = feed_import(feed="releases", acting_user=importer, data=f"{RELEASE_HEADER}\n{DOUBTFUL_ROW}".encode(), file_name="releases.csv")
    assert (run.imported, run.review) == (0, 1)
    before = timezone.now()
    review_decide(acting_user=decider, review_id=LinkReview.objects.get(run=run).pk, person_id=jordan.pk)
    return run, before, timezone.now()


def reviewed_source(run: Any, decider_name: str) -> dict[str, Any]:
    return {
        "feed": "Prison releases",
        "run": run.pk,
        "line": 2,
        "method": "reviewed",
        "method_label": "Decided on review",
        "agreed": ["family name", "given name"],
        "decided_by": decider_name,
        "run_url": None,
        "match_probability": None,
        "text": f"Prison releases feed, import {run.pk} line 2: decided on review by {decider_name}, "
        f"{timezone.localdate():%-d %B %Y}: family name, given name agreed",
    }


@pytest.fixture
def decider(partnership):
    """The chair decides the row the coordinator imported: the override is the chair's entry."""
    chair = partnership.users[Role.CHAIR]
    chair.first_name, chair.last_name = "Alex", "Chair"
    chair.save(update_fields=["first_name", "last_name"])
    return chair


def test_a_reviewed_rows_override_in_force_says_who_decided_it(client, api_auth, importer, decider, jordan, sentence):
    run, before, after = import_doubtful_release_and_decide(importer, decider, jordan)
    for found in override_sources(client, api_auth, Role.POLICE_IOM_OFFICER, sentence):
        decided_at = datetime.datetime.fromisoformat(found.pop("decided_at"))
        assert found == reviewed_source(run, "Alex Chair") and before.replace(microsecond=0) <= decided_at <= after  # to the second


def test_an_override_entered_by_hand_after_the_decision_is_recorded_by_hand(client, api_auth, importer, decider, jordan, sentence):
    """Whoever decided the row enters the dates by hand afterwards, with the feed's very reason: theirs, by hand."""
    import_doubtful_release_and_decide(importer, decider, jordan)
    by_hand_on_the_page(client, decider, sentence, FEED_REASON)
    assert override_sources(client, api_auth, Role.POLICE_IOM_OFFICER, sentence) == [None, None, None]


# ---- while the import is still under way (its row written, the run not finished) --------------


class Stopped(BaseException):
    """A worker killed outright part-way (no handler of the import's runs, as after SIGKILL): an
    ``Exception`` would now be a fault the command-line import records as stopped (ADR 0014)."""


def import_release_part_way(importer: Any) -> Any:
    """The release row is written and committed, then the import stops before its second row (the
    caller's hook, as a worker that dies part-way): the run is not finished."""
    from iomhub.feeds.models import ImportRun

    def stop(rows: int) -> None:
        raise Stopped(rows)

    second = "B9876CD,,Nobody,Someone,1980-01-01,HMP Northbridge,2026-11-21,CRD"
    with pytest.raises(Stopped):
        feed_import(
            feed="releases",
            acting_user=importer,
            data=f"{RELEASE_HEADER}\n{RELEASE_ROW}\n{second}".encode(),
            file_name="releases.csv",
            batch_size=1,
            committed=stop,
        )
    run = ImportRun.objects.get()
    assert run.finished_at is None
    return run


@pytest.mark.parametrize(
    ("who", "reason"),
    [
        (Role.PROBATION_OFFICER, FEED_REASON),  # someone else, even with the feed's words: theirs
        (Role.COORDINATOR, HAND_REASON),  # the importer, in their own words, while their import runs: theirs
        # The importer with the feed's very words while their import runs: theirs too, now that the
        # row keeps the override's time as the feed set it (feeds/0009, ADR 0044); inferred from
        # the writer, the time and the words, this one read as the feed's.
        (Role.COORDINATOR, FEED_REASON),
    ],
)
def test_an_override_entered_by_hand_while_the_import_is_under_way_is_recorded_by_hand(
    client, api_auth, partnership, importer, sentence, who, reason
):
    run = import_release_part_way(importer)
    assert override_sources(client, api_auth, Role.POLICE_IOM_OFFICER, sentence) == [release_source(run, run_url=False)] * 3
    by_hand_on_the_page(client, partnership.users[who], sentence, reason)
    assert override_sources(client, api_auth, Role.POLICE_IOM_OFFICER, sentence) == [None, None, None]


def test_a_row_written_before_the_override_time_was_kept_is_judged_as_before(client, api_auth, partnership, importer, sentence):
    """Rows imported before feeds/0009 have no ``written_at``: the feed's source is still told while
    the override it wrote is in force (its writer, time and words), and not once a person enters
    the dates by hand."""
    from iomhub.feeds.models import FeedRecord

    run = import_release(importer)
    assert FeedRecord.objects.get(run=run).written_at is not None
    FeedRecord.objects.filter(run=run).update(written_at=None)
    assert override_sources(client, api_auth, Role.POLICE_IOM_OFFICER, sentence) == [release_source(run, run_url=False)] * 3
    by_hand_on_the_page(client, partnership.users[Role.PROBATION_OFFICER], sentence, HAND_REASON)
    assert override_sources(client, api_auth, Role.POLICE_IOM_OFFICER, sentence) == [None, None, None]
