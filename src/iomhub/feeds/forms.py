from __future__ import annotations

from django import forms

from iomhub.feeds.arrests import MAX_FILE_BYTES
from iomhub.web.forms import GovukForm


class ArrestsUploadForm(GovukForm):
    file = forms.FileField(
        label="Custody arrests file",
        help_text="CSV (UTF-8) or XLSX with the columns pnc_id, family_name, given_name, date_of_birth, arrested_at, "
        "custody_suite, offence_code and outcome",
        widget=forms.ClearableFileInput(attrs={"class": "govuk-file-upload", "accept": ".csv,.xlsx"}),
    )

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
