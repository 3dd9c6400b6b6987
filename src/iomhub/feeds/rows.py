"""Checking one feed row on its own, for every feed (ADR 0014 §2): the cells every feed shares
(blank, too long, not UTF-8, hidden characters), who the row is about (``Identity``), dates and
offence codes. A feed module (``feeds.arrests``, ``feeds.releases`` …) adds its own columns.

Nothing here writes; ``feeds.services`` imports the rows that pass.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from iomhub import clock
from iomhub.feeds.reading import RawRow, undecodable
from iomhub.justice.catalogue import normalise_code, unknown_codes
from iomhub.people.matching import normalise_name
from iomhub.people.validators import IDENTIFIER_NORMALISERS, hidden_character
from iomhub.rules import numbers

if TYPE_CHECKING:
    from iomhub.feeds.spec import FeedSpec

# The identity columns, shared by every feed; their widths are the fields they are stored in.
IDENTITY_MAX_LENGTH = {"pnc_id": 13, "prison_number": 7, "family_name": 100, "given_name": 100, "date_of_birth": 10}
# ASCII digits only: ``\d`` also matches other scripts' digits ("٢٠٢٦", full-width digits), which
# ``fromisoformat`` then refuses as "not a real date" when the cell is not in the form at all.
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_ONE_DAY = datetime.timedelta(days=1)
_MIDNIGHT = re.compile(r"(?<=^\d{4}-\d{2}-\d{2})[T ]00:00(:00)?$")  # any digits: the date is then refused as not in the form
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Identity:
    """Who a row is about, as the file says: what linkage (``feeds.linkage``) works from."""

    pnc_id: str
    family_name: str
    given_name: str
    date_of_birth: datetime.date
    prison_number: str = ""

    def parts(self) -> tuple[str, ...]:
        found = (self.pnc_id, normalise_name(self.family_name), normalise_name(self.given_name), self.date_of_birth.isoformat())
        return found + ((self.prison_number,) if self.prison_number else ())


@dataclass(frozen=True)
class FeedRow:
    """A row that passed every check: who it is about, its natural key (beyond the person), what it
    records (``facts``, typed) and the values compared when its key is met again (``fingerprint``).

    ``row_key`` is worked out once, when the row is made (``check_row``): the import reads it for
    the duplicate check, the look-up of rows already recorded, linkage and the write (issue 11)."""

    feed: str
    line: int
    values: dict[str, str]
    identity: Identity
    key: tuple[str, ...]
    facts: dict[str, Any]
    fingerprint: tuple[str, ...] = ()
    row_key: str = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "row_key", key_of(self.feed, self.identity, self.key))

    @cached_property
    def record_key(self) -> str:
        """The natural key beyond the person, hashed: with the feed and the person, one record."""
        return hashlib.sha256("\x1f".join(self.key).encode()).hexdigest()


def key_of(feed: str, who: Identity, key: tuple[str, ...]) -> str:
    """The row's identity and natural key as one hash: two rows with the same key are one record.
    (The arrests feed's keys carry no feed name, as they did before the other feeds.) Databases
    hold these keys (``ArrestLink``, ``FeedRecord``, ``LinkReview``): the text hashed never changes."""
    parts = who.parts() if feed == "arrests" else (feed, *who.parts())
    return hashlib.sha256("\x1f".join((*parts, *key)).encode()).hexdigest()


@dataclass
class RowFaults:
    line: int
    values: dict[str, str]
    faults: list[tuple[str, str]] = field(default_factory=list)  # (column, reason)
    # The column being checked, set by the checks as they go and left set if one raises: the column
    # ``check_row`` names when a fault nobody foresaw stops the row's checks ("" if not known)
    at: str = ""

    def add(self, column: str, reason: str) -> None:
        self.faults.append((column, reason))


def label(column: str) -> str:
    return column.replace("_", " ")


def whole_number(text: str, *, minimum: int, maximum: int) -> tuple[int | None, str]:
    """A cell's (or a query's) whole number from ``minimum`` to ``maximum``, or None and why: the
    feeds' face of the one strict reading, ``rules.numbers.whole_number`` (ASCII digits 0 to 9 and
    nothing else: not "²", "٣" or full-width digits, no sign, point, exponent, "NaN" or "inf"; "0250"
    is 250), with the reason a row's report gives instead of an exception. A ``maximum`` beyond its
    18 digits (a database id's 2**63 - 1) is bounded by them: no id is that large."""
    try:
        return numbers.whole_number(text, minimum=minimum, maximum=maximum if maximum < 10**numbers.MAX_DIGITS else None), ""
    except numbers.NotWhole:
        if not text or not numbers.ASCII_DIGITS.issuperset(text):
            return None, "write it with the digits 0 to 9 only"
        return None, f"it must be from {minimum:,} to {maximum:,}"


# A database id's largest value (a bigint): the review API's schema states it as the bound.
LARGEST_ID = 2**63 - 1


def database_id(text: str | None) -> int | None:
    """An id typed into a feed page's query, a review decision or the review API (``link:<id>``,
    ``?page=``, ``?import=``, ``import_run``), or None when it is not one ("²", 5,000 digits)."""
    return whole_number(text or "", minimum=1, maximum=LARGEST_ID)[0]


def clean_cells(raw: RawRow, spec: FeedSpec, found: RowFaults) -> dict[str, str]:
    """Each column's text, stripped; a blank, over-long, undecodable or hidden-character cell is a
    fault of its column. (A cell of ASCII text holds no undecodable byte, and a printable one no
    hidden character: only the others are looked at a character at a time, ``undecodable`` and
    ``hidden_character``; only a date cell of 16 or 19 characters ending 00:00 can be midnight.)"""
    clean: dict[str, str] = {}
    values, dates, may_be_blank, max_length = raw.values, spec.dates, spec.may_be_blank, spec.max_length
    for column in spec.columns:
        found.at = column
        value = values.get(column, "")
        if not value.isascii() and undecodable(value):
            found.add(column, "Not UTF-8 text: save the file as CSV UTF-8 and import it again")
            continue
        value = value.strip()
        if column in dates and len(value) in (16, 19) and value.endswith("00:00"):
            value = _MIDNIGHT.sub("", value)  # a spreadsheet's date cell reads as midnight on that day
        if not value and column not in may_be_blank:
            found.add(column, f"Enter the {label(column)}")
            continue
        limit = max_length[column]
        if len(value) > limit:
            found.add(column, f"{len(value)} characters: the {label(column)} must be {limit} or fewer")
            continue
        if not value.isprintable():
            hidden = hidden_character(value)
            if hidden:
                found.add(column, f"Contains a control or invisible character ({hidden})")
                continue
        clean[column] = value
    found.at = ""
    return clean


def parse_date(text: str) -> tuple[datetime.date | None, str]:
    if not _ISO_DATE.fullmatch(text):
        return None, f"{text!r} is not a date in the form YYYY-MM-DD"
    try:
        return datetime.date.fromisoformat(text), ""
    except ValueError:
        return None, f"{text} is not a real date"


def parse_datetime(text: str) -> tuple[datetime.datetime | None, str]:
    if not text.isascii() or not _ISO_DATE.match(text) or len(text) < 16:  # a time in other digits is not in the form either
        return None, f"{text!r} is not a date and time in the form YYYY-MM-DDTHH:MM"
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None, f"{text} is not a real date and time"
    if moment.tzinfo is None:  # ``fromisoformat`` gives no zone, or a fixed offset
        # Records are kept in local time: a time without an offset is the time in England. A wall
        # time the clocks skip (1am to 2am on the last Sunday of March) never happened there: read
        # as it stands it would be an hour out, so the row is refused. One the clocks repeat (the
        # last Sunday of October) is read as the first, as custody systems keep it.
        wall = moment
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
        if moment.astimezone(datetime.UTC).astimezone(moment.tzinfo).replace(tzinfo=None) != wall:
            return None, f"{text} is not a time in England: the clocks went forward an hour at 1am that night"
    return moment, ""


def event_date(
    clean: dict[str, str], column: str, found: RowFaults, identity: Identity | None, *, future: bool = False
) -> datetime.date | None:
    """A date of something that happened (or, with ``future``, is expected): real, not before the
    date of birth, and not in the future unless it may be."""
    if column not in clean or not clean[column]:
        return None
    found.at = column
    value, why = parse_date(clean[column])
    if value is None:
        found.add(column, why)
    elif not future and value > clock.today():
        found.add(column, f"{value.isoformat()} is in the future")
        value = None
    elif identity is not None and value < identity.date_of_birth:
        found.add(column, f"{value.isoformat()} is before the date of birth")
        value = None
    found.at = ""
    return value


def _utc_date_before_today() -> datetime.date:
    """A day before today in any time zone (no zone is a day or more from UTC): a date before it is
    surely not in the future, without asking Django's current time zone (a context variable) a row."""
    return clock.now().astimezone(datetime.UTC).date() - _ONE_DAY


def identity(clean: dict[str, str], found: RowFaults) -> Identity | None:
    """Who the row is about: the PNC ID and prison number (checked, when given), names and date of birth."""
    ids: dict[str, str] = {}
    for name in ("pnc_id", "prison_number"):
        if clean.get(name):
            found.at = name
            try:
                ids[name] = IDENTIFIER_NORMALISERS[name](clean[name])
            except ValueError as exc:
                found.add(name, str(exc))
    dob: datetime.date | None = None
    if "date_of_birth" in clean:
        found.at = "date_of_birth"
        dob, why = parse_date(clean["date_of_birth"])
        if dob is None:
            found.add("date_of_birth", why)
        elif (dob >= _utc_date_before_today() and dob > clock.today()) or dob.year < 1900:
            found.add("date_of_birth", f"{dob.isoformat()} cannot be a date of birth")
            dob = None
    found.at = ""
    if dob is None or "family_name" not in clean or "given_name" not in clean or found.faults:
        return None
    return Identity(
        pnc_id=ids.get("pnc_id", ""),
        family_name=" ".join(clean["family_name"].split()),
        given_name=" ".join(clean["given_name"].split()),
        date_of_birth=dob,
        prison_number=ids.get("prison_number", ""),
    )


def offence_code(clean: dict[str, str], column: str, found: RowFaults, catalogue: frozenset[str]) -> str:
    found.at = column
    code = normalise_code(clean.get(column, ""))
    if code not in catalogue:
        found.add(column, unknown_codes([code]))
    found.at = ""
    return code


def choice(clean: dict[str, str], column: str, found: RowFaults, words: dict[str, str], wording: str) -> str:
    """The value ``words`` gives for the cell (case and spacing folded), else a fault naming ``wording``."""
    found.at = column
    value = words.get(" ".join(clean.get(column, "").split()).lower())
    found.at = ""
    if value is None:
        found.add(column, f"{clean.get(column, '')!r} is not a {label(column)}: use {wording}")
        return ""
    return value


def text_key(text: str) -> str:
    """A place's name as compared: case and spacing folded."""
    return " ".join(text.split()).casefold()


def check_row(raw: RawRow, spec: FeedSpec, catalogue: frozenset[str]) -> FeedRow | RowFaults:
    """The row checked column by column: a :class:`FeedRow`, or every fault found in it.

    The checks are meant to turn every cell into a value or a reason. Should one raise all the same
    (a cell nobody foresaw), that is this row's fault, never its batch's: the row is rejected with
    the column being checked, if known, and "could not be read" with what was raised. Only the
    checks are guarded so: they read the cells and write nothing, so nothing is half done. A fault
    while a row is written (``feeds.services``) still stops the import, to be run again."""
    found = RowFaults(raw.line, raw.values)
    try:
        return _check_row(raw, spec, catalogue, found)
    except Exception as exc:  # a fault of this row's cells, whatever it is: see above
        return _unreadable(found, exc, spec)


def _unreadable(found: RowFaults, exc: Exception, spec: FeedSpec) -> RowFaults:
    """The row rejected for a fault its checks raised, the faults found before it kept. Logged for
    whoever keeps IOM Hub by the kind of fault and where it was raised, never with its message,
    which may quote a cell (someone's name)."""
    frame = exc.__traceback__
    while frame is not None and frame.tb_next is not None:
        frame = frame.tb_next
    where = f"{frame.tb_frame.f_code.co_filename}:{frame.tb_lineno}" if frame is not None else "?"
    log.error("%s feed, line %s, column %r: a row check raised %s at %s", spec.feed, found.line, found.at, type(exc).__name__, where)
    detail = " ".join(str(exc).split())[:200] or type(exc).__name__
    what = f"The {label(found.at)}" if found.at else "The row"
    found.add(found.at, f"{what} could not be read: {detail}")
    return found


def _check_row(raw: RawRow, spec: FeedSpec, catalogue: frozenset[str], found: RowFaults) -> FeedRow | RowFaults:
    if raw.problem:
        found.add("", raw.problem)
        return found
    clean = clean_cells(raw, spec, found)
    if found.faults:
        return found
    who = identity(clean, found)
    checked = spec.check(clean, found, who, catalogue)
    if found.faults or checked is None or who is None:
        return found
    key, facts, fingerprint = checked
    return FeedRow(spec.feed, raw.line, raw.values, who, key, facts, fingerprint)
