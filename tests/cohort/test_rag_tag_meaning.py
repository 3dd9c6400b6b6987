"""The RAG tag holds the level's name only, and its meaning follows as plain text (a GOV.UK tag is
one or two words; a long label wrapped into a three-line block). The name is always written: colour
is never the only sign. Tables and lists keep the name alone."""

from __future__ import annotations

import datetime
import re

import pytest
from django.template import engines

from iomhub import clock
from iomhub.access.models import Role
from iomhub.cohort import services
from iomhub.referrals.models import RagLevel
from tests.cohort.support import register

START = datetime.date(2026, 1, 5)
TODAY = datetime.date(2026, 3, 2)

# Written out by hand from 002 appendix 1 (not derived from the labels the code reads).
EXPECTED = {
    "red-alert": ("govuk-tag--red", "Red Alert", "wanted for arrest"),
    "red": ("govuk-tag--red", "Red", "catch and control"),
    "amber": ("govuk-tag--orange", "Amber", "reduce re-offending and rehabilitate"),
    "green": ("govuk-tag--green", "Green", "monitor, maintain and rehabilitate"),
    "prison": ("govuk-tag--grey", "Prison", "in custody"),
}


def _tag(rag: str, name: str, colour: str) -> str:
    return f'<strong class="govuk-tag {colour}" data-rag="{rag}">{name}</strong>'


def _render(rag: str, label: str, short: bool = False) -> str:
    source = '[{% include "cohort/_rag_tag.html" with rag=rag label=label short=short %}]'
    return engines["django"].from_string(source).render({"rag": rag, "label": label, "short": short})


@pytest.mark.parametrize("level", list(EXPECTED))
def test_the_tag_holds_the_name_and_the_meaning_follows_as_text(level):
    colour, name, meaning = EXPECTED[level]
    label = RagLevel(level).label
    assert _render(level, label) == f"[{_tag(level, name, colour)} {meaning}]"
    assert _render(level, label, short=True) == f"[{_tag(level, name, colour)}]"


@pytest.mark.parametrize("label", ["Red", "Amber", "Green", ""])
def test_a_label_with_no_meaning_is_the_tag_alone(label):
    # The pathway ratings (casework) are plain "Red", "Amber", "Green".
    assert _render(label.lower(), label) == f"[{_tag(label.lower(), label, EXPECTED.get(label.lower(), ('govuk-tag--grey',))[0])}]"


def test_a_bracket_inside_a_label_is_not_taken_for_a_meaning():
    assert _render("x", "Odd (unclosed") == '[<strong class="govuk-tag govuk-tag--grey" data-rag="x">Odd</strong>]'


@pytest.fixture
def history(partnership):
    """Amber from 5 Jan, Red from 1 Feb, Red Alert from 20 Feb."""
    with clock.frozen(TODAY):
        registration = register(partnership, started_on=START, rag="amber")
        coordinator = partnership.users[Role.COORDINATOR]
        services.rag_change(
            acting_user=coordinator,
            registration=registration,
            level="red",
            changed_on=datetime.date(2026, 2, 1),
            reason="Arrested twice this month",
            meeting="IOM meeting 1 Feb",
        )
        services.rag_change(
            acting_user=partnership.users[Role.POLICE_IOM_OFFICER],
            registration=registration,
            level="red-alert",
            changed_on=datetime.date(2026, 2, 20),
            reason="Failed to appear",
            meeting="",
        )
        yield registration


def _card(page: str) -> str:
    start = page.index('id="iom-registration"')
    return page[start : page.index("</dl>", start)]


def test_the_persons_page_shows_the_level_and_its_history_with_the_meaning_outside_the_tag(client, partnership, history):
    client.force_login(partnership.users[Role.PROBATION_OFFICER])
    with clock.frozen(TODAY):
        page = client.get(f"/people/{partnership.ordinary.pk}/").content.decode()
    card = _card(page)
    level = re.search(r'<dt class="govuk-summary-list__key">RAG level</dt><dd class="govuk-summary-list__value">(.*?)</dd>', card)
    assert level and level.group(1) == f"{_tag('red-alert', 'Red Alert', 'govuk-tag--red')} wanted for arrest"
    items = re.findall(r"<li>(.*?)</li>", card[card.index("RAG history") :])
    assert items[:3] == [
        f"5 Jan 2026: {_tag('amber', 'Amber', 'govuk-tag--orange')} reduce re-offending and rehabilitate, decided by "
        + items[0].split(", decided by ", 1)[1],
        f"1 Feb 2026: {_tag('red', 'Red', 'govuk-tag--red')} catch and control, decided by " + items[1].split(", decided by ", 1)[1],
        f"20 Feb 2026: {_tag('red-alert', 'Red Alert', 'govuk-tag--red')} wanted for arrest, decided by "
        + items[2].split(", decided by ", 1)[1],
    ]
    assert items[1].endswith(" at IOM meeting 1 Feb \u2013 Arrested twice this month")
    # No long label inside a tag anywhere on the page, and no space before a comma after a tag.
    assert not re.search(r'data-rag="[^"]+">[^<]*\(', page)
    assert not re.search(r"</strong>\s+,", page)


def test_the_registration_page_and_the_glance_show_the_same(client, partnership, history):
    client.force_login(partnership.users[Role.COORDINATOR])
    with clock.frozen(TODAY):
        manage = client.get(f"/cohort/registrations/{history.pk}/").content.decode()
        person = client.get(f"/people/{partnership.ordinary.pk}/").content.decode()
    expected = f"{_tag('red-alert', 'Red Alert', 'govuk-tag--red')} wanted for arrest"
    assert f'<p class="govuk-body">{expected}</p>' in manage
    glance = person[person.index('id="at-a-glance"') :]
    assert f"{expected}</dd>" in glance[: glance.index("</dl>")]


def test_tables_keep_the_name_alone(client, partnership, history):
    client.force_login(partnership.users[Role.COORDINATOR])
    with clock.frozen(TODAY):
        page = client.get("/cohort/").content.decode()
    assert partnership.ordinary.display_name in page  # the checklist is outstanding: the person is listed
    assert _tag("red-alert", "Red Alert", "govuk-tag--red") + "</td>" in page
    assert "wanted for arrest" not in page
