"""Issue 5 §2 in a real browser: a coordinator merges a duplicate into the record kept (choose,
check your answers, merge), then undoes it from the record's merges page; every page axe-clean,
the error states too."""

from __future__ import annotations

import pytest

from iomhub.access.models import Role
from iomhub.people.models import Person, PersonMerge
from tests.factories import PASSWORD, PersonFactory
from tests.justice import factories as justice

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_coordinator_merges_a_duplicate_and_undoes_it_in_the_browser(session, partnership):
    kept = partnership.ordinary
    duplicate = PersonFactory(first_name="Jordon", last_name="Example", date_of_birth=kept.date_of_birth, pnc_id="")
    justice.arrest(user=partnership.users[Role.POLICE_IOM_OFFICER], person=duplicate)
    session.sign_in(Role.COORDINATOR.value, PASSWORD)
    page = session.page
    session.go(f"/people/{duplicate.pk}/")
    session.follow("a:has-text('Merge this duplicate into another record')")
    session.assert_accessible("choose the record to keep")
    session.follow("button:has-text('Continue')")
    session.assert_accessible("choose the record to keep, nothing chosen")
    assert "Select the record to keep" in page.content()
    page.check(f"input[name='into'][value='{kept.pk}']")
    session.follow("button:has-text('Continue')")
    session.assert_accessible("check before merging")
    session.follow("button:has-text('Merge records')")
    session.assert_accessible("check before merging, no reason")
    page.fill("[name='reason']", "Same custody photograph and date of birth")
    session.follow("button:has-text('Merge records')")
    assert page.url.endswith(f"/people/{kept.pk}/")
    session.assert_accessible("record kept after the merge")
    assert Person.objects.get(pk=duplicate.pk).merged_into_id == kept.pk
    session.follow("a:has-text('Merges')")
    session.assert_accessible("merges of the record kept")
    session.follow("a:has-text('Undo')")
    session.assert_accessible("undo the merge")
    page.fill("[name='reason']", "They are brothers")
    session.follow("button:has-text('Undo merge')")
    assert page.url.endswith(f"/people/{duplicate.pk}/")
    assert PersonMerge.objects.get().undone_at is not None
    assert Person.objects.get(pk=duplicate.pk).arrests.count() == 1


def test_a_refused_merge_page_is_accessible(session, partnership):
    """Both records have the police involved now: the check page explains why they cannot merge."""
    session.sign_in(Role.IG_LEAD.value, PASSWORD)
    session.go(f"/people/{partnership.housing_case.pk}/merge/?into={partnership.ordinary.pk}")
    assert "These records cannot be merged" in session.page.content()
    session.assert_accessible("refused merge")
