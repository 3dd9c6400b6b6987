"""Record linkage, first step (issue 11 §3): identifiers first, then exact name and date of birth; a
possible match goes to the review queue, never guessed; every link names the fields that agreed."""

from __future__ import annotations

import datetime

import pytest

from iomhub.access.models import AuditEvent, Role
from iomhub.feeds.models import ArrestLink, LinkReview
from iomhub.feeds.services import arrests_import, review_decide
from iomhub.justice.models import Arrest
from iomhub.people.models import Person
from tests.factories import pnc
from tests.feeds.conftest import csv_file, row

pytestmark = pytest.mark.django_db


def test_a_pnc_id_whose_surname_and_date_of_birth_both_disagree_goes_to_review(partnership, coordinator):
    run = arrests_import(
        acting_user=coordinator,
        data=csv_file(row(pnc_id=partnership.ordinary.pnc_id, family_name="Other", given_name="Jordan", date_of_birth="1970-01-01")),
        file_name="a.csv",
    )
    assert run.counts()["review"] == 1
    review = LinkReview.objects.get()
    assert review.why == "The PNC ID agrees but neither the surname nor the date of birth does"
    assert review.candidates == [{"person_id": partnership.ordinary.pk, "reasons": ["pnc_id", "given_name"]}]
    assert Arrest.objects.count() == 0


def test_a_pnc_id_with_a_misspelt_surname_but_the_same_date_of_birth_links(partnership, coordinator):
    arrests_import(
        acting_user=coordinator,
        data=csv_file(row(pnc_id=partnership.ordinary.pnc_id, family_name="Exampel", given_name="Jordan", date_of_birth="1990-05-17")),
        file_name="a.csv",
    )
    link = ArrestLink.objects.get()
    assert (link.person, link.method, link.agreed) == (partnership.ordinary, "pnc", ["pnc_id", "given_name", "date_of_birth"])


@pytest.fixture
def namesake(partnership):
    """Another Jordan Example on record, born 1992: a row about a Jordan Example born 1991 (one digit
    of the year from each) could be either, so the model links neither without a person."""
    from tests.factories import PersonFactory

    return PersonFactory(first_name="Jordan", last_name="Example", date_of_birth=datetime.date(1992, 5, 17))


def test_a_doubtful_match_goes_to_review_once_however_often_it_is_imported(partnership, coordinator, namesake):
    # Jordan Example, born 1991: one digit of the year differs from each of two Jordan Examples on
    # record. The model cannot tell which, so a person decides, offered both with what agreed.
    data = csv_file(row(family_name="Example", given_name="Jordan", date_of_birth="1991-05-17"))
    for _ in range(2):
        run = arrests_import(acting_user=coordinator, data=data, file_name="a.csv")
        assert run.counts() == {"rows": 1, "imported": 0, "unchanged": 0, "rejected": 0, "review": 1}
    review = LinkReview.objects.get()
    assert review.why == "Names and date of birth nearly agree: a probable match, but not certain enough to link"
    assert [c["person_id"] for c in review.candidates] == [partnership.ordinary.pk, namesake.pk]
    for candidate in review.candidates:
        reasons = candidate["reasons"]
        assert reasons[:3] == ["given_name", "family_name", "date_of_birth (one digit differs)"]
        assert reasons[3].startswith("match probability 0.")
    assert not Person.objects.filter(date_of_birth="1991-05-17").exists()


def test_a_one_letter_slip_with_the_same_surname_and_date_of_birth_is_linked_as_probable(partnership, coordinator):
    # "Jordon Example", same date of birth: a one-letter slip of Jordan Example, who is on record.
    run = arrests_import(
        acting_user=coordinator,
        data=csv_file(row(family_name="Example", given_name="Jordon", date_of_birth="1990-05-17")),
        file_name="a.csv",
    )
    assert run.counts()["imported"] == 1
    link = ArrestLink.objects.get()
    assert (link.person, link.method) == (partnership.ordinary, "probable")
    assert link.agreed[:3] == ["given_name (spelt alike)", "family_name", "date_of_birth"]
    assert not Person.objects.filter(first_name="Jordon").exists()


def test_two_records_with_the_exact_name_and_date_of_birth_go_to_review(partnership, coordinator):
    from tests.factories import PersonFactory

    twin = PersonFactory(first_name="Casey", last_name="Sample", date_of_birth=partnership.housing_case.date_of_birth)
    arrests_import(
        acting_user=coordinator, data=csv_file(row(family_name="Sample", given_name="Casey", date_of_birth="1985-01-02")), file_name="a.csv"
    )
    review = LinkReview.objects.get()
    assert review.why == "2 records have this exact name and date of birth"
    assert {c["person_id"] for c in review.candidates} == {partnership.housing_case.pk, twin.pk}


def test_exact_name_and_date_of_birth_with_a_different_pnc_id_goes_to_review(partnership, coordinator):
    other_pnc = pnc(2001, 77)
    arrests_import(
        acting_user=coordinator,
        data=csv_file(row(pnc_id=other_pnc, family_name="Sample", given_name="Casey", date_of_birth="1985-01-02")),
        file_name="a.csv",
    )
    assert LinkReview.objects.get().why == "The name and date of birth agree but the PNC IDs differ"


def test_a_restricted_record_the_importer_may_not_see_is_never_linked_to_or_revealed(partnership, coordinator):
    hidden = partnership.restricted
    run = arrests_import(
        acting_user=coordinator,
        data=csv_file(row(pnc_id=hidden.pnc_id, family_name="Hidden", given_name="Robin", date_of_birth=hidden.date_of_birth.isoformat())),
        file_name="a.csv",
    )
    assert run.counts()["imported"] == 1
    link = ArrestLink.objects.get()
    assert link.person != hidden and link.method == "created"
    assert not Arrest.objects.filter(person=hidden).exists()
    # The possible duplicate is flagged against the hidden record for those who may see it (ADR 0010 §7).
    assert AuditEvent.objects.filter(object_type="possible-duplicate", person_id=hidden.pk).exists()


def test_a_review_decision_records_the_arrest_and_later_imports_follow_it(partnership, coordinator, namesake):
    data = csv_file(row(family_name="Example", given_name="Jordan", date_of_birth="1991-05-17"))
    arrests_import(acting_user=coordinator, data=data, file_name="a.csv")
    review = LinkReview.objects.get()
    review_decide(acting_user=coordinator, review_id=review.pk, person_id=partnership.ordinary.pk)

    link = ArrestLink.objects.get()
    assert (link.person, link.method) == (partnership.ordinary, "reviewed")
    assert set(link.agreed) == {"family_name", "given_name"}
    assert AuditEvent.objects.filter(
        object_type="link-review", action="change", actor=coordinator, person_id=partnership.ordinary.pk
    ).exists()
    again = arrests_import(acting_user=coordinator, data=data, file_name="a.csv")
    assert again.counts() == {"rows": 1, "imported": 0, "unchanged": 1, "rejected": 0, "review": 0}
    assert Arrest.objects.count() == 1


def test_a_review_decision_for_someone_new_creates_them(partnership, coordinator, namesake):
    arrests_import(
        acting_user=coordinator,
        data=csv_file(row(family_name="Example", given_name="Jordan", date_of_birth="1991-05-17")),
        file_name="a.csv",
    )
    review = LinkReview.objects.get()
    review_decide(acting_user=coordinator, review_id=review.pk, person_id=None)
    assert Arrest.objects.get().person.date_of_birth.isoformat() == "1991-05-17"


def test_a_review_may_only_link_to_a_person_offered(partnership, coordinator, namesake):
    from django.core.exceptions import ValidationError

    arrests_import(
        acting_user=coordinator,
        data=csv_file(row(family_name="Example", given_name="Jordan", date_of_birth="1991-05-17")),
        file_name="a.csv",
    )
    review = LinkReview.objects.get()
    with pytest.raises(ValidationError, match="one of the people offered"):
        review_decide(acting_user=coordinator, review_id=review.pk, person_id=partnership.housing_case.pk)
    assert Arrest.objects.count() == 0


def test_only_the_coordinator_and_chair_may_import(partnership):
    from django.core.exceptions import PermissionDenied

    for role in (Role.POLICE_IOM_OFFICER, Role.PERFORMANCE_LEAD, "housing-worker"):
        with pytest.raises(PermissionDenied):
            arrests_import(acting_user=partnership.users[role], data=csv_file(row()), file_name="a.csv")
    assert Arrest.objects.count() == 0
    assert AuditEvent.objects.filter(action="denied", object_type="import-run").count() == 3


def test_a_row_already_recorded_is_unchanged_whoever_linkage_would_pick_today(partnership, coordinator):
    from tests.factories import PersonFactory

    data = csv_file(row(family_name="Example", given_name="Jordon", date_of_birth="1990-05-17"))
    assert arrests_import(acting_user=coordinator, data=data, file_name="a.csv").imported == 1  # linked as probable
    # Someone else now looks as like the row as Jordan Example does: linkage today would ask a person.
    PersonFactory(first_name="Jordyn", last_name="Example", date_of_birth=partnership.ordinary.date_of_birth)
    again = arrests_import(acting_user=coordinator, data=data, file_name="a.csv")
    assert again.counts() == {"rows": 1, "imported": 0, "unchanged": 1, "rejected": 0, "review": 0}
    assert not LinkReview.objects.exists()


def test_a_nickname_with_day_and_month_swapped_is_linked_without_a_person_and_says_why(partnership, coordinator):
    from tests.factories import PersonFactory

    rebecca = PersonFactory(first_name="Rebecca", last_name="Holt", date_of_birth=datetime.date(1988, 4, 9))
    run = arrests_import(
        acting_user=coordinator, data=csv_file(row(family_name="Holt", given_name="Becky", date_of_birth="1988-09-04")), file_name="a.csv"
    )
    assert run.counts()["imported"] == 1 and run.counts()["review"] == 0
    link = ArrestLink.objects.get()
    assert (link.person, link.method) == (rebecca, "probable")
    assert link.agreed[:3] == ["given_name (another form of the name)", "family_name", "date_of_birth (day and month swapped)"]
    assert link.agreed[3].startswith("match probability 0.9")
    assert not Person.objects.filter(first_name="Becky").exists()


def test_a_changed_surname_with_the_given_name_and_date_of_birth_agreeing_is_linked(partnership, coordinator):
    from tests.factories import PersonFactory

    kathryn = PersonFactory(first_name="Kathryn", last_name="Marsh", date_of_birth=datetime.date(1979, 3, 2))
    arrests_import(
        acting_user=coordinator, data=csv_file(row(family_name="Lowe", given_name="Kathryn", date_of_birth="1979-03-02")), file_name="a.csv"
    )
    link = ArrestLink.objects.get()
    assert (link.person, link.method) == (kathryn, "probable")
    assert link.agreed[:2] == ["given_name", "date_of_birth"]


def test_the_same_name_born_on_another_day_is_not_linked(partnership, coordinator):
    # Jordan Example is on record, born 1990-05-17; a Jordan Example born 1972-11-03 is someone else.
    arrests_import(
        acting_user=coordinator,
        data=csv_file(row(family_name="Example", given_name="Jordan", date_of_birth="1972-11-03")),
        file_name="a.csv",
    )
    assert not ArrestLink.objects.filter(person=partnership.ordinary).exists()
    assert not Arrest.objects.filter(person=partnership.ordinary).exists()


def test_a_changed_surname_with_a_different_pnc_id_is_never_linked_without_a_person(partnership, coordinator):
    from tests.factories import PersonFactory

    kathryn = PersonFactory(first_name="Kathryn", last_name="Marsh", date_of_birth=datetime.date(1979, 3, 2), pnc_id=pnc(2001, 77))
    arrests_import(
        acting_user=coordinator,
        data=csv_file(row(pnc_id=pnc(2003, 12), family_name="Lowe", given_name="Kathryn", date_of_birth="1979-03-02")),
        file_name="a.csv",
    )
    assert not Arrest.objects.filter(person=kathryn).exists()
    assert [c["person_id"] for c in LinkReview.objects.get().candidates] == [kathryn.pk]


def _outcome(found):
    from iomhub.feeds.linkage import Link, Uncertain

    if isinstance(found, Link):
        return ("link", found.person.pk, found.method, found.agreed)
    if isinstance(found, Uncertain):
        return ("review", found.why, found.candidates)
    return None


def test_the_batch_path_links_as_row_by_row_does(partnership, coordinator, namesake):
    from iomhub.feeds.linkage import Uncertain, link_for
    from iomhub.feeds.linkage_batch import links_for_many
    from iomhub.feeds.rows import Identity
    from tests.factories import PersonFactory

    PersonFactory(first_name="Rebecca", last_name="Holt", date_of_birth=datetime.date(1988, 4, 9))
    PersonFactory(first_name="Kathryn", last_name="Marsh", date_of_birth=datetime.date(1979, 3, 2))
    people = [
        Identity("", "Holt", "Becky", datetime.date(1988, 9, 4)),  # nickname, day and month swapped: linked
        Identity("", "Lowe", "Kathryn", datetime.date(1979, 3, 2)),  # changed surname: linked
        Identity("", "Marsh", "Catherine", datetime.date(1979, 3, 3)),  # another form, a digit: linked
        Identity("", "Example", "Jordan", datetime.date(1991, 5, 17)),  # two namesakes: review
        Identity("", "Example", "Jordan", datetime.date(1972, 11, 3)),  # same name, another person: nobody
        Identity("", "Sampel", "Casey", datetime.date(1985, 1, 2)),  # two letters swapped: linked
        Identity("", "Quillfeather", "Robin", datetime.date(1972, 11, 30)),  # nobody like them
    ]
    keys = [f"row-{i}" for i in range(len(people))]
    by_row = []
    for who, key in zip(people, keys, strict=True):
        try:
            by_row.append(_outcome(link_for(who, row_key=key, user=coordinator)))
        except Uncertain as uncertain:
            by_row.append(_outcome(uncertain))
    assert [o[0] if o else None for o in by_row] == ["link", "link", "link", "review", None, "link", None]
    assert [_outcome(found) for found in links_for_many(people, keys, user=coordinator)] == by_row


def test_a_pnc_id_with_a_changed_surname_and_day_and_month_swapped_links_by_pnc(partnership, coordinator):
    from tests.factories import PersonFactory

    rebecca = PersonFactory(first_name="Rebecca", last_name="Ali", date_of_birth=datetime.date(1971, 6, 7), pnc_id=pnc(1997, 2182468))
    arrests_import(
        acting_user=coordinator,
        data=csv_file(row(pnc_id=rebecca.pnc_id, family_name="Johnston", given_name="Rebecca", date_of_birth="1971-07-06")),
        file_name="a.csv",
    )
    link = ArrestLink.objects.get()
    assert (link.person, link.method, link.agreed) == (rebecca, "pnc", ["pnc_id", "given_name", "date_of_birth (day and month swapped)"])
