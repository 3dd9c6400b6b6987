"""Synthetic people, and feed rows about them as other systems key them, with the truth known
(issue 11 §3): names spelled three ways, typos (a letter slipped, dropped, doubled or two swapped),
nicknames, a changed surname, date of birth with day and month swapped or a digit wrong, PNC IDs
missing. Used to train the linkage model offline and, from another seed, to measure it
(``make bench``). No real person: the names are common British names, combined at random."""

from __future__ import annotations

import contextlib
import datetime
import random
from dataclasses import dataclass

from iomhub.rules.identifiers import pnc_check_character

# Each a name spelled three ways (the first the usual one).
GIVEN = (
    ("Mohammed", "Mohamed", "Muhammad"),
    ("John", "Jon", "Jonn"),
    ("Stephen", "Steven", "Stephan"),
    ("Catherine", "Katherine", "Kathryn"),
    ("Aidan", "Aiden", "Ayden"),
    ("Sean", "Shaun", "Shawn"),
    ("Zoe", "Zoey", "Zowie"),
    ("Jayden", "Jaden", "Jaydon"),
    ("Lewis", "Louis", "Luis"),
    ("Philip", "Phillip", "Filip"),
    ("Sarah", "Sara", "Sarrah"),
    ("Leanne", "Lianne", "Leeanne"),
    ("Callum", "Calum", "Kallum"),
    ("Nathan", "Nathen", "Nathon"),
    ("Kirsty", "Kirstie", "Kirsti"),
    ("Daniel", "Danial", "Daniell"),
    ("Rebecca", "Rebekah", "Rebeca"),
    ("Jamie", "Jaimie", "Jamey"),
    ("Connor", "Conor", "Conner"),
    ("Bethany", "Bethanie", "Bethaney"),
    ("Liam", "Leam", "Lliam"),
    ("Ryan", "Rian", "Ryann"),
    ("Kayleigh", "Kayley", "Kaylee"),
    ("Dean", "Deane", "Deen"),
    ("Craig", "Kraig", "Craige"),
    ("Tyler", "Tylor", "Tiler"),
    ("Chloe", "Khloe", "Cloe"),
    ("Bradley", "Bradly", "Bradlee"),
    ("Gemma", "Jemma", "Gema"),
    ("Ashley", "Ashleigh", "Ashlee"),
)
NICKNAMES = {"Stephen": "Steve", "Catherine": "Kate", "Daniel": "Danny", "Rebecca": "Becky", "Philip": "Phil", "Bradley": "Brad"}
SURNAMES = (
    ("Smith", "Smyth", "Smithe"),
    ("Thompson", "Thomson", "Tomson"),
    ("Macdonald", "McDonald", "MacDonald"),
    ("Reid", "Reed", "Read"),
    ("Clarke", "Clark", "Clerk"),
    ("Davies", "Davis", "Davis"),
    ("Stevens", "Stephens", "Stevans"),
    ("Matthews", "Mathews", "Matthewes"),
    ("Philips", "Phillips", "Philipps"),
    ("Grey", "Gray", "Graye"),
    ("Anderson", "Andersen", "Andersson"),
    ("Johnston", "Johnstone", "Johnson"),
    ("Murphy", "Murphey", "Murphie"),
    ("Kelly", "Kelley", "Kellie"),
    ("Walsh", "Welsh", "Walshe"),
    ("Byrne", "Burn", "Byrnes"),
    ("Harrison", "Harrisson", "Harison"),
    ("Robertson", "Robinson", "Robertsen"),
    ("Wright", "Write", "Rite"),
    ("Hughes", "Hewes", "Hughs"),
    ("Patel", "Patell", "Pattel"),
    ("Khan", "Kahn", "Khaan"),
    ("Hussain", "Husain", "Hussein"),
    ("Begum", "Begam", "Bagum"),
    ("Ali", "Aly", "Alli"),
    ("Evans", "Evens", "Evan"),
    ("Roberts", "Robberts", "Robert"),
    ("Walker", "Walkar", "Wolker"),
    ("Turner", "Turnor", "Turnner"),
    ("Cooper", "Coopper", "Couper"),
    ("Ward", "Warde", "Wardd"),
    ("Morris", "Morriss", "Maurice"),
    ("Bennett", "Bennet", "Benett"),
    ("Shaw", "Shore", "Shawe"),
    ("Mason", "Masson", "Mayson"),
    ("Fletcher", "Flecher", "Fletchar"),
    ("Holmes", "Homes", "Holms"),
    ("Barker", "Barkar", "Baker"),
    ("Lloyd", "Loyd", "Lloyde"),
    ("Doherty", "Docherty", "Dougherty"),
)


@dataclass(frozen=True)
class Synthetic:
    person: int  # who it truly is
    first_name: str
    surname: str
    dob: datetime.date
    pnc_id: str


def _typo(rng: random.Random, name: str) -> str:
    if len(name) < 4:
        return name
    i = rng.randrange(1, len(name) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return name[:i] + name[i + 1 :]  # a letter dropped
    if kind == 1:
        return name[:i] + name[i] + name[i:]  # doubled
    if kind == 2:
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]  # two swapped
    return name[:i] + rng.choice("aeiou") + name[i + 1 :]  # one slipped


def _pnc(rng: random.Random) -> str:
    year, serial = rng.randrange(1990, 2025), rng.randrange(1, 9_999_999)
    return f"{year}/{serial:07d}{pnc_check_character(str(year), str(serial))}"


def people(seed: int, count: int) -> list[Synthetic]:
    """``count`` distinct people: each a usual spelling of a name pair, a date of birth, half a PNC ID."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, reproducible by seed
    found: list[Synthetic] = []
    seen: set[tuple[str, str, datetime.date]] = set()
    while len(found) < count:
        first, last = rng.choice(GIVEN)[0], rng.choice(SURNAMES)[0]
        dob = datetime.date(1960, 1, 1) + datetime.timedelta(days=rng.randrange(45 * 365))
        if (first, last, dob) in seen:
            continue
        seen.add((first, last, dob))
        found.append(Synthetic(len(found), first, last, dob, _pnc(rng) if rng.random() < 0.5 else ""))
    return found


def _variant(rng: random.Random, names: tuple[tuple[str, ...], ...], name: str) -> str:
    for spellings in names:
        if spellings[0] == name:
            return rng.choice(spellings[1:])
    return name


def keyed(rng: random.Random, who: Synthetic) -> Synthetic:
    """``who`` as another system keyed them: one or two of the slips real feeds carry."""
    first, last, dob, pnc = who.first_name, who.surname, who.dob, who.pnc_id
    for _ in range(rng.choice((1, 1, 2))):
        slip = rng.random()
        if slip < 0.25:
            first = _variant(rng, GIVEN, first)
        elif slip < 0.45:
            last = _variant(rng, SURNAMES, last)
        elif slip < 0.6:
            first = _typo(rng, first) if rng.random() < 0.5 else first
            last = _typo(rng, last) if first == who.first_name else last
        elif slip < 0.7:
            first = NICKNAMES.get(first, _typo(rng, first))
        elif slip < 0.85 and dob.day <= 12 and dob.day != dob.month:
            dob = dob.replace(day=dob.month, month=dob.day)  # day and month swapped
        elif slip < 0.95:
            text = dob.isoformat()
            i = rng.choice((2, 3, 9))
            with contextlib.suppress(ValueError):  # a digit that makes no date: the row keeps its date
                dob = datetime.date.fromisoformat(text[:i] + str((int(text[i]) + rng.choice((1, 9))) % 10) + text[i + 1 :])
        else:
            last = rng.choice(SURNAMES)[0]  # a changed surname
    if rng.random() < 0.6:
        pnc = ""  # the feed had no PNC ID for them
    return Synthetic(who.person, first, last, dob, pnc)


def labelled_rows(seed: int, known: list[Synthetic], count: int, share_known: float = 0.6) -> list[Synthetic]:
    """``count`` feed rows: ``share_known`` about people in ``known`` (keyed with slips), the rest
    about people not in it (``person`` = -1), some of them sharing a name or a date of birth with
    someone who is, as real newcomers do."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, reproducible by seed
    strangers = people(seed + 7919, count)
    rows: list[Synthetic] = []
    for i in range(count):
        if rng.random() < share_known:
            rows.append(keyed(rng, rng.choice(known)))
        else:
            s = strangers[i]
            if rng.random() < 0.3:
                near = rng.choice(known)
                s = Synthetic(-1, s.first_name, near.surname, s.dob, s.pnc_id)
            elif rng.random() < 0.3:
                near = rng.choice(known)
                s = Synthetic(-1, s.first_name, s.surname, near.dob, s.pnc_id)
            rows.append(Synthetic(-1, s.first_name, s.surname, s.dob, s.pnc_id))
    return rows
