"""The offending chart on the Justice tab (issue 4 §7): drawn on the server as an inline SVG with a
title and description, custody shaded, registration marked, and the same numbers as a table."""

from __future__ import annotations

import datetime
import re

import pytest

from iomhub import clock
from iomhub.cohort.models import Registration
from iomhub.justice import services
from tests.justice import factories

D = datetime.date


@pytest.fixture
def charted(partnership, person, officer):
    with clock.frozen(D(2026, 9, 1)):
        factories.arrest(user=officer, person=person, arrested_on=D(2025, 2, 3), offence_codes=["28E", "28E"])
        factories.arrest(user=officer, person=person, arrested_on=D(2025, 11, 20), offence_codes=["34B"])
        services.offence_record(acting_user=officer, person=person, code="105A", committed_on=D(2026, 7, 2))
        services.custody_episode_record(
            acting_user=officer, person=person, kind="remand", prison="HMP Wessex", started_on=D(2025, 3, 1), ended_on=D(2025, 5, 31)
        )
    Registration.objects.create(person=person, started_on=D(2025, 9, 15), ended_on=D(2026, 3, 1), rag="amber")
    Registration.objects.create(person=person, started_on=D(2026, 6, 1), rag="red")
    return person


def _chart(page):
    return re.search(r"<svg.*?</svg>", page, re.S).group(0)


def test_the_chart_shades_custody_marks_registrations_and_counts_by_quarter(client, charted, officer):
    client.force_login(officer)
    with clock.frozen(D(2026, 9, 1)):
        page = client.get(f"/people/{charted.pk}/justice/").content.decode()
    svg = _chart(page)
    assert 'role="img"' in svg and 'aria-labelledby="offending-chart-title offending-chart-desc"' in svg
    assert '<title id="offending-chart-title">Offending by quarter for' in svg
    assert svg.count("<rect data-custody") == 1 and "In custody 1 March 2025 to 31 May 2025" in svg
    assert svg.count("<rect data-registration ") == 2 and svg.count("<rect data-registration-start") == 2
    assert "On the IOM cohort 1 June 2026 to now" in svg
    assert 'data-category="burglary"' in svg and 'data-category="robbery"' in svg and 'data-category="other"' in svg
    assert "style=" not in svg  # the CSP allows no inline styles
    assert "<script" not in svg
    desc = re.search(r'<desc id="offending-chart-desc">(.*?)</desc>', svg, re.S).group(1)
    assert desc.startswith("4 offences from Q1 2025 to Q3 2026")
    rows = dict(re.findall(r'data-quarter="([^"]+)">(.*?)</tr>', page, re.S))
    assert list(rows) == ["Q1 2025", "Q2 2025", "Q3 2025", "Q4 2025", "Q1 2026", "Q2 2026", "Q3 2026"]

    def cells(label):
        return re.findall(r'<td class="govuk-table__cell[^"]*">([^<]*)</td>', rows[label])

    # burglary, robbery, vehicle, theft from the person, other, total, in custody, on the cohort
    assert cells("Q1 2025") == ["2", "0", "0", "0", "0", "2", "Part", "No"]
    assert cells("Q2 2025") == ["0", "0", "0", "0", "0", "0", "Part", "No"]
    assert cells("Q4 2025") == ["0", "1", "0", "0", "0", "1", "No", "Yes"]
    assert cells("Q3 2026") == ["0", "0", "0", "0", "1", "1", "No", "Yes"]


def test_a_sentence_counts_as_custody_until_release(client, partnership, person, officer, today):
    sentence = factories.sentence(user=officer, person=person, months=10, sentenced_on=D(2026, 1, 5), offence_committed_on=D(2025, 12, 1))
    client.force_login(officer)
    svg = _chart(client.get(f"/people/{person.pk}/justice/").content.decode())
    last = sentence.release_date - datetime.timedelta(days=1)
    assert f"In custody 5 January 2026 to {last.day} {last:%B %Y}" in svg


def test_nothing_recorded_says_so_instead_of_an_empty_chart(client, person, officer, today):
    client.force_login(officer)
    page = client.get(f"/people/{person.pk}/justice/").content.decode()
    assert "<svg" not in page.split("Offending over time")[1].split("Timeline")[0]
    assert "No offences, custody or IOM registration recorded yet" in page
