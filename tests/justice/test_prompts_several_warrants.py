"""A person wanted on several warrants (iomhub.justice.selectors.person_prompts, the Justice tab's
prompts): each warrant asks about the person's own first arrest on or after its issue, from the
same arrests; a warrant issued after every arrest asks nothing."""

from __future__ import annotations

import datetime

from iomhub import clock
from iomhub.justice import selectors, services
from tests.justice import factories

D = datetime.date


def test_each_warrant_asks_about_its_own_first_arrest_since_its_issue(partnership, person, officer):
    with clock.frozen(D(2026, 9, 1)):
        for issued_on in (D(2026, 8, 1), D(2026, 8, 20), D(2026, 8, 28)):
            services.warrant_record(acting_user=officer, person=person, kind="fail-to-appear", issued_on=issued_on)
        for day in (D(2026, 7, 25), D(2026, 8, 10), D(2026, 8, 25), D(2026, 8, 12)):
            factories.arrest(user=officer, person=person, arrested_on=day)
        record = selectors.justice_record_for(user=officer, person_id=person.pk)
        found = selectors.person_prompts(record, D(2026, 9, 1))

    asked = sorted((p.about, p.detail) for p in found if p.code == "warrant-arrested")
    assert [about for about, _ in asked] == [D(2026, 8, 10), D(2026, 8, 25)]
    assert "issued 1 August 2026" in asked[0][1]
    assert "issued 20 August 2026" in asked[1][1]
    assert sum(p.code == "warrant" for p in found) == 3  # the third, issued 28 August, is wanted still, with no arrest since
