"""Subject access (issue 13 §4, ADR 0022). The pack for a person holds a record of every model that
points at a person — the list of models is read here from Django's registry, independently of the
pack's own walk, and a row of each is made for the person (filling required fields generically) —
and the list of everyone who viewed them; police intelligence and third-party information are
marked; the release version waits for the reviewer's decisions and leaves out what is withheld;
the request's deadline is one calendar month; only the IG lead may do any of it, audited."""

from __future__ import annotations

import datetime
import decimal
import io
import uuid
from typing import Any

import pypdfium2 as pdfium
import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction

from iomhub import clock
from iomhub.access.models import AuditEvent, Role
from iomhub.operations import subject_access as sa
from iomhub.operations.models import SubjectAccessRequest
from iomhub.people.models import Person
from tests.factories import PersonFactory

TODAY = datetime.date(2026, 12, 5)
# Where a model's own checks need a particular value the generic fill does not choose.
# A callable is given the person.
OVERRIDES: dict[str, dict[str, Any]] = {
    "cohort.transfer": {
        "kind": "external-out",
        "other_area": "Kent IOM",
        "registration": lambda person: person.registrations.create(
            started_on=datetime.date(2025, 1, 6), ended_on=datetime.date(2025, 6, 1), rag="green"
        ),
    }
}


def _value(f: models.Field, person: Person, other: Person, made: dict[Any, Any], link: str) -> Any:
    if f.is_relation:
        target = f.related_model
        if target is Person:
            return person if f.name == link else other
        if f.one_to_one or target not in made:
            made[target] = _make(target, person, other, made, link=None)
        return made[target]
    if f.choices:
        return f.choices[0][0] if f.choices[0][0] != "" else f.choices[1][0]
    if isinstance(f, models.DateTimeField):
        return clock.now()
    if isinstance(f, models.DateField):
        return datetime.date(2026, 1, 5)
    if isinstance(f, models.BooleanField):
        return False
    if isinstance(f, models.DecimalField):
        return decimal.Decimal(1)
    if isinstance(f, (models.IntegerField, models.FloatField)):
        return 1
    if isinstance(f, models.JSONField):
        return {}
    if isinstance(f, models.UUIDField):
        return uuid.uuid4()
    if isinstance(f, models.EmailField):
        return "someone@example.org"
    if isinstance(f, models.GenericIPAddressField):
        return "127.0.0.1"
    if isinstance(f, models.FileField):
        return "synthetic.pdf"
    return f"Synthetic {f.name}"[: f.max_length or 200]


def _make(model: type[models.Model], person: Person, other: Person, made: dict[Any, Any], link: str | None) -> models.Model:
    """A row of ``model`` with every required field filled (a foreign key to Person named ``link``
    points at ``person``, any other at ``other``)."""
    values = {}
    for f in model._meta.concrete_fields:
        if f.primary_key or f.has_default() or getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            continue
        if f.null and not (f.is_relation and f.related_model is Person and f.name == link):
            continue
        if f.blank and not f.is_relation and not isinstance(f, (models.DateField, models.IntegerField, models.DecimalField)):
            continue
        values[f.name] = _value(f, person, other, made, link or "")
    if link and link not in values:
        values[link] = person
    for name, value in OVERRIDES.get(model._meta.label_lower, {}).items():
        values[name] = value(person) if callable(value) else value
    return model._base_manager.create(**values)


def _person_links() -> list[tuple[type[models.Model], str]]:
    """Every (model, field) in the project with a foreign key or one-to-one to Person."""
    links = []
    for model in apps.get_models(include_auto_created=True):
        for f in model._meta.concrete_fields:
            if f.is_relation and f.related_model is Person:
                links.append((model, f.name))
    return links


@pytest.fixture
def subject(partnership):
    person = PersonFactory(first_name="Quinn", last_name="Subject")
    other = PersonFactory(first_name="Other", last_name="Person")
    made: dict[Any, Any] = {}
    expected: dict[str, str] = {}
    problems = []
    for model, link in _person_links():
        if model is Person:
            continue  # merged_into: a duplicate merged into the subject
        try:
            with transaction.atomic():
                row = _make(model, person, other, made, link)
        except Exception as exc:  # name every model the generic fill could not make
            problems.append(f"{model._meta.label}.{link}: {exc}")
            continue
        expected[f"{model._meta.label_lower}:{row.pk}"] = f"{model._meta.label}.{link}"
    duplicate = PersonFactory(first_name="Quinn", last_name="Dupe", merged_into=person)
    expected[f"people.person:{duplicate.pk}"] = "people.Person.merged_into"
    assert not problems, "models the test could not fill in (add a case to _value):\n" + "\n".join(problems)
    return person, expected


def test_the_pack_holds_a_record_of_every_model_that_points_at_a_person_and_who_viewed_them(client, partnership, subject):
    person, expected = subject
    assert len(expected) >= 30  # every app's models: people, justice, cohort, casework, referrals, feeds, access, ...
    viewer = partnership.users[Role.POLICE_IOM_OFFICER]
    client.force_login(viewer)
    assert client.get(f"/people/{person.pk}/").status_code == 200  # audited as a view
    ig = partnership.users[Role.IG_LEAD]
    with clock.frozen(TODAY):
        sar = sa.sar_create(acting_user=ig, person_id=person.pk, received_on=TODAY, requester="The person")
    pack = sa.build_pack(acting_user=ig, sar=sar)
    keys = {item.key for item in pack.items}
    missing = {key: where for key, where in expected.items() if key not in keys}
    assert not missing, f"records not in the pack: {missing}"
    assert f"people.person:{person.pk}" in keys
    assert f"operations.subjectaccessrequest:{sar.pk}" in keys
    # Who viewed them: the officer's view, with their organisation.
    views = [v for v in pack.viewers if v["who"] == viewer.username and v["action"] == "Viewed"]
    assert views and views[0]["organisation"] == "Test Police"
    # The pack is audited as an export naming the request.
    event = AuditEvent.objects.filter(object_type="subject-access-pack", person_id=person.pk).latest("id")
    assert event.action == "export" and event.actor == ig and event.reason == f"Subject access request {sar.pk}"


def _intelligence_note(person: Person, user) -> Any:
    from iomhub.casework.models import TimelineEntry

    return TimelineEntry.objects.create(
        person=person,
        kind="intelligence",
        occurred_on=datetime.date(2026, 3, 1),
        summary="Seen with known dealer",
        recorded_by=user,
        recorded_by_name="PC Lee",
    )


def test_intelligence_and_third_party_data_are_marked_and_release_waits_for_decisions(partnership):
    from iomhub.casework.models import AgencyContact, AgencyInvolvement, TimelineEntry

    person = partnership.ordinary
    ig = partnership.users[Role.IG_LEAD]
    note = _intelligence_note(person, partnership.users[Role.POLICE_IOM_OFFICER])
    visit = TimelineEntry.objects.create(
        person=person, kind="home-visit", occurred_on=datetime.date(2026, 3, 2), recorded_by=ig, recorded_by_name="PO Kim"
    )
    involvement = AgencyInvolvement.objects.filter(person=person).first()
    contact = AgencyContact.objects.create(involvement=involvement, name="Dana Worker", job_title="Key worker", phone="01234 567890")
    sar = SubjectAccessRequest.objects.create(person=person, received_on=TODAY, requester="Solicitor for the person", created_by=ig)
    pack = sa.build_pack(acting_user=ig, sar=sar)
    marks = {item.key: item.marks for item in pack.items}
    assert marks[f"casework.timelineentry:{note.pk}"] == ["police-intelligence"]
    assert marks[f"casework.timelineentry:{visit.pk}"] == []
    assert marks[f"casework.agencycontact:{contact.pk}"] == ["third-party"]
    with pytest.raises(ValidationError, match="Decide every marked item first"):
        sa.build_pack(acting_user=ig, sar=sar, release=True)
    with pytest.raises(ValidationError, match="Enter the reason"):
        sa.sar_decide(acting_user=ig, sar=sar, key=f"casework.timelineentry:{note.pk}", decision="withhold", reason="")
    with pytest.raises(ValidationError, match="not a record about this person"):
        sa.sar_decide(acting_user=ig, sar=sar, key="casework.timelineentry:999999", decision="release", reason="")
    for item in pack.marked:
        reason = "DPA 2018 Sch. 2 para 2: crime and taxation" if "police-intelligence" in item.marks else ""
        sar = sa.sar_decide(acting_user=ig, sar=sar, key=item.key, decision="withhold" if reason else "release", reason=reason)
    assert sar.status == "in-review"
    release = sa.build_pack(acting_user=ig, sar=sar, release=True)
    released = {item.key for item in release.items}
    assert f"casework.timelineentry:{note.pk}" not in released
    assert f"casework.timelineentry:{visit.pk}" in released and f"casework.agencycontact:{contact.pk}" in released
    assert "Seen with known dealer" not in repr(sa.pack_json(release))


def test_the_deadline_is_one_calendar_month_and_bad_input_names_the_field(partnership):
    ig = partnership.users[Role.IG_LEAD]
    with clock.frozen(datetime.date(2027, 2, 10)):
        sar = sa.sar_create(
            acting_user=ig, person_id=partnership.ordinary.pk, received_on=datetime.date(2027, 1, 31), requester="The person"
        )
        assert sar.due_on == datetime.date(2027, 2, 28)
        with pytest.raises(ValidationError) as caught:
            sa.sar_create(acting_user=ig, person_id=99999999, received_on=datetime.date(2027, 3, 1), requester="")
    assert set(caught.value.message_dict) == {"person_id", "received_on", "requester"}
    _intelligence_note(partnership.ordinary, partnership.users[Role.POLICE_IOM_OFFICER])
    with clock.frozen(datetime.date(2027, 2, 20)), pytest.raises(ValidationError, match="Decide every marked item"):
        sa.sar_update(acting_user=ig, sar=sar, status="sent", extended_by_months=0, responded_on=datetime.date(2027, 2, 20))
    with pytest.raises(ValidationError, match="at most 2 months"):
        sa.sar_update(acting_user=ig, sar=sar, status="in-review", extended_by_months=3, responded_on=None)
    sar = sa.sar_update(acting_user=ig, sar=sar, status="in-review", extended_by_months=2, responded_on=None)
    assert sar.due_on == datetime.date(2027, 4, 30)


def test_the_pdf_and_json_packs_in_the_browser(client, partnership):
    person = partnership.ordinary
    ig = partnership.users[Role.IG_LEAD]
    _intelligence_note(person, partnership.users[Role.POLICE_IOM_OFFICER])
    sar = SubjectAccessRequest.objects.create(person=person, received_on=TODAY, requester="The person", created_by=ig)
    client.force_login(partnership.users[Role.POLICE_IOM_OFFICER])
    client.get(f"/people/{person.pk}/")
    client.force_login(ig)
    page = client.get(f"/subject-access/{sar.pk}/")
    assert page.status_code == 200 and "Police intelligence" in page.content.decode()
    response = client.get(f"/subject-access/{sar.pk}/pack.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    document = pdfium.PdfDocument(io.BytesIO(response.content))
    text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    assert "Jordan Example" in text and "Seen with known dealer" in text and "Police intelligence" in text
    assert "police-iom-officer" in text  # who viewed them
    data = client.get(f"/subject-access/{sar.pk}/pack.json").json()
    assert data["request"]["due_on"] == "2027-01-05"
    assert any(r["marks"] == ["police-intelligence"] for r in data["records"])
    assert client.get(f"/subject-access/{sar.pk}/pack.json?version=release").status_code == 409  # decisions first


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.CHAIR, Role.POLICE_IOM_OFFICER, Role.SYSTEM_ADMIN, Role.PARTNER_WORKER])
def test_only_the_ig_lead_handles_subject_access(client, partnership, role):
    sar = SubjectAccessRequest.objects.create(
        person=partnership.ordinary, received_on=TODAY, requester="The person", created_by=partnership.users[Role.IG_LEAD]
    )
    client.force_login(partnership.users[role])
    for url in (
        "/subject-access/",
        f"/subject-access/{sar.pk}/",
        f"/subject-access/{sar.pk}/pack.pdf",
        f"/subject-access/{sar.pk}/pack.json",
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert b"Jordan" not in response.content
    assert AuditEvent.objects.filter(action="denied", actor=partnership.users[role]).exists()


def test_the_api_records_a_request_builds_its_pack_and_takes_decisions(client, partnership):
    person = partnership.ordinary
    ig = partnership.users[Role.IG_LEAD]
    note = _intelligence_note(person, partnership.users[Role.POLICE_IOM_OFFICER])
    client.force_login(ig)
    bad = client.post(
        "/api/v1/subject-access-requests",
        {"person": person.pk, "received_on": "2099-01-01", "requester": "The person"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "received_on" in bad.content.decode()
    created = client.post(
        "/api/v1/subject-access-requests",
        {"person": person.pk, "received_on": "2026-12-01", "requester": "The person"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    sar_id = created.json()["id"]
    assert created.json()["due_on"] == "2027-01-01"
    pack = client.get(f"/api/v1/subject-access-requests/{sar_id}/pack").json()
    assert {r["key"] for r in pack["records"] if r["marks"]} >= {f"casework.timelineentry:{note.pk}"}
    assert client.get(f"/api/v1/subject-access-requests/{sar_id}/pack?version=release").status_code == 400
    for record in pack["records"]:
        if record["marks"]:
            answer = client.post(
                f"/api/v1/subject-access-requests/{sar_id}/decisions",
                {"key": record["key"], "decision": "withhold", "reason": "Crime and taxation exemption"},
                content_type="application/json",
            )
            assert answer.status_code == 200, answer.content
    release = client.get(f"/api/v1/subject-access-requests/{sar_id}/pack?version=release")
    assert release.status_code == 200
    assert f"casework.timelineentry:{note.pk}" not in {r["key"] for r in release.json()["records"]}
    client.force_login(partnership.users[Role.COORDINATOR])
    assert client.get(f"/api/v1/subject-access-requests/{sar_id}/pack").status_code == 403


def test_a_review_rows_candidates_are_marked_third_party(partnership):
    """A feed row decided on the review queue names everyone it was offered against: the row and
    each of its candidates (feeds.LinkReviewCandidate, one per person) reach the pack through the
    decision, and are marked third-party, since they say who else might have been the subject."""
    from iomhub.feeds.models import ImportRun, LinkReview, LinkReviewCandidate

    person, other = partnership.ordinary, partnership.housing_case
    ig = partnership.users[Role.IG_LEAD]
    coordinator = partnership.users[Role.COORDINATOR]
    run = ImportRun.objects.create(feed="arrests", file_name="custody.csv", sha256="0" * 64, started_by=coordinator)
    review = LinkReview.objects.create(
        row_key="1" * 64,
        run=run,
        line=2,
        values={"family_name": "Example"},
        candidates=[{"person_id": person.pk, "reasons": ["pnc_id"]}, {"person_id": other.pk, "reasons": ["family_name"]}],
        why="2 records could be this row",
        status=LinkReview.Status.DECIDED,
        person=person,
        decided_by=coordinator,
    )
    candidates = list(LinkReviewCandidate.objects.filter(review=review))
    assert len(candidates) == 2
    sar = SubjectAccessRequest.objects.create(person=person, received_on=TODAY, requester="The person", created_by=ig)
    marks = {item.key: item.marks for item in sa.build_pack(acting_user=ig, sar=sar).items}
    assert marks[f"feeds.linkreview:{review.pk}"] == ["third-party"]
    for candidate in candidates:
        assert marks[f"feeds.linkreviewcandidate:{candidate.pk}"] == ["third-party"]
