"""A deregistration that police intelligence suggested is marked for the reviewer in the subject
access pack (ADR 0022 §4; ADR 0010's fourteenth-sitting addendum, "left for later").

``Deregistration`` is declared plan, but the rules it stores are facts of their own sections: "no
intelligence for 3 months" is police intelligence (the rule reads the intelligence log), which
DPA 2018 Sch. 2 para 2 (and Part 3 s.45(4) for law enforcement processing) may withhold from the
subject. The pack marks it "Police intelligence" in the page, the PDF, the JSON download and the
API, and the release version waits for the reviewer's decision on it. A deregistration for the
justice record's reasons alone is not marked. Expectations come from the rule's meaning, not the
code's table."""

from __future__ import annotations

import datetime
import io

import pypdfium2 as pdfium
import pytest
from django.core.exceptions import ValidationError

from iomhub.access.models import Role
from iomhub.cohort.models import Deregistration, Registration
from iomhub.operations import subject_access as sa
from iomhub.operations.models import SubjectAccessRequest

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 5)


def _deregistration(partnership, person, *, required_by, suggested_by) -> Deregistration:
    registration = Registration.objects.create(
        person=person, started_on=datetime.date(2026, 1, 5), ended_on=TODAY, end_reason="Deregistered", rag="green"
    )
    return Deregistration.objects.create(
        registration=registration,
        approved_on=TODAY,
        reasons="Progress sustained",
        exit_plan="Housing support continues",
        supported_by="Housing",
        required_by=required_by,
        suggested_by=suggested_by,
        approved_by=partnership.users[Role.CHAIR],
        approved_by_name="Chair",
    )


def _sar(partnership, person) -> SubjectAccessRequest:
    ig = partnership.users[Role.IG_LEAD]
    return SubjectAccessRequest.objects.create(person=person, received_on=TODAY, requester="The person", created_by=ig)


def test_a_deregistration_suggested_by_no_intelligence_is_marked_police_intelligence(partnership):
    person = partnership.ordinary
    record = _deregistration(partnership, person, required_by=[], suggested_by=["no-intelligence-3-months", "good-attendance"])
    sar = _sar(partnership, person)
    ig = partnership.users[Role.IG_LEAD]
    key = f"cohort.deregistration:{record.pk}"
    marks = {item.key: item.marks for item in sa.build_pack(acting_user=ig, sar=sar).items}
    assert marks[key] == ["police-intelligence"]
    assert key in sa.undecided(sar)
    with pytest.raises(ValidationError, match="Decide every marked item first"):
        sa.build_pack(acting_user=ig, sar=sar, release=True)
    sar = sa.sar_decide(acting_user=ig, sar=sar, key=key, decision="withhold", reason="DPA 2018 Sch. 2 para 2")
    released = {item.key for item in sa.build_pack(acting_user=ig, sar=sar, release=True).items}
    assert key not in released


@pytest.mark.parametrize(
    ("required_by", "suggested_by"),
    [(["custodial-sentence-5-years"], []), ([], ["good-attendance", "risk-fallen"]), ([], [])],
)
def test_a_deregistration_for_other_reasons_is_not_marked(partnership, required_by, suggested_by):
    person = partnership.ordinary
    record = _deregistration(partnership, person, required_by=required_by, suggested_by=suggested_by)
    marks = {
        item.key: item.marks for item in sa.build_pack(acting_user=partnership.users[Role.IG_LEAD], sar=_sar(partnership, person)).items
    }
    assert marks[f"cohort.deregistration:{record.pk}"] == []


def test_an_unknown_recorded_rule_is_marked_for_the_reviewer_to_read(partnership):
    """A code no table knows (a rule since retired) could be anything: the reviewer reads it."""
    person = partnership.ordinary
    record = _deregistration(partnership, person, required_by=[], suggested_by=["retired-rule"])
    marks = {
        item.key: item.marks for item in sa.build_pack(acting_user=partnership.users[Role.IG_LEAD], sar=_sar(partnership, person)).items
    }
    assert marks[f"cohort.deregistration:{record.pk}"] == ["police-intelligence"]


def test_the_page_the_downloads_and_the_api_mark_it(client, partnership):
    person = partnership.ordinary
    record = _deregistration(partnership, person, required_by=[], suggested_by=["no-intelligence-3-months"])
    key = f"cohort.deregistration:{record.pk}"
    sar = _sar(partnership, person)
    client.force_login(partnership.users[Role.IG_LEAD])
    page = client.get(f"/subject-access/{sar.pk}/").content.decode()
    # The marked list on the page: the deregistration's card, with a "Police intelligence" tag.
    start = page.index(f'id="item-cohortderegistration{record.pk}"')
    card = page[start : page.index("</form>", start)]
    assert "Police intelligence</strong>" in card and "Not decided" in card
    data = client.get(f"/subject-access/{sar.pk}/pack.json").json()
    assert next(r for r in data["records"] if r["key"] == key)["marks"] == ["police-intelligence"]
    api = client.get(f"/api/v1/subject-access-requests/{sar.pk}/pack").json()
    assert next(r for r in api["records"] if r["key"] == key)["marks"] == ["police-intelligence"]
    pdf = client.get(f"/subject-access/{sar.pk}/pack.pdf")
    document = pdfium.PdfDocument(io.BytesIO(pdf.content))
    text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    heading = next(line for line in text.splitlines() if key in line)
    assert "Police intelligence" in heading and "not decided" in heading
