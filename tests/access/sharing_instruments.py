"""The health and substance-misuse instruments of the crawl's person (issue 12 part 1): a marker in
every text field and a date of the health section on every record, written through the services
as a substance-misuse practitioner would. ``sharing_world`` calls these."""

from __future__ import annotations

from typing import Any

from tests.access.sharing_world import World


def _values(**given: Any) -> dict[str, Any]:
    from iomhub.rules.top import MEASURES

    values: dict[str, Any] = {m.name: (False if m.kind == "yes-no" else 0) for m in MEASURES}
    values.update(alcohol_units=None, psychological_health=7, physical_health=8, quality_of_life=6)
    values.update(given)
    return values


def add_instruments(w: World, person: Any) -> None:
    """An AUDIT-C and the full AUDIT after it, brief advice, a DASH with its MARAC referral, and
    Treatment Outcomes Profiles at the start and a review."""
    from iomhub.assessments import outcomes, risk, services

    worker = w.users["substance-misuse"]
    screened = w.day("health", -130)
    audit_c = services.alcohol_screening_record(
        acting_user=worker,
        person=person,
        instrument="audit-c",
        screened_on=screened,
        session="first",
        answers=[3, 3, 2],
        units_last_week=57,
        notes=w.mark("health", "auditcnote"),
    )
    services.alcohol_screening_record(
        acting_user=worker,
        person=person,
        instrument="audit",
        screened_on=screened,
        session="first",
        answers=[3, 3, 2, 2, 1, 1, 2, 1, 2, 4],
        units_last_week=57,
        notes=w.mark("health", "auditnote"),
        follows=audit_c,
    )
    services.brief_advice_record(
        acting_user=worker,
        person=person,
        given_on=w.day("health", -128),
        frames=["feedback", "advice", "menu"],
        goals=w.mark("health", "advicegoals"),
        leaflet_given=True,
        referral="treatment",
        duration_minutes=8,
        screening=audit_c,
    )
    checklist = risk.dash_record(
        acting_user=worker,
        person=person,
        completed_on=w.day("health", -110),
        answers=["yes"] * 15 + ["not-known"] * 3 + ["no"] * 6,
        professional_judgement=True,
        judgement_reasons=w.mark("health", "dashreasons"),
        incidents_last_12_months=2,
    )
    risk.marac_referral_record(
        acting_user=worker,
        checklist=checklist,
        referred_on=w.day("health", -70),
        marac=w.mark("health", "maracname"),
        notes=w.mark("health", "maracnotes"),
    )
    outcomes.top_record(
        acting_user=worker,
        person=person,
        completed_on=w.day("health", -125),
        stage="start",
        values=_values(opiates_days=22, crack_days=9, other_drug_days=4, shoplifting_days=6),
        other_drug=w.mark("health", "topdrug"),
        notes=w.mark("health", "topnotes"),
    )
    outcomes.top_record(
        acting_user=worker,
        person=person,
        completed_on=w.day("health", -40),
        stage="review",
        values=_values(opiates_days=5, crack_days=2, psychological_health=13),
        notes=w.mark("health", "topnotesb"),
    )
    w.ids["screening_id"] = audit_c.pk
    w.ids["checklist_id"] = checklist.pk


def add_more_instruments(w: World, person: Any) -> None:
    """One more of each (the protected change of the health section)."""
    from iomhub.assessments import outcomes, risk, services

    worker = w.users["substance-misuse"]
    services.alcohol_screening_record(
        acting_user=worker,
        person=person,
        instrument="audit-c",
        screened_on=w.day("health", -6),
        session="final",
        answers=[1, 1, 0],
        units_last_week=12,
        notes=w.mark("health", "auditcnoteb"),
    )
    risk.dash_record(
        acting_user=worker,
        person=person,
        completed_on=w.day("health", -11),
        answers=["no"] * 24,
        professional_judgement=False,
        incidents_last_12_months=0,
    )
    outcomes.top_record(
        acting_user=worker,
        person=person,
        completed_on=w.day("health", -4),
        stage="exit",
        values=_values(opiates_days=1),
        notes=w.mark("health", "topnotesc"),
    )
