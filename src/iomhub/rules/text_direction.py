"""Text-direction control characters in what people type or send (pure Python).

Unicode's bidirectional algorithm (UAX #9, "Explicit Directional Embeddings / Overrides /
Isolates", section 2.1-2.4) lets nine characters reorder the text that follows them: the
embeddings LRE U+202A and RLE U+202B, the pop PDF U+202C, the overrides LRO U+202D and RLO
U+202E, and the isolates LRI U+2066, RLI U+2067, FSI U+2068 and PDI U+2069. A string holding them
can display in a different order from the one it is stored and searched in: "Trojan Source"
(CVE-2021-42574, Boucher and Anderson 2021) used exactly these nine. In a name, a note or a
reason read by another agency, a hostile or pasted string could show a name reversed, hide words,
or make a note say something it does not. They are refused in every text field: no one types them
on purpose, and an override left open (no closing PDF or PDI) bleeds into the text shown after it.

The implicit marks LRM U+200E, RLM U+200F and ALM U+061C are not refused in free text: they only
set the direction of neutral characters beside them (UAX #9 section 2.6), cannot reorder letters,
and are used in right-to-left writing (an address or a name quoted in Arabic or Hebrew). Names and
identifiers refuse them anyway, with every other invisible character (``people.validators``,
``feeds.rows.clean_cells``): a mark there hides a record from search.
"""

from __future__ import annotations

# The explicit directional formatting characters of UAX #9 (Table 1), by code point.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def bidi_control(value: str) -> str | None:
    """The first text-direction control character in ``value``, as ``U+XXXX``, or None."""
    if value.isascii():
        return None
    for char in value:
        if char in BIDI_CONTROLS:
            return f"U+{ord(char):04X}"
    return None
