"""Adding many people at once (a feed import's batch, issue 11): ``people.services.person_create``'s
rules for each — authorised, validated, the duplicate check (``people.matching``, the same matches
and the same hidden-record flags), audited — with the inserts and the audit events written in bulk.

Only the record's fields (no aliases, addresses, contact numbers or markers). A person who matches
another of the same call is not created here (``None`` in the answer): the caller creates them one
at a time afterwards, through ``person_create``, which then sees the first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.models import AuditAction, Section
from iomhub.access.policy import Action, can, decide, people_filter
from iomhub.bulk_insert import insert_many
from iomhub.people import matching
from iomhub.people.models import Alias, Person
from iomhub.people.services import (
    EDITABLE_FIELDS,
    NewPerson,
    PossibleDuplicates,
    _normalise_identifiers,
    _refuse_hidden_characters,
    _snapshot,
)
from iomhub.pg_arrays import literal, one_of, text_literal

if TYPE_CHECKING:
    from iomhub.access.models import User

Outcome = Person | PossibleDuplicates | ValidationError | None


def _checked(new: NewPerson) -> tuple[Person, matching.Identity]:
    if new.aliases or new.addresses or new.contact_numbers or new.markers:
        raise ValueError("person_create_many takes the record's fields only")
    data = {k: v for k, v in new.fields.items() if k in EDITABLE_FIELDS}
    unknown = set(new.fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: ["Unknown field"] for name in sorted(unknown)})
    _refuse_hidden_characters(data)
    _normalise_identifiers(data)
    person = Person(**data)
    person.full_clean(exclude=["managing_team"] if person.managing_team_id is None else None)
    candidate = matching.identity_from(
        first_name=person.first_name,
        last_name=person.last_name,
        middle_names=person.middle_names,
        date_of_birth=person.date_of_birth,
        identifiers=data,
    )
    return person, candidate


_IDENTITY_FIELDS = ("id", "first_name", "last_name", "middle_names", "date_of_birth", *matching.IDENTIFIER_LABELS)


def _identities(ids: set[int]) -> dict[int, matching.Identity]:
    """The identity ``compare`` reads of each person (not merged) among ``ids``, their aliases
    with them: values only, no model instances."""
    aliases: dict[int, list[matching.NameRecord]] = {}
    alias_rows = Alias.objects.values_list("person_id", "first_name", "last_name", "date_of_birth").order_by("pk")
    for person_id, first, last, dob in one_of(alias_rows, "person_id", ids):
        aliases.setdefault(person_id, []).append(matching.NameRecord(first, last, dob))
    found: dict[int, matching.Identity] = {}
    live = Person.objects.filter(merged_into__isnull=True).values_list(*_IDENTITY_FIELDS)
    for pid, first, last, middle, dob, *identifiers in one_of(live, "pk", ids):
        found[pid] = matching.Identity(
            first_name=first,
            last_name=last,
            middle_names=middle,
            date_of_birth=dob,
            identifiers={name: value for name, value in zip(matching.IDENTIFIER_LABELS, identifiers, strict=True) if value},
            aliases=tuple(aliases.get(pid, ())),
        )
    return found


_Row = tuple[int, str, str, Any]  # a name: person id, first name, last name, date of birth
Names = dict[Any, list[_Row]]  # by the date each name carries
_NAME_COLUMNS = ("first_name", "last_name")


def _born_on(aliases: Any, dates: set[Any]) -> Any:
    """The alias rows of ``aliases`` whose person was born on one of ``dates``."""
    wanted = sorted(dates)
    for start in range(0, len(wanted), 900):
        yield from aliases.filter(person__date_of_birth__in=wanted[start : start + 900])


def _every_name(dates: set[Any]) -> Any:
    """(person id, first name, last name, date) of every name a live person is on record under
    (their own, their aliases'; an alias without a date of birth takes the person's) dated one of ``dates``."""
    live = Person.objects.filter(merged_into__isnull=True).values_list("pk", *_NAME_COLUMNS, "date_of_birth")
    aliases = Alias.objects.filter(person__merged_into__isnull=True)
    yield from one_of(live, "date_of_birth", dates)
    yield from one_of(aliases.values_list("person_id", *_NAME_COLUMNS, "date_of_birth"), "date_of_birth", dates)
    yield from _born_on(aliases.filter(date_of_birth__isnull=True).values_list("person_id", *_NAME_COLUMNS, "person__date_of_birth"), dates)


def surname_key(name: str) -> str:
    """A surname as ``matching.last_name_reason`` finds it the "same surname"."""
    return matching.normalise_name(name).replace(" ", "").replace("-", "")


# On PostgreSQL the names dated a typo away from a candidate are read only when the surname is the
# candidate's (``compare`` needs the same surname with a mistyped date): an ASCII surname's key is
# its letters in lower case, as ``surname_key`` makes it; a surname with any other character is
# always read, and compared in Python. The rest of the names (same or swapped date) are all read.
# One statement reads both (``near``: every name; ``v``: (date, key) pairs). Each way to a name is
# its own branch, so each has an index (migration 0009) and none an OR: the people by (date, key),
# one probe a pair (LATERAL ... OFFSET 0, not flattened into a join of the whole table); those with
# a non-ASCII surname from their own small index; an undated alias by its key, its person's date
# looked up by id. Branches may repeat a name (a non-ASCII surname may also have the key): harmless,
# the names are sets of people in the end. The people born on a same or swapped date are read once
# (``near``), their undated aliases joined to them (not the people read again for a hash of every
# alias); a person a digit away is probed only for the dates between the earliest and the latest
# date of birth on record (half the pairs of a bench batch are dates such as 1085 or 2985: nobody).
_NAME = r"lower(regexp_replace({}.last_name, '[^A-Za-z]', '', 'g'))"
_NON_ASCII = r"{}.last_name ~ '[^\x01-\x7f]'"
_NAMES_SQL = f"""
WITH v(d, k) AS MATERIALIZED (SELECT * FROM unnest(%(dates)s::date[], %(keys)s::text[])),
near AS MATERIALIZED (SELECT p.id, p.first_name, p.last_name, p.date_of_birth FROM people_person p
 WHERE p.merged_into_id IS NULL AND p.date_of_birth = ANY(%(near)s::date[]))
SELECT * FROM near
UNION ALL
SELECT a.person_id, a.first_name, a.last_name, a.date_of_birth FROM people_alias a JOIN people_person p ON p.id = a.person_id
 WHERE p.merged_into_id IS NULL AND a.date_of_birth = ANY(%(near)s::date[])
UNION ALL
SELECT a.person_id, a.first_name, a.last_name, n.date_of_birth FROM near n JOIN people_alias a ON a.person_id = n.id
 WHERE a.date_of_birth IS NULL
UNION ALL
SELECT p.id, p.first_name, p.last_name, p.date_of_birth FROM (
 SELECT * FROM v WHERE v.d BETWEEN (SELECT min(date_of_birth) FROM people_person) AND (SELECT max(date_of_birth) FROM people_person)) v
 CROSS JOIN LATERAL (
 SELECT p.id, p.first_name, p.last_name, p.date_of_birth FROM people_person p
  WHERE p.merged_into_id IS NULL AND p.date_of_birth = v.d AND {_NAME.format("p")} = v.k OFFSET 0) p
UNION ALL
SELECT p.id, p.first_name, p.last_name, p.date_of_birth FROM people_person p
 WHERE p.merged_into_id IS NULL AND {_NON_ASCII.format("p")} AND p.date_of_birth IN (SELECT d FROM v)
UNION ALL
SELECT a.person_id, a.first_name, a.last_name, a.date_of_birth FROM v JOIN people_alias a ON a.date_of_birth = v.d
 JOIN people_person p ON p.id = a.person_id
 WHERE p.merged_into_id IS NULL AND ({_NAME.format("a")} = v.k OR {_NON_ASCII.format("a")})
UNION ALL
SELECT a.person_id, a.first_name, a.last_name, a.d FROM (
 SELECT a.person_id, a.first_name, a.last_name, {_NAME.format("a")} AS k,
  (SELECT p.date_of_birth FROM people_person p WHERE p.id = a.person_id AND p.merged_into_id IS NULL) AS d
  FROM people_alias a WHERE a.date_of_birth IS NULL AND {_NAME.format("a")} = ANY(%(ukeys)s::text[])) a
 WHERE (a.d, a.k) IN (SELECT d, k FROM v)
UNION ALL
SELECT a.person_id, a.first_name, a.last_name, p.date_of_birth FROM people_alias a JOIN people_person p ON p.id = a.person_id
 WHERE p.merged_into_id IS NULL AND a.date_of_birth IS NULL AND {_NON_ASCII.format("a")} AND p.date_of_birth IN (SELECT d FROM v)
"""  # noqa: S608 - only this module's two constants are interpolated; the values are parameters

# How many people (merged ones too) and dated aliases were born on each date: more than
# ``find_matches`` selects (it leaves the merged out), which is all the tests of its cuts need
# (``matching.CUT`` people, ``matching.ALIAS_PEOPLE`` aliases), and index-only counts (the live
# people's would read every row). A date outside the earliest and latest on record is not looked
# up: nobody is born there (a fifth of a batch's dates, such as 2985).
_COUNTS_SQL = """
SELECT d,
 CASE WHEN d BETWEEN pl AND ph THEN (SELECT count(*) FROM people_person p WHERE p.date_of_birth = d) ELSE 0 END,
 CASE WHEN d BETWEEN al AND ah THEN (SELECT count(*) FROM people_alias a WHERE a.date_of_birth = d) ELSE 0 END
 FROM unnest(%(dates)s::date[]) d,
  (SELECT min(date_of_birth) AS pl, max(date_of_birth) AS ph FROM people_person) p,
  (SELECT min(date_of_birth) AS al, max(date_of_birth) AS ah FROM people_alias) a
"""


def _names_params(
    candidates: list[matching.Identity], compared: list[frozenset[Any]], counts: dict[Any, tuple[int, int]]
) -> dict[str, str]:
    """``_NAMES_SQL``'s parameters: the same and swapped dates, and the (date, surname key) pairs a
    digit away. A date counted with nobody born on it and no alias dated on it (``_COUNTS_SQL``:
    merged people too) is left out of the pairs: every branch that reads them needs a person born,
    or an alias dated, on the pair's date (three in five of a bench batch's pairs)."""
    nobody = {d for d, (people, aliases) in counts.items() if not people and not aliases}
    near: set[Any] = set()
    by_key: dict[str, set[Any]] = {}  # the (date, key) pairs, by key: each pair once, no tuple each
    for candidate, dates in zip(candidates, compared, strict=True):
        if candidate.date_of_birth is None:
            continue
        same: set[Any] = {candidate.date_of_birth, matching.swapped(candidate.date_of_birth)} - {None}
        near |= same
        by_key.setdefault(surname_key(candidate.last_name), set()).update(dates - same - nobody)
    pair_dates: list[Any] = []
    pair_keys: list[str] = []
    for key, on in by_key.items():  # in any order: each pair is a probe of its own
        pair_dates += on
        pair_keys += [key] * len(on)
    return {
        "dates": literal(pair_dates),
        "keys": text_literal(pair_keys),
        "ukeys": text_literal(sorted(k for k, on in by_key.items() if on)),
        "near": literal(sorted(near)),
    }


def _names_near(candidates: list[matching.Identity], variants: list[set[Any]]) -> tuple[Names, dict[Any, tuple[int, int]] | None]:
    """Each person's names that may match a candidate's (``matching.name_may_match``), a superset
    read from the people born on a date ``compare`` weighs against a candidate's; and at least how
    many people and dated aliases were born on each date compared (None: not counted,
    every name read)."""
    names: Names = {}
    compared = [matching.dates_compared(c.date_of_birth) if c.date_of_birth else frozenset() for c in candidates]
    if connection.vendor != "postgresql":
        rows: Any = _every_name(set().union(*compared) if compared else set())
        counts = None
    else:
        with transaction.atomic(), connection.cursor() as cursor:
            # Compiling these statements (JIT, ~30-150 ms each) costs more than running them.
            cursor.execute("SELECT current_setting('jit'), set_config('jit', 'off', true)")
            (jit, _) = cursor.fetchone()
            # Every date compared is counted (the variants, and the typos before 1900 only an alias
            # may be dated on): the cuts read the variants' counts, the pairs leave out the empty dates.
            cursor.execute(_COUNTS_SQL, {"dates": literal(sorted(set().union(*compared)) if compared else [])})
            counts = {d: (people, aliases) for d, people, aliases in cursor.fetchall()}
            cursor.execute(_NAMES_SQL, _names_params(candidates, compared, counts))
            rows = cursor.fetchall()
            cursor.execute("SELECT set_config('jit', %s, true)", [jit])
    for row in rows:
        names.setdefault(row[3], []).append(tuple(row))
    return names, counts


def _named(candidates: list[matching.Identity], names_by_dob: Names) -> list[set[int]]:
    """For each candidate, the people with a name born on a date ``compare`` weighs against the
    candidate's that passes ``matching.name_may_match``.

    ``name_may_match`` (``_compare_names``) answers nothing for a pair of names unless the first
    names agree (``matching.first_name_reason``) or the names are the other way round (the first
    name folded is the other's surname folded, and the other way about). So each date's names are
    kept by first name as entered, and by (surname, first name) folded: only the names whose first
    name agrees (asked once per pair of first names) or whose folded names are the candidate's
    swapped are put to ``name_may_match``, which still decides (issue 11: about 140 names a
    candidate at national scale, most of them with a first name nothing like the candidate's)."""
    by_first: dict[Any, dict[str, list[_Row]]] = {}
    by_swap: dict[Any, dict[tuple[str, str], list[_Row]]] = {}
    fold = matching.normalise_name
    for dob, names in names_by_dob.items():
        firsts, swaps = by_first.setdefault(dob, {}), by_swap.setdefault(dob, {})
        for row in names:
            firsts.setdefault(row[1], []).append(row)
            swaps.setdefault((fold(row[2]), fold(row[1])), []).append(row)
    # For each first name of the candidates: the first names on record already put to
    # ``first_name_reason`` against it, and those of them that agree (worked on as sets: a date's
    # first names are each asked once, then those that agree picked out, without a loop in Python).
    asked: dict[str, set[str]] = {}
    agreeing: dict[str, set[str]] = {}
    named: list[set[int]] = []
    for candidate in candidates:
        ours = matching.names_of(candidate)
        keys = [
            (
                asked.setdefault(n.first_name, set()),
                agreeing.setdefault(n.first_name, set()),
                n.first_name,
                (fold(n.first_name), fold(n.last_name)),
            )
            for n in ours
        ]
        dob = candidate.date_of_birth
        dates = matching.dates_compared(dob) if dob else frozenset()
        # Names the other way round pass only on the same or the swapped date (on a date a digit
        # away ``_compare_names`` needs a strong first name, which names the other way round lack).
        same = {d for n in ours if n.date_of_birth for d in (n.date_of_birth, matching.swapped(n.date_of_birth))}
        tried: list[_Row] = []
        for d in by_first.keys() & dates:  # only the dates with a name on record: a few of some 70
            on_date = by_first[d]
            for seen, agree, first, swap in keys:
                for theirs in on_date.keys() - seen:
                    seen.add(theirs)
                    if matching.first_name_reason(first, theirs) is not None:
                        agree.add(theirs)
                for theirs in on_date.keys() & agree:
                    tried += on_date[theirs]
                if d in same:
                    tried += by_swap[d].get(swap, ())
        found: set[int] = set()
        for pid, f, last, on in tried:
            if pid not in found and matching.name_may_match(ours, matching.NameRecord(f, last, on)):
                found.add(pid)
        named.append(found)
    return named


def _born_on_dates(ids: set[int]) -> dict[int, set[Any]]:
    """Each live person's date of birth and their aliases' dates, of ``ids``."""
    born: dict[int, set[Any]] = {}
    for pid, dob in one_of(Person.objects.filter(merged_into__isnull=True).values_list("pk", "date_of_birth"), "pk", ids):
        born.setdefault(pid, set()).add(dob)
    for pid, dob in one_of(Alias.objects.filter(date_of_birth__isnull=False).values_list("person_id", "date_of_birth"), "person_id", ids):
        born.setdefault(pid, set()).add(dob)
    return born


def _may_be_cut(counts: list[tuple[int, int]], held: int) -> bool:
    """Whether ``matching.candidate_people`` may cut a candidate's list: more people and aliases born
    on its dates, with the people holding one of its identifiers, than ``find_matches`` compares, or
    more aliases than it takes people by an alias."""
    people, aliases = sum(p for p, _ in counts), sum(a for _, a in counts)
    return people + aliases + held > matching.CUT or aliases > matching.ALIAS_PEOPLE


def find_matches_many(candidates: list[matching.Identity]) -> list[list[matching.PossibleMatch]]:
    """``matching.find_matches`` for each candidate, with the people each may be (born on a date a
    typo or a swap away, an alias so born, or holding one of its identifiers; merged records left
    out) read in a few queries for the whole list, then compared one by one as ``find_matches``
    does; only the people matched are read as records.

    Issue 11, national scale (some 700 people born near each new person): ``compare`` answers
    nothing unless an identifier agrees or one of the person's names passes
    ``matching.name_may_match`` against the candidate's, so only the names that may (``_names_near``)
    are read, and only the people with one are read whole and compared. ``find_matches`` compares
    the first 2,000 of the people it selects, in their order (surname, first name, id), and at most
    500 of them by an alias: when either cut may apply (``counts``), its selection
    (``matching.candidate_people``) is read to cut the list where it cuts it."""
    if not candidates:
        return []  # nothing to read (a wave with no new person)
    variants = [matching.date_variants(c.date_of_birth) if c.date_of_birth else set() for c in candidates]
    names_by_dob, counts = _names_near(candidates, variants)
    live = Person.objects.filter(merged_into__isnull=True)
    by_identifier: dict[tuple[str, str], set[int]] = {}
    for name in matching.IDENTIFIER_LABELS:
        values = {c.identifiers[name] for c in candidates if c.identifiers.get(name)}
        for person_id, value in one_of(live.values_list("pk", name), name, values):
            by_identifier.setdefault((name, value), set()).add(person_id)
    named = _named(candidates, names_by_dob)
    born = _born_on_dates({pid for found in named for pid in found})
    wanted: list[set[int]] = []
    for candidate, dob_variants, may in zip(candidates, variants, named, strict=True):
        held = {pid for name, value in candidate.identifiers.items() for pid in by_identifier.get((name, value), ())}
        chosen = {pid for pid in may if born.get(pid, set()) & dob_variants} | held  # as ``find_matches`` selects them
        if counts is None or _may_be_cut([counts.get(d, (0, 0)) for d in dob_variants], len(held)):
            chosen &= set(
                matching.candidate_people(candidate).values_list("pk", flat=True)[: matching.CUT]
            )  # where ``find_matches`` cuts it
        wanted.append(chosen)
    identities = _identities(set().union(*wanted) if wanted else set())
    compared: list[list[tuple[int, matching.Comparison]]] = []
    for candidate, ids in zip(candidates, wanted, strict=True):
        found = []
        for pid in sorted(ids & identities.keys()):
            if not matching.may_compare(candidate, identities[pid]):
                continue
            comparison = matching.compare(candidate, identities[pid])
            if comparison is not None:
                found.append((pid, comparison))
        compared.append(found)
    people = {p.pk: p for p in one_of(Person.objects.all(), "pk", {pid for found in compared for pid, _ in found})}
    every: list[list[matching.PossibleMatch]] = []
    for found in compared:
        matches = [matching.PossibleMatch(people[pid], c.reasons, c.score, c.by_identifier) for pid, c in found]
        matches.sort(key=lambda m: (-m.score, m.person.last_name, m.person.first_name, m.person.pk))
        every.append(matches)
    return every


def _duplicates(user: User, every: list[matching.PossibleMatch], visible_ids: set[int]) -> matching.MatchResult:
    """``matching.possible_duplicates`` without its audit event (written in bulk by the caller);
    ``visible_ids``: which of the people matched ``user`` sees (``people_filter``), read once for
    the whole call."""
    if not every:
        return matching.MatchResult(matches=())
    shown = [m for m in every if m.person.pk in visible_ids and can(user, Action.PERSON_VIEW, m.person, section=Section.IDENTITY)]
    shown_ids = {m.person.pk for m in shown}
    return matching.MatchResult(matches=tuple(shown[:10]), hidden_ids=tuple(m.person.pk for m in every if m.person.pk not in shown_ids))


class _Earlier:
    """The people this call has already let through, by date of birth and by identifier, so that a
    later one like them waits for ``person_create`` (which then sees the first)."""

    def __init__(self) -> None:
        self.by_dob: dict[Any, list[matching.Identity]] = {}
        self.by_identifier: dict[tuple[str, str], list[matching.Identity]] = {}

    def like(self, candidate: matching.Identity) -> bool:
        # Another of this call it may be: one born on a date a typo or a swap away, or sharing an
        # identifier (``compare`` needs one or the other), compared as ``person_create`` would.
        dob = candidate.date_of_birth
        nearby = [o for d in matching.date_variants(dob) for o in self.by_dob.get(d, ())] if dob else []
        nearby += [o for name, value in candidate.identifiers.items() for o in self.by_identifier.get((name, value), ())]
        return any(matching.may_compare(candidate, other) and matching.compare(candidate, other) is not None for other in nearby)

    def add(self, candidate: matching.Identity) -> None:
        self.by_dob.setdefault(candidate.date_of_birth, []).append(candidate)
        for name, value in candidate.identifiers.items():
            self.by_identifier.setdefault((name, value), []).append(candidate)


def _all_checked(news: list[NewPerson]) -> list[tuple[Person, matching.Identity] | ValidationError]:
    checked: list[tuple[Person, matching.Identity] | ValidationError] = []
    for new in news:
        try:
            checked.append(_checked(new))
        except ValidationError as exc:
            checked.append(exc)
    return checked


def _search_entry(found: matching.MatchResult, purpose: str) -> dict[str, Any]:
    return {
        "action": AuditAction.SEARCH,
        "object_type": "person",
        "changes": {"purpose": f"duplicate check: {purpose}", "results": found.ids},
    }


def _created_entries(person: Person, found: matching.MatchResult) -> list[dict[str, Any]]:
    """The person's creation, and a possible-duplicate event on each match its creator may not see."""
    return [
        {
            "action": AuditAction.CREATE,
            "object_type": "person",
            "object_id": person.pk,
            "person_id": person.pk,
            "changes": audit.diff({}, _snapshot(person)),
        },
        *(
            {
                "action": AuditAction.CREATE,
                "object_type": "possible-duplicate",
                "object_id": person.pk,
                "person_id": hidden_id,
                "reason": "A new record may duplicate this one; its creator may not see this record. Check and merge if so.",
            }
            for hidden_id in found.hidden_ids
        ),
    ]


def person_create_many(*, acting_user: User, news: list[NewPerson], purpose: str) -> list[Outcome]:
    """Each new person created (a :class:`Person`), refused (:class:`PossibleDuplicates` or
    :class:`ValidationError`), or ``None``: like another of this call, to be created afterwards."""
    if not decide(acting_user, Action.PERSON_CREATE):
        deny(user=acting_user, action=Action.PERSON_CREATE, reason="role may not create people")
    outcomes: list[Outcome] = []
    made: list[tuple[Person, matching.MatchResult]] = []
    earlier = _Earlier()
    searches: list[dict[str, Any]] = []
    checked = _all_checked(news)
    every_match = find_matches_many([c[1] for c in checked if not isinstance(c, ValidationError)])
    visible = Person.objects.filter(people_filter(acting_user)).values_list("pk", flat=True)
    visible_ids = set(one_of(visible, "pk", {m.person.pk for found in every_match for m in found}))
    matches = iter(every_match)
    for item in checked:
        if isinstance(item, ValidationError):
            outcomes.append(item)
            continue
        person, candidate = item
        every = next(matches)
        if earlier.like(candidate):
            outcomes.append(None)
            continue
        found = _duplicates(acting_user, every, visible_ids)
        searches.append(_search_entry(found, purpose))
        if found:
            outcomes.append(PossibleDuplicates(found))
            continue
        earlier.add(candidate)
        person.search_names = " ".join(n.lower() for n in [person.first_name, person.middle_names, person.last_name] if n)
        made.append((person, found))
        outcomes.append(person)
    with transaction.atomic():
        insert_many([p for p, _ in made])
        entries = [*searches]
        for person, found in made:
            entries += _created_entries(person, found)
        audit.record_many(actor=acting_user, entries=entries)
    return outcomes
