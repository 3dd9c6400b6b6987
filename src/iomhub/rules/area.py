"""Whether a person lives in the partnership's area, from their current address's postcode.

Seed 000 §5.7: the entry criteria are for offenders "resident in" the area; "Offenders resident
outside of the ... area will not be included within this scheme but appropriate and timely
notifications should be made to their area of residency". Seed 002 §3 (local teams): the partnership
works through local teams, each covering part of the area; here each team names the postcode areas
("SO") or districts ("SO14") it covers, and the partnership's area is all of them together.

Not known is not evidence: no coverage configured, no current address, no fixed abode or a postcode
that is blank or malformed all give ``None`` (not known), never "outside".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from iomhub.rules.identifiers import normalise_postcode

# A postcode area (one or two letters) or district (area, a digit, then an optional digit or letter).
_ENTRY = re.compile(r"[A-Z]{1,2}(?:[0-9][0-9A-Z]?)?", re.ASCII)


def parse_coverage(text: str) -> tuple[str, ...]:
    """The postcode areas and districts in ``text`` (separated by commas, spaces or new lines),
    upper-cased, de-duplicated, in order. ``ValueError`` names the first entry that is neither."""
    if not isinstance(text, str):
        raise ValueError(f"coverage must be text, not {text!r}")
    seen: list[str] = []
    for raw in re.split(r"[\s,;]+", text.strip()):
        if not raw:
            continue
        entry = raw.upper()
        if not _ENTRY.fullmatch(entry):
            raise ValueError(f"{raw!r} is not a postcode area (for example SO) or district (for example SO14)")
        if entry not in seen:
            seen.append(entry)
    return tuple(seen)


def outward_code(postcode: str) -> str:
    """The outward code (district) of a postcode, e.g. "SO14" for "so14 3ab". ``ValueError`` if the
    postcode is not in the Royal Mail format."""
    return normalise_postcode(postcode).split(" ")[0]


def covering_entry(coverage: Iterable[str], postcode: str) -> str | None:
    """The coverage entry (district or area) that ``postcode`` falls in, or None."""
    district = outward_code(postcode)
    area = re.match(r"[A-Z]+", district, re.ASCII)
    entries = set(coverage)
    if district in entries:
        return district
    if area is not None and area.group(0) in entries:
        return area.group(0)
    return None


def resident_in_area(*, coverage: Iterable[str], postcode: str | None, no_fixed_abode: bool = False) -> bool | None:
    """True when the current address's postcode is in ``coverage``, False when it is a real postcode
    outside it, None (not known) when there is no coverage, no postcode, no fixed abode or a postcode
    that cannot be read."""
    entries = tuple(coverage)
    if not entries or no_fixed_abode or not postcode or not postcode.strip():
        return None
    try:
        return covering_entry(entries, postcode) is not None
    except ValueError:
        return None
