"""A RAG level's name and its meaning, written apart.

GOV.UK tags are one or two words and have a maximum width: "Amber (reduce re-offending and
rehabilitate)" in a tag wraps into a three-line block. The tag shows the level's name ("Amber") and
the meaning follows it as plain text where the page gives it (002 appendix 1).
"""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def rag_name(label: object) -> str:
    """``"Amber (reduce re-offending and rehabilitate)"`` -> ``"Amber"``; a label with no meaning in brackets is kept whole."""
    return str(label).partition(" (")[0]


@register.filter
def rag_meaning(label: object) -> str:
    """``"Amber (reduce re-offending and rehabilitate)"`` -> ``"reduce re-offending and rehabilitate"``; ``""`` if none."""
    _, bracket, rest = str(label).partition(" (")
    if not bracket or not rest.endswith(")"):
        return ""
    return rest[:-1]
