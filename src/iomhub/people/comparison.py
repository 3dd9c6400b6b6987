"""Whether two identities may be the same person, and why: pure, one candidate against one record.

Issue 5 §2 and the brief ("the same person must never be created twice: duplicates are found on
entry"); seed 002 appendix 2 names the identity on a referral (name, DOB, URN, PNC ID, NI number).
See ``docs/decisions/0004-duplicate-detection.md`` for the choices. The people worth comparing
are selected, and the duplicate check run, by ``people.matching``.

:func:`compare` weighs one candidate identity against one existing record (names, aliases, date
of birth, identifiers), returning the reasons they may be the same person, or nothing.
Identifiers first (an exact PNC ID, CRO, NI, prison number, CRN, NHS number or URN); then name or
alias with the date of birth, tolerating typos (Damerau-Levenshtein and Jaro-Winkler from
``rapidfuzz``), a day and month transposed, a single mistyped digit, common nicknames
(:data:`NICKNAMES`), hyphenated surnames and changed surnames. :func:`may_compare` and
:func:`name_may_match` are its cheap first passes for a batch; :func:`date_variants` and
:func:`dates_compared` the dates its date-of-birth rule reaches.
"""

from __future__ import annotations

import calendar
import datetime
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz.distance import OSA, JaroWinkler

IDENTIFIER_LABELS: dict[str, str] = {
    "pnc_id": "PNC ID",
    "cro_number": "CRO number",
    "ni_number": "National Insurance number",
    "prison_number": "prison number",
    "crn": "probation CRN",
    "nhs_number": "NHS number",
    "urn": "police URN",
}

# Common English given-name short forms, after the public nickname list maintained by Carlton
# Northern (github.com/carltonnorthern/nicknames, Apache-2.0), cut down to names common in the
# offender population of England and Wales, with the written abbreviations older records use (Wm, Jas,
# Thos, Jos). Each group is one set of equivalent names.
_NICKNAME_GROUPS: tuple[tuple[str, ...], ...] = (
    ("william", "will", "bill", "billy", "liam", "willie", "willy", "wm"),
    ("robert", "rob", "robbie", "bob", "bobby", "bert"),
    ("richard", "rich", "richie", "rick", "ricky", "dick"),
    ("michael", "mike", "mick", "micky", "mickey", "mikey"),
    ("james", "jim", "jimmy", "jamie", "jimbo", "jas"),
    ("john", "jack", "johnny", "jonny"),
    ("jonathan", "jon", "jonny", "jono"),
    ("thomas", "tom", "tommy", "thos"),
    ("christopher", "chris", "kit", "christy"),
    ("anthony", "tony", "ant"),
    ("daniel", "dan", "danny"),
    ("david", "dave", "davey", "davy"),
    ("joseph", "joe", "joey", "jos"),
    ("edward", "ed", "eddie", "eddy", "ted", "teddy", "ned"),
    ("stephen", "steven", "steve", "stevie"),
    ("matthew", "matt", "matty"),
    ("andrew", "andy", "drew"),
    ("alexander", "alex", "alec", "sandy", "xander"),
    ("benjamin", "ben", "benny", "benji"),
    ("samuel", "sam", "sammy"),
    ("nicholas", "nick", "nicky"),
    ("patrick", "pat", "paddy"),
    ("peter", "pete"),
    ("terence", "terry", "tel"),
    ("lawrence", "laurence", "larry", "laurie"),
    ("frederick", "fred", "freddie", "freddy"),
    ("henry", "harry", "hal", "hank"),
    ("charles", "charlie", "chas", "chuck"),
    ("gregory", "greg"),
    ("kenneth", "ken", "kenny"),
    ("ronald", "ron", "ronnie"),
    ("donald", "don", "donnie"),
    ("raymond", "ray"),
    ("leonard", "len", "lenny", "leo"),
    ("philip", "phillip", "phil"),
    ("timothy", "tim", "timmy"),
    ("zachary", "zach", "zak"),
    ("mohammed", "muhammad", "mohammad", "mohamed", "mo"),
    ("elizabeth", "liz", "lizzie", "beth", "betty", "eliza", "libby"),
    ("margaret", "maggie", "meg", "peggy", "maggy"),
    ("katherine", "catherine", "kathryn", "kate", "katie", "kath", "cathy", "kathy", "kat"),
    ("jennifer", "jen", "jenny"),
    ("rebecca", "becky", "becca", "bex"),
    ("victoria", "vicky", "vicki", "tori"),
    ("samantha", "sam", "sammy"),
    ("deborah", "debbie", "debra", "deb"),
    ("susan", "sue", "susie"),
    ("patricia", "pat", "patsy", "trish", "tricia"),
    ("jacqueline", "jackie", "jacqui"),
    ("christine", "christina", "chris", "chrissy", "tina"),
    ("alexandra", "alex", "lexi", "sandra"),
    ("nicola", "nicky", "nikki"),
    ("amanda", "mandy"),
    ("abigail", "abbie", "abby"),
    ("kimberley", "kimberly", "kim"),
)


def _build_nicknames(groups: Iterable[Sequence[str]]) -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {}
    for group in groups:
        for name in group:
            table.setdefault(name, set()).update(group)
    return {name: frozenset(others) for name, others in table.items()}


NICKNAMES: dict[str, frozenset[str]] = _build_nicknames(_NICKNAME_GROUPS)

# Thresholds, chosen against the variants in tests/people/test_matching.py (see ADR 0004).
FIRST_NAME_SIMILAR = 0.88  # Jaro-Winkler: "Jon"/"John", "Stephen"/"Stephan"
SURNAME_SIMILAR = 0.90
# The name and date comparisons are pure functions of their arguments, and a feed import asks the same
# ones again and again (common names, the same dates): each remembers its last answers (issue 11).
_MEMO = 65_536


@lru_cache(maxsize=_MEMO)
def normalise_name(name: str) -> str:
    """Lower case, accents removed, only letters, spaces and hyphens kept (O'Brien → obrien)."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    kept = "".join(c for c in decomposed if c.isalpha() or c in " -")
    return " ".join(kept.lower().replace("-", " - ").split()).replace(" - ", "-")


def _surname_parts(surname: str) -> set[str]:
    return {p for p in surname.replace("-", " ").split() if p}


def _typo_distance_ok(a: str, b: str) -> bool:
    """One slip for names up to 6 letters, two for longer (insert, delete, substitute or swap)."""
    allowed = 1 if max(len(a), len(b)) <= 6 else 2
    return OSA.distance(a, b) <= allowed


@dataclass(frozen=True)
class NameRecord:
    first_name: str
    last_name: str
    date_of_birth: datetime.date | None = None


@dataclass(frozen=True)
class Identity:
    """Who is being entered (or who is on record): names, aliases, date of birth, identifiers."""

    first_name: str
    last_name: str
    date_of_birth: datetime.date | None
    middle_names: str = ""
    identifiers: dict[str, str] = field(default_factory=dict)
    aliases: tuple[NameRecord, ...] = ()


@lru_cache(maxsize=_MEMO)
def first_name_reason(candidate: str, existing: str) -> str | None:
    a, b = normalise_name(candidate), normalise_name(existing)
    if not a or not b:
        return None
    if a == b:
        return "same first name"
    a_first, b_first = a.split()[0], b.split()[0]
    if a_first == b_first:
        return "same first name"
    if b_first in NICKNAMES.get(a_first, frozenset()):
        return f"first name {candidate.strip()} is a common form of {existing.strip()}"
    if len(a_first) == 1 and b_first.startswith(a_first):
        return "first initial matches"
    if JaroWinkler.normalized_similarity(a_first, b_first) >= FIRST_NAME_SIMILAR or _typo_distance_ok(a_first, b_first):
        return f"first name spelled similarly ({candidate.strip()} / {existing.strip()})"
    return None


@lru_cache(maxsize=_MEMO)
def last_name_reason(candidate: str, existing: str) -> str | None:
    a, b = normalise_name(candidate), normalise_name(existing)
    if not a or not b:
        return None
    if a.replace(" ", "").replace("-", "") == b.replace(" ", "").replace("-", ""):
        return "same surname"
    a_parts, b_parts = _surname_parts(a), _surname_parts(b)
    double_barrelled = len(a_parts) > 1 or len(b_parts) > 1
    if double_barrelled and (a_parts < b_parts or b_parts < a_parts):
        return f"surname is part of a double-barrelled name ({candidate.strip()} / {existing.strip()})"
    joined_a, joined_b = a.replace("-", "").replace(" ", ""), b.replace("-", "").replace(" ", "")
    if JaroWinkler.normalized_similarity(joined_a, joined_b) >= SURNAME_SIMILAR or _typo_distance_ok(joined_a, joined_b):
        return f"surname spelled similarly ({candidate.strip()} / {existing.strip()})"
    if double_barrelled and a_parts & b_parts:
        return f"surname shares part of a double-barrelled name ({candidate.strip()} / {existing.strip()})"
    return None


@lru_cache(maxsize=_MEMO)
def date_of_birth_reason(candidate: datetime.date | None, existing: datetime.date | None) -> tuple[str, str] | None:
    """(kind, reason) where kind is "same", "transposed" or "typo"."""
    if candidate is None or existing is None:
        return None
    if candidate == existing:
        return "same", "same date of birth"
    if candidate.year == existing.year and candidate.day == existing.month and candidate.month == existing.day:
        return "transposed", f"date of birth with day and month swapped ({candidate:%d/%m/%Y} / {existing:%d/%m/%Y})"
    a, b = candidate.strftime("%d%m%Y"), existing.strftime("%d%m%Y")
    if sum(x != y for x, y in zip(a, b, strict=True)) == 1:
        return "typo", f"date of birth differs by one digit ({candidate:%d/%m/%Y} / {existing:%d/%m/%Y})"
    return None


@dataclass(frozen=True)
class Comparison:
    reasons: tuple[str, ...]
    score: int  # higher is stronger; an identifier outranks every name match
    by_identifier: bool


def _names_to_compare(record: Identity) -> list[tuple[str, NameRecord]]:
    names = [("", NameRecord(record.first_name, record.last_name, record.date_of_birth))]
    for alias in record.aliases:
        label = f"alias {alias.first_name} {alias.last_name}".replace("  ", " ").strip()
        names.append((label, NameRecord(alias.first_name, alias.last_name, alias.date_of_birth or record.date_of_birth)))
    return names


def _compare_names(candidate: Identity, name: NameRecord, via: str) -> tuple[int, list[str]] | None:
    dob = date_of_birth_reason(candidate.date_of_birth, name.date_of_birth)
    if dob is None:
        return None
    dob_kind, dob_reason = dob
    first = first_name_reason(candidate.first_name, name.first_name)
    swapped = False
    if first is None:
        # First and last names entered the wrong way round.
        if normalise_name(candidate.first_name) == normalise_name(name.last_name) and normalise_name(candidate.last_name) == normalise_name(
            name.first_name
        ):
            swapped = True
        else:
            return None
    last = None if swapped else last_name_reason(candidate.last_name, name.last_name)
    prefix = f"{via}: " if via else ""
    strong_first = first is not None and (first == "same first name" or "common form" in first)
    if swapped:
        reasons = [f"{prefix}first and last names the other way round", dob_reason]
        score = 70
    elif last is not None:
        score = 80 + (10 if first == "same first name" else 0) + (5 if last == "same surname" else 0)
        reasons = [f"{prefix}{first}", f"{prefix}{last}", dob_reason]
    elif strong_first and dob_kind == "same":
        # Same first name and date of birth, different surname: married, changed by deed poll, or
        # a partner's or parent's surname used. Weaker, so only with an exact date of birth.
        reasons = [
            f"{prefix}{first}",
            f"{prefix}different surname ({candidate.last_name.strip()} / {name.last_name.strip()}): changed surname?",
            dob_reason,
        ]
        score = 50
    else:
        return None
    if dob_kind == "transposed":
        score -= 10
    elif dob_kind == "typo":
        if not (strong_first and last == "same surname"):
            return None  # a mistyped digit only counts when the names agree
        score -= 15
    if via:
        score -= 2
    return score, reasons


def compare(candidate: Identity, existing: Identity) -> Comparison | None:
    """Why ``existing`` may be the person ``candidate`` describes, or None. Pure."""
    reasons: list[str] = []
    by_identifier = False
    for name, label in IDENTIFIER_LABELS.items():
        value = candidate.identifiers.get(name)
        if value and existing.identifiers.get(name) == value:
            reasons.append(f"same {label} ({value})")
            by_identifier = True
    best: tuple[int, list[str]] | None = None
    for via, record in _names_to_compare(existing):
        for cand_via, cand_record in _names_to_compare(candidate):
            label = " and ".join(x for x in (f"entered {cand_via}" if cand_via else "", via) if x)
            found = _compare_names(Identity(cand_record.first_name, cand_record.last_name, cand_record.date_of_birth), record, label)
            if found is not None and (best is None or found[0] > best[0]):
                best = found
    if best is not None:
        for reason in best[1]:
            if reason not in reasons:
                reasons.append(reason)
    if not reasons:
        return None
    score = (1000 if by_identifier else 0) + (best[0] if best else 0)
    return Comparison(reasons=tuple(reasons), score=score, by_identifier=by_identifier)


def may_compare(candidate: Identity, existing: Identity) -> bool:
    """False only when :func:`compare` is certainly None: no identifier agrees, and for every pair of
    their names (aliases too) neither the first names agree (``first_name_reason``) nor are the names
    the other way round; ``compare`` needs one of these before it looks at anything else. A cheap
    first pass for checking many people at once (a feed import's batch, issue 11)."""
    for name, value in candidate.identifiers.items():
        if value and existing.identifiers.get(name) == value:
            return True
    for _, theirs in _names_to_compare(existing):
        for _, ours in _names_to_compare(candidate):
            if first_name_reason(ours.first_name, theirs.first_name) is not None:
                return True
            if normalise_name(ours.first_name) == normalise_name(theirs.last_name) and normalise_name(ours.last_name) == normalise_name(
                theirs.first_name
            ):
                return True
    return False


def names_of(candidate: Identity) -> tuple[Identity, ...]:
    """The candidate's names (its own, its aliases') as :func:`compare` puts each to a record's names."""
    return tuple(Identity(r.first_name, r.last_name, r.date_of_birth) for _, r in _names_to_compare(candidate))


def name_may_match(names: tuple[Identity, ...], record: NameRecord) -> bool:
    """Whether one of ``names`` (:func:`names_of` a candidate) matches ``record``, one name a person
    is on record under, as :func:`compare` weighs a pair of names. When no identifier agrees,
    ``compare`` finds something only if this holds for one of the person's names (issue 11: a feed
    import's duplicate check reads the names of the people born nearby, and compares whole only
    the people for whom this holds)."""
    return any(_compare_names(name, record, "") is not None for name in names)


def date_variants(dob: datetime.date) -> set[datetime.date]:
    """Every real date a single typo or a swapped day and month could turn ``dob`` into."""
    return set(_date_variants(dob))


def dates_compared(dob: datetime.date) -> frozenset[datetime.date]:
    """Every date :func:`date_of_birth_reason` finds something in beside ``dob``: the variants, and
    the typos before 1900 (an alias's date of birth may be one)."""
    return _dates_near(dob)


def swapped(dob: datetime.date) -> datetime.date | None:
    """``dob`` with its day and month swapped, when that is a real date (a day of 12 or less: then
    its day is a month number and its month a day every month has); else None."""
    return dob.replace(month=dob.day, day=dob.month) if dob.day <= 12 else None


@lru_cache(maxsize=_MEMO)
def _date_variants(dob: datetime.date) -> frozenset[datetime.date]:
    """:func:`_dates_near` from 1900 on."""
    return frozenset(d for d in _dates_near(dob) if d.year >= 1900)


_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _days_in(year: int, month: int) -> int:
    return 29 if month == 2 and calendar.isleap(year) else _DAYS[month]


@lru_cache(maxsize=_MEMO)
def _dates_near(dob: datetime.date) -> frozenset[datetime.date]:
    """``dob``, its swap (:func:`swapped`), and every real date one digit of its ``DDMMYYYY`` away:
    each digit of the day, the month and the year put to each other value, kept when the day, month
    and year make a date. Worked out by arithmetic (issue 11: a feed import asks it of a few
    thousand dates a batch; parsing 72 texts each was half a millisecond a date)."""
    if dob.year < 1000:  # fewer than four digits of year: as the text reads them
        return _dates_near_by_text(dob)
    year, month, day = dob.year, dob.month, dob.day
    found = {dob}
    if (other := swapped(dob)) is not None:
        found.add(other)
    days = _days_in(year, month)
    for place in (10, 1):  # the day's tens, then its units
        digit = day // place % 10
        for new in range(10):
            if new != digit and 1 <= (other_day := day + (new - digit) * place) <= days:
                found.add(datetime.date(year, month, other_day))
    for place in (10, 1):
        digit = month // place % 10
        for new in range(10):
            if new != digit and 1 <= (other_month := month + (new - digit) * place) <= 12 and day <= _days_in(year, other_month):
                found.add(datetime.date(year, other_month, day))
    for place in (1000, 100, 10, 1):
        digit = year // place % 10
        for new in range(10):
            if new != digit and (other_year := year + (new - digit) * place) >= 1 and day <= _days_in(other_year, month):
                found.add(datetime.date(other_year, month, day))
    return frozenset(found)


def _dates_near_by_text(dob: datetime.date) -> frozenset[datetime.date]:
    found = {dob}
    if (other := swapped(dob)) is not None:
        found.add(other)
    digits = dob.strftime("%d%m%Y")
    for i in range(len(digits)):
        for d in "0123456789":
            if d == digits[i]:
                continue
            text = digits[:i] + d + digits[i + 1 :]
            try:
                found.add(datetime.date(int(text[4:]), int(text[2:4]), int(text[:2])))
            except ValueError:
                continue
    return frozenset(found)
