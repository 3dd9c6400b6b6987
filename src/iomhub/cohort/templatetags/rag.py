"""A RAG level's name without its meaning, for tags in tables and lists.

GOV.UK tags are one or two words; "Amber (reduce re-offending and rehabilitate)" wraps into a
block that breaks a list's line. Where a column or sentence already says it is the RAG level,
the tag shows "Amber" and the person's page keeps the meaning (002 appendix 1).
"""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def rag_name(label: object) -> str:
    """``"Amber (reduce re-offending and rehabilitate)"`` -> ``"Amber"``; a label with no meaning in brackets is kept whole."""
    return str(label).partition(" (")[0]
