from __future__ import annotations

from django import forms

from iomhub.feeds.reading import MAX_FILE_BYTES
from iomhub.feeds.spec import FeedSpec
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
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(f"The file must be smaller than {MAX_FILE_BYTES // (1024 * 1024)} MB")
        return upload


class ReviewDecisionForm(GovukForm):
    decision = forms.CharField(label="Decision", max_length=40)

    def clean_decision(self) -> str:
        value: str = self.cleaned_data["decision"]
        if value == "create" or (value.startswith("link:") and value[5:].isdigit()):
            return value
        raise forms.ValidationError("Select the person this row is about, or that they are new")
