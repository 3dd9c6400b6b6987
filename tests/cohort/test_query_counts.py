"""The regime, reviews due, the deregistration rules and the candidate list read in a fixed number of
queries however many people they cover (a national-scale cohort made them take seconds one query
per person at a time): the count for 3 registrations is the count for 30."""

from __future__ import annotations

import pytest

from iomhub import clock
from iomhub.access.models import Role
from iomhub.cohort import selectors
from tests.cohort.scale import TODAY, add_candidates, add_registered, queries

pytestmark = pytest.mark.django_db


def _current(p):
    from iomhub.cohort.models import Registration

    return list(Registration.objects.filter(ended_on__isnull=True).select_related("person"))


@pytest.mark.parametrize("read", ["regime_for", "reviews_due", "deregistrations_required"])
def test_the_cohort_reads_make_as_many_queries_for_30_registrations_as_for_3(partnership, read):
    p = partnership
    coordinator = p.users[Role.COORDINATOR]

    def call():
        return getattr(selectors, read)(user=coordinator, registrations=_current(p), as_of=TODAY)

    with clock.frozen(TODAY):
        add_registered(p, 3)
        call()  # what is read once and kept (the user's roles)
        few, found = queries(call)
        add_registered(p, 27)
        many, more = queries(call)
    assert many == few
    if read == "regime_for":
        assert len(found) == 3 and len(more) == 30
        assert all(r.last_home_visit is not None for r in more.values())
    if read == "deregistrations_required":
        assert len(more) > len(found) > 0  # the 6-year sentences and MAPPA level 3 are read


def test_the_candidate_list_makes_as_many_queries_for_30_candidates_as_for_3(client, partnership):
    p = partnership
    client.force_login(p.users[Role.COORDINATOR])
    with clock.frozen(TODAY):
        add_candidates(p, 3)
        client.get("/cohort/candidates/")  # the session and the user, once
        few, page = queries(lambda: client.get("/cohort/candidates/"))
        assert page.status_code == 200 and page.content.count(b'href="/referrals/new/?person=') == 3
        add_candidates(p, 27)
        many, page = queries(lambda: client.get("/cohort/candidates/"))
        assert page.content.count(b'href="/referrals/new/?person=') == 30
    assert many == few
