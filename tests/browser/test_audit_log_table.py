"""The audit log page, as a browser draws it: every column kept, usernames and IP addresses never
broken mid-word, the time on its own line under the date; axe-clean on a desktop and on a phone."""

from __future__ import annotations

import re

import pytest

from iomhub.access import audit
from iomhub.access.models import Role
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

HEADERS = ["When", "Who", "Action", "Record", "Person", "Outcome", "From", "Reason or detail"]
LONG = (
    "Reviewing the record before the IOM meeting on Thursday because the housing worker reported "
    "a change of address and a missed appointment with the substance misuse service"
)
LINES = """els => els.map(el => {
  const range = document.createRange();
  range.selectNodeContents(el);
  const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
  return [el.textContent.trim(), tops.size];
})"""


def _world(partnership) -> None:
    UserFactory(username="probation.officer", roles=[Role.PROBATION_OFFICER], organisation=partnership.probation)
    for n in range(3):
        audit.record(
            actor=None,
            username="probation.officer",
            action="view",
            object_type="person",
            object_id=partnership.ordinary.pk,
            person_id=partnership.ordinary.pk,
            reason=f"{LONG} ({n})",
        )


@pytest.mark.parametrize("width", [1280, 375])
def test_the_audit_log_keeps_names_and_addresses_whole(session, partnership, width):
    _world(partnership)
    page = session.page
    page.set_viewport_size({"width": width, "height": 900})
    # A sign-in by the long-named user and by the IG lead, each from this machine's address.
    session.sign_in("probation.officer", PASSWORD)
    session.sign_out()
    session.sign_in(Role.IG_LEAD.value, PASSWORD)
    session.go("/audit/")
    page.evaluate("document.fonts.ready.then(() => true)")  # measured in the service's own font, once it has loaded
    table = page.locator("table.iom-audit-table")
    assert [" ".join(h.split()) for h in table.locator("thead th").all_inner_texts()] == HEADERS

    who = table.locator("tbody tr td:nth-child(2)")
    ips = table.locator("tbody tr td:nth-child(7)")
    names = [tuple(x) for x in who.evaluate_all(LINES)]
    addresses = [tuple(x) for x in ips.evaluate_all(LINES)]
    assert ("probation.officer", 1) in names and ("ig-lead", 1) in names, names
    assert ("127.0.0.1", 1) in addresses, addresses
    assert all(lines == 1 for _, lines in names + addresses), names + addresses

    when = table.locator("tbody tr td:nth-child(1)").first
    day, time = when.inner_text().split("\n")
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4}", day) and re.fullmatch(r"\d{2}:\d{2}:\d{2}", time), (day, time)
    session.assert_accessible(f"audit log at {width} px")
