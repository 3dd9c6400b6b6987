"""The registration card on a person's page links only where its reader may go: the referral it came
from for its referring organisation, the coordinator and the chair (002 §2: the referral is theirs
and the meeting's), not for a colleague of another agency, to whom that page answers 404; and
"Manage" only for those who can change the registration there: the coordinator and chair, and a police IOM
officer while it is current (its RAG level and Red Alert); "View" for the rest, who may read it."""

from __future__ import annotations

import datetime
import re

import pytest

from iomhub import clock
from iomhub.access.models import Role
from iomhub.cohort import services
from iomhub.cohort.models import Registration
from tests.referrals.factories import make_referral

TODAY = datetime.date(2026, 11, 20)

# Written from the rule (002 §2 and the sharing agreements of the test partnership), not read from the code:
# (reader, the referral linked, the registration link's words)
READERS = [
    (Role.PROBATION_OFFICER, True, "View"),  # the referring organisation
    (Role.COORDINATOR, True, "Manage"),  # keeps the meeting's records
    (Role.CHAIR, True, "Manage"),  # decides referrals
    (Role.POLICE_IOM_OFFICER, False, "Manage"),  # another agency's referral; changes the RAG level and Red Alert
    ("housing-worker", False, "View"),  # a partner who shares the plan, not the referral
]


@pytest.fixture
def registration(partnership):
    referral = make_referral(by=partnership.users[Role.PROBATION_OFFICER], person=partnership.housing_case)
    with clock.frozen(TODAY):
        return services.registration_open(
            acting_user=partnership.users[Role.CHAIR],
            person=partnership.housing_case,
            referral=referral,
            started_on=datetime.date(2026, 11, 18),
            rag="amber",
            reason="Adopted at the November meeting",
        )


@pytest.mark.parametrize(("reader", "linked", "words"), READERS)
def test_every_link_on_the_card_opens_for_its_reader(client, partnership, registration, reader, linked, words):
    client.force_login(partnership.users[reader])
    referral_url = f"/referrals/{registration.referral_id}/"
    with clock.frozen(TODAY):
        page = client.get(f"/people/{partnership.housing_case.pk}/").content.decode()
        start = page.index('id="iom-registration"')
        actions = page[start : page.index("</ul>", start)]
        links = re.findall(r'<a class="govuk-link" href="([^"]+)">([^<]*)', actions)
        assert [text for href, text in links if href == f"/cohort/registrations/{registration.pk}/"] == [words]
        assert (referral_url in [href for href, _ in links]) is linked
        for href, _ in links:
            assert client.get(href).status_code == 200, href
        assert client.get(referral_url).status_code == (200 if linked else 404)


@pytest.mark.parametrize(
    ("reader", "current", "ended"), [(Role.POLICE_IOM_OFFICER, "Manage", "View"), (Role.COORDINATOR, "Manage", "Manage")]
)
def test_a_registration_that_has_ended_is_managed_only_by_the_cohort_managers(client, partnership, registration, reader, current, ended):
    """A police IOM officer changes the RAG level of a current registration only: an earlier one,
    which ended, offers them nothing to change, so its link says "View"."""
    earlier = Registration.objects.create(
        person=partnership.housing_case, started_on=datetime.date(2024, 3, 4), ended_on=datetime.date(2025, 6, 30), rag="green"
    )
    client.force_login(partnership.users[reader])
    with clock.frozen(TODAY):
        page = client.get(f"/people/{partnership.housing_case.pk}/").content.decode()
        earlier_page = client.get(f"/cohort/registrations/{earlier.pk}/").content.decode()
    words = dict(re.findall(r'href="/cohort/registrations/(\d+)/">([^<]*)', page))
    assert (words[str(registration.pk)], words[str(earlier.pk)]) == (current, ended)
    assert "Change the RAG level" not in earlier_page
