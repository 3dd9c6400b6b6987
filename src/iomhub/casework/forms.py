"""The case's forms (GOV.UK pattern). The services validate again; these only parse what was typed."""

from __future__ import annotations

from typing import Any

from django import forms

from iomhub.access.models import Organisation, User
from iomhub.casework.models import (
    ActionStatus,
    EntryKind,
    EntryOutcome,
    LivesWithChildren,
    ParentalStatus,
    PathwayNeed,
    PathwayRag,
    Safeguarding,
)
from iomhub.casework.plan import owners_for
from iomhub.casework.services import COORDINATOR_ROLES, LEAD_ROLES
from iomhub.referrals.models import Pathway
from iomhub.web.forms import GovukDateField, GovukForm


class UserChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        org = f", {obj.organisation}" if obj.organisation_id else ""
        return f"{obj.display_name}{org}"


def _staff(roles: frozenset[str]) -> Any:
    return (
        User.objects.filter(is_active=True, role_assignments__role__in=roles)
        .distinct()
        .select_related("organisation")
        .order_by("last_name", "username")
    )


class NeedChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        pathway = dict(Pathway.choices).get(obj.pathway, obj.pathway)
        return f"{pathway} ({obj.get_rag_display()}, {obj.assessment.assessed_on:%-d %b %Y}): {obj.needs[:60]}"


class CasePeopleForm(GovukForm):
    lead_worker = UserChoiceField(label="Lead worker (optional)", queryset=User.objects.none(), required=False)
    coordinator = UserChoiceField(label="Case coordinator (optional)", queryset=User.objects.none(), required=False)
    reason = forms.CharField(label="Reason for the change", max_length=200, help_text="For example, allocated at the IOM meeting")
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_worker"].queryset = _staff(LEAD_ROLES)  # type: ignore[attr-defined]
        self.fields["coordinator"].queryset = _staff(COORDINATOR_ROLES)  # type: ignore[attr-defined]


class SafeguardingForm(GovukForm):
    parental_status = forms.ChoiceField(label="Parental status", choices=ParentalStatus.choices, widget=forms.RadioSelect)
    lives_with_children = forms.ChoiceField(
        label="Lives in a household with children", choices=LivesWithChildren.choices, widget=forms.RadioSelect
    )
    safeguarding = forms.ChoiceField(label="Safeguarding", choices=Safeguarding.choices, widget=forms.RadioSelect)
    notes = forms.CharField(
        label="Safeguarding notes (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Needed when there is a concern or plan: what it is and who leads it",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class AgencyForm(GovukForm):
    organisation = forms.ModelChoiceField(label="Agency", queryset=Organisation.objects.filter(active=True))
    role_in_case = forms.CharField(label="Role in the case (optional)", max_length=100, required=False)


class AgencyEndForm(GovukForm):
    ended_on = GovukDateField(label="Date the involvement ends", help_text="Its partner workers stop seeing the person that day")
    reason = forms.CharField(label="Why it ends", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class AgencyContactForm(GovukForm):
    name = forms.CharField(label="Name", max_length=200)
    job_title = forms.CharField(label="Job title (optional)", max_length=200, required=False)
    phone = forms.CharField(label="Phone number (optional)", max_length=40, required=False)
    email = forms.CharField(label="Email address (optional)", max_length=254, required=False, widget=forms.EmailInput)


class _PathwayAssessmentBase(GovukForm):
    assessed_on = GovukDateField(label="Date of the assessment")

    def ratings(self) -> dict[str, dict[str, str]]:
        data = self.cleaned_data
        return {p.value: {k: data.get(f"{p.value}-{k}", "") for k in ("rag", "needs", "actions")} for p in Pathway}


def _pathway_fields() -> dict[str, forms.Field]:
    fields: dict[str, forms.Field] = {}
    for pathway in Pathway:
        fields[f"{pathway.value}-rag"] = forms.ChoiceField(
            label=f"{pathway.label}: RAG rating", choices=PathwayRag.choices, widget=forms.RadioSelect
        )
        for part in ("needs", "actions"):
            fields[f"{pathway.value}-{part}"] = forms.CharField(
                label=f"{pathway.label}: {part} (optional)", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
            )
    return fields


PathwayAssessmentForm: type[_PathwayAssessmentBase] = type("PathwayAssessmentForm", (_PathwayAssessmentBase,), _pathway_fields())


class ActionAgencyForm(GovukForm):
    """The first question of a new action: which agency is responsible (its workers are offered next).
    ``agencies``: those the reader may give an action to (``selectors.agencies_for_actions``)."""

    agency = forms.ModelChoiceField(
        label="Which agency is responsible for the action?",
        queryset=Organisation.objects.none(),
        empty_label="Choose an agency",
    )

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]


class OwnerChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class PlanActionForm(GovukForm):
    """The action, given to a worker of the agency chosen first (it then shows on their caseload), or
    to someone without an account by name (issue 18 §3). ``involve`` carries the answer of the step
    that offers to involve an agency not yet involved in the case."""

    description = forms.CharField(label="Action", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    pathway = forms.ChoiceField(label="Pathway (optional)", choices=[("", "Not linked to a pathway"), *Pathway.choices], required=False)
    agency = forms.ModelChoiceField(queryset=Organisation.objects.filter(active=True), widget=forms.HiddenInput)
    owner = OwnerChoiceField(
        label="Worker responsible",
        help_text="The action shows on their caseload",
        queryset=User.objects.none(),
        required=False,
        empty_label="Someone without an account (type their name below)",
    )
    owner_name = forms.CharField(label="Name of the person responsible, if they have no account (optional)", max_length=200, required=False)
    due_on = GovukDateField(label="Due date")
    sentence_plan = forms.BooleanField(label="Part of the sentence plan", required=False)
    need = NeedChoiceField(label="Pathway need it meets (optional)", queryset=PathwayNeed.objects.none(), required=False)
    involve = forms.ChoiceField(choices=[("", ""), ("yes", "Yes"), ("no", "No")], required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        person: Any = None,
        needs_shared: bool = False,
        agency: Organisation | None = None,
        agencies: Any = None,
        **kwargs: Any,
    ) -> None:
        """``needs_shared``: the reader sees the assessments section; the needs offered to link an
        action to are the assessments' own words, so without it the question is not asked
        (issue 9: a prefilled field or choice is as protected as its section). ``agency``: the
        agency chosen, whose workers are offered as the owner, one of ``agencies`` (those the
        reader may give an action to)."""
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        if agency is not None:
            self.fields["owner"].queryset = owners_for(agency)  # type: ignore[attr-defined]
            self.fields["owner"].label = f"Worker at {agency.name} responsible"
        if not needs_shared:
            del self.fields["need"]
            return
        needs = PathwayNeed.objects.filter(assessment__person=person, rag__in=[PathwayRag.RED, PathwayRag.AMBER]).select_related(
            "assessment"
        )
        self.fields["need"].queryset = needs  # type: ignore[attr-defined]


class InvolveAgencyForm(GovukForm):
    """The confirm step: the agency is not involved in the case yet (issue 18 §3)."""

    involve = forms.ChoiceField(
        label="Involve the agency in this case?",
        choices=[("yes", "Yes, involve it"), ("no", "No, add the action without involving it")],
        widget=forms.RadioSelect,
    )


class PlanActionStatusForm(GovukForm):
    status = forms.ChoiceField(label="Status", choices=ActionStatus.choices, widget=forms.RadioSelect)
    due_on = GovukDateField(label="New due date (when carried over)", required=False)
    note = forms.CharField(
        label="Note (needed when carried over or cancelled)", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class TimelineEntryForm(GovukForm):
    """Nothing chosen in advance (issue 18 §6: a form pre-set to "Home visit / Booked" recorded
    whatever the officer forgot to change). A drug test is not offered: it is recorded with its
    sample and results on the drug-test form of the Interventions tab (issue 12, ADR 0024), which
    puts the visit on the timeline too, so this form asks nothing about drug tests."""

    template_name = "casework/timeline_form.html"

    kind = forms.ChoiceField(
        label="What kind of contact or event",
        help_text="To record a drug test, use \u2018Record a drug test\u2019 on the Interventions tab",
        choices=[c for c in EntryKind.choices if c[0] != EntryKind.DRUG_TEST],
        widget=forms.RadioSelect,
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        help_text="Leave as it is for a contact that took place: attended, or done",
        choices=[("", "Took place (attended or done)"), *EntryOutcome.choices],
        required=False,
        widget=forms.Select,
    )
    occurred_on = GovukDateField(label="Date", help_text="For an appointment booked ahead, the date it is booked for")
    summary = forms.CharField(label="Summary (optional)", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    force_number = forms.CharField(
        label="Your force number (police officers, optional)",
        help_text="Recorded on the contact log (002 appendix 2)",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )

    def __init__(self, *args: Any, intelligence: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not intelligence:
            kind: Any = self.fields["kind"]
            kind.choices = [c for c in kind.choices if c[0] != EntryKind.INTELLIGENCE]


class AppointmentOutcomeForm(GovukForm):
    outcome = forms.ChoiceField(
        label="What happened", choices=[c for c in EntryOutcome.choices if c[0] != EntryOutcome.BOOKED], widget=forms.RadioSelect
    )
    summary = forms.CharField(label="Summary (optional)", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
