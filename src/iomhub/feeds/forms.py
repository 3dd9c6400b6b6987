from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile

from iomhub.feeds.rows import database_id
from iomhub.feeds.spec import FeedSpec
from iomhub.feeds.uploads import upload_problem
from iomhub.web.forms import GovukForm


class UploadForm(GovukForm):
    file = forms.FileField(widget=forms.ClearableFileInput(attrs={"class": "govuk-file-upload", "accept": ".csv,.xlsx"}))

    def __init__(self, *args: object, spec: FeedSpec, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].label = f"{spec.title.capitalize()} file"
        *first, last = spec.columns
        self.fields["file"].help_text = f"CSV (UTF-8) or XLSX with the columns {', '.join(first)} and {last}"

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        problem = upload_problem(upload.name or "", upload.size or 0, first_bytes(upload))
        if problem:
            raise forms.ValidationError(problem)
        return upload


def first_bytes(upload: UploadedFile, n: int = 8) -> bytes:
    upload.seek(0)
    head: bytes = upload.read(n)
    upload.seek(0)
    return head


class ReviewDecisionForm(GovukForm):
    decision = forms.CharField(label="Who is this row about?", max_length=40)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].error_messages["required"] = "Select who this row is about, or that they are new"

    def clean_decision(self) -> str:
        """Either "create", or "link:" and a person's id as ``rows.database_id`` reads it ("link:²" is
        refused here, not a 500 where the id is read)."""
        value: str = self.cleaned_data["decision"]
        if value == "create":
            return value
        person_id = database_id(value[5:]) if value.startswith("link:") else None
        if person_id is None:
            raise forms.ValidationError("Select the person this row is about, or that they are new")
        return f"link:{person_id}"
