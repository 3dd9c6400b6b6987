"""The registration card on a person's page links only where its reader may go: the referral it came
from for its referring organisation, the coordinator and the chair (002 §2: the referral is theirs
and the meeting's), not for a colleague of another agency, to whom that page answers 404; and
"Manage" only for those who manage the cohort ("View" for the rest, who may read the registration)."""

from __future__ import annotations

import datetime
import re

import pytest

from iomhub import clock
from iomhub.access.models import Role
from iomhub.cohort import services
from tests.referrals.factories import make_referral

TODAY = datetime.date(2026, 11, 20)

# Written from the rule (002 §2 and the sharing agreements of the test partnership), not read from the code:
# (reader, the referral linked, the registration link's words)
READERS = [
    (Role.PROBATION_OFFICER, True, "View"),  # the referring organisation
    (Role.COORDINATOR, True, "Manage"),  # keeps the meeting's records
    (Role.CHAIR, True, "Manage"),  # decides referrals
    (Role.POLICE_IOM_OFFICER, False, "View"),  # another agency's referral
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
