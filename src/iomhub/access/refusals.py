"""The refusals every app wrote again: "may this user change (or read) these sections of this
person's record?" and "fetch this object by the id the caller gave, or refuse as not found". Each refusal is
audited through ``errors.deny`` before it is raised (ADR 0003: default deny, every refusal recorded)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist

from iomhub.access.errors import deny
from iomhub.access.policy import Action, decide

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.db.models import Model, QuerySet

    from iomhub.access.models import User
    from iomhub.access.subjects import Subject

M = TypeVar("M", bound="Model")


def _require_sections(
    user: User, action: Action, person: Subject, sections: tuple[str, ...], *, noted: Callable[[str, str], str], not_found: bool = False
) -> None:
    """Refuse (audited) at the first of ``sections`` the policy denies ``action`` on for ``person``;
    ``noted(reason, section)`` is the recorded reason, and ``not_found`` makes the refusal a 404."""
    for section in sections:
        decision = decide(user, action, person, section=section)
        if not decision:
            deny(
                user=user,
                action=action,
                reason=noted(decision.reason, section),
                object_type="person",
                object_id=person.pk,
                person_id=person.pk,
                not_found=not_found,
            )


def require_person_change(user: User, person: Subject, *sections: str, name_section: bool = False) -> None:
    """Refuse (audited, 403) unless ``user`` may change every one of ``sections`` of ``person``'s
    record; ``name_section`` adds the refused section to the recorded reason."""
    _require_sections(
        user, Action.PERSON_CHANGE, person, sections, noted=lambda reason, section: f"{reason} ({section})" if name_section else reason
    )


def require_person_view(user: User, person: Subject, *sections: str, what: str, not_found: bool = False) -> None:
    """Refuse (audited) unless ``user`` may read every one of ``sections`` of ``person``'s record;
    the recorded reason names ``what`` was asked for, and ``not_found`` makes the refusal a 404."""
    _require_sections(user, Action.PERSON_VIEW, person, sections, noted=lambda reason, _: f"{reason} ({what})", not_found=not_found)


def get_or_deny(queryset: QuerySet[M], object_id: Any, *, user: User | None, action: str, reason: str, object_type: str) -> M:
    """The object whose primary key is ``object_id`` (as given: text from a URL or a form), or an
    audited 404 naming ``reason`` when there is none or the id is not a whole number."""
    try:
        return queryset.get(pk=int(object_id))
    except (ObjectDoesNotExist, ValueError, TypeError, OverflowError):
        deny(
            user=user,
            action=action,
            reason=reason,
            object_type=object_type,
            object_id=object_id,
            not_found=True,
        )
