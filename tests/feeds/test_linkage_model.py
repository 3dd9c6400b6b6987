"""The trained Splink model (ADR 0026): which people it scores, what it says agreed, and that on
synthetic people it was not trained on it links precisely and sends the doubtful to review."""

from __future__ import annotations

import datetime

import pytest

from iomhub.feeds.linkage_model import probable
from iomhub.feeds.linkage_model.evaluate import evaluate
from iomhub.feeds.linkage_model.settings import record
from iomhub.people.matching import normalise_name
from iomhub.people.models import Person
from tests.factories import PersonFactory

SMALL = 100  # people on record: no fewer than the thresholds were chosen among changes nothing


@pytest.mark.django_db
def test_the_database_query_and_the_python_rule_block_the_same_people():
    row = record(0, "Casey", "Marsh", datetime.date(1988, 4, 9))
    people = [
        PersonFactory(first_name="Robin", last_name="Stone", date_of_birth=datetime.date(1988, 4, 9)),  # same date of birth
        PersonFactory(first_name="Robin", last_name="Stone", date_of_birth=datetime.date(1988, 9, 4)),  # day and month swapped
        PersonFactory(first_name="Robin", last_name="Marsh", date_of_birth=datetime.date(1979, 1, 1)),  # surname, 9 years
        PersonFactory(first_name="Robin", last_name="Marsh", date_of_birth=datetime.date(1977, 1, 1)),  # surname, 11 years: no
        PersonFactory(first_name="Casey", last_name="Stone", date_of_birth=datetime.date(1988, 12, 30)),  # given name, same year
        PersonFactory(first_name="Casey", last_name="Stone", date_of_birth=datetime.date(1998, 4, 9)),  # given name, day and month
        PersonFactory(first_name="Casey", last_name="Stone", date_of_birth=datetime.date(1989, 1, 1)),  # no
    ]
    by_query = set(Person.objects.filter(probable.candidates_q("Marsh", "Casey", datetime.date(1988, 4, 9))).values_list("pk", flat=True))
    by_rule = {p.pk for p in people if probable.blocks(row, record(p.pk, p.first_name, p.last_name, p.date_of_birth))}
    assert by_query == by_rule == {p.pk for p in people[:3]} | {people[4].pk, people[5].pk}


def test_each_score_says_what_agreed_exactly_and_nearly():
    person = record(1, "Stephen", "Thompson", datetime.date(1990, 5, 12))
    swapped = probable.score(record(0, "Steven", "Thompson", datetime.date(1990, 12, 5)), [person], population=SMALL)[0]
    assert swapped.agreed == ("given_name (another form of the name)", "family_name", "date_of_birth (day and month swapped)")
    other = probable.score(record(0, "Chloe", "Patel", datetime.date(1971, 2, 3)), [person], population=SMALL)[0]
    assert other.agreed == () and other.probability < probable.REVIEW_AT


def test_a_different_pnc_id_is_never_linked_without_a_person_deciding():
    person = record(1, "Stephen", "Thompson", datetime.date(1990, 5, 12), "2001/0000077Q")
    for given in ("Stephen", "Steven"):
        decision = probable.decide(record(0, given, "Thompson", datetime.date(1990, 5, 12), "2002/0000078A"), [person], population=SMALL)
        assert decision.kind != "link"
    assert probable.score(record(0, "Steven", "Thompson", datetime.date(1990, 5, 12), "2002/0000078A"), [person], population=SMALL)[
        0
    ].pnc_differs


def test_on_people_it_was_not_trained_on_links_are_precise_and_the_doubtful_go_to_review():
    found = evaluate(people_count=600, rows_count=120, seed=99)
    assert found["precision"] >= 0.95, found
    assert found["recall_with_review"] >= 0.9, found


def test_names_that_sound_alike_share_a_skeleton_and_others_do_not():
    from iomhub.feeds.linkage_model.settings import forms, sound

    for spellings in (("Sean", "Shaun", "Shawn"), ("Catherine", "Kathryn"), ("Philip", "Filip"), ("Wright", "Rite"), ("Zoe", "Zowie")):
        assert len({sound(normalise_name(s)) for s in spellings}) == 1, spellings
    assert sound("jordan") != sound("gemma") and sound("smith") != sound("patel")
    assert sound("") is None
    assert "becky" in forms("rebecca") and "steve" in forms("stephen") and forms(None) == []


def test_on_people_it_was_not_trained_on_most_true_matches_link_without_a_person():
    # Seeds neither training (train.TRAINING_SEED) nor threshold tuning (train.TUNING_SEED) used.
    for seed in (1, 3):
        found = evaluate(people_count=600, rows_count=400, seed=seed)
        assert found["precision"] >= 0.98, found
        assert found["recall"] >= 0.95, found


def test_the_more_people_on_record_the_more_must_agree_to_link():
    # Among a few thousand people, a changed surname with the given name and date of birth agreeing is
    # linked; among fifty thousand, someone else with that given name and birthday is likely enough
    # that it is not. A nickname with the surname agreeing and day and month swapped links in both.
    kathryn = record(1, "Kathryn", "Marsh", datetime.date(1979, 3, 2))
    rebecca = record(2, "Rebecca", "Holt", datetime.date(1988, 4, 9))
    changed = record(0, "Kathryn", "Lowe", datetime.date(1979, 3, 2))
    nickname = record(0, "Becky", "Holt", datetime.date(1988, 9, 4))
    assert probable.decide(changed, [kathryn, rebecca], population=probable.REFERENCE_PEOPLE).kind == "link"
    assert probable.decide(changed, [kathryn, rebecca], population=50_000).kind != "link"
    for population in (probable.REFERENCE_PEOPLE, 50_000):
        decision = probable.decide(nickname, [kathryn, rebecca], population=population)
        assert (decision.kind, decision.scored[0].unique_id) == ("link", 2)
    assert probable.for_population(0.5, 4 * probable.REFERENCE_PEOPLE) == pytest.approx(0.2)
    assert probable.for_population(0.5, 10) == 0.5
