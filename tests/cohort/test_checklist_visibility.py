"""``checklist_record`` checks the person like its twin ``removal_record`` (issue 9 finding 10): a
coordinator who may not see a restricted person cannot tick their adoption checklist."""

from __future__ import annotations

import datetime

import pytest
from django.http import Http404

from iomhub import clock
from iomhub.access.models import Role
from iomhub.cohort import services
from iomhub.cohort.models import Registration
from tests.access.support import events_since, last_event_id


def test_a_coordinator_who_may_not_see_the_person_cannot_tick_their_checklist(partnership):
    registration = Registration.objects.create(person=partnership.restricted, started_on=datetime.date(2026, 1, 5), rag="amber")
    registration.checklist.create(item="offender-notified")
    since = last_event_id()
    with clock.frozen(datetime.date(2026, 3, 2)), pytest.raises(Http404):
        services.checklist_record(
            acting_user=partnership.users[Role.COORDINATOR],
            registration=registration,
            item="offender-notified",
            done_on=datetime.date(2026, 3, 1),
            done_by="PC Lee",
        )
    assert registration.checklist.get().done_on is None
    assert [e.action for e in events_since(since)] == ["denied"]
