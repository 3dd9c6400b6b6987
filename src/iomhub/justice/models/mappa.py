"""The person's MAPPA level (002 §4 "MAPPA Cases", 002 §2): one record per change, never edited."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from iomhub.access.models import Section
from iomhub.people.models import Person


class MappaCategory(models.TextChoices):
    """The MAPPA categories (000 §6.6.1: "violent offenders and registered sex offenders")."""

    SEXUAL = "1", "Category 1: registered sexual offender"
    VIOLENT = "2", "Category 2: violent offender"
    OTHER_DANGEROUS = "3", "Category 3: other dangerous offender"


MAPPA_LEVELS = [(1, "Level 1"), (2, "Level 2"), (3, "Level 3")]


class MappaManagement(models.Model):
    """A person's MAPPA management level from a date: the one record of it (ADR 0008). Seed 002 §4
    "MAPPA Cases": level 1 may be managed by IOM, level 2 may be dually managed (MAPPA holds the
    overarching responsibility), and 002 §2 requires deregistration at level 3 (not IOM-managed).

    The level on a day is the latest record from on or before that day; a record with no level says
    MAPPA management ended then. Rows are never edited: a change is a new row. Read by eligibility
    screening (``justice.selectors.screening_facts``) and the deregistration rules (``cohort.advice``).
    """

    # The section of the record each field belongs to (issue 9; access.projection, ADR 0010).
    AUDIT_TYPE = "mappa-level"  # the object_type of its audit events
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.JUSTICE}

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="mappa_records")
    level = models.PositiveSmallIntegerField("MAPPA level", null=True, blank=True, choices=MAPPA_LEVELS)
    category = models.CharField("MAPPA category", max_length=1, choices=MappaCategory.choices, blank=True)
    from_date = models.DateField("From")
    source = models.CharField("Decided at", max_length=200, blank=True, help_text="For example, the MAPPA meeting")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_by_name = models.CharField(max_length=200)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["from_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__isnull=True) | models.Q(level__in=[1, 2, 3]), name="mappa_level_1_to_3_or_ended"
            ),
        ]

    def __str__(self) -> str:
        return f"MAPPA level {self.level} from {self.from_date}" if self.level else f"MAPPA management ended {self.from_date}"


# The screening table (ADR 0036) lives in its own module; imported here so Django registers it.
