"""``matching.may_compare``, the cheap first pass of a batch's duplicate check (issue 11), is never
False where ``compare`` finds a possible match: over every variant the matching tests name, both
ways round, and every pair of a couple of hundred synthetic people born a typo or a swap apart."""

from __future__ import annotations

import itertools

import pytest

from iomhub.feeds.linkage_model import synthetic
from iomhub.people.matching import Identity, compare, date_variants, may_compare
from tests.people.test_matching import DIFFERENT_PEOPLE, ON_RECORD, SAME_PERSON

VARIANTS = [c[1] for c in SAME_PERSON] + [c[1] for c in DIFFERENT_PEOPLE]


@pytest.mark.parametrize("typed", VARIANTS)
def test_never_false_where_compare_finds_a_match(typed):
    for a, b in ((typed, ON_RECORD), (ON_RECORD, typed)):
        if compare(a, b) is not None:
            assert may_compare(a, b)


def test_on_synthetic_people_it_agrees_with_compare_and_filters_most_pairs():
    people = [Identity(p.first_name, p.surname, p.dob) for p in synthetic.people(7, 120)]
    people += [Identity(p.first_name[:-1] or "A", p.surname, d) for p in synthetic.people(8, 40) for d in sorted(date_variants(p.dob))[:3]]
    found = filtered = 0
    for a, b in itertools.permutations(people, 2):
        if compare(a, b) is not None:
            found += 1
            assert may_compare(a, b), (a, b)
        elif not may_compare(a, b):
            filtered += 1
    assert found > 0
    assert filtered > 0
