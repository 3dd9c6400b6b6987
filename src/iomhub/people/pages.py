"""The frame every tab of the person page shares: the tabs a reader may open and what they may do.

Each app's tab view builds its page on ``person_context``; the Summary tab, which gathers sections
from every app, is composed above them all in ``iomhub.shell.person_page`` (ADR 0032).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from iomhub.access.models import Section
from iomhub.access.policy import Action, can, sections_for

if TYPE_CHECKING:
    from iomhub.access.http import AuthedRequest
    from iomhub.people.models import Person

# The person page's sub-navigation (issue 2 §8); each tab is a section of the record.
TABS: list[tuple[str, str, str]] = [
    ("summary", "Summary", Section.IDENTITY),
    ("timeline", "Timeline", Section.TIMELINE),
    ("plan", "Plan", Section.PLAN),
    ("assessments", "Assessments", Section.ASSESSMENTS),
    ("interventions", "Interventions", Section.HEALTH),
    ("justice", "Justice", Section.JUSTICE),
    ("documents", "Documents", Section.DOCUMENTS),
]
TAB_SECTIONS = {slug: section for slug, _, section in TABS}
# Which issue brings each placeholder tab to life; the page says so until it lands.
NOT_YET: dict[str, str] = {}


def person_context(request: AuthedRequest, person: Person, active: str) -> dict[str, Any]:
    allowed = sections_for(request.user)
    tabs = [
        {
            "slug": slug,
            "label": label,
            "href": f"/people/{person.pk}/" + ("" if slug == "summary" else f"{slug}/"),
            "active": slug == active,
        }
        for slug, label, section in TABS
        if section in allowed or request.user.has_role("chair")
    ]
    return {
        "person": person,
        "tabs": tabs,
        "sections": allowed,
        "can_edit": can(request.user, Action.PERSON_CHANGE, person, section=Section.IDENTITY),
        "can_edit_contact": can(request.user, Action.PERSON_CHANGE, person, section=Section.CONTACT),
        "can_edit_markers": can(request.user, Action.PERSON_CHANGE, person, section=Section.MARKERS),
        "can_export": can(request.user, Action.PERSON_EXPORT, person),
        "can_merge": can(request.user, Action.PERSON_MERGE, person),
    }
