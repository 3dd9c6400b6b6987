"""The sharing agreement pages for the information governance lead (issue 9 §2): the list with
each agreement's status, and one organisation's agreement to change. Thin: parse, call
``access.agreements``, render."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from iomhub.access import agreements
from iomhub.access.http import AuthedRequest
from iomhub.access.models import Section
from iomhub.access.policy import Action
from iomhub.access.routes import guarded
from iomhub.web.forms import GovukDateField, GovukForm, saved


class AgreementForm(GovukForm):
    sections = forms.MultipleChoiceField(
        label="Sections of a person's record the organisation's partner workers may see",
        help_text="Only for people whose case the organisation is involved in. Police intelligence is for police organisations only.",
        choices=Section.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    purpose = forms.CharField(
        label="Purpose", help_text="Why the organisation needs what it is given", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    signed_on = GovukDateField(label="Date the agreement was signed")
    review_by = GovukDateField(label="Date the agreement must be reviewed by", help_text="After this date it shares nothing")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["signed_on"].required = False
        self.fields["review_by"].required = False


@guarded(Action.AGREEMENT_MANAGE)
@require_http_methods(["GET"])
def agreement_list(request: AuthedRequest) -> HttpResponse:
    rows = agreements.agreement_list(user=request.user)
    return render(request, "access/agreements.html", {"rows": rows, "review_due_days": agreements.REVIEW_DUE_DAYS})


@guarded(Action.AGREEMENT_MANAGE)
@require_http_methods(["GET", "POST"])
def agreement_edit(request: AuthedRequest, organisation_id: int) -> HttpResponse:
    row = agreements.agreement_get(user=request.user, organisation_id=organisation_id)
    initial: dict[str, Any] = {}
    if row.agreement is not None:
        initial = {
            "sections": row.agreement.sections,
            "purpose": row.agreement.purpose,
            "signed_on": row.agreement.signed_on,
            "review_by": row.agreement.review_by,
        }
    form = AgreementForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]) -> object:
        return agreements.agreement_set(acting_user=request.user, organisation=row.organisation, **data)

    if saved(request, form, save, f"Sharing agreement with {row.organisation.name} saved"):
        return redirect("access:agreements")
    return render(
        request,
        "web/form_page.html",
        {"form": form, "title": "Sharing agreement", "caption": row.organisation.name, "back": "/sharing-agreements/"},
    )
