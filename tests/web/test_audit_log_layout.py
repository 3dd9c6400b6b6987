"""The audit log page's table: every column kept, the time on its own line under the date, the
MoJ scrollable pane (no cell wraps below desktop width; the table scrolls in its own region) and
the detail column taking the wrapping on a desktop, so usernames and IP addresses stay whole."""

from __future__ import annotations

import re

import pytest

from iomhub.access.models import Role

pytestmark = pytest.mark.django_db

HEADERS = ["When", "Who", "Action", "Record", "Person", "Outcome", "From", "Reason or detail"]


def test_the_audit_table_keeps_every_column_and_puts_the_time_under_the_date(client, partnership):
    client.force_login(partnership.users[Role.IG_LEAD])
    client.get(f"/people/{partnership.ordinary.pk}/", REMOTE_ADDR="203.0.113.250")  # an event from a long address
    page = client.get("/audit/").content.decode()
    table = page[page.index('<div class="iom-table-scroll') : page.index("</table>")]
    opening = table[: table.index("<caption")]
    assert 'class="iom-table-scroll moj-scrollable-pane"' in opening
    assert 'role="region"' in opening and 'tabindex="0"' in opening and 'aria-label="' in opening
    assert 'class="govuk-table govuk-table--small-text-until-tablet iom-audit-table"' in opening
    headers = re.findall(r'<th scope="col" class="govuk-table__header[^"]*">([^<]+)</th>', table)
    assert headers == HEADERS
    assert '<th scope="col" class="govuk-table__header govuk-!-width-one-quarter">Reason or detail</th>' in table
    cells = re.findall(r'<tr class="govuk-table__row">\s*<td class="govuk-table__cell">(.*?)</td>', table, re.S)
    assert cells
    for cell in cells:
        assert re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4}<br>\d{2}:\d{2}:\d{2}", cell), cell
    assert '<td class="govuk-table__cell">203.0.113.250</td>' in table
    assert '<td class="govuk-table__cell">ig-lead</td>' in table
