"""``people.bulk.person_create_many`` leaves a person like another of the same call (``None``: to be
created afterwards, one at a time, when ``person_create`` sees the first), and creates the others:
the outcomes written out by hand, for people a typo, a swapped date, a nickname or a shared
identifier away from an earlier one, beside people who only look alike (a different first name,
a date three digits away)."""

from __future__ import annotations

import datetime

import pytest

from iomhub.people.bulk import person_create_many
from iomhub.people.models import Person
from iomhub.people.services import NewPerson

pytestmark = pytest.mark.django_db


def _new(first: str, last: str, dob: datetime.date, **identifiers: str) -> NewPerson:
    return NewPerson(fields={"first_name": first, "last_name": last, "date_of_birth": dob, **identifiers})


def test_a_person_like_an_earlier_one_waits(partnership) -> None:
    officer = partnership.users["police-iom-officer"]
    born = datetime.date(1994, 3, 8)
    news = [
        _new("Taylor", "Newcombe", born),  # created
        _new("Taylor", "Newcomb", born),  # a typo of the first: waits
        _new("Taylor", "Newcombe", datetime.date(1994, 8, 3)),  # day and month swapped: waits
        _new("Morgan", "Newcombe", born),  # another first name: created
        _new("Samuel", "Brightwater", datetime.date(1980, 1, 21), pnc_id="2001/0000017H"),  # created
        _new("Sam", "Brightwater", datetime.date(1980, 1, 21)),  # a nickname: waits
        _new("Quentin", "Other", datetime.date(1955, 6, 30), pnc_id="2001/0000017H"),  # the same PNC ID: waits
        _new("Samuel", "Brightwater", datetime.date(1980, 4, 27)),  # three digits away: created
    ]
    made = person_create_many(acting_user=officer, news=news, purpose="test")
    assert [isinstance(m, Person) for m in made] == [True, False, False, True, True, False, False, True]
    assert [m is None for m in made] == [False, True, True, False, False, True, True, False]
    assert Person.objects.filter(last_name__in=["Newcombe", "Newcomb", "Brightwater", "Other"]).count() == 4
