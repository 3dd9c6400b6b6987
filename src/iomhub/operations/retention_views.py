"""The retention pages for the information governance lead (issue 13 §3, ADR 0021): the rules with
their periods and the records past them today, and one rule to change. Thin: parse, call
``operations.retention_rules`` / ``operations.retention``, render."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from iomhub.access.http import AuthedRequest
from iomhub.access.policy import Action
from iomhub.access.routes import guarded
from iomhub.operations import retention, retention_rules
from iomhub.operations.models import RetentionStub
from iomhub.rules.retention import MAX_MONTHS
from iomhub.web.forms import GovukForm, saved


class RuleForm(GovukForm):
    period_months = forms.IntegerField(
        label="Keep for (months)",
        help_text="For example, 84 for seven years",
        required=False,
        min_value=1,
        max_value=MAX_MONTHS,
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-4", "inputmode": "numeric"}),
    )
    enabled = forms.BooleanField(
        label="Apply this rule", help_text="When not ticked, the daily run removes nothing of this kind", required=False
    )
    basis = forms.CharField(
        label="Why this period", help_text="The policy or law it follows", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


@guarded(Action.RETENTION_MANAGE)
@require_http_methods(["GET"])
def rule_list(request: AuthedRequest) -> HttpResponse:
    rules = retention_rules.rule_list(user=request.user)
    plans = {p.rule.pk: p for p in retention.dry_run(actor=request.user)}
    rows = [(rule, plans.get(rule.pk)) for rule in rules]
    last = RetentionStub.objects.order_by("-removed_at").values("removed_at", "run").first()
    return render(request, "operations/retention.html", {"rows": rows, "last_run": last})


@guarded(Action.RETENTION_MANAGE)
@require_http_methods(["GET", "POST"])
def rule_edit(request: AuthedRequest, rule_id: int) -> HttpResponse:
    rule = retention_rules.rule_get(user=request.user, rule_id=rule_id)
    initial: dict[str, Any] = {"period_months": rule.period_months, "enabled": rule.enabled, "basis": rule.basis}
    form = RuleForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]) -> object:
        return retention_rules.rule_set(acting_user=request.user, rule=rule, **data)

    if saved(request, form, save, f"Retention rule for {rule.get_record_type_display().lower()} saved"):
        return redirect("operations:retention")
    return render(
        request,
        "web/form_page.html",
        {"form": form, "title": "Retention rule", "caption": rule.get_record_type_display(), "back": "/retention/"},
    )
