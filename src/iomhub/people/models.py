"""A person managed or considered by the partnership, with everything that identifies them.

Seed 002 appendix 2 (referral form: name, DOB, URN, PNC ID, address, contact numbers typed
M/H/W/O, NI number, warnings); 000 §5.6 (equality monitoring, optional).
"""

from __future__ import annotations

import datetime
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from iomhub import clock
from iomhub.access.models import Section
from iomhub.crypto.fields import EncryptedCharField
from iomhub.people import validators as v


class Sex(models.TextChoices):
    MALE = "male", "Male"
    FEMALE = "female", "Female"
    NOT_KNOWN = "not-known", "Not known"


class Ethnicity(models.TextChoices):
    """ONS 2021 census ethnic groups (England and Wales)."""

    ASIAN_BANGLADESHI = "A1", "Asian or Asian British: Bangladeshi"
    ASIAN_CHINESE = "A2", "Asian or Asian British: Chinese"
    ASIAN_INDIAN = "A3", "Asian or Asian British: Indian"
    ASIAN_PAKISTANI = "A4", "Asian or Asian British: Pakistani"
    ASIAN_OTHER = "A5", "Asian or Asian British: any other Asian background"
    BLACK_AFRICAN = "B1", "Black, Black British, Caribbean or African: African"
    BLACK_CARIBBEAN = "B2", "Black, Black British, Caribbean or African: Caribbean"
    BLACK_OTHER = "B3", "Black, Black British, Caribbean or African: any other background"
    MIXED_WHITE_ASIAN = "M1", "Mixed or multiple: White and Asian"
    MIXED_WHITE_BLACK_AFRICAN = "M2", "Mixed or multiple: White and Black African"
    MIXED_WHITE_BLACK_CARIBBEAN = "M3", "Mixed or multiple: White and Black Caribbean"
    MIXED_OTHER = "M4", "Mixed or multiple: any other background"
    WHITE_BRITISH = "W1", "White: English, Welsh, Scottish, Northern Irish or British"
    WHITE_IRISH = "W2", "White: Irish"
    WHITE_GYPSY = "W3", "White: Gypsy or Irish Traveller"
    WHITE_ROMA = "W4", "White: Roma"
    WHITE_OTHER = "W9", "White: any other White background"
    OTHER_ARAB = "O1", "Other ethnic group: Arab"
    OTHER = "O9", "Other ethnic group: any other"
    NOT_STATED = "NS", "Prefer not to say"


class Restriction(models.TextChoices):
    NONE = "", "Not restricted"
    MAPPA = "mappa", "MAPPA managed"
    COUNTER_TERRORISM = "counter-terrorism", "Counter-terrorism person of interest"
    OTHER = "other", "Other sensitivity"


# The section each restriction's reason belongs to (issue 9; ADR 0010): everyone who may see a
# restricted person learns that the record is restricted, so they handle it with care, but why only
# with the section the reason is part of. MAPPA management is the justice record's (the MAPPA level
# is ``justice.MappaManagement``, justice section); being a counter-terrorism person of interest is
# police intelligence; "other sensitivity" names no reason, so it says no more than "restricted".
RESTRICTION_SECTIONS: dict[str, str] = {
    Restriction.MAPPA: Section.JUSTICE,
    Restriction.COUNTER_TERRORISM: Section.INTELLIGENCE,
    Restriction.OTHER: Section.IDENTITY,
}
# What a reader who may not see a restriction's reason is told of it (the API's ``restriction``).
RESTRICTED = "restricted"


class Person(models.Model):
    # The section of the record each field belongs to (issue 9; access.projection, ADR 0010).
    SECTIONS: ClassVar[dict[str, str]] = {
        "*": Section.IDENTITY,
        "email": Section.CONTACT,
        "gender_identity": Section.EQUALITY,
        "ethnicity": Section.EQUALITY,
        "disability": Section.EQUALITY,
        "religion": Section.EQUALITY,
        "sexual_orientation": Section.EQUALITY,
    }
    first_name = models.CharField(max_length=100)
    middle_names = models.CharField(max_length=200, blank=True)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.NOT_KNOWN)
    gender_identity = models.CharField(max_length=100, blank=True, help_text="As the person describes it")

    # Equality monitoring: optional, never required to register someone (000 §5.6).
    ethnicity = models.CharField(max_length=2, choices=Ethnicity.choices, blank=True)
    disability = models.CharField(max_length=20, choices=[("yes", "Yes"), ("no", "No"), ("not-stated", "Prefer not to say")], blank=True)
    religion = EncryptedCharField(max_length=100, blank=True)  # ADR 0039
    sexual_orientation = EncryptedCharField(max_length=100, blank=True)

    pnc_id = models.CharField("PNC ID", max_length=13, blank=True, validators=[v.validate_pnc_id], db_index=True)
    cro_number = models.CharField("CRO number", max_length=13, blank=True, validators=[v.validate_cro_number], db_index=True)
    urn = models.CharField("URN", max_length=30, blank=True, validators=[v.validate_urn], db_index=True)
    ni_number = models.CharField("National Insurance number", max_length=9, blank=True, validators=[v.validate_ni_number], db_index=True)
    prison_number = models.CharField(max_length=7, blank=True, validators=[v.validate_prison_number], db_index=True)
    crn = models.CharField("Probation CRN", max_length=7, blank=True, validators=[v.validate_crn], db_index=True)
    nhs_number = models.CharField("NHS number", max_length=10, blank=True, validators=[v.validate_nhs_number], db_index=True)

    email = models.EmailField(blank=True)

    restriction = models.CharField(max_length=20, choices=Restriction.choices, blank=True, default="")
    managing_team = models.ForeignKey("access.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="people")

    # Search helper: lower-cased names and aliases, kept in step by the services.
    search_names = models.TextField(blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    # A duplicate merged into another record is kept (never deleted) and points at the record kept;
    # its records have moved there (see ``PersonMerge``, which can put them back).
    # Indexed only where set (see Meta): almost every record has none, and a full index on the NULLs
    # led SQLite's planner to scan it for "not merged" instead of using the identifier indexes.
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="+", db_index=False
    )

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        indexes = [
            models.Index(fields=["last_name", "first_name"]),
            models.Index(fields=["date_of_birth"]),
            models.Index(fields=["merged_into"], name="person_merged_into_set", condition=models.Q(merged_into__isnull=False)),
        ]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.display_name

    def clean(self) -> None:
        """A date of birth must be real, after 1900 and in the past."""
        if isinstance(self.date_of_birth, datetime.date):
            if self.date_of_birth >= clock.today():
                raise ValidationError({"date_of_birth": "Date of birth must be in the past"})
            if self.date_of_birth.year < 1900:
                raise ValidationError({"date_of_birth": "Date of birth must be after 1900"})

    @property
    def display_name(self) -> str:
        return f"{self.last_name.upper()}, {self.first_name}"

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.middle_names, self.last_name) if p)

    @property
    def restriction_section(self) -> str | None:
        """The section the reason for the person's restriction belongs to (None when not
        restricted); an unknown reason is police intelligence, the narrowest section."""
        if not self.restriction:
            return None
        return RESTRICTION_SECTIONS.get(self.restriction, Section.INTELLIGENCE)


class Alias(models.Model):
    # The section of the record each field belongs to (issue 9; access.projection, ADR 0010).
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.IDENTITY}
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name_plural = "aliases"

    def __str__(self) -> str:
        return f"{self.last_name.upper()}, {self.first_name}"


class Address(models.Model):
    # The section of the record each field belongs to (issue 9; access.projection, ADR 0010).
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.CONTACT}
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    line_1 = models.CharField(max_length=200)
    line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True, validators=[v.validate_postcode], db_index=True)
    from_date = models.DateField(null=True, blank=True)
    to_date = models.DateField(null=True, blank=True)
    no_fixed_abode = models.BooleanField(default=False)

    class Meta:
        ordering = ["-from_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(to_date__isnull=True) | models.Q(from_date__isnull=True) | models.Q(to_date__gte=models.F("from_date")),
                name="address_dates_in_order",
                violation_error_message="The date the person left must be the same as or after the date they moved in",
            )
        ]
        verbose_name_plural = "addresses"

    def __str__(self) -> str:
        return ", ".join(p for p in (self.line_1, self.line_2, self.town, self.postcode) if p)

    def clean(self) -> None:
        if self.from_date and self.to_date and self.to_date < self.from_date:
            raise ValidationError({"to_date": "The date the person left must be the same as or after the date they moved in"})

    @property
    def is_current(self) -> bool:
        return self.to_date is None


class ContactNumber(models.Model):
    # The section of the record each field belongs to (issue 9; access.projection, ADR 0010).
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.CONTACT}

    class Kind(models.TextChoices):
        MOBILE = "M", "Mobile"
        HOME = "H", "Home"
        WORK = "W", "Work"
        OTHER = "O", "Other"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contact_numbers")
    kind = models.CharField(max_length=1, choices=Kind.choices)
    number = models.CharField(max_length=20)

    def __str__(self) -> str:
        return f"{self.number} ({self.kind})"


class Marker(models.Model):
    """A warning or marker (e.g. violence, weapons) that anyone visiting should know."""

    # The section of the record each field belongs to (issue 9; access.projection, ADR 0010).
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.MARKERS}

    class Kind(models.TextChoices):
        VIOLENCE = "violence", "Violence"
        WEAPONS = "weapons", "Weapons"
        FIREARMS = "firearms", "Firearms"
        DRUGS = "drugs", "Drugs"
        SELF_HARM = "self-harm", "Self-harm or suicide risk"
        MENTAL_HEALTH = "mental-health", "Mental health"
        DOG = "dog", "Dangerous dog at address"
        DOMESTIC_ABUSE = "domestic-abuse", "Domestic abuse perpetrator"
        OTHER = "other", "Other"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="markers")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    note = models.CharField(max_length=500, blank=True)
    added_on = models.DateField(default=timezone.localdate)

    def __str__(self) -> str:
        return self.get_kind_display()


class PersonMerge(models.Model):
    """One duplicate record merged into the record kept (issue 5 §2), with exactly what moved, so
    that undoing it puts every row back. ``moved`` is ``{"app_label.model.field": [row ids]}``;
    ``duplicate_identity`` the duplicate's names, date of birth and identifiers at the merge;
    ``identifiers_copied`` the identifiers the kept record lacked and took from the duplicate."""

    # The section of the record each field belongs to (issue 9; access.projection, ADR 0010).
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.IDENTITY}

    kept = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_kept")
    duplicate = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_absorbed")
    reason = models.TextField()
    merged_at = models.DateTimeField(default=timezone.now)
    merged_by = models.ForeignKey("access.User", on_delete=models.PROTECT, related_name="+")
    moved = models.JSONField(default=dict)
    duplicate_identity = models.JSONField(default=dict)
    identifiers_copied = models.JSONField(default=dict)
    alias = models.ForeignKey(Alias, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey("access.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    undo_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-merged_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["duplicate"], condition=models.Q(undone_at__isnull=True), name="one_live_merge_per_duplicate"),
            models.CheckConstraint(condition=~models.Q(kept=models.F("duplicate")), name="merge_not_into_itself"),
        ]

    def __str__(self) -> str:
        return f"Person {self.duplicate_id} merged into {self.kept_id}"

    @property
    def is_live(self) -> bool:
        return self.undone_at is None

    @property
    def rows_moved(self) -> int:
        return sum(len(ids) for ids in self.moved.values())
