"""A person's agreement to appointment reminders by text (issue 11 §6: "opt-in recorded"), read and
recorded from their record: the page (``views.text_reminders``), the Summary tab and the API share
these. It is part of the person's contact details (``TextConsent.SECTIONS``): read with the
CONTACT section (audited against the person), changed by whoever may change it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

from iomhub.access.models import Section
from iomhub.notifications.models import TextConsent
from iomhub.notifications.services import text_consent_record
from iomhub.people.models import ContactNumber
from iomhub.people.selectors import person_for_change, person_get_for

if TYPE_CHECKING:
    from iomhub.access.models import User
    from iomhub.people.models import Person

NOTHING_TO_WITHDRAW = "They have not agreed to reminders by text, so there is nothing to withdraw"


@dataclass(frozen=True)
class TextReminders:
    person: Person
    consent: TextConsent | None

    @property
    def agreed(self) -> bool:
        return self.consent is not None and self.consent.withdrawn_on is None


def consent_of(person: Person) -> TextConsent | None:
    """The person's agreement (agreed or withdrawn), or None; the caller has checked CONTACT."""
    return TextConsent.objects.filter(person=person).select_related("recorded_by").first()


def text_reminders_for(*, user: User, person_id: int | str) -> TextReminders:
    """Whether the person agreed to reminders by text, for a reader of their contact details
    (refused, audited, otherwise; the read audited against the person)."""
    person = person_get_for(user=user, person_id=person_id, section=Section.CONTACT)
    return TextReminders(person, consent_of(person))


def text_reminders_for_change(*, user: User, person_id: int | str) -> TextReminders:
    person = person_for_change(user=user, person_id=person_id, section=Section.CONTACT)
    return TextReminders(person, consent_of(person))


def suggested_number(reminders: TextReminders) -> str:
    """The number a form starts with: the one agreed to, else the person's first mobile number."""
    if reminders.consent is not None:
        return reminders.consent.number
    mobile = ContactNumber.objects.filter(person=reminders.person, kind=ContactNumber.Kind.MOBILE).order_by("id").first()
    return mobile.number if mobile else ""


def text_reminders_set(*, acting_user: User, reminders: TextReminders, agreed: bool, number: str) -> TextReminders:
    """Record the person's agreement at ``number``, or its withdrawal (at the number agreed to;
    refused when nothing was agreed). Raises ValidationError naming ``number`` or ``agreed``."""
    if not agreed:
        if not reminders.agreed:
            raise ValidationError({"agreed": [NOTHING_TO_WITHDRAW]})
        assert reminders.consent is not None
        number = reminders.consent.number
    elif not (number or "").strip():
        raise ValidationError({"number": ["Enter the mobile number they agreed to be sent reminders at"]})
    consent = text_consent_record(acting_user=acting_user, person=reminders.person, number=number, agreed=agreed)
    return TextReminders(reminders.person, consent)
