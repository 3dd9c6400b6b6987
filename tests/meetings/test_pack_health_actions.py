"""The meeting's pack and record sheet leave out an action given to a health, mental-health or
treatment agency for a reader without the health section (ADR 0010 §3, 0029): a partner attendee's
pack (HTML, PDF and the API record) neither lists nor counts it, while the coordinator's, and its
owner's, hold it. The oracle is the rule, written in tests/casework/test_health_agency_actions.py
(which readers have health, which kinds of agency are health)."""

from __future__ import annotations

import datetime

import pytest

from iomhub import clock
from iomhub.access.models import Role
from iomhub.cohort.models import Registration
from iomhub.meetings import actions, services, sheets
from iomhub.meetings.closing import meeting_close
from iomhub.meetings.pack import pack_for
from iomhub.meetings.sheet_read import sheet_read
from tests.casework.test_health_agency_actions import READERS, health_case

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 15)
AT_MEETING = {"TREATMENT-AT-MEETING", "HOUSING-AT-MEETING"}  # allocated at the meeting
MARKS = ("TREATMENT-ACTION", "MH-OWN-ACTION", "MH-OTHER-ACTION", "HOUSING-ACTION", "TREATMENT-AT-MEETING", "HOUSING-AT-MEETING")


@pytest.fixture
def closed(partnership, django_capture_on_commit_callbacks):
    p = partnership
    with clock.frozen(TODAY):
        Registration.objects.create(person=p.housing_case, started_on=datetime.date(2026, 1, 5), rag="amber")
        case = health_case(p, TODAY)
        coordinator, chair = p.users[Role.COORDINATOR], p.users[Role.CHAIR]
        meeting = services.meeting_arrange(acting_user=coordinator, team=p.team, held_on=TODAY, location="Northbridge", chair=chair)
        for user in (chair, coordinator, p.users["housing-worker"], p.users["treatment-worker"], p.users["mh-worker"]):
            services.attendee_add(
                acting_user=coordinator, meeting=meeting, name="", organisation="", confidentiality_signed=True, user=user
            )
        sheets.sheet_save(
            acting_user=coordinator, meeting=meeting, person=case.person, version=None, values={"current_situation": "Stable"}
        )
        due = TODAY + datetime.timedelta(days=10)
        for mark, agency, owner in (
            ("TREATMENT-AT-MEETING", case.treatment, "treatment-worker"),
            ("HOUSING-AT-MEETING", p.housing, "housing-worker"),
        ):
            actions.action_allocate(
                acting_user=coordinator,
                meeting=meeting,
                person=case.person,
                description=f"{mark} for the person",
                agency=agency,
                owner=p.users[owner],
                owner_name="",
                due_on=due,
            )
            case.kinds[mark] = agency.kind
            case.owners[mark] = owner
            case.actions[mark] = None  # made at the meeting; the marker is what the tests look for
        sheet = sheet_read(user=coordinator, meeting=meeting, person_id=case.person.pk)
        with django_capture_on_commit_callbacks(execute=True):
            meeting_close(acting_user=coordinator, meeting=meeting)
    meeting.refresh_from_db()
    return case, meeting, sheet


def _found(text: str) -> set[str]:
    return {mark for mark in MARKS if mark in text}


@pytest.mark.parametrize("reader", ["housing-worker", "treatment-worker", "mh-worker", Role.COORDINATOR.value])
def test_each_attendees_pack_holds_the_actions_their_sections_show(closed, reader, client, api_auth):
    case, meeting, _ = closed
    want = case.expected(reader)
    user = case.p.users[reader]
    pack = pack_for(user=user, meeting=meeting)
    (mine,) = [c for c in pack.cases if c.person.pk == case.person.pk]
    assert _found(" ".join(a.description for a in mine.plan)) == want
    assert _found(" ".join(m.action.description for m in mine.actions)) == want & AT_MEETING
    client.force_login(user)
    page = client.get(f"/meetings/{meeting.pk}/pack/")
    assert page.status_code == 200 and _found(page.content.decode()) == want
    # The agency named with its actions in the case (the attendees above name who came to the meeting).
    cases = page.content.decode().split('<section class="pack-case"', 1)[1]
    assert ("Test Treatment Service" in cases) == ("TREATMENT-ACTION" in want)
    record = client.get(f"/api/v1/meetings/{meeting.pk}/record", **api_auth(reader))
    # The API's record carries the actions of the meeting (not the open plan).
    assert record.status_code == 200 and _found(record.content.decode()) == want & AT_MEETING
    assert READERS[reader]  # a reader of the rule's table


def test_the_pdf_pack_of_an_attendee_without_health_leaves_the_health_agencys_actions_out(closed, client):
    import pypdfium2 as pdfium

    case, meeting, _ = closed
    for reader in ("housing-worker", Role.COORDINATOR.value):
        client.force_login(case.p.users[reader])
        pdf = client.get(f"/meetings/{meeting.pk}/pack/", {"format": "pdf"})
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        text = (
            " ".join(page.get_textpage().get_text_range() for page in pdfium.PdfDocument(pdf.content))
            .replace("\r\n", " ")
            .replace("\n", " ")
        )
        assert _found(text) == case.expected(reader), reader


def test_the_record_sheet_holds_every_action_for_the_coordinator(closed):
    case, _, sheet = closed
    assert _found(" ".join(a.description for a in sheet.open_actions)) == case.expected(Role.COORDINATOR.value) == set(MARKS)
    assert _found(" ".join(m.action.description for m in sheet.recorded_actions)) == AT_MEETING
