"""Duplicate detection on entry (issue 5 §2): realistic ways the same person is entered again, each
offered with its reasons; different people are not; only people the user may see are shown."""

from __future__ import annotations

import datetime

import pytest

from iomhub.access.models import AuditEvent, Role
from iomhub.people import matching, services
from iomhub.people.matching import Identity, NameRecord, compare, date_variants
from iomhub.people.models import Alias, Person, Restriction
from tests.factories import PersonFactory, pnc

D = datetime.date

# The person on record in every case below.
ON_RECORD = Identity(
    first_name="William",
    last_name="O'Sullivan-Hart",
    date_of_birth=D(1988, 3, 7),
    identifiers={
        "pnc_id": "2012/0052494Q",
        "cro_number": "123456/88X",
        "ni_number": "AB123456C",
        "prison_number": "A1234BC",
        "crn": "X123456",
    },
    aliases=(NameRecord("Billy", "Hart", None), NameRecord("Liam", "Sullivan", D(1988, 7, 3))),
)

# (name of the case, what was typed, a reason that must be given)
SAME_PERSON: list[tuple[str, Identity, str]] = [
    ("exact name and date of birth", Identity("William", "O'Sullivan-Hart", D(1988, 3, 7)), "same date of birth"),
    ("same PNC ID, different name", Identity("Wayne", "Smith", D(1990, 1, 1), identifiers={"pnc_id": "2012/0052494Q"}), "same PNC ID"),
    ("same CRO number only", Identity("W", "Unknown", None, identifiers={"cro_number": "123456/88X"}), "same CRO number"),
    ("same NI number only", Identity("Bill", "Jones", D(1979, 5, 5), identifiers={"ni_number": "AB123456C"}), "same National Insurance"),
    ("same prison number only", Identity("William", "Hart", D(1988, 3, 8), identifiers={"prison_number": "A1234BC"}), "same prison number"),
    ("same CRN only", Identity("Will", "Sullivan", D(2001, 2, 2), identifiers={"crn": "X123456"}), "same probation CRN"),
    ("one letter dropped from the first name", Identity("Wiliam", "O'Sullivan-Hart", D(1988, 3, 7)), "first name spelled similarly"),
    ("two letters swapped in the first name", Identity("Wlliiam", "O'Sullivan-Hart", D(1988, 3, 7)), "first name spelled similarly"),
    ("surname typo", Identity("William", "O'Sulivan-Hart", D(1988, 3, 7)), "surname spelled similarly"),
    ("apostrophe left out of the surname", Identity("William", "OSullivan-Hart", D(1988, 3, 7)), "same surname"),
    ("hyphen typed as a space", Identity("William", "O'Sullivan Hart", D(1988, 3, 7)), "same surname"),
    ("capitals and spaces", Identity("  WILLIAM ", "o'sullivan-hart", D(1988, 3, 7)), "same surname"),
    ("accent added", Identity("Wíllíam", "O'Sullivan-Hart", D(1988, 3, 7)), "same first name"),
    ("nickname Bill", Identity("Bill", "O'Sullivan-Hart", D(1988, 3, 7)), "common form of William"),
    ("nickname Billy, also the first name of an alias", Identity("Billy", "O'Sullivan-Hart", D(1988, 3, 7)), "alias Billy Hart"),
    ("nickname Liam", Identity("Liam", "O'Sullivan-Hart", D(1988, 3, 7)), "common form of William"),
    ("nickname Will", Identity("Will", "O'Sullivan-Hart", D(1988, 3, 7)), "common form of William"),
    ("only the first half of the double-barrelled surname", Identity("William", "O'Sullivan", D(1988, 3, 7)), "double-barrelled"),
    ("only the second half of the double-barrelled surname", Identity("William", "Hart", D(1988, 3, 7)), "double-barrelled"),
    ("day and month transposed", Identity("William", "O'Sullivan-Hart", D(1988, 7, 3)), "day and month swapped"),
    ("one digit of the year mistyped", Identity("William", "O'Sullivan-Hart", D(1989, 3, 7)), "differs by one digit"),
    ("one digit of the day mistyped", Identity("William", "O'Sullivan-Hart", D(1988, 3, 17)), "differs by one digit"),
    ("married or changed surname, same first name and date of birth", Identity("William", "Baxter", D(1988, 3, 7)), "changed surname"),
    ("first and last names the wrong way round", Identity("O'Sullivan-Hart", "William", D(1988, 3, 7)), "other way round"),
    ("an alias, exactly", Identity("Billy", "Hart", D(1988, 3, 7)), "alias Billy Hart"),
    ("an alias with its own date of birth", Identity("Liam", "Sullivan", D(1988, 7, 3)), "alias Liam Sullivan"),
    ("initial only", Identity("W", "O'Sullivan-Hart", D(1988, 3, 7)), "first initial matches"),
    ("nickname and transposed date together", Identity("Bill", "O'Sullivan-Hart", D(1988, 7, 3)), "day and month swapped"),
    ("typo in both names", Identity("Willaim", "O'Sullivan-Harte", D(1988, 3, 7)), "surname spelled similarly"),
    (
        "an alias entered with the new person matches the record's name",
        Identity("Shane", "Doyle", D(1990, 9, 9), aliases=(NameRecord("William", "O'Sullivan-Hart", D(1988, 3, 7)),)),
        "entered alias",
    ),
    # The same identifier typed in another format (spaces, lower case, no leading zeros).
    (
        "PNC ID without leading zeros, lower case",
        matching.identity_from(first_name="Zed", last_name="Nobody", date_of_birth=None, identifiers={"pnc_id": "2012/52494q"}),
        "same PNC ID",
    ),
    (
        "PNC ID typed with spaces",
        matching.identity_from(first_name="Zed", last_name="Nobody", date_of_birth=None, identifiers={"pnc_id": "2012 0052494 Q"}),
        "same PNC ID",
    ),
    (
        "NI number in lower case with spaces",
        matching.identity_from(first_name="Zed", last_name="Nobody", date_of_birth=None, identifiers={"ni_number": "ab 12 34 56 c"}),
        "same National Insurance",
    ),
    (
        "prison number in lower case",
        matching.identity_from(first_name="Zed", last_name="Nobody", date_of_birth=None, identifiers={"prison_number": "a1234bc"}),
        "same prison number",
    ),
    ("double-barrelled surname the other way round", Identity("William", "Hart-O'Sullivan", D(1988, 3, 7)), "double-barrelled"),
    ("double-barrelled surname run together", Identity("William", "OSullivanHart", D(1988, 3, 7)), "same surname"),
    ("written abbreviation Wm", Identity("Wm", "O'Sullivan-Hart", D(1988, 3, 7)), "common form of William"),
    ("middle name added", Identity("William", "O'Sullivan-Hart", D(1988, 3, 7), middle_names="James"), "same date of birth"),
    ("nickname, surname typo and transposed date together", Identity("Billy", "O'Sulivan-Hart", D(1988, 7, 3)), "day and month swapped"),
    ("one digit of the decade mistyped", Identity("William", "O'Sullivan-Hart", D(1998, 3, 7)), "differs by one digit"),
]

DIFFERENT_PEOPLE: list[tuple[str, Identity]] = [
    ("different first name, same surname and date of birth (a twin)", Identity("Thomas", "O'Sullivan-Hart", D(1988, 3, 7))),
    ("same names, date of birth years apart", Identity("William", "O'Sullivan-Hart", D(1975, 11, 21))),
    ("same names, two digits of the date wrong", Identity("William", "O'Sullivan-Hart", D(1988, 4, 9))),
    ("different person, same date of birth", Identity("Sarah", "Khan", D(1988, 3, 7))),
    ("changed surname but also a mistyped date", Identity("William", "Baxter", D(1988, 3, 8))),
    ("similar first name with a different surname", Identity("Wilma", "Baxter", D(1988, 3, 7))),
    ("identifier of a different kind with the same text", Identity("Anne", "Other", D(1970, 1, 1), identifiers={"crn": "A1234BC"})),
    ("nothing but an empty name", Identity("", "", None)),
]


@pytest.mark.parametrize("typed, reason", [(c[1], c[2]) for c in SAME_PERSON], ids=[c[0] for c in SAME_PERSON])
def test_the_same_person_entered_again_is_found_with_the_reason(typed, reason):
    found = compare(typed, ON_RECORD)
    assert found is not None, "not offered as a possible match"
    assert any(reason.lower() in r.lower() for r in found.reasons), found.reasons


@pytest.mark.parametrize("typed", [c[1] for c in DIFFERENT_PEOPLE], ids=[c[0] for c in DIFFERENT_PEOPLE])
def test_a_different_person_is_not_offered(typed):
    assert compare(typed, ON_RECORD) is None


def test_there_are_at_least_twenty_realistic_variants():
    assert len(SAME_PERSON) >= 20


def test_an_identifier_outranks_any_name_match():
    by_pnc = compare(Identity("Zed", "Nobody", D(1950, 1, 1), identifiers={"pnc_id": "2012/0052494Q"}), ON_RECORD)
    by_name = compare(Identity("William", "O'Sullivan-Hart", D(1988, 3, 7)), ON_RECORD)
    assert by_pnc is not None and by_name is not None
    assert by_pnc.by_identifier and not by_name.by_identifier
    assert by_pnc.score > by_name.score


def test_an_exact_match_outranks_a_transposed_date_which_outranks_a_changed_surname():
    exact = compare(Identity("William", "O'Sullivan-Hart", D(1988, 3, 7)), ON_RECORD)
    transposed = compare(Identity("William", "O'Sullivan-Hart", D(1988, 7, 3)), ON_RECORD)
    changed = compare(Identity("William", "Baxter", D(1988, 3, 7)), ON_RECORD)
    assert exact and transposed and changed
    assert exact.score > transposed.score > changed.score


@pytest.mark.parametrize(
    "dob, expected_in, expected_out",
    [
        (D(1988, 3, 7), [D(1988, 7, 3), D(1989, 3, 7), D(1988, 3, 17), D(1988, 8, 7)], [D(1988, 4, 8)]),
        (D(1990, 12, 25), [D(1990, 12, 26), D(1991, 12, 25)], [D(1990, 25, 12) if False else D(1990, 11, 24)]),
        (D(2000, 2, 29), [D(2000, 2, 28)], [D(2001, 2, 29) if False else D(2001, 3, 1)]),
    ],
)
def test_date_variants_cover_one_typo_or_a_swap_and_only_real_dates(dob, expected_in, expected_out):
    variants = date_variants(dob)
    assert dob in variants
    for day in expected_in:
        assert day in variants
    for day in expected_out:
        assert day not in variants
    assert all(v.year >= 1900 for v in variants)


def test_nickname_table_is_symmetric():
    for name, group in matching.NICKNAMES.items():
        for other in group:
            assert name in matching.NICKNAMES[other], (name, other)


# ---- through the database, for a user -----------------------------------------------------------


@pytest.fixture
def on_record(partnership):
    person = PersonFactory(
        first_name="William",
        last_name="O'Sullivan-Hart",
        date_of_birth=D(1988, 3, 7),
        pnc_id=pnc(2012, 52494),
        crn="X123456",
        managing_team=partnership.team,
    )
    Alias.objects.create(person=person, first_name="Billy", last_name="Hart")
    return person


def _check(user, **fields):
    return matching.possible_duplicates(user=user, candidate=matching.identity_from(**fields))


@pytest.mark.parametrize(
    "fields, reason",
    [
        (
            {
                "first_name": "Jim",
                "last_name": "Other",
                "date_of_birth": D(1960, 1, 1),
                "identifiers": {"pnc_id": pnc(2012, 52494).lower()},
            },
            "same PNC ID",
        ),
        ({"first_name": "Bill", "last_name": "O'Sullivan-Hart", "date_of_birth": D(1988, 3, 7)}, "common form"),
        ({"first_name": "William", "last_name": "O'Sullivan-Hart", "date_of_birth": D(1988, 7, 3)}, "day and month swapped"),
        ({"first_name": "Wiliam", "last_name": "Hart", "date_of_birth": D(1988, 3, 7)}, "double-barrelled"),
        ({"first_name": "Billy", "last_name": "Hart", "date_of_birth": D(1988, 3, 7)}, "alias"),
        ({"first_name": "William", "last_name": "O'Sullivan-Hart", "date_of_birth": D(1988, 3, 8)}, "one digit"),
        ({"first_name": "Anyone", "last_name": "Else", "date_of_birth": None, "identifiers": {"crn": "x 123456"}}, "same probation CRN"),
    ],
)
def test_the_database_check_finds_the_person_on_record(partnership, on_record, fields, reason):
    found = _check(partnership.users[Role.POLICE_IOM_OFFICER], **fields)
    assert [m.person.pk for m in found.matches] == [on_record.pk]
    assert any(reason in r for r in found.matches[0].reasons), found.matches[0].reasons
    assert found.hidden_ids == ()


def test_the_check_is_audited_with_the_people_shown(partnership, on_record):
    user = partnership.users[Role.COORDINATOR]
    _check(user, first_name="Bill", last_name="Hart", date_of_birth=D(1988, 3, 7))
    event = AuditEvent.objects.filter(actor=user, action="search").latest("id")
    assert event.changes["results"] == [on_record.pk]
    assert event.changes["purpose"].startswith("duplicate check")


def test_people_the_user_may_not_see_are_neither_shown_nor_counted_but_flagged(partnership, on_record):
    """Issue 9 finding 3: the answer must not reveal that a restricted record exists (ADR 0003)."""
    Person.objects.filter(pk=on_record.pk).update(restriction=Restriction.MAPPA)
    officer = partnership.users[Role.POLICE_IOM_OFFICER]
    found = _check(officer, first_name="William", last_name="O'Sullivan-Hart", date_of_birth=D(1988, 3, 7))
    nobody = _check(officer, first_name="Morgan", last_name="Freshman", date_of_birth=D(1991, 4, 3))
    assert found.matches == () and not found
    assert bool(found) == bool(nobody)
    assert "hidden" not in AuditEvent.objects.filter(actor=officer, action="search").latest("id").changes
    # Adding the person goes ahead as it would for nobody similar, and the restricted record is
    # flagged for whoever may see it.
    new = services.NewPerson(
        fields={"first_name": "William", "last_name": "O'Sullivan-Hart", "date_of_birth": D(1988, 3, 7), "sex": "male"}
    )
    added = services.person_create(acting_user=officer, new=new)
    flag = AuditEvent.objects.get(object_type="possible-duplicate", person_id=on_record.pk)
    assert flag.object_id == str(added.pk) and flag.actor == officer


def test_the_api_answer_is_the_same_whether_or_not_a_restricted_match_exists(client, partnership, on_record):
    Person.objects.filter(pk=on_record.pk).update(restriction=Restriction.MAPPA)
    client.force_login(partnership.users[Role.PROBATION_OFFICER])
    response = client.post("/api/v1/people", JSON, content_type="application/json")
    assert response.status_code == 201
    assert "hidden" not in response.json()


def test_a_partner_sees_only_matches_in_their_cases(partnership):
    housing = partnership.users["housing-worker"]
    # The housing case is visible to housing; the ordinary person is not, though both match on date.
    same_dob = _check(housing, first_name="Casey", last_name="Sample", date_of_birth=D(1985, 1, 2))
    assert [m.person.pk for m in same_dob.matches] == [partnership.housing_case.pk]
    other = _check(housing, first_name="Jordan", last_name="Example", date_of_birth=D(1990, 5, 17))
    assert other.matches == () and not other


def test_nobody_similar_means_no_matches(partnership, on_record):
    found = _check(partnership.users[Role.POLICE_IOM_OFFICER], first_name="Morgan", last_name="Freshman", date_of_birth=D(1991, 4, 3))
    assert not found


# ---- wired into "Add a person": the page and the API -------------------------------------------

FORM = {
    "first_name": "Bill",
    "last_name": "O'Sullivan-Hart",
    "date_of_birth_day": "7",
    "date_of_birth_month": "3",
    "date_of_birth_year": "1988",
    "sex": "male",
    "phone_kind": "M",
}


def test_adding_a_likely_duplicate_shows_the_match_with_its_reasons_and_adds_nobody(client, partnership, on_record):
    client.force_login(partnership.users[Role.POLICE_IOM_OFFICER])
    before = Person.objects.count()
    response = client.post("/people/new/", FORM)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Is this person already on IOM Hub?" in html
    assert f'value="{on_record.pk}"' in html
    assert "First name Bill is a common form of William" in html
    assert Person.objects.count() == before


def test_choosing_the_existing_record_goes_there_and_adds_nobody(client, partnership, on_record):
    client.force_login(partnership.users[Role.POLICE_IOM_OFFICER])
    before = Person.objects.count()
    response = client.post("/people/new/", {**FORM, "duplicate_choice": str(on_record.pk)})
    assert response.status_code == 302
    assert response["Location"] == f"/people/{on_record.pk}/"
    assert Person.objects.count() == before


def test_confirming_a_new_person_adds_them(client, partnership, on_record):
    client.force_login(partnership.users[Role.POLICE_IOM_OFFICER])
    response = client.post("/people/new/", {**FORM, "duplicate_choice": "new"})
    assert response.status_code == 302
    assert Person.objects.filter(first_name="Bill", last_name="O'Sullivan-Hart").count() == 1


def test_continuing_without_a_choice_is_an_error_and_adds_nobody(client, partnership, on_record):
    client.force_login(partnership.users[Role.POLICE_IOM_OFFICER])
    before = Person.objects.count()
    response = client.post("/people/new/", {**FORM, "duplicate_choice": ""})
    html = response.content.decode()
    assert "Select the existing record, or add a new person" in html
    assert "govuk-error-summary" in html
    assert Person.objects.count() == before


def test_choosing_a_record_the_user_may_not_see_is_refused_and_audited(client, partnership, on_record):
    user = partnership.users[Role.POLICE_IOM_OFFICER]
    client.force_login(user)
    response = client.post("/people/new/", {**FORM, "duplicate_choice": str(partnership.restricted.pk)})
    assert response.status_code == 404
    assert AuditEvent.objects.filter(actor=user, action="denied").exists()


JSON = {"first_name": "Bill", "last_name": "O'Sullivan-Hart", "date_of_birth": "1988-03-07", "sex": "male"}


def test_the_api_answers_409_with_the_matches_unless_confirmed(client, partnership, on_record):
    client.force_login(partnership.users[Role.PROBATION_OFFICER])
    before = Person.objects.count()
    response = client.post("/api/v1/people", JSON, content_type="application/json")
    assert response.status_code == 409
    body = response.json()
    assert [m["id"] for m in body["matches"]] == [on_record.pk]
    assert any("common form" in r for r in body["matches"][0]["reasons"])
    assert "hidden" not in body
    assert Person.objects.count() == before
    response = client.post("/api/v1/people", {**JSON, "confirm_new": True}, content_type="application/json")
    assert response.status_code == 201
    assert Person.objects.count() == before + 1


def test_the_api_checks_identifiers_written_with_spaces(client, partnership, on_record):
    client.force_login(partnership.users[Role.PROBATION_OFFICER])
    response = client.post(
        "/api/v1/people",
        {"first_name": "Zed", "last_name": "Nobody", "date_of_birth": "1950-01-01", "sex": "male", "crn": "x 123 456"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["matches"][0]["by_identifier"] is True


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_the_api_refuses_a_confirm_new_that_is_not_a_boolean(client, partnership, value):
    client.force_login(partnership.users[Role.PROBATION_OFFICER])
    response = client.post("/api/v1/people", {**JSON, "confirm_new": value}, content_type="application/json")
    assert response.status_code == 400
    assert "confirm_new" in response.json()["errors"]


def test_confirm_new_is_refused_on_a_change(client, partnership):
    client.force_login(partnership.users[Role.PROBATION_OFFICER])
    response = client.patch(f"/api/v1/people/{partnership.ordinary.pk}", {"confirm_new": True}, content_type="application/json")
    assert response.status_code == 400
    assert "confirm_new" in response.json()["errors"]
