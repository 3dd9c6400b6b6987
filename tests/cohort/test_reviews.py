"""Reviews: at least six months on the scheme then every three months (000 §5.7, §6.4); Red weekly
and at every meeting, Amber at least every three months (002 §2); recorded retain/drop with the
justification (002 appendix 2); the selector the dashboard calls for reviews due and overdue."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from iomhub import clock
from iomhub.access.models import Role
from iomhub.cohort import selectors, services
from iomhub.cohort.models import Review
from tests.access.support import events_since, last_event_id
from tests.cohort.support import register

START = datetime.date(2026, 1, 5)
SIX_MONTHS = datetime.date(2026, 7, 5)


@pytest.fixture
def green(partnership):
    with clock.frozen(START):
        return register(partnership, started_on=START, rag="green")


def record(partnership, registration, role=Role.COORDINATOR, **kwargs):
    args = {"reviewed_on": datetime.date(2026, 7, 1), "outcome": "retain", "notes": "Engaging with treatment", "meeting": "July meeting"}
    args.update(kwargs)
    return services.review_record(acting_user=partnership.users[role], registration=registration, **args)


@pytest.mark.parametrize(
    "today, listed, overdue",
    [
        (SIX_MONTHS - datetime.timedelta(days=1), False, False),
        (SIX_MONTHS, True, False),
        (SIX_MONTHS + datetime.timedelta(days=1), True, True),
    ],
    ids=["day before six months", "six months: due", "day after: overdue"],
)
def test_a_green_case_is_first_reviewed_at_six_months(partnership, green, today, listed, overdue):
    with clock.frozen(today):
        rows = selectors.reviews_due(user=partnership.users[Role.COORDINATOR], as_of=today)
    assert [r.registration.pk for r in rows] == ([green.pk] if listed else [])
    if listed:
        assert rows[0].due == SIX_MONTHS and rows[0].overdue is overdue
        assert "000 §5.7" in rows[0].why


def test_within_days_looks_ahead(partnership, green):
    today = SIX_MONTHS - datetime.timedelta(days=14)
    with clock.frozen(today):
        assert selectors.reviews_due(user=partnership.users[Role.COORDINATOR], as_of=today, within_days=13) == []
        [row] = selectors.reviews_due(user=partnership.users[Role.COORDINATOR], as_of=today, within_days=14)
    assert row.due == SIX_MONTHS and not row.overdue


def test_amber_is_reviewed_three_months_after_its_rag_date_and_red_weekly(partnership):
    with clock.frozen(START):
        amber = register(partnership, started_on=START, rag="amber")
        red = register(partnership, partnership.housing_case, started_on=START, rag="red")
    coordinator = partnership.users[Role.COORDINATOR]
    day_7, day_8 = START + datetime.timedelta(days=7), START + datetime.timedelta(days=8)
    with clock.frozen(day_8):
        assert [(r.registration.pk, r.due, r.overdue) for r in selectors.reviews_due(user=coordinator, as_of=day_7)] == [
            (red.pk, day_7, False)
        ]
        assert [(r.registration.pk, r.overdue) for r in selectors.reviews_due(user=coordinator, as_of=day_8)] == [(red.pk, True)]
        # The dashboard asks about a set of registrations.
        assert selectors.reviews_due(user=coordinator, registrations=[amber], as_of=day_8) == []
    with clock.frozen(datetime.date(2026, 4, 6)):
        rows = selectors.reviews_due(user=coordinator, registrations=[amber], as_of=datetime.date(2026, 4, 6))
    assert [(r.due, r.overdue) for r in rows] == [(datetime.date(2026, 4, 5), True)]


def test_a_review_resets_the_clock_to_three_months(partnership, green):
    with clock.frozen(datetime.date(2026, 7, 6)):
        record(partnership, green, reviewed_on=datetime.date(2026, 7, 6))
        assert selectors.reviews_due(user=partnership.users[Role.COORDINATOR], as_of=datetime.date(2026, 7, 6)) == []
    with clock.frozen(datetime.date(2026, 10, 6)):
        [row] = selectors.reviews_due(user=partnership.users[Role.COORDINATOR], as_of=datetime.date(2026, 10, 6))
    assert row.due == datetime.date(2026, 10, 6) and "000 §6.4" in row.why


def test_the_selector_lists_only_people_the_user_sees_and_is_audited(partnership, green):
    with clock.frozen(SIX_MONTHS):
        since = last_event_id()
        assert selectors.reviews_due(user=partnership.users["housing-worker"], as_of=SIX_MONTHS) == []
        [event] = events_since(since, action="search")
        assert event.changes["results"] == []
        with pytest.raises(PermissionDenied):
            selectors.reviews_due(user=partnership.users[Role.PERFORMANCE_LEAD], as_of=SIX_MONTHS)


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.CHAIR])
def test_coordinator_and_chair_record_a_review_audited(partnership, green, role):
    with clock.frozen(datetime.date(2026, 7, 2)):
        since = last_event_id()
        review = record(partnership, green, role)
    assert (review.outcome, review.meeting, review.reviewed_by) == ("retain", "July meeting", partnership.users[role])
    [event] = events_since(since, action="create", object_type="registration-review")
    assert event.person_id == partnership.ordinary.pk and event.changes["outcome"]["after"] == "retain"


@pytest.mark.parametrize("role", [Role.POLICE_IOM_OFFICER, Role.PROBATION_OFFICER, Role.PARTNER_WORKER, Role.PERFORMANCE_LEAD])
def test_other_roles_may_not_record_a_review(partnership, green, role):
    with clock.frozen(datetime.date(2026, 7, 2)):
        since = last_event_id()
        with pytest.raises((PermissionDenied, Http404)):
            record(partnership, green, role)
    assert not Review.objects.exists()
    assert events_since(since, action="denied")


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"outcome": "maybe"}, "outcome"),
        ({"notes": ""}, "notes"),
        ({"reviewed_on": None}, "reviewed_on"),
        ({"reviewed_on": datetime.date(2026, 7, 3)}, "reviewed_on"),
        ({"reviewed_on": datetime.date(2026, 1, 4)}, "reviewed_on"),
        ({"notes": "n" * 5001}, "notes"),
    ],
    ids=["outcome", "no justification", "no date", "future", "before registration", "too long"],
)
def test_bad_reviews_are_refused_naming_the_field(partnership, green, kwargs, field):
    with clock.frozen(datetime.date(2026, 7, 2)), pytest.raises(ValidationError) as raised:
        record(partnership, green, **kwargs)
    assert field in raised.value.message_dict
    assert not Review.objects.exists()


def test_the_same_review_is_not_stored_twice(partnership, green):
    with clock.frozen(datetime.date(2026, 7, 2)):
        record(partnership, green)
        with pytest.raises(ValidationError) as raised:
            record(partnership, green, outcome="drop")
    assert "already recorded" in raised.value.message_dict["reviewed_on"][0]
    assert Review.objects.count() == 1


def test_the_review_page_records_and_the_registration_page_shows_due_dates(client, partnership, green):
    client.force_login(partnership.users[Role.COORDINATOR])
    with clock.frozen(datetime.date(2026, 7, 6)):
        page = client.get(f"/cohort/registrations/{green.pk}/").content.decode()
        assert "Next review due" in page and "5 July 2026" in page and "Overdue" in page
        response = client.post(
            f"/cohort/registrations/{green.pk}/review/",
            {"reviewed_on_day": "6", "reviewed_on_month": "7", "reviewed_on_year": "2026", "outcome": "retain", "notes": "Doing well"},
        )
        assert response.status_code == 302
        page = client.get(f"/cohort/registrations/{green.pk}/").content.decode()
    assert "Doing well" in page and "6 October 2026" in page
