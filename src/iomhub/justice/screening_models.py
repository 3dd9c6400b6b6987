"""The screening table: the periods in which each person's justice record meets an entry criterion
for IOM (``iomhub.rules.screening_periods``), kept current by the justice services as events are
recorded and rebuilt by ``python -m iomhub rebuild_screening`` (ADR 0036). Derived from the justice
record, so it belongs to its section: read only by the candidate list, which decides who is shown
through the access policy."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from iomhub.access.models import Section
from iomhub.people.models import Person


class ScreeningPeriod(models.Model):
    """One period (``starts_on`` to ``ends_on``, both included) in which ``person`` meets a justice
    criterion, with the arrests in the rolling year and the latest arrest on each day of it."""

    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.JUSTICE}
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    starts_on = models.DateField()
    ends_on = models.DateField()
    arrests_in_year = models.PositiveIntegerField()
    last_arrest = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["person_id", "starts_on"]
        # And on PostgreSQL ``justice_screening_rank`` (migration 0007): the candidate list's order.
        indexes = [models.Index(fields=["starts_on", "ends_on"], name="justice_screening_on")]

    def __str__(self) -> str:
        return f"Screening period of person {self.person_id}: {self.starts_on} to {self.ends_on}"


class ScreeningRebuild(models.Model):
    """A full rebuild of the screening table. While there is none the table is not in use and the
    candidate list screens on the fly; after one, every justice service keeps it current."""

    finished_at = models.DateTimeField(auto_now_add=True)
    people = models.PositiveIntegerField()
    periods = models.PositiveIntegerField()
    seconds = models.FloatField()

    class Meta:
        ordering = ["-finished_at", "-id"]

    def __str__(self) -> str:
        return f"Screening table rebuilt at {self.finished_at}: {self.periods} periods of {self.people} people"
