"""Recording one item of the adoption checklist (002 appendix 2, Administration)."""

from __future__ import annotations

from django import forms

from iomhub.cohort.models import ChecklistItem
from iomhub.web.forms import GovukDateField, GovukForm


class ChecklistForm(GovukForm):
    item = forms.ChoiceField(label="Which action was done?", choices=ChecklistItem.choices, widget=forms.RadioSelect)
    done_on = GovukDateField(label="Date done", required=False, help_text="For example, 14 11 2026")
    done_by = forms.CharField(label="By whom", max_length=200, required=False, help_text="Name and agency")
    not_applicable = forms.BooleanField(label="Does not apply (social services only)", required=False)


class AsOfForm(GovukForm):
    as_of = GovukDateField(label="Screen as at", required=False, help_text="Leave empty for today. For example, 14 11 2026")
