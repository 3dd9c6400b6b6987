"""What the merge pages say moves is projected like the record (ADR 0006 addendum).

The oracle is the sharing table, written out here from the policy's rule (architecture.md, "What a
reader sees of a record"): in the test partnership the information governance lead reads the
identity section only; the coordinator every section but police intelligence. A count is shown only
for a kind of record whose section the reader sees, row by row (an intelligence note is a timeline
entry in the intelligence section); everything else is one fixed sentence, the same whether or not
there is anything else.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.messages import get_messages

from iomhub.access.models import OrganisationKind, Role, Section
from iomhub.access.projection import Lens
from iomhub.casework.models import AgencyInvolvement, EntryKind, TimelineEntry
from iomhub.documents.models import Document, DocumentKind
from iomhub.people import merging
from iomhub.people.models import Address, Alias, Marker, Person, PersonMerge
from tests.factories import OrganisationFactory, PersonFactory
from tests.justice import factories as justice

EVERYTHING_ELSE = "Everything else recorded about them moves too, including records in sections not shared with you"
ALL = frozenset(Section)


def _duplicate(partnership, *, hidden: bool, intelligence: bool = True) -> Person:
    """A duplicate of the partnership's ordinary person (same name and date of birth apart from the
    first name, no identifiers) with one alias; with ``hidden``, records in sections the IG lead
    may not see (contact, markers, justice, timeline, with ``intelligence`` an intelligence note)."""
    kept = partnership.ordinary
    dup = PersonFactory(first_name="Jordon", last_name=kept.last_name, date_of_birth=kept.date_of_birth, pnc_id="")
    Alias.objects.create(person=dup, first_name="J", last_name="Sample")
    if hidden:
        police = partnership.users[Role.POLICE_IOM_OFFICER]
        Address.objects.create(person=dup, line_1="1 Test Street", postcode="ZZ1 1ZZ")
        Address.objects.create(person=dup, line_1="2 Test Street", postcode="ZZ1 1ZZ", from_date=datetime.date(2020, 1, 1))
        Marker.objects.create(person=dup, kind=Marker.Kind.DOG)
        justice.arrest(user=police, person=dup)  # an arrest and its offence
        for day in (1, 2, 3):
            TimelineEntry.objects.create(
                person=dup, kind=EntryKind.PHONE, occurred_on=datetime.date(2026, 3, day), recorded_by=police, recorded_by_name="PC Test"
            )
        if intelligence:
            TimelineEntry.objects.create(
                person=dup,
                kind=EntryKind.INTELLIGENCE,
                occurred_on=datetime.date(2026, 3, 4),
                summary="Seen with known associates",
                recorded_by=police,
                recorded_by_name="PC Test",
            )
    return dup


def _counts(html: str) -> tuple[set[str], str]:
    """The count lines of "Records that move to the record kept" (or "... go back"), and the rest."""
    cell = re.search(r"Records that (?:move to the record kept|go back to the duplicate)</dt>\s*<dd[^>]*>(.*?)</dd>", html, re.S)
    assert cell, html
    parts = [p.strip() for p in cell.group(1).split("<br>")]
    return set(parts[:-1]), parts[-1]


def _main(html: str, *ids: int) -> str:
    """The page's main content with what differs between two merges of the same shape taken out:
    record numbers and the form's CSRF token."""
    main = html[html.index("<main") : html.index("</main>")]
    main = re.sub(r'name="(?:csrfmiddlewaretoken|once_token)" value="[^"]*"', "", main)
    for pk in ids:  # only where the page names the record: in its links and "(record N)", not in a date's day
        main = re.sub(rf"(?<=/){pk}(?=/)|(?<=\(record ){pk}(?=\))", "ID", main)
    return main


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        # identity only: the alias; nothing of the address, marker, arrest, offence or timeline
        (Role.IG_LEAD, {"1 aliases"}),
        # all but intelligence: three of the four timeline entries
        (
            Role.COORDINATOR,
            {"1 aliases", "2 addresses", "1 markers", "1 arrests", "1 offences", "3 timeline entries"},
        ),
    ],
)
def test_the_check_page_counts_only_what_the_reader_sees(client, partnership, role, expected):
    dup = _duplicate(partnership, hidden=True)
    client.force_login(partnership.users[role])
    page = client.get(f"/people/{dup.pk}/merge/?into={partnership.ordinary.pk}")
    assert page.status_code == 200
    shown, sentence = _counts(page.content.decode())
    assert shown == expected
    assert sentence == EVERYTHING_ELSE + "."
    assert "4 timeline" not in page.content.decode() and "entrys" not in page.content.decode()


@pytest.mark.parametrize(
    ("role", "more", "less"),
    [
        # the IG lead: records in contact, markers, justice, timeline and intelligence, or none
        (Role.IG_LEAD, {"hidden": True}, {"hidden": False}),
        # the coordinator: the same records but for an intelligence note
        (Role.COORDINATOR, {"hidden": True, "intelligence": True}, {"hidden": True, "intelligence": False}),
    ],
)
def test_two_merges_differing_only_in_hidden_rows_look_the_same(client, partnership, role, more, less):
    """A merge with records the reader may not see and one without read the same, word for word."""
    with_hidden, without = _duplicate(partnership, **more), _duplicate(partnership, **less)
    client.force_login(partnership.users[role])
    kept = partnership.ordinary.pk
    one = client.get(f"/people/{with_hidden.pk}/merge/?into={kept}").content.decode()
    other = client.get(f"/people/{without.pk}/merge/?into={kept}").content.decode()
    assert EVERYTHING_ELSE in one
    assert _main(one, with_hidden.pk) == _main(other, without.pk)


def test_the_success_message_gives_no_total_and_the_merge_moves_everything(client, partnership):
    dup = _duplicate(partnership, hidden=True)
    client.force_login(partnership.users[Role.COORDINATOR])
    url = f"/people/{dup.pk}/merge/?into={partnership.ordinary.pk}"
    response = client.post(url, {"reason": "Same custody photograph"})
    assert response.status_code == 302
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert re.findall(r"\d+", message) == [str(dup.pk)], message  # the record number and no count
    # the merge itself is not projected: every row moved, the intelligence note too
    kept = partnership.ordinary
    assert not TimelineEntry.objects.filter(person=dup).exists()
    assert TimelineEntry.objects.filter(person=kept, kind=EntryKind.INTELLIGENCE).count() == 1
    assert sum(len(ids) for ids in PersonMerge.objects.get().moved.values()) == 1 + 2 + 1 + 1 + 1 + 4


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.IG_LEAD, {"1 aliases"}),
        (Role.COORDINATOR, {"1 aliases", "2 addresses", "1 markers", "1 arrests", "1 offences", "3 timeline entries"}),
    ],
)
def test_the_undo_page_counts_only_what_the_reader_sees(client, partnership, role, expected):
    dup = _duplicate(partnership, hidden=True)
    client.force_login(partnership.users[Role.COORDINATOR])
    client.post(f"/people/{dup.pk}/merge/?into={partnership.ordinary.pk}", {"reason": "Same custody photograph"})
    merge = PersonMerge.objects.get()
    client.force_login(partnership.users[role])
    page = client.get(f"/people/{partnership.ordinary.pk}/merges/?undo={merge.pk}")
    assert page.status_code == 200
    shown, sentence = _counts(page.content.decode())
    assert shown == expected
    assert sentence.startswith("Everything else that moved goes back too, including records in sections not shared with you")


def test_rows_whose_section_depends_on_the_row_are_counted_row_by_row(partnership):
    """A treatment provider's involvement is health, a housing team's the plan; a health document
    needs health as well as documents; an intelligence note intelligence as well as the timeline."""
    dup = PersonFactory(pnc_id="")
    police = partnership.users[Role.POLICE_IOM_OFFICER]
    treatment = OrganisationFactory(name="Test Treatment", kind=OrganisationKind.TREATMENT)
    AgencyInvolvement.objects.create(person=dup, organisation=partnership.housing)
    AgencyInvolvement.objects.create(person=dup, organisation=treatment)
    for n, kind in enumerate((DocumentKind.GENERAL, DocumentKind.HEALTH)):
        Document.objects.create(
            person=dup,
            kind=kind,
            title=f"Doc {n}",
            filename=f"doc{n}.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
            stored_as=f"test-{n}",
            uploaded_by=police,
            uploaded_by_name="PC Test",
        )
    TimelineEntry.objects.create(
        person=dup, kind=EntryKind.INTELLIGENCE, occurred_on=datetime.date(2026, 3, 4), recorded_by=police, recorded_by_name="PC"
    )
    plan = merging.merge_plan(partnership.ordinary, dup)

    def shown(*sections):
        return set(plan.moves_shown(Lens(frozenset(sections))))

    without_health = shown(Section.IDENTITY, Section.PLAN, Section.DOCUMENTS, Section.TIMELINE)
    assert without_health == {("agency involvements", 1), ("documents", 1)}
    with_health = shown(Section.IDENTITY, Section.PLAN, Section.DOCUMENTS, Section.TIMELINE, Section.HEALTH)
    assert with_health == {("agency involvements", 2), ("documents", 2)}
    police_view = shown(*ALL)
    assert police_view == {("agency involvements", 2), ("documents", 2), ("timeline entries", 1)}
    assert shown(Section.IDENTITY) == set()


def test_a_refusal_over_records_the_reader_may_not_see_names_neither_them_nor_their_section(client, partnership):
    """Both records have the housing team involved now (the plan section): the coordinator is told
    which agency; the IG lead (identity only) only that a clash in a section not shared with them
    stops the merge. Either way it is refused."""
    dup = _duplicate(partnership, hidden=False)
    AgencyInvolvement.objects.create(person=dup, organisation=partnership.housing)
    AgencyInvolvement.objects.create(person=partnership.ordinary, organisation=partnership.housing)
    url = f"/people/{dup.pk}/merge/?into={partnership.ordinary.pk}"
    client.force_login(partnership.users[Role.COORDINATOR])
    told = client.get(url).content.decode()
    assert "Both records show Test Housing involved now" in told and "Merge records" not in told
    client.force_login(partnership.users[Role.IG_LEAD])
    page = client.get(url).content.decode()
    assert "These records cannot be merged" in page and "Merge records" not in page
    assert "Test Housing" not in page and "involve" not in page.lower()
    assert "in a section not shared with you" in page
    assert client.post(url, {"reason": "Same"}).status_code == 200 and not PersonMerge.objects.exists()


def test_a_refusal_over_restrictions_names_a_reason_only_to_a_reader_of_its_section(client, partnership):
    """A MAPPA record (its reason: justice) against a counter-terrorism one (intelligence): the IG
    lead, named on both, sees neither reason, and the merge is refused."""
    from iomhub.access.models import PersonAccessGrant
    from iomhub.people.models import Restriction

    ig = partnership.users[Role.IG_LEAD]
    kept = partnership.restricted
    dup = PersonFactory(first_name="Robyn", last_name=kept.last_name, date_of_birth=kept.date_of_birth, pnc_id="")
    Person.objects.filter(pk=dup.pk).update(restriction=Restriction.COUNTER_TERRORISM)
    for person in (kept, dup):
        PersonAccessGrant.objects.create(person=person, user=ig)
    client.force_login(ig)
    page = client.get(f"/people/{dup.pk}/merge/?into={kept.pk}").content.decode()
    assert "These records cannot be merged" in page and "different restrictions" in page
    assert "MAPPA" not in page and "ounter-terrorism" not in page
