"""Writing a person (iomhub.people.services): identifiers stored in one canonical form, bad input
refused by field with nothing stored, every change audited with before/after, and two people
editing at once never silently overwrite each other."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from iomhub import clock
from iomhub.access.models import AuditEvent
from iomhub.people import services
from iomhub.people.models import Address, Alias, ContactNumber, Marker, Person
from iomhub.people.services import NewPerson, PossibleDuplicates, StaleEdit, person_create, person_export, person_update

BASE = {"first_name": "Riley", "last_name": "Servicetest", "date_of_birth": datetime.date(1991, 4, 12), "sex": "female"}


def stored() -> tuple[int, ...]:
    return (
        Person.objects.count(),
        Alias.objects.count(),
        Address.objects.count(),
        ContactNumber.objects.count(),
        Marker.objects.count(),
        AuditEvent.objects.exclude(action="denied").count(),
    )


@pytest.fixture
def officer(partnership):
    return partnership.users["police-iom-officer"]


def test_identifiers_are_stored_in_their_canonical_form(officer):
    person = person_create(
        acting_user=officer,
        new=NewPerson(
            fields={
                **BASE,
                "pnc_id": " 2012/52494q",
                "cro_number": "sf 05/1234b",
                "urn": "01 / 12345 / 19",
                "ni_number": "ab 12 34 56 c",
                "prison_number": "a1234bc",
                "crn": "x 123 456",
                "nhs_number": "943-476-5919",
            },
            addresses=[{"line_1": "1 Road", "postcode": "po12ab"}],
        ),
    )
    person.refresh_from_db()
    assert (person.pnc_id, person.cro_number, person.urn, person.ni_number) == ("2012/0052494Q", "SF05/001234B", "01/12345/19", "AB123456C")
    assert (person.prison_number, person.crn, person.nhs_number) == ("A1234BC", "X123456", "9434765919")
    assert person.addresses.get().postcode == "PO1 2AB"


def test_a_new_person_with_children_is_stored_whole_and_audited_once(officer):
    """Audited once as a create, and its duplicate check once as a search."""
    before = stored()
    person = person_create(
        acting_user=officer,
        new=NewPerson(
            fields=dict(BASE),
            aliases=[{"first_name": "Rye", "last_name": "Alias"}],
            addresses=[{"line_1": "1 Road", "town": "Portsmouth"}],
            contact_numbers=[{"kind": "M", "number": "07700 900123"}],
            markers=[{"kind": "violence", "note": "Threatened staff"}],
        ),
    )
    assert stored() == (*(b + 1 for b in before[:-1]), before[-1] + 2)
    assert AuditEvent.objects.get(action="search", changes__purpose="duplicate check: add a person").actor == officer
    event = AuditEvent.objects.get(action="create", object_type="person", person_id=person.pk)
    assert event.actor == officer
    assert event.changes["last_name"] == {"before": None, "after": "Servicetest"}
    assert event.changes["date_of_birth"] == {"before": None, "after": "1991-04-12"}
    assert "rye" in Person.objects.get(pk=person.pk).search_names  # the alias is searchable at once


BAD_CREATES = {
    "wrong PNC check character": (dict(fields={**BASE, "pnc_id": "2012/0052494A"}), "pnc_id"),
    "NI prefix never issued": (dict(fields={**BASE, "ni_number": "QQ123456C"}), "ni_number"),
    "NHS check digit wrong": (dict(fields={**BASE, "nhs_number": "9434765918"}), "nhs_number"),
    "malformed CRN": (dict(fields={**BASE, "crn": "123"}), "crn"),
    "future date of birth": (dict(fields={**BASE, "date_of_birth": clock.today() + datetime.timedelta(days=1)}), "date_of_birth"),
    "born today": (dict(fields={**BASE, "date_of_birth": clock.today()}), "date_of_birth"),
    "born before 1900": (dict(fields={**BASE, "date_of_birth": datetime.date(1899, 12, 31)}), "date_of_birth"),
    "name too long": (dict(fields={**BASE, "first_name": "x" * 101}), "first_name"),
    "no last name": (dict(fields={**BASE, "last_name": ""}), "last_name"),
    "sex not a choice": (dict(fields={**BASE, "sex": "robot"}), "sex"),
    "unknown field": (dict(fields={**BASE, "shoe_size": 9}), "shoe_size"),
    "alias too long": (dict(fields=dict(BASE), aliases=[{"first_name": "A", "last_name": "y" * 101}]), "aliases[0].last_name"),
    "bad postcode": (dict(fields=dict(BASE), addresses=[{"line_1": "1 Road", "postcode": "NOT REAL"}]), "addresses[0].postcode"),
    "second address ends before it starts": (
        dict(
            fields=dict(BASE),
            addresses=[
                {"line_1": "1 Road"},
                {"line_1": "2 Road", "from_date": datetime.date(2020, 1, 2), "to_date": datetime.date(2020, 1, 1)},
            ],
        ),
        "addresses[1].to_date",
    ),
    "phone type unknown": (dict(fields=dict(BASE), contact_numbers=[{"kind": "X", "number": "0770090012"}]), "contact_numbers[0].kind"),
    "marker kind unknown": (dict(fields=dict(BASE), markers=[{"kind": "grumpy"}]), "markers[0].kind"),
}


@pytest.mark.parametrize("new, field", BAD_CREATES.values(), ids=BAD_CREATES.keys())
def test_a_bad_new_person_is_refused_by_field_and_nothing_at_all_is_stored(officer, new, field):
    before = stored()
    with pytest.raises(ValidationError) as refused:
        person_create(acting_user=officer, new=NewPerson(**new))
    assert field in refused.value.message_dict, refused.value.message_dict
    assert stored() == before


def test_every_bad_identifier_is_named_at_once(officer):
    with pytest.raises(ValidationError) as refused:
        person_create(
            acting_user=officer, new=NewPerson(fields={**BASE, "pnc_id": "nonsense", "ni_number": "GB123456A", "nhs_number": "1"})
        )
    assert {"pnc_id", "ni_number", "nhs_number"} <= set(refused.value.message_dict)


@pytest.mark.parametrize("username", ["housing-worker", "ig-lead", "performance-lead", "no-role"])
def test_only_the_core_team_creates_people(partnership, username):
    before = Person.objects.count()
    with pytest.raises(PermissionDenied):
        person_create(acting_user=partnership.users[username], new=NewPerson(fields=dict(BASE)))
    assert Person.objects.count() == before
    assert AuditEvent.objects.filter(actor=partnership.users[username], action="denied").exists()


# -- Changes ------------------------------------------------------------------------------------


def test_a_change_is_audited_with_before_and_after_and_bumps_the_version(partnership, officer):
    person = partnership.ordinary
    old_pnc = person.pnc_id
    updated = person_update(
        acting_user=officer, person=person, changes={"last_name": "Renamed", "pnc_id": "2012 0052494 q"}, expected_version=1
    )
    assert updated.version == 2
    stored_person = Person.objects.get(pk=person.pk)
    assert (stored_person.last_name, stored_person.pnc_id, stored_person.version) == ("Renamed", "2012/0052494Q", 2)
    assert "renamed" in stored_person.search_names and "exemplar" in stored_person.search_names
    event = AuditEvent.objects.get(action="change", person_id=person.pk)
    assert event.actor == officer
    assert event.changes == {
        "last_name": {"before": "Example", "after": "Renamed"},
        "pnc_id": {"before": old_pnc, "after": "2012/0052494Q"},
    }


def test_a_change_to_the_same_values_records_nothing(partnership, officer):
    person = partnership.ordinary
    person_update(acting_user=officer, person=person, changes={"last_name": "Example"}, expected_version=1)
    assert Person.objects.get(pk=person.pk).version == 1
    assert not AuditEvent.objects.filter(action="change", person_id=person.pk).exists()


def test_two_people_editing_at_once_the_second_is_refused_and_the_first_change_kept(partnership):
    # Both open the record at version 1.
    first_copy = Person.objects.get(pk=partnership.ordinary.pk)
    second_copy = Person.objects.get(pk=partnership.ordinary.pk)
    assert first_copy.version == second_copy.version == 1
    person_update(
        acting_user=partnership.users["police-iom-officer"],
        person=first_copy,
        changes={"middle_names": "First"},
        expected_version=first_copy.version,
    )
    with pytest.raises(StaleEdit, match="Someone else changed this record"):
        person_update(
            acting_user=partnership.users["probation-officer"],
            person=second_copy,
            changes={"middle_names": "Second", "last_name": "Overwritten"},
            expected_version=second_copy.version,
        )
    person = Person.objects.get(pk=partnership.ordinary.pk)
    assert (person.middle_names, person.last_name, person.version) == ("First", "Example", 2)
    changes = AuditEvent.objects.filter(action="change", person_id=person.pk)
    assert [e.actor_username for e in changes] == ["police-iom-officer"]


def test_adding_an_alias_makes_a_version_read_before_it_stale(partnership, officer):
    person = Person.objects.get(pk=partnership.ordinary.pk)
    services.alias_add(acting_user=officer, person=person, first_name="J", last_name="Newalias")
    with pytest.raises(StaleEdit):
        person_update(acting_user=officer, person=person, changes={"middle_names": "Late"}, expected_version=1)


BAD_CHANGES = {
    "future date of birth": ({"date_of_birth": datetime.date(2099, 1, 1)}, "date_of_birth"),
    "date of birth before 1900": ({"date_of_birth": datetime.date(1850, 6, 1)}, "date_of_birth"),
    "wrong PNC": ({"pnc_id": "2012/0052494A"}, "pnc_id"),
    "NI prefix": ({"ni_number": "DA123456A"}, "ni_number"),
    "NHS check 10": ({"nhs_number": "0000000060"}, "nhs_number"),
    "name too long": ({"last_name": "z" * 101}, "last_name"),
    "blank last name": ({"last_name": ""}, "last_name"),
    "not an editable field": ({"version": 99}, "version"),
    "search names are not editable": ({"search_names": "anything"}, "search_names"),
}


@pytest.mark.parametrize("changes, field", BAD_CHANGES.values(), ids=BAD_CHANGES.keys())
def test_a_bad_change_is_refused_by_field_and_the_record_is_as_it_was(partnership, officer, changes, field):
    person = partnership.ordinary
    snapshot = Person.objects.filter(pk=person.pk).values().get()
    with pytest.raises(ValidationError) as refused:
        person_update(acting_user=officer, person=person, changes={"middle_names": "Partly", **changes}, expected_version=1)
    assert field in refused.value.message_dict
    assert Person.objects.filter(pk=person.pk).values().get() == snapshot
    assert not AuditEvent.objects.filter(action="change", person_id=person.pk).exists()


def test_the_nhs_number_in_the_bad_change_table_really_has_check_ten():
    # 6 * 2 = 12, 12 % 11 = 1, 11 - 1 = 10: no tenth digit can make it valid (not just a wrong digit).
    nine = BAD_CHANGES["NHS check 10"][0]["nhs_number"][:9]
    assert 11 - sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True)) % 11 == 10


def test_a_partner_may_change_contact_details_but_not_identity(partnership):
    worker = partnership.users["housing-worker"]
    person = partnership.housing_case
    with pytest.raises(PermissionDenied):
        person_update(acting_user=worker, person=person, changes={"last_name": "Changed"}, expected_version=1)
    assert Person.objects.get(pk=person.pk).last_name == "Sample"
    person_update(acting_user=worker, person=person, changes={"email": "casey@example.org"}, expected_version=1)
    assert Person.objects.get(pk=person.pk).email == "casey@example.org"


def test_equality_fields_cannot_be_changed_by_a_partner_whose_agreement_leaves_them_out(partnership):
    worker = partnership.users["housing-worker"]
    with pytest.raises(PermissionDenied):
        person_update(acting_user=worker, person=partnership.housing_case, changes={"religion": "None"})
    assert Person.objects.get(pk=partnership.housing_case.pk).religion == ""


# -- Export -------------------------------------------------------------------------------------


def test_an_export_is_audited_and_holds_only_what_the_reader_may_see(partnership, officer):
    person = partnership.ordinary
    data = person_export(acting_user=officer, person=person)
    assert data["id"] == person.pk and data["last_name"] == "Example"
    assert {a["last_name"] for a in data["aliases"]} == {"Exemplar"}
    assert AuditEvent.objects.filter(action="export", person_id=person.pk, actor=officer).count() == 1


@pytest.mark.parametrize("username", ["housing-worker", "substance-misuse-practitioner"])
def test_roles_that_may_not_export_are_refused_and_audited(partnership, username):
    user = partnership.users[username]
    with pytest.raises(PermissionDenied):
        person_export(acting_user=user, person=partnership.housing_case)
    assert not AuditEvent.objects.filter(action="export").exists()
    assert AuditEvent.objects.filter(action="denied", actor=user, person_id=partnership.housing_case.pk).exists()


def test_every_caller_of_person_create_meets_the_duplicate_check(officer):
    """Issue 5 §2: the check lives in the service, so no caller (page, API, adoption, a future import)
    can store the same person twice by leaving it out; confirming a new person is explicit."""
    first = person_create(acting_user=officer, new=NewPerson(fields=dict(BASE)))
    before = stored()
    with pytest.raises(PossibleDuplicates) as exc:
        person_create(acting_user=officer, new=NewPerson(fields={**BASE, "first_name": BASE["first_name"].upper()}))
    assert exc.value.found.ids == [first.pk]
    assert stored()[:-1] == before[:-1]  # nobody stored; only the search is audited
    confirmed = person_create(acting_user=officer, new=NewPerson(fields=dict(BASE)), confirmed_new=True)
    assert confirmed.pk != first.pk
