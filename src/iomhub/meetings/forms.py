"""The meeting's forms (GOV.UK pattern). The services validate again; these only parse what was typed."""

from __future__ import annotations

from typing import Any

from django import forms

from iomhub.access.models import Role, Team, User
from iomhub.access.policy import team_scope
from iomhub.casework.forms import UserChoiceField
from iomhub.meetings.models import MeetingKind
from iomhub.web.forms import GovukDateField, GovukForm


class MeetingForm(GovukForm):
    team = forms.ModelChoiceField(label="Local IOM team", queryset=Team.objects.all())
    kind = forms.ChoiceField(label="Kind of meeting", choices=MeetingKind.choices, widget=forms.RadioSelect)
    held_on = GovukDateField(label="Date of the meeting")
    location = forms.CharField(label="Where it is held", max_length=200, help_text="An approved and suitable location (002 §2)")
    chair = UserChoiceField(label="Chair (optional)", queryset=User.objects.none(), required=False)

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = team_scope(user) if user is not None else None
        if scope is not None:  # a team's coordinator arranges its meetings only (ADR 0013)
            self.fields["team"].queryset = Team.objects.filter(pk=scope)  # type: ignore[attr-defined]
        self.fields["chair"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(is_active=True, role_assignments__role=Role.CHAIR).distinct().select_related("organisation")
        )


class AttendeeForm(GovukForm):
    user = UserChoiceField(
        label="Their IOM Hub account (optional)",
        queryset=User.objects.none(),
        required=False,
        empty_label="No account: type their name and organisation",
    )
    name = forms.CharField(label="Name (if they have no account)", max_length=200, required=False)
    organisation = forms.CharField(label="Organisation (if they have no account)", max_length=200, required=False)
    confidentiality_signed = forms.BooleanField(
        label="They have signed the confidentiality statement for this meeting",
        required=False,
        help_text="Every attendee signs it at every meeting (002 §2)",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(is_active=True, role_assignments__isnull=False)
            .distinct()
            .select_related("organisation")
            .order_by("last_name", "username")
        )


class CirculatedForm(GovukForm):
    circulated_on = GovukDateField(label="Date the updated plans and actions were circulated")
