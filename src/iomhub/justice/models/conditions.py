"""Licence conditions and post-sentence supervision requirements of a sentence (002 §5)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from iomhub.access.models import Section
from iomhub.justice.models.sentences import Sentence
from iomhub.people.models import Person


class LicenceCondition(models.TextChoices):
    """Standard licence conditions, given to everyone released on licence (002 §5: "standard licence
    conditions given to all offenders"), in the wording of the Licence Conditions Order."""

    GOOD_BEHAVIOUR = "good-behaviour", "Be of good behaviour and not behave in a way which undermines the purpose of the licence"
    NO_OFFENCE = "no-offence", "Not commit any offence"
    KEEP_IN_TOUCH = "keep-in-touch", "Keep in touch with the supervising officer as instructed"
    RECEIVE_VISITS = "receive-visits", "Receive visits from the supervising officer as instructed"
    RESIDE = "reside", "Reside permanently at an approved address and get prior permission for one or more nights away"
    WORK = "work", "Only undertake approved work and notify the supervising officer of changes"
    TRAVEL = "travel", "Not travel outside the United Kingdom, the Channel Islands or the Isle of Man without prior permission"


class AdditionalCondition(models.TextChoices):
    """Additional (discretionary) licence conditions "given to some" (002 §5), by the kinds of
    condition the Licence Conditions Order allows, and the drug-testing and drug-appointment
    conditions the Offender Rehabilitation Act 2014 added (002 §5)."""

    RESIDENCE = "residence", "Residence at a specified place"
    RESIDENCY_RESTRICTION = "residency-restriction", "Restriction of residency"
    CONTACT = "contact", "Making or maintaining contact with a person, or not contacting them"
    PROGRAMME = "programme", "Participation in, or co-operation with, a programme or set of activities"
    ITEMS = "items", "Possession, ownership, control or inspection of specified items or documents"
    DISCLOSURE = "disclosure", "Disclosure of information"
    CURFEW = "curfew", "Curfew arrangement"
    EXCLUSION = "exclusion", "Freedom of movement (exclusion zone)"
    SUPERVISION = "supervision", "Supervision in the community by another officer or organisation"
    CONDUCT = "conduct", "Restriction of specified conduct or acts"
    ELECTRONIC_MONITORING = "electronic-monitoring", "Electronic monitoring"
    DRUG_TESTING = "drug-testing", "Undertake drug testing (Class A or B drugs)"
    DRUG_APPOINTMENTS = "drug-appointments", "Attend, and stay for, drug appointments as directed"


class PssRequirement(models.TextChoices):
    """The requirements of post-sentence supervision, set by the governor of the releasing prison
    (002 §5, items 1-10). Additional licence conditions are not available for supervision."""

    GOOD_BEHAVIOUR = "good-behaviour", "Good behaviour"
    NO_OFFENCE = "no-offence", "Not commit any offence"
    KEEP_IN_TOUCH = "keep-in-touch", "Keep in touch"
    RECEIVE_VISITS = "receive-visits", "Receive visits"
    RESIDE = "reside", "Reside at approved address and get prior permission for one or more nights away"
    WORK = "work", "Only undertake approved work and notify of changes"
    TRAVEL = "travel", "Not to travel outside British Isles"
    ACTIVITIES = "activities", "Participate in activities as directed by a supervisor"
    DRUG_TESTING = "drug-testing", "Undertake drug testing"
    DRUG_APPOINTMENTS = "drug-appointments", "Attend drug appointments"


DRUG_TESTING = "drug-testing"
DRUG_CONDITIONS = frozenset({"drug-testing", "drug-appointments"})


class SupervisionConditions(models.Model):
    """The licence conditions and post-sentence supervision requirements of one sentence, as the
    governor of the releasing prison set them (002 §5). Changed only through
    ``services.conditions_set`` (optimistic locking on ``version``; every change audited)."""

    # The section of the record each field belongs to (issue 9; access.projection, ADR 0010).
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.JUSTICE}

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="supervision_conditions")
    sentence = models.OneToOneField(Sentence, on_delete=models.PROTECT, related_name="conditions")
    set_on = models.DateField(help_text="The date the governor set (or last varied) the conditions")
    licence_standard = models.JSONField(default=list, blank=True)
    licence_additional = models.JSONField(default=list, blank=True)
    additional_wording = models.TextField(blank=True, help_text="The wording of the additional licence conditions")
    pss_requirements = models.JSONField(default=list, blank=True)
    drug_test_criteria_met = models.BooleanField(
        default=False, help_text="Propensity to misuse Class A or B drugs that caused or contributed to offending (002 §5)"
    )
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "supervision conditions"

    def __str__(self) -> str:
        return f"Conditions of sentence {self.sentence_id}"

    def licence_standard_labels(self) -> list[str]:
        return [LicenceCondition(c).label for c in self.licence_standard if c in LicenceCondition.values]

    def licence_additional_labels(self) -> list[str]:
        return [AdditionalCondition(c).label for c in self.licence_additional if c in AdditionalCondition.values]

    def pss_labels(self) -> list[str]:
        return [PssRequirement(c).label for c in self.pss_requirements if c in PssRequirement.values]

    @property
    def all_standard(self) -> bool:
        return set(self.licence_standard) == set(LicenceCondition.values)
