"""Timestamps come in one style across the API (issue 17): UTC to the second with Z, whatever the
season (Europe/London is an hour ahead of UTC in summer) and whatever the stored microseconds."""

import datetime
import zoneinfo

import pytest

from iomhub.access.models import Role
from iomhub.casework.models import CaseChange
from iomhub.cohort.models import Registration

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime.datetime(2026, 7, 1, 10, 30, 15, 123456, tzinfo=LONDON), "2026-07-01T09:30:15Z"),  # BST: an hour back
        (datetime.datetime(2026, 1, 5, 0, 15, 0, tzinfo=LONDON), "2026-01-05T00:15:00Z"),  # GMT
        (datetime.datetime(2026, 3, 29, 0, 30, 0, tzinfo=LONDON), "2026-03-29T00:30:00Z"),  # the night the clocks go forward
    ],
)
def test_a_case_change_is_stamped_in_utc_with_z(client, partnership, moment, expected):
    p = partnership
    Registration.objects.create(person=p.ordinary, started_on=datetime.date(2026, 1, 5), rag="amber")
    client.force_login(p.users[Role.COORDINATOR])
    url = f"/api/v1/people/{p.ordinary.pk}/case/people"
    body = {
        "version": 1,
        "lead_worker": p.users[Role.PROBATION_OFFICER].pk,
        "coordinator": p.users[Role.COORDINATOR].pk,
        "reason": "Meeting",
    }
    assert client.post(url, body, content_type="application/json").status_code == 200
    CaseChange.objects.filter(case__person=p.ordinary).update(changed_at=moment)
    history = client.get(f"/api/v1/people/{p.ordinary.pk}/case").json()["history"]
    assert history and {h["at"] for h in history} == {expected}
