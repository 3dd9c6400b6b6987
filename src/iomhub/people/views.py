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
from iomhub.access.models import Role, Section
from iomhub.access.policy import Action, can, decide, sections_for
from iomhub.access.projection import lens_for
from iomhub.access.routes import guarded
from iomhub.access.services import break_glass_open
from iomhub.people import selectors, services
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
from iomhub.web.forms import GovukForm
from iomhub.web.http import AuthedRequest

# The person page's sub-navigation (issue 2 §8); each tab is a section of the record.
TABS: list[tuple[str, str, str]] = [
    ("summary", "Summary", Section.IDENTITY),
    ("timeline", "Timeline", Section.TIMELINE),
    ("plan", "Plan", Section.PLAN),
    ("assessments", "Assessments", Section.ASSESSMENTS),
    ("interventions", "Interventions", Section.HEALTH),
    ("justice", "Justice", Section.JUSTICE),
    ("documents", "Documents", Section.DOCUMENTS),
]
TAB_SECTIONS = {slug: section for slug, _, section in TABS}
# Which issue brings each placeholder tab to life; the page says so until it lands.
NOT_YET: dict[str, str] = {}


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
    person = selectors.person_get_for(user=request.user, person_id=person_id, audit_read=False)
    decision = decide(request.user, Action.PERSON_CHANGE, person, section=section)
    if not decision:
        deny(
            user=request.user,
            action=Action.PERSON_CHANGE,
            reason=decision.reason,
            object_type="person",
            object_id=person.pk,
            person_id=person.pk,
        )
    return selectors.person_get_for(user=request.user, person_id=person_id)  # the read is audited


def _person_context(request: AuthedRequest, person: Person, active: str) -> dict[str, Any]:
    allowed = sections_for(request.user)
    tabs = [
        {
            "slug": slug,
            "label": label,
            "href": f"/people/{person.pk}/" + ("" if slug == "summary" else f"{slug}/"),
            "active": slug == active,
        }
        for slug, label, section in TABS
        if section in allowed or request.user.has_role("chair")
    ]
    return {
        "person": person,
        "tabs": tabs,
        "sections": allowed,
        "can_edit": can(request.user, Action.PERSON_CHANGE, person, section=Section.IDENTITY),
        "can_edit_contact": can(request.user, Action.PERSON_CHANGE, person, section=Section.CONTACT),
        "can_edit_markers": can(request.user, Action.PERSON_CHANGE, person, section=Section.MARKERS),
        "can_export": can(request.user, Action.PERSON_EXPORT, person),
        "can_merge": can(request.user, Action.PERSON_MERGE, person),
    }


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
def summary(request: AuthedRequest, person_id: int) -> HttpResponse:
    try:
        person = selectors.person_get_for(user=request.user, person_id=person_id)
    except Http404:
        if can(request.user, Action.PERSON_SEARCH) and request.user.has_role("chair"):
            return render(request, "people/not_found.html", {"person_id": person_id, "may_break_glass": True}, status=404)
        raise
    if person.merged_into_id is not None:
        from iomhub.people.merging import final_record

        kept = final_record(person)
        messages.info(request, f"{person.full_name} (record {person.pk}) was merged into this record: its records are here.")
        return redirect("people:summary", person_id=kept.pk)
    ctx = _person_context(request, person, "summary")
    lens = lens_for(request.user, person)
    ctx.update(
        aliases=list(person.aliases.all()),
        addresses=list(person.addresses.all()) if Section.CONTACT in ctx["sections"] else None,
        contact_numbers=list(person.contact_numbers.all()) if Section.CONTACT in ctx["sections"] else None,
        markers=list(person.markers.all()) if Section.MARKERS in ctx["sections"] else None,
        involvements=[i for i in person.involvements.filter(ended_on__isnull=True).select_related("organisation") if lens.sees(i.section)]
        if lens.sees(Section.PLAN)
        else None,
        **_registration_context(request, person),
    )
    ctx["glance"] = _at_a_glance(request, person, ctx)
    return render(request, "people/summary.html", ctx)


def _at_a_glance(request: AuthedRequest, person: Person, ctx: dict[str, Any]) -> dict[str, Any]:
    """What an officer at the door needs first, on a phone (issue 18 §5): the current address, the
    RAG level and the warnings, each only where the reader's sections show it (already projected in
    ``ctx``), and one tap to record a home visit for the police IOM officer and the lead worker."""
    from iomhub.casework.models import CaseRecord

    addresses = ctx.get("addresses")
    current = next((a for a in addresses if a.is_current), None) if addresses else None
    registrations = ctx.get("registrations")
    registration = next((r for r in registrations if r.is_current), None) if registrations else None
    user = request.user
    visits = can(user, Action.PERSON_CHANGE, person, section=Section.TIMELINE) and (
        user.has_role(Role.POLICE_IOM_OFFICER) or CaseRecord.objects.filter(person=person, lead_worker=user).exists()
    )
    return {
        "address": current,
        "address_shown": addresses is not None,
        "registration": registration,
        "rag_shown": registrations is not None,
        "markers_shown": ctx.get("markers") is not None,
        "visit": visits,
    }


def _registration_context(request: AuthedRequest, person: Person) -> dict[str, Any]:
    """The person's IOM registrations (issue 5 §5-6), from the cohort app, for the Summary tab."""
    from iomhub.cohort.selectors import registrations_for_person
    from iomhub.referrals.selectors import standing_of

    may_refer = can(request.user, Action.REFERRAL_CREATE)
    return {
        "registrations": registrations_for_person(user=request.user, person=person),
        # Someone already referred is not offered "Refer" again (issue 18 §4): the open referral instead.
        "standing": standing_of(user=request.user, person_ids=[person.pk]).get(person.pk) if may_refer else None,
        "may_manage_cohort": can(request.user, Action.COHORT_MANAGE),
        "may_refer": may_refer,
        "may_screen": can(request.user, Action.PERSON_VIEW, person, section=Section.JUSTICE),
        **_meetings_context(request, person),
    }


def _meetings_context(request: AuthedRequest, person: Person) -> dict[str, Any]:
    """The meetings that discussed the person (as protected as their plan) and, for an officer who
    may add to their running record, the meetings ahead to send a written update to (issue 18 §1)."""
    from iomhub import clock
    from iomhub.meetings.pack import meetings_of
    from iomhub.meetings.selectors import upcoming_for

    ahead = can(request.user, Action.PERSON_CHANGE, person, section=Section.TIMELINE)
    return {
        "meetings_discussed": meetings_of(user=request.user, person=person),
        "meetings_ahead": upcoming_for(person=person, today=clock.today()) if ahead else [],
    }


@guarded(Action.PERSON_VIEW, personal_data=True)
@require_http_methods(["GET"])
def tab(request: AuthedRequest, person_id: int, tab: str) -> HttpResponse:
    if tab not in NOT_YET:
        raise Http404("No such page")
    person = selectors.person_get_for(user=request.user, person_id=person_id, section=TAB_SECTIONS[tab])
    ctx = _person_context(request, person, tab)
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
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = None
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
