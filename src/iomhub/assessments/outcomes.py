"""Treatment Outcomes Profiles (000 §4.9.3, §9.2; ``iomhub.rules.top``): authorise (the health
section), validate naming the question, write, audit."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from iomhub.access.models import Section, User
from iomhub.assessments.models import Stage, TreatmentOutcomesProfile
from iomhub.assessments.services import MAX_NOTE, _audit, _choice, _date
from iomhub.casework.services import authorise
from iomhub.rules import top
from iomhub.validation import clean_text

if TYPE_CHECKING:
    from iomhub.people.models import Person


def top_record(
    *,
    acting_user: User,
    person: Person,
    completed_on: datetime.date,
    stage: str,
    values: Mapping[str, Any],
    other_drug: str = "",
    notes: str = "",
) -> TreatmentOutcomesProfile:
    """A profile of the last 28 days at the start of treatment, a review or exit."""
    authorise(acting_user, person, section=Section.HEALTH)
    errors: dict[str, list[str]] = {}
    day = _date(errors, "completed_on", completed_on, "date of the profile", person)
    chosen = _choice(errors, "stage", stage, Stage, "the stage of treatment")
    for name, message in top.check(values).items():
        errors.setdefault(name, []).append(message)
    drug = clean_text(errors, "other_drug", other_drug, "which other drug", required=bool(values.get("other_drug_days")), limit=200)
    text = clean_text(errors, "notes", notes, "notes", required=False, limit=MAX_NOTE)
    if errors:
        raise ValidationError(errors)
    measures = {m.name: values.get(m.name) for m in top.MEASURES}
    with transaction.atomic():
        profile = TreatmentOutcomesProfile.objects.create(
            person=person,
            completed_on=day,
            stage=chosen,
            other_drug=drug,
            notes=text,
            recorded_by=acting_user,
            recorded_by_name=acting_user.display_name,
            **measures,
        )
        _audit(acting_user, profile, person, {"completed_on": day, "stage": chosen, "other_drug": drug, "notes": text, **measures})
    return profile
