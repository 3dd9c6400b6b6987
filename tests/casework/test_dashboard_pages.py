"""The team dashboard a page at a time (issue 15 §5): the cases table shows 50 cases a page with
GOV.UK pagination, every case on exactly one page; each list below it shows its first 25 rows and
says how many there are, and ``?all=1`` shows them all. The counts at the top are of everyone."""

from __future__ import annotations

import re

import pytest

from iomhub import clock
from iomhub.access.models import Role
from tests.cohort.scale import TODAY, add_registered

pytestmark = pytest.mark.django_db

ROW = re.compile(rb'<tr class="govuk-table__row" data-person="(\d+)"')


def test_the_cases_table_is_paged_and_the_long_lists_trimmed(client, partnership):
    p = partnership
    client.force_login(p.users[Role.COORDINATOR])
    with clock.frozen(TODAY):
        made = add_registered(p, 56)
        first = client.get("/caseload/")
        second = client.get("/caseload/", {"page": "2"})
        everything = client.get("/caseload/", {"all": "1"})
    on_first, on_second = ROW.findall(first.content), ROW.findall(second.content)
    assert len(on_first) == 50 and len(on_second) == 6
    assert sorted(int(pk) for pk in on_first + on_second) == sorted(r.person_id for r in made)
    html = first.content.decode()
    assert 'class="govuk-pagination"' in html and 'rel="next"' in html
    assert "Showing 1 to 50 of 56 cases." in html
    lead_problems = len(first.context["caseload"].lead_problems)
    assert lead_problems > 25  # on licence, led by a police officer (tests.cohort.scale)
    trimmed = re.search(r'<ul class="govuk-list govuk-list--bullet" id="lead-problems">(.*?)</ul>', html, re.S).group(1)
    assert trimmed.count("<li") == 25
    assert f"Showing the first 25 of {lead_problems} lead workers to change." in html
    assert f"Showing the first 25 of {lead_problems}" not in everything.content.decode()
    full = re.search(r'<ul class="govuk-list govuk-list--bullet" id="lead-problems">(.*?)</ul>', everything.content.decode(), re.S).group(1)
    assert full.count("<li") == lead_problems
