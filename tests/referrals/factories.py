"""A complete referral (002 appendix 2) in the shapes the service, the API and the pages take."""

from __future__ import annotations

import datetime
from typing import Any

from iomhub.referrals.models import SCREENING_QUESTIONS, Pathway, PriorityGroup, Referral
from tests.factories import pnc

PNC = pnc(2009, 1234567)


def complete_answers() -> dict[str, Any]:
    return {
        "first_name": "Dean",
        "last_name": "Referralton",
        "date_of_birth": datetime.date(1994, 8, 21),
        "sex": "male",
        "urn": "",
        "pnc_id": PNC,
        "ni_number": "",
        "address": "12 Harbour Row, Southhaven",
        "postcode": "SO14 2AA",
        "contact_numbers": "07700 900123 (M)",
        "email": "",
        "warnings": "Violence (PNC), drugs (Niche)",
        "contact": "PO Sam Taylor, 01234 567890",
        "referral_date": datetime.date(2026, 11, 2),
        "justification": "Seven arrests for shoplifting and burglary in ten months; disengaged from treatment.",
        "ogrs_score": 78,
        "licence_expiry": datetime.date(2027, 3, 1),
        "sentence_expiry": datetime.date(2027, 9, 1),
        "index_offences": "Burglary (dwelling), theft from the person",
        "offending_history": "Known for acquisitive crime since 2012",
        "agencies": [{"agency": "Southhaven Housing", "person": "Ali Green", "contact": "01234 111222"}],
        "pathways": {p: {"risk": "amber", "needs": f"{p} needs", "actions": f"{p} actions"} for p in Pathway.values},
        "priority_groups": {g: g == PriorityGroup.SERIOUS_ACQUISITIVE for g in PriorityGroup.values},
        "proposed_rag": "amber",
        "threat_harm_risk": "Medium risk of serious harm to the public; high risk of reoffending.",
        "screening": {key: f"Yes: answer to {key}" for key, _ in SCREENING_QUESTIONS},
    }


def complete_json() -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in complete_answers().items()}


def step_posts() -> dict[str, dict[str, Any]]:
    """The form posts of every question page for the complete referral above."""
    a = complete_answers()

    def date(name: str) -> dict[str, str]:
        day = a[name]
        return {f"{name}_day": str(day.day), f"{name}_month": str(day.month), f"{name}_year": str(day.year)}

    person = {
        k: a[k]
        for k in (
            "first_name",
            "last_name",
            "sex",
            "urn",
            "pnc_id",
            "ni_number",
            "address",
            "postcode",
            "contact_numbers",
            "email",
            "warnings",
        )
    }
    return {
        "person": {**person, **date("date_of_birth")},
        "referrer": {"contact": a["contact"], **date("referral_date")},
        "justification": {
            "justification": a["justification"],
            "ogrs_score": str(a["ogrs_score"]),
            "index_offences": a["index_offences"],
            "offending_history": a["offending_history"],
            **date("licence_expiry"),
            **date("sentence_expiry"),
        },
        "agencies": {"agency_1": "Southhaven Housing", "person_1": "Ali Green", "contact_1": "01234 111222"},
        "risk": {f"{p}_{k}": v for p, e in a["pathways"].items() for k, v in e.items()},
        "priority": {"priority_groups": [g for g, yes in a["priority_groups"].items() if yes]},
        "threat": {"proposed_rag": a["proposed_rag"], "threat_harm_risk": a["threat_harm_risk"], **a["screening"]},
    }


def make_referral(*, by: Any, person: Any = None, status: str = Referral.Status.SUBMITTED, **changes: Any) -> Referral:
    """A referral straight into the database (for tests that start after the form is done)."""
    answers = {**complete_answers(), **changes}
    if person is not None:
        answers.update(first_name=person.first_name, last_name=person.last_name, date_of_birth=person.date_of_birth, pnc_id=person.pnc_id)
    return Referral.objects.create(
        referring_organisation=by.organisation,
        referred_by=by,
        person=person,
        status=status,
        **answers,
    )
