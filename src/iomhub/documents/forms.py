"""The upload form (GOV.UK file upload)."""

from __future__ import annotations

from django import forms

from iomhub.documents.checks import ALLOWED_TEXT
from iomhub.documents.models import DocumentKind
from iomhub.web.forms import GovukForm


class UploadForm(GovukForm):
    file = forms.FileField(
        label="File",
        help_text=f"{ALLOWED_TEXT}",
        widget=forms.FileInput(attrs={"class": "govuk-file-upload"}),
    )
    title = forms.CharField(label="Title (optional)", help_text="The file's name when you leave it blank", max_length=200, required=False)
    kind = forms.ChoiceField(
        label="Is it about the person's health or substance misuse?",
        help_text="A drug test certificate, a treatment report or a medical letter is seen only by those given health data",
        choices=[(DocumentKind.GENERAL, "No"), (DocumentKind.HEALTH, "Yes, it is a health or substance misuse document")],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: object, health: bool = True, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if not health:  # someone who may not record health data is not asked
            del self.fields["kind"]
