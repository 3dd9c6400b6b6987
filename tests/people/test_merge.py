"""Merging a duplicate record (issue 5 §2): every record of both is kept, the merge can be undone
exactly, conflicting identifiers are refused, only the coordinator and IG lead may do it, and both
the merge and its undo are audited on both records."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404

from iomhub.access.models import AuditEvent, BreakGlassAccess, Role
from iomhub.casework.models import AgencyInvolvement
from iomhub.cohort.models import Registration
from iomhub.people import merging, selectors, services
from iomhub.people.models import Person, PersonMerge
from tests.factories import PersonFactory, pnc
from tests.justice import factories as justice
from tests.referrals.factories import make_referral

D = datetime.date


def person_foreign_keys() -> list[tuple[type[models.Model], str]]:
    """Every foreign key to Person in every installed model, found independently of the merge code."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        for f in model._meta.get_fields():
            if isinstance(f, models.ForeignKey) and f.related_model is Person and model is not Person:
                found.append((model, f.name))
    return found


PERSON_FIELDS_IGNORED = {"version", "updated_at"}


def snapshot(*people: Person) -> dict[str, Any]:
    """Every row of every model pointing at these people, and the people themselves, as plain values."""
    ids = [p.pk for p in people]
    rows: dict[str, Any] = {}
    for model, name in person_foreign_keys():
        if model is PersonMerge:
            continue
        rows[f"{model._meta.label}.{name}"] = list(model._base_manager.filter(**{f"{name}__in": ids}).order_by("pk").values())
    rows["people"] = [
        {k: v for k, v in row.items() if k not in PERSON_FIELDS_IGNORED}
        for row in Person.objects.filter(pk__in=ids).order_by("pk").values()
    ]
    return rows


@pytest.fixture
def pair(partnership):
    """A record kept (the partnership's ordinary person) and a duplicate entered later with a typo'd
    name, a different identifier set and records of every kind of its own."""
    chair = partnership.users[Role.CHAIR]
    police = partnership.users[Role.POLICE_IOM_OFFICER]
    probation = partnership.users[Role.PROBATION_OFFICER]
    kept = partnership.ordinary
    Person.objects.filter(pk=kept.pk).update(crn="", ni_number="")
    kept.refresh_from_db()
    duplicate = PersonFactory(
        first_name="Jordon", last_name="Exampel", date_of_birth=kept.date_of_birth, pnc_id="", crn="X765432", ni_number="AB123456C"
    )
    services.alias_add(acting_user=police, person=duplicate, first_name="JJ", last_name="Example")
    services.address_add(acting_user=police, person=duplicate, line_1="4 Mill Lane", town="Northbridge", postcode="SO14 2AA")
    services.contact_number_add(acting_user=police, person=duplicate, kind="M", number="07700 900123")
    services.marker_add(acting_user=police, person=duplicate, kind="weapons", note="Knife found 2025")
    AgencyInvolvement.objects.create(person=duplicate, organisation=partnership.dwp, role_in_case="Benefits")
    justice.arrest(user=police, person=duplicate, arrested_on=D(2026, 3, 1))
    justice.sentence(user=probation, person=duplicate)
    make_referral(by=probation, person=duplicate)
    Registration.objects.create(person=duplicate, started_on=D(2024, 1, 1), ended_on=D(2024, 12, 1), rag="green")
    # Rows on the kept record too, which must stay where they are.
    justice.arrest(user=police, person=kept, arrested_on=D(2026, 2, 1))
    BreakGlassAccess.objects.create(
        user=chair, person=duplicate, reason="Test", expires_at=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)
    )
    return kept, duplicate


def test_the_merge_covers_every_foreign_key_to_a_person():
    moved = {(link.model, link.field) for link in merging.person_links()}
    for model, name in person_foreign_keys():
        assert (model, name) in moved or model._meta.label_lower in merging.NOT_MOVED, (model, name)


def test_merge_moves_everything_to_the_record_kept_and_undo_puts_it_all_back(partnership, pair):
    kept, duplicate = pair
    coordinator = partnership.users[Role.COORDINATOR]
    before = snapshot(kept, duplicate)
    duplicate_rows = {key: [r["id"] for r in rows] for key, rows in before.items() if key != "people"}

    merge = merging.person_merge(acting_user=coordinator, duplicate=duplicate, kept=kept, reason="Same person: same DOB, typo in name")

    kept.refresh_from_db()
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == kept.pk  # kept, not deleted
    for link in merging.person_links():
        assert not link.model._base_manager.filter(**{link.field: duplicate}).exists(), link.key
    assert kept.arrests.count() == 2 and kept.sentences.count() == 1 and kept.referrals.count() == 1
    assert kept.registrations.count() == 1 and kept.markers.filter(kind="weapons").exists()
    assert kept.involvements.filter(organisation=partnership.dwp).exists()
    assert kept.crn == "X765432" and kept.ni_number == "AB123456C"  # identifiers the kept record lacked
    assert {(a.first_name, a.last_name) for a in kept.aliases.all()} >= {("Jordon", "Exampel"), ("JJ", "Example")}
    assert "jordon" in kept.search_names and "jj" in kept.search_names
    # Access rows stay: a merge never widens who may see what.
    assert BreakGlassAccess.objects.filter(person=duplicate).exists()
    assert merge.rows_moved == sum(len(ids) for ids in merge.moved.values()) > 8
    assert merge.duplicate_identity["first_name"] == "Jordon"

    merging.person_merge_undo(acting_user=partnership.users[Role.IG_LEAD], merge=merge, reason="Found to be brothers")

    after = snapshot(kept, duplicate)
    assert after == before
    assert {key: [r["id"] for r in rows] for key, rows in after.items() if key != "people"} == duplicate_rows
    merge.refresh_from_db()
    assert merge.undone_at is not None and merge.undo_reason == "Found to be brothers"


def test_merge_and_undo_are_audited_on_both_records(partnership, pair):
    kept, duplicate = pair
    coordinator = partnership.users[Role.COORDINATOR]
    merge = merging.person_merge(acting_user=coordinator, duplicate=duplicate, kept=kept, reason="Same PNC history")
    merging.person_merge_undo(acting_user=coordinator, merge=merge, reason="Wrong merge")
    for person in (kept, duplicate):
        events = AuditEvent.objects.filter(object_type="person-merge", person_id=person.pk, actor=coordinator).order_by("id")
        assert [e.changes["operation"] for e in events] == ["merge", "undo merge"]
        assert events[0].reason == "Same PNC history" and events[1].reason == "Wrong merge"
        assert events[0].changes["moved"]["justice.arrest.person"] == 1
    assert AuditEvent.objects.filter(object_type="person-merge", action="change").count() == 4


def test_conflicting_identifiers_are_refused_with_a_clear_message_and_nothing_changes(partnership, pair):
    kept, duplicate = pair
    Person.objects.filter(pk=duplicate.pk).update(pnc_id=pnc(2019, 1234))
    duplicate.refresh_from_db()
    before = snapshot(kept, duplicate)
    with pytest.raises(ValidationError) as refused:
        merging.person_merge(acting_user=partnership.users[Role.COORDINATOR], duplicate=duplicate, kept=kept, reason="Same")
    message = refused.value.message_dict["pnc_id"][0]
    assert "Both records have a PNC ID and they differ" in message and kept.pnc_id in message and duplicate.pnc_id in message
    assert snapshot(kept, duplicate) == before
    assert not PersonMerge.objects.exists()


def test_two_current_registrations_or_the_same_agency_involved_now_are_refused(partnership, pair):
    kept, duplicate = pair
    Registration.objects.create(person=kept, started_on=D(2026, 1, 1), rag="amber")
    Registration.objects.create(person=duplicate, started_on=D(2026, 2, 1), rag="red")
    AgencyInvolvement.objects.create(person=duplicate, organisation=partnership.police)
    with pytest.raises(ValidationError) as refused:
        merging.person_merge(acting_user=partnership.users[Role.COORDINATOR], duplicate=duplicate, kept=kept, reason="Same")
    errors = refused.value.message_dict
    assert "Both records are on IOM now" in errors["cohort.registration.person"][0]
    assert "Test Police" in errors["casework.agencyinvolvement.person"][0]
    assert duplicate.arrests.count() == 1


def test_different_restrictions_and_merging_into_itself_are_refused(partnership):
    coordinator = partnership.users[Role.COORDINATOR]
    ordinary = partnership.ordinary
    plan = merging.merge_plan(ordinary, ordinary)
    assert "cannot be merged into itself" in plan.problems["kept"][0]
    plan = merging.merge_plan(partnership.restricted, ordinary)
    assert "same restriction" in plan.problems["restriction"][0]
    with pytest.raises(ValidationError):
        merging.person_merge(acting_user=coordinator, duplicate=ordinary, kept=partnership.housing_case, reason="")


@pytest.mark.parametrize(
    "role", [Role.POLICE_IOM_OFFICER, Role.PROBATION_OFFICER, Role.CHAIR, Role.PARTNER_WORKER, Role.PERFORMANCE_LEAD, Role.SYSTEM_ADMIN]
)
def test_roles_that_may_not_merge_are_refused_and_the_refusal_audited(partnership, pair, role):
    kept, duplicate = pair
    user = partnership.users[role]
    before = snapshot(kept, duplicate)
    with pytest.raises((PermissionDenied, Http404)):
        merging.person_merge(acting_user=user, duplicate=duplicate, kept=kept, reason="Same person")
    assert AuditEvent.objects.filter(actor=user, action="denied", reason__startswith="person.merge").exists()
    assert snapshot(kept, duplicate) == before


def test_undo_is_refused_for_roles_that_may_not_merge(partnership, pair):
    kept, duplicate = pair
    merge = merging.person_merge(acting_user=partnership.users[Role.COORDINATOR], duplicate=duplicate, kept=kept, reason="Same")
    with pytest.raises(PermissionDenied):
        merging.person_merge_undo(acting_user=partnership.users[Role.CHAIR], merge=merge, reason="No")
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == kept.pk


def test_a_merged_record_leaves_search_and_duplicate_checks_but_its_names_find_the_record_kept(partnership, pair):
    from iomhub.people import matching

    kept, duplicate = pair
    coordinator = partnership.users[Role.COORDINATOR]
    merging.person_merge(acting_user=coordinator, duplicate=duplicate, kept=kept, reason="Same")
    assert [p.pk for p in selectors.people_search(user=coordinator, text="Jordon Exampel")] == [kept.pk]
    found = matching.possible_duplicates(user=coordinator, first_name="Jordon", last_name="Exampel", date_of_birth=kept.date_of_birth)
    assert [m.person.pk for m in found.matches] == [kept.pk]


def test_a_merge_cannot_be_undone_twice_nor_before_a_later_merge_of_the_record_kept(partnership, pair):
    kept, duplicate = pair
    coordinator = partnership.users[Role.COORDINATOR]
    first = merging.person_merge(acting_user=coordinator, duplicate=duplicate, kept=kept, reason="Same")
    third = PersonFactory(first_name="Jordan", last_name="Example", pnc_id="", managing_team=partnership.team)
    Person.objects.filter(pk=kept.pk).update(pnc_id="")
    Person.objects.filter(pk=third.pk).update(pnc_id=partnership.ordinary.pnc_id)
    kept.refresh_from_db()
    second = merging.person_merge(acting_user=coordinator, duplicate=kept, kept=third, reason="Same again")
    with pytest.raises(ValidationError, match="Undo that merge first"):
        merging.person_merge_undo(acting_user=coordinator, merge=first, reason="Wrong")
    merging.person_merge_undo(acting_user=coordinator, merge=second, reason="Wrong")
    merging.person_merge_undo(acting_user=coordinator, merge=first, reason="Wrong")
    with pytest.raises(ValidationError, match="already been undone"):
        merging.person_merge_undo(acting_user=coordinator, merge=first, reason="Again")
    assert duplicate.arrests.count() == 1 and kept.arrests.count() == 1 and not third.arrests.exists()
