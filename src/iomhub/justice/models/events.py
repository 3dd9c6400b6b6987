"""The events of a justice record: the offence catalogue, arrests and their offences, court outcomes,
warrants and custody episodes."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from iomhub.access.models import Section
from iomhub.people.models import Person


class NeighbourhoodCrime(models.TextChoices):
    """The neighbourhood-crime categories of the IOM refresh (seed 003; instruments.md §5.2)."""

    BURGLARY = "burglary", "Burglary (domestic)"
    ROBBERY = "robbery", "Robbery (personal)"
    VEHICLE = "vehicle", "Vehicle crime"
    THEFT_FROM_PERSON = "theft-from-person", "Theft from the person"


class OffenceCode(models.Model):
    """One Home Office offence classification code with the categories the rules use.

    Loaded from ``offence_codes.csv`` (one source per row) by migration 0002 and the
    ``justice_load_offences`` command; never edited through the service.
    """

    code = models.CharField(max_length=10, unique=True)
    description = models.CharField(max_length=200)
    neighbourhood_crime = models.CharField(max_length=20, choices=NeighbourhoodCrime.choices, blank=True)
    ogrs3_group = models.CharField(max_length=40, blank=True, help_text="Blank where the source cannot decide the group")
    cost_category = models.CharField(max_length=40, blank=True)
    source = models.TextField()
    catalogue_version = models.CharField(max_length=20)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.description}"


class ArrestOutcome(models.TextChoices):
    NFA = "nfa", "No further action"
    RUI = "rui", "Released under investigation"
    BAIL = "bail", "Bail"
    CHARGE = "charge", "Charged"
    CAUTION = "caution", "Caution"


class Arrest(models.Model):
    # The section of the record each field belongs to (issue 9; access.projection, ADR 0010).
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.JUSTICE}
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="arrests")
    arrested_on = models.DateField()
    custody_suite = models.CharField(max_length=200)
    outcome = models.CharField(max_length=10, choices=ArrestOutcome.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-arrested_on", "-id"]
        indexes = [models.Index(fields=["person", "arrested_on"])]

    def __str__(self) -> str:
        return f"Arrest {self.arrested_on}"


class Offence(models.Model):
    """One offence, with its Home Office code; linked to the arrest it came from, if any."""

    # The section of the record each field belongs to (issue 9; access.projection, ADR 0010).
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.JUSTICE}

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="offences")
    code = models.ForeignKey(OffenceCode, on_delete=models.PROTECT, related_name="+")
    committed_on = models.DateField()
    arrest = models.ForeignKey(Arrest, on_delete=models.PROTECT, null=True, blank=True, related_name="offences")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-committed_on", "-id"]
        indexes = [models.Index(fields=["person", "committed_on"])]

    def __str__(self) -> str:
        return f"{self.code.code} on {self.committed_on}"


class Disposal(models.TextChoices):
    CUSTODY = "custody", "Immediate custody"
    SUSPENDED = "suspended", "Suspended sentence order"
    COMMUNITY = "community-order", "Community order"
    FINE = "fine", "Fine"
    CONDITIONAL_DISCHARGE = "conditional-discharge", "Conditional discharge"
    ABSOLUTE_DISCHARGE = "absolute-discharge", "Absolute discharge"
    CAUTION = "caution", "Caution"
    CONDITIONAL_CAUTION = "conditional-caution", "Conditional caution"


class Requirement(models.TextChoices):
    """Community and suspended sentence order requirements recorded by IOM (000 §6, 002 §5)."""

    DRR = "drr", "Drug rehabilitation requirement (DRR)"
    ATR = "atr", "Alcohol treatment requirement (ATR)"
    RAR = "rar", "Rehabilitation activity requirement (RAR)"
    UNPAID_WORK = "unpaid-work", "Unpaid work"
    CURFEW = "curfew", "Curfew (electronically monitored)"
    MENTAL_HEALTH = "mental-health", "Mental health treatment requirement"
    PROGRAMME = "programme", "Accredited programme"


class CourtOutcome(models.Model):
    # The section of the record each field belongs to (issue 9; access.projection, ADR 0010).
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.JUSTICE}
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="court_outcomes")
    decided_on = models.DateField(help_text="Date of conviction, or of the caution")
    court = models.CharField(max_length=200, blank=True)
    disposal = models.CharField(max_length=30, choices=Disposal.choices)
    requirements = models.JSONField(default=list, blank=True)
    fine_pounds = models.PositiveIntegerField(null=True, blank=True)
    offences = models.ManyToManyField(Offence, related_name="outcomes", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_disposal_display()} on {self.decided_on}"

    def requirement_labels(self) -> list[str]:
        return [Requirement(r).label for r in self.requirements if r in Requirement.values]


class Warrant(models.Model):
    # The section of the record each field belongs to (issue 9; access.projection, ADR 0010).
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.JUSTICE}

    class Kind(models.TextChoices):
        ARREST = "arrest", "Warrant for arrest"
        FAIL_TO_APPEAR = "fail-to-appear", "Failed to appear (bail warrant)"
        BREACH = "breach", "Breach of an order"
        RECALL = "recall", "Recall to custody (unlawfully at large)"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="warrants")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    issued_on = models.DateField()
    issued_by = models.CharField(max_length=200, blank=True)
    executed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} issued {self.issued_on}"


class CustodyEpisode(models.Model):
    # The section of the record each field belongs to (issue 9; access.projection, ADR 0010).
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.JUSTICE}

    class Kind(models.TextChoices):
        REMAND = "remand", "Remand"
        SENTENCED = "sentenced", "Sentenced"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="custody_episodes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    prison = models.CharField(max_length=200)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.prison} from {self.started_on}"
