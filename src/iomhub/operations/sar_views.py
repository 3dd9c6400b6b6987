"""Subject access pages for the information governance lead (issue 13 §4, ADR 0022): the requests
with their deadlines, a new request, one request with its pack to review item by item, and the pack
as PDF or JSON (the review version, or the release version once every marked item is decided).
Thin: parse, call ``operations.subject_access``, render."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from iomhub import clock
from iomhub.access.http import AuthedRequest
from iomhub.access.policy import Action
from iomhub.access.routes import guarded
from iomhub.operations import subject_access as sa
from iomhub.operations.models import SarStatus
from iomhub.rules.subject_access import MAX_EXTENSION_MONTHS
from iomhub.web.forms import GovukDateField, GovukForm, saved
from iomhub.web.pdf import pdf_response, render_pdf


class NewRequestForm(GovukForm):
    person_id = forms.IntegerField(label="Person's record number", help_text="The number in the address of their record", required=False)
    received_on = GovukDateField(label="Date the request was received", help_text="The one-month deadline counts from this day")
    requester = forms.CharField(label="Who made the request", help_text="The person, or who acts for them", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["received_on"].required = False


class UpdateForm(GovukForm):
    status = forms.ChoiceField(label="Status", choices=SarStatus.choices)
    extended_by_months = forms.TypedChoiceField(
        label="Extended by",
        help_text="Up to two more months for a complex request: tell the person within the first month",
        choices=[(n, f"{n} months") for n in range(MAX_EXTENSION_MONTHS + 1)],
        coerce=int,
    )
    responded_on = GovukDateField(label="Date the response was sent", required=False)


class DecisionForm(GovukForm):
    key = forms.CharField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(label="Decision", choices=[("release", "Release"), ("withhold", "Withhold")], widget=forms.RadioSelect)
    reason = forms.CharField(label="Reason", help_text="Required to withhold: the exemption applied", required=False)


@guarded(Action.SUBJECT_ACCESS)
@require_http_methods(["GET"])
def request_list(request: AuthedRequest) -> HttpResponse:
    rows = sa.sar_list(user=request.user)
    return render(request, "operations/sar_list.html", {"rows": rows, "today": clock.today()})


@guarded(Action.SUBJECT_ACCESS)
@require_http_methods(["GET", "POST"])
def request_new(request: AuthedRequest) -> HttpResponse:
    sa.may_handle(request.user)
    form = NewRequestForm(request.POST or None)
    created: list[Any] = []

    def save(data: dict[str, Any]) -> object:
        created.append(sa.sar_create(acting_user=request.user, **data))
        return created[0]

    if saved(request, form, save, "Subject access request recorded"):
        return redirect("operations:sar", created[0].pk)
    return render(request, "web/form_page.html", {"form": form, "title": "New subject access request", "back": "/subject-access/"})


@guarded(Action.SUBJECT_ACCESS, personal_data=True)
@require_http_methods(["GET", "POST"])
def request_detail(request: AuthedRequest, sar_id: int) -> HttpResponse:
    sar = sa.sar_get(user=request.user, sar_id=sar_id)
    initial = {"status": sar.status, "extended_by_months": sar.extended_by_months, "responded_on": sar.responded_on}
    form = UpdateForm(request.POST or None, initial=initial)
    if saved(request, form, lambda data: sa.sar_update(acting_user=request.user, sar=sar, **data), "Request updated"):
        return redirect("operations:sar", sar.pk)
    pack = sa.build_pack(acting_user=request.user, sar=sar, fmt="page")
    return render(request, "operations/sar_detail.html", {"sar": sar, "pack": pack, "form": form, "labels": sa.MARK_LABELS})


@guarded(Action.SUBJECT_ACCESS, personal_data=True)
@require_http_methods(["POST"])
def request_decide(request: AuthedRequest, sar_id: int) -> HttpResponse:
    sar = sa.sar_read(user=request.user, sar_id=sar_id)  # the request names the person: read, audited
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose release or withhold for the item")
        return redirect("operations:sar", sar.pk)
    try:
        sa.sar_decide(acting_user=request.user, sar=sar, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(m for ms in exc.message_dict.values() for m in ms))
    else:
        messages.success(request, "Decision recorded")
    return redirect(f"/subject-access/{sar.pk}/#item-{form.cleaned_data['key'].replace(':', '').replace('.', '')}")


def _pack(request: AuthedRequest, sar_id: int, fmt: str) -> tuple[Any, sa.Pack | None, str]:
    sar = sa.sar_get(user=request.user, sar_id=sar_id)
    release = request.GET.get("version") == "release"
    try:
        return sar, sa.build_pack(acting_user=request.user, sar=sar, release=release, fmt=fmt), ""
    except ValidationError as exc:
        return sar, None, " ".join(m for ms in exc.message_dict.values() for m in ms)


@guarded(Action.SUBJECT_ACCESS, personal_data=True)
@require_http_methods(["GET"])
def pack_pdf(request: AuthedRequest, sar_id: int) -> HttpResponse:
    sar, pack, problem = _pack(request, sar_id, "pdf")
    if pack is None:
        messages.error(request, problem)
        return redirect("operations:sar", sar.pk)
    pdf = render_pdf("operations/sar_pack.html", {"pack": pack, "sar": sar, "labels": sa.MARK_LABELS, "generated_at": pack.generated_at})
    return pdf_response(pdf, f"subject-access-{sar.pk}-{'release' if pack.release else 'review'}.pdf")


@guarded(Action.SUBJECT_ACCESS, personal_data=True)
@require_http_methods(["GET"])
def pack_json(request: AuthedRequest, sar_id: int) -> HttpResponse:
    sar, pack, problem = _pack(request, sar_id, "json")
    if pack is None:
        return JsonResponse({"detail": problem}, status=409)
    response = JsonResponse(sa.pack_json(pack))
    response["Content-Disposition"] = f'attachment; filename="subject-access-{sar.pk}.json"'
    return response
