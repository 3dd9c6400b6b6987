"""Documents on a person's record (issue 12 §7): uploaded files and generated reports.

Every document is in the documents section; one about the person's health or substance misuse
(a DRR progress report, a drug test certificate) is in the health section too, and a reader needs
both to see it, its name or that it exists (``Document.sections``; ADR 0024).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from iomhub.access.models import Section


class DocumentKind(models.TextChoices):
    GENERAL = "general", "General document"
    HEALTH = "health", "Health or substance misuse document"


class Document(models.Model):
    AUDIT_TYPE = "document"
    SECTIONS: ClassVar[dict[str, str]] = {"*": Section.DOCUMENTS}

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=10, choices=DocumentKind.choices, default=DocumentKind.GENERAL)
    title = models.CharField(max_length=200)
    filename = models.CharField("File name", max_length=120)  # the safe name it is downloaded as
    content_type = models.CharField(max_length=100)  # from the content, not the name
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    stored_as = models.CharField(max_length=200, unique=True)  # a random name in the documents storage
    generated = models.BooleanField(default=False, help_text="Made by IOM Hub (a progress report), not uploaded")
    source = models.CharField(max_length=100, blank=True)  # e.g. "order-review:12" for a generated report
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_by_name = models.CharField(max_length=200)
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def sections(self) -> frozenset[str]:
        """The sections a reader needs to see this document at all."""
        if self.kind == DocumentKind.HEALTH:
            return frozenset({Section.DOCUMENTS, Section.HEALTH})
        return frozenset({Section.DOCUMENTS})
