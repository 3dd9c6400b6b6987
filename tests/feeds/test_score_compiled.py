"""The linkage model's batch scoring runs the SQL Splink generates for ``predict_between`` once a
process, again on each batch (``probable.predict``, ``probable._compiled``; issue 11, ADR 0037
addendum). The oracle is Splink itself: a fresh ``Linker`` of the same trained model on its own DuckDB
connection, ``predict_between`` called on the same two tables with the same blocking rule. On
generated records (nicknames, spellings, typos, blank names, dates with day and month swapped or a
digit wrong, PNC IDs that agree, differ or are missing, no pairs at all), every pair comes back with
the same columns to the last bit (match weight, match probability, each comparison's level), and so
the same scores and decisions (``score_many``, ``decide_scored``)."""

from __future__ import annotations

import datetime
import string
from typing import TYPE_CHECKING, Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iomhub.feeds.linkage_model import probable, synthetic
from iomhub.feeds.linkage_model.settings import record
from iomhub.people.models import Person
from tests.feeds.splink_oracle import splink

if TYPE_CHECKING:
    import pyarrow as pa


def _by_splink(left: pa.Table, right: pa.Table) -> tuple[tuple[str, ...], dict[tuple[int, int], tuple[Any, ...]]]:
    """The columns of Splink's own predictions, and every pair's values of them (``_by_pair``)."""
    linker, api = splink()  # the oracle: Splink itself
    tables = [api.register(left), api.register(right)]
    predicted = linker.inference.predict_between(
        tables[0], tables[1], blocking_rules_to_generate_predictions=[probable.PAIRS_ONLY], warning_mode="never"
    )
    relation = predicted.as_duckdbpyrelation()
    columns = tuple(relation.columns)
    found = _by_pair(dict(zip(columns, zip(*relation.fetchall(), strict=True), strict=True)) if relation.shape[0] else {})
    for table in (*tables, predicted):
        table.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)
    return columns, found


def _exact(value: Any) -> Any:
    """A value as compared: floats by their bits, lists (NumPy's or Python's) as tuples."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, float):
        return value.hex()
    if isinstance(value, list | tuple):
        return tuple(_exact(v) for v in value)
    return value


def _by_pair(columns: dict[str, Any]) -> dict[tuple[int, int], tuple[Any, ...]]:
    """Each pair's values (the columns in the order of their names), floats as their exact bits."""
    if not columns:
        return {}
    values = {c: list(v.tolist() if hasattr(v, "tolist") else v) for c, v in columns.items()}
    names = sorted(values)
    rows = list(zip(*(values[c] for c in names), strict=True))
    place = {c: n for n, c in enumerate(names)}
    return {(row[place["unique_id_l"]], row[place["unique_id_r"]]): tuple(_exact(v) for v in row) for row in rows}


def _nickname_of(name: str) -> str:
    return synthetic.NICKNAMES.get(name, name)


def _typo(name: str, where: int, letter: str) -> str:
    """A letter slipped, dropped or doubled, or two swapped (``synthetic``'s typos), by ``where``."""
    if not name:
        return name
    n = where % len(name)
    return [
        name[:n] + letter + name[n + 1 :],
        name[:n] + name[n + 1 :],
        name[:n] + name[n] + name[n:],
        name[:n] + name[n + 1 : n + 2] + name[n] + name[n + 2 :],
    ][where % 4]


GIVEN = [form for forms in synthetic.GIVEN for form in forms] + list(synthetic.NICKNAMES.values())
FAMILY = [form for forms in synthetic.SURNAMES for form in forms]
letters = st.sampled_from(string.ascii_lowercase)


@st.composite
def people(draw: st.DrawFn) -> tuple[str, str, datetime.date, str]:
    pnc = draw(st.sampled_from(["", "2001/0000077Q", "1999/0123456Z", "2010/0000001A"]))
    return (
        draw(st.sampled_from([*GIVEN, ""])),
        draw(st.sampled_from([*FAMILY, ""])),
        draw(st.dates(datetime.date(1940, 1, 1), datetime.date(2008, 12, 31))),
        pnc,
    )


@st.composite
def rows_about(draw: st.DrawFn, person: tuple[str, str, datetime.date, str]) -> tuple[str, str, datetime.date, str]:
    """A feed row about ``person`` as another system keys it, or about somebody else."""
    given_name, family, dob, pnc = person
    how = draw(st.sampled_from(["same", "nickname", "typo", "blank", "other"]))
    if how == "nickname":
        given_name = _nickname_of(given_name)
    elif how == "typo":
        given_name = _typo(given_name, draw(st.integers(0, 40)), draw(letters))
        family = _typo(family, draw(st.integers(0, 40)), draw(letters))
    elif how == "blank":
        given_name, family = draw(st.sampled_from([("", family), (given_name, ""), ("", "")]))
    elif how == "other":
        return draw(people())
    when = draw(st.sampled_from(["same", "swapped", "digit", "year"]))
    if when == "swapped":
        dob = probable.swapped(dob) or dob
    elif when == "digit":
        dob = dob.replace(day=max(1, min(28, dob.day + draw(st.sampled_from([-1, 1])))))
    elif when == "year":
        dob = dob.replace(year=dob.year + draw(st.sampled_from([-10, -1, 1, 10])), day=min(dob.day, 28))
    pnc = draw(st.sampled_from([pnc, "", "2001/0000077Q"]))
    return given_name, family, dob, pnc


@st.composite
def batches(draw: st.DrawFn) -> tuple[list[dict[str, Any]], dict[int, dict[str, Any]], list[tuple[int, int]]]:
    known = draw(st.lists(people(), min_size=1, max_size=6))
    found = {n + 10: record(n + 10, *p) for n, p in enumerate(known)}
    rows = [record(0, *draw(rows_about(draw(st.sampled_from(known))))) for _ in range(draw(st.integers(0, 6)))]
    every = [(i, pid) for i in range(len(rows)) for pid in found]
    pairs = draw(st.lists(st.sampled_from(every), unique=True, max_size=len(every))) if every else []
    return rows, found, pairs


def _tables(rows: list[dict[str, Any]], found: dict[int, dict[str, Any]], pairs: list[tuple[int, int]]) -> tuple[pa.Table, pa.Table]:
    """The two tables ``score_many`` scores: one record a pair, and the people (here every person, so
    some are joined to nothing)."""
    ids = list(found)
    return probable._pair_table(rows, pairs), probable._table([found[pid] for pid in ids], ids, ids)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches())
def test_every_pair_gets_splinks_columns_to_the_last_bit(batch):
    rows, found, pairs = batch
    left, right = _tables(rows, found, pairs)
    columns, expected = _by_splink(left, right)
    assert {"match_weight", "match_probability", "gamma_first_name", "gamma_dob"} <= set(columns)
    assert _by_pair(probable.predict(left, right, columns)) == expected
    assert len(expected) == len(pairs)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches(), st.sampled_from([100, probable.REFERENCE_PEOPLE, 500_000]))
def test_scores_and_decisions_are_those_of_splinks_probabilities(batch, population):
    rows, found, pairs = batch
    left, right = _tables(rows, found, pairs)
    columns, by_splink = _by_splink(left, right)
    at = {c: n for n, c in enumerate(sorted(columns))}
    expected: dict[int, list[tuple[float, int]]] = {}
    for (place, pid), values in by_splink.items():
        probability = probable.for_population(float.fromhex(values[at["match_probability"]]), population)
        expected.setdefault(pairs[place][0], []).append((-probability, pid))
    batch_scored = probable.score_many(rows, found, pairs, population=population)
    assert {i: [(-s.probability, s.unique_id) for s in scored] for i, scored in batch_scored.items()} == {
        i: sorted(scored) for i, scored in expected.items()
    }
    for i, scored in batch_scored.items():
        ours = probable.decide_scored(scored)
        assert [s.unique_id for s in ours.scored] == [
            s.unique_id
            for s in probable.decide_scored(
                [probable.Scored(pid, -p, s.agreed, s.pnc_differs) for (p, pid), s in zip(sorted(expected[i]), scored, strict=True)]
            ).scored
        ]


def test_no_pairs_and_empty_tables():
    rows, found = [record(0, "Steve", "Smith", "1980-01-02")], {7: record(7, "Stephen", "Smith", "1980-02-01")}
    assert probable.score_many(rows, found, []) == {}
    for left, right in [_tables([], {}, []), _tables(rows, {}, []), _tables([], found, [])]:
        columns, expected = _by_splink(left, right)
        assert expected == {}
        assert _by_pair(probable.predict(left, right, columns)) == {}


def test_the_compiled_statements_are_run_again_on_each_batch_not_on_the_first_only():
    """A batch leaves nothing behind that the next would read: the same pair scored alone, after a
    batch of others and again, gets the same columns; and the tables it made are gone."""
    person = {7: record(7, "Stephen", "Thompson", datetime.date(1990, 5, 12), "2001/0000077Q")}
    row = [record(0, "Steve", "Thomson", datetime.date(1990, 12, 5))]
    other = [record(0, "Kate", "Reid", datetime.date(1985, 3, 4))]
    first = _by_pair(probable.predict(*_tables(row, person, [(0, 7)]), ("unique_id_l", "unique_id_r", "match_probability")))
    between = _by_pair(probable.predict(*_tables(other, person, [(0, 7)]), ("unique_id_l", "unique_id_r", "match_probability")))
    again = _by_pair(probable.predict(*_tables(row, person, [(0, 7)]), ("unique_id_l", "unique_id_r", "match_probability")))
    assert first == again != between
    con = probable._linker_and_api()[1].duckdb_con
    assert not [t for (t,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall() if "blocked" in t]


def _on_record() -> int:
    """The oracle: every person not merged into another, counted afresh."""
    return Person.objects.filter(merged_into__isnull=True).count()


def _person(last: str, day: int = 1) -> Person:
    return Person.objects.create(first_name="Kept", last_name=last, date_of_birth=datetime.date(1970, 1, day))


@pytest.mark.django_db
def test_within_people_counted_the_older_people_are_counted_once(django_assert_num_queries):
    """Within ``people_counted`` the people up to the highest id are counted at the first call and
    kept; later calls count only those added since (one query each, not the whole table); the
    answers are those of counting everyone again. Outside it, each call counts everyone."""
    for n in range(3):
        _person(f"Count{n}", 1 + n)
    rows, found = [record(0, "Steve", "Smith", "1980-01-02")], {7: record(7, "Stephen", "Smith", "1980-02-01")}
    with django_assert_num_queries(2):
        alone = [probable.score_many(rows, found, [(0, 7)]) for _ in range(2)]
    with probable.people_counted():
        with django_assert_num_queries(3):  # the highest id, the people up to it, those after it
            first = probable.score_many(rows, found, [(0, 7)])
        with django_assert_num_queries(1) as counted:
            second = probable.score_many(rows, found, [(0, 7)])
        assert "people_person" in counted.captured_queries[0]["sql"]
        assert [first, second] == alone
        assert probable.people_on_record() == _on_record() == 3


@pytest.mark.django_db
def test_within_people_counted_people_added_are_counted_as_a_fresh_count_would():
    """People added while the block is open (by the import or anyone else) are counted, one merged
    after being added is not, and one added in a savepoint that is rolled back is not: each answer
    equals a fresh count."""
    older = _person("Older")
    with probable.people_counted():
        assert probable.people_on_record() == _on_record() == 1
        made = _person("Made", 2)
        assert probable.people_on_record() == _on_record() == 2
        other = _person("Other", 3)
        other.merged_into = made
        other.save(update_fields=["merged_into"])
        assert probable.people_on_record() == _on_record() == 2
        try:
            with transaction.atomic():
                _person("Undone", 4)
                assert probable.people_on_record() == _on_record() == 3
                raise RuntimeError
        except RuntimeError:
            pass
        assert probable.people_on_record() == _on_record() == 2
        with probable.people_counted():  # an enclosed block is the enclosing one
            assert probable.people_on_record() == _on_record() == 2
    assert older.pk < made.pk
    assert probable.people_on_record() == _on_record() == 2


@pytest.mark.django_db
def test_outside_people_counted_every_call_counts_everyone(django_assert_num_queries):
    _person("Alone")
    with django_assert_num_queries(1):
        assert probable.people_on_record() == 1
    with probable.people_counted():
        assert probable.people_on_record() == 1
    _person("After", 2)
    assert probable.people_on_record() == _on_record() == 2
