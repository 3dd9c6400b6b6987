"""Which agencies are involved in a person's case (002 §3: every involved agency is recorded).

The access policy reads this: a partner worker sees a person only while their organisation is
involved.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class AgencyInvolvement(models.Model):
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="involvements")
    organisation = models.ForeignKey("access.Organisation", on_delete=models.PROTECT, related_name="involvements")
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True)
    role_in_case = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organisation"], condition=models.Q(ended_on__isnull=True), name="one_open_involvement_per_agency"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in case of person {self.person_id}"
