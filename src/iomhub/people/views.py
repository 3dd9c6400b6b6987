"""Pages for finding and working with a person. Thin: parse, call a selector or service, render."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from iomhub.access.errors import deny
from iomhub.access.http import AuthedRequest
from iomhub.access.models import Section
from iomhub.access.policy import Action, can
from iomhub.access.routes import guarded
from iomhub.people import selectors, services
from iomhub.people.break_glass import break_glass_open
from iomhub.people.forms import (
    AddressForm,
    AliasForm,
    BreakGlassForm,
    ContactNumberForm,
    MarkerForm,
    NewPersonForm,
    PersonForm,
    PersonSearchForm,
)
from iomhub.people.models import Person
from iomhub.people.pages import NOT_YET, TAB_SECTIONS, TABS, person_context
from iomhub.validation import posted_version
from iomhub.web.forms import GovukForm


def _apply_model_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            target = name if name in form.fields else None
            for message in errors:
                form.add_error(target, message if target else f"{name}: {message}")
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _person_for_change(request: AuthedRequest, person_id: int, section: str) -> Person:
    """The person, if this user may change ``section`` of their record; refused (audited) before any
    form is shown, so a change page never displays what its reader may not change (e.g. a partner
    seeing equality data on the details form, or a break-glass reader getting an edit form)."""
    # The read is audited as a view of the identity section, whichever section is changed.
    return selectors.person_for_change(user=request.user, person_id=person_id, section=section, read_section=Section.IDENTITY)


@guarded(Action.PERSON_SEARCH, personal_data=True)
@require_http_methods(["GET"])
def search(request: AuthedRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET or None)
    results: list[Person] | None = None
    if form.is_bound and form.is_valid() and form.cleaned_data["q"].strip():
        results = selectors.people_search(user=request.user, text=form.cleaned_data["q"])
    elif form.is_bound and not form.errors:
        form.add_error("q", "Enter a name, date of birth or identifier to search for")
    return render(
        request,
        "people/search.html",
        {"form": form, "results": results, "can_create": can(request.user, Action.PERSON_CREATE), "limit": selectors.SEARCH_LIMIT},
    )


def _summary(person: Person) -> str:
    return reverse("people:summary", args=[person.pk])


@guarded(Action.PERSON_CREATE, personal_data=True)
@require_http_methods(["GET", "POST"])
def create(request: AuthedRequest) -> HttpResponse:
    if not can(request.user, Action.PERSON_CREATE):
        deny(user=request.user, action=Action.PERSON_CREATE, reason="role may not create people")
    form = NewPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        choice = request.POST.get("duplicate_choice", "")
        if choice and choice != "new":
            # The user picked an existing record among the possible matches: nobody is added.
            existing = selectors.person_get_for(user=request.user, person_id=choice)
            messages.success(request, f"You chose the existing record for {existing.full_name}. No new record was added.")
            return redirect("people:summary", person_id=existing.pk)
        data = dict(form.cleaned_data)
        address = {k: data.pop(k) for k in ("address_line_1", "town", "postcode")}
        phone = {"kind": data.pop("phone_kind") or "O", "number": data.pop("phone")}
        new = services.NewPerson(
            fields=data,
            addresses=[{"line_1": address["address_line_1"], "town": address["town"], "postcode": address["postcode"]}]
            if address["address_line_1"]
            else [],
            contact_numbers=[phone] if phone["number"] else [],
        )
        try:
            person = services.person_create(acting_user=request.user, new=new, confirmed_new=choice == "new")
        except services.PossibleDuplicates as exc:
            replay = [(k, v) for k, values in request.POST.lists() if k not in ("csrfmiddlewaretoken", "duplicate_choice") for v in values]
            return render(
                request,
                "people/possible_matches.html",
                {"found": exc.found, "replay": replay, "choice_error": "duplicate_choice" in request.POST},
            )
        except ValidationError as exc:
            _apply_model_errors(form, exc)
        else:
            messages.success(request, f"{person.full_name} added")
            return redirect("people:summary", person_id=person.pk)
    return render(request, "web/form_page.html", {"form": form, "title": "Add a person", "back": reverse("people:search")})


@guarded(Action.PERSON_VIEW, personal_data=True)
@require_http_methods(["GET"])
def tab(request: AuthedRequest, person_id: int, tab: str) -> HttpResponse:
    if tab not in NOT_YET:
        raise Http404("No such page")
    person = selectors.person_get_for(user=request.user, person_id=person_id, section=TAB_SECTIONS[tab])
    ctx = person_context(request, person, tab)
    ctx.update(tab_label={s: label for s, label, _ in TABS}[tab], not_yet=NOT_YET[tab])
    return render(request, "people/tab.html", ctx)


@guarded(Action.PERSON_CHANGE, personal_data=True)
@require_http_methods(["GET", "POST"])
def edit(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = _person_for_change(request, person_id, Section.IDENTITY)
    initial = {name: getattr(person, name) for name in PersonForm.base_fields}
    form = PersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if v != initial.get(k)}
        version = posted_version(request.POST.get("version"))
        try:
            services.person_update(acting_user=request.user, person=person, changes=changes, expected_version=version)
        except services.StaleEdit as exc:
            form.add_error(None, exc.messages[0])
        except ValidationError as exc:
            _apply_model_errors(form, exc)
        else:
            messages.success(request, "Changes saved" if changes else "No changes to save")
            return redirect("people:summary", person_id=person.pk)
    return render(
        request,
        "web/form_page.html",
        {"form": form, "title": f"Change details of {person.full_name}", "back": _summary(person), "version": person.version},
    )


# The section of the record each child page changes (the services authorise the same sections).
CHILD_SECTIONS = {"aliases": Section.IDENTITY, "addresses": Section.CONTACT, "phones": Section.CONTACT, "markers": Section.MARKERS}
# The parts of a record added one at a time: form, service, page title, confirmation.
CHILD_PAGES: dict[str, tuple[type[GovukForm], Callable[..., Any], str, str]] = {
    "aliases": (AliasForm, services.alias_add, "Add an alias", "Alias added"),
    "addresses": (AddressForm, services.address_add, "Add an address", "Address added"),
    "phones": (ContactNumberForm, services.contact_number_add, "Add a phone number", "Phone number added"),
    "markers": (MarkerForm, services.marker_add, "Add a warning or marker", "Marker added"),
}


@guarded(Action.PERSON_CHANGE, personal_data=True)
@require_http_methods(["GET", "POST"])
def child_new(request: AuthedRequest, person_id: int, kind: str) -> HttpResponse:
    form_class, add, title, done = CHILD_PAGES[kind]
    person = _person_for_change(request, person_id, CHILD_SECTIONS[kind])
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            add(acting_user=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            _apply_model_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("people:summary", person_id=person.pk)
    return render(request, "web/form_page.html", {"form": form, "title": f"{title} for {person.full_name}", "back": _summary(person)})


@guarded(Action.PERSON_EXPORT, personal_data=True)
@require_http_methods(["GET"])
def export(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = selectors.person_get_for(user=request.user, person_id=person_id, audit_read=False)
    data = services.person_export(acting_user=request.user, person=person)
    response = HttpResponse(json.dumps(data, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="person-{person.pk}.json"'
    return response


@guarded(Action.PERSON_BREAK_GLASS, personal_data=True)
@require_http_methods(["GET", "POST"])
def break_glass(request: AuthedRequest, person_id: int) -> HttpResponse:
    if not request.user.has_role("chair"):
        selectors.person_get_for(user=request.user, person_id=person_id)  # audits and refuses
        raise Http404("Not found")
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            break_glass_open(acting_user=request.user, person_id=person_id, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _apply_model_errors(form, exc)
        else:
            return redirect("people:summary", person_id=person_id)
    return render(request, "people/break_glass.html", {"form": form, "person_id": person_id})
