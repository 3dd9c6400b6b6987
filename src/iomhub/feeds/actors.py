"""Who imports (ADR 0014 §5): the coordinator or chair who uploads (``Action.COHORT_MANAGE``), or,
from the command line, the named system account ``system-feeds``."""

from __future__ import annotations

from django.db import transaction

from iomhub.access import audit
from iomhub.access.accounts import FEEDS_SYSTEM_USERNAME as SYSTEM_USERNAME
from iomhub.access.errors import deny
from iomhub.access.models import AuditAction, Role, RoleAssignment, User
from iomhub.access.policy import Action, decide

__all__ = ["SYSTEM_USERNAME", "authorise", "feed_system_user"]  # the name is kept by access.accounts


def feed_system_user() -> User:
    """The named account the command line imports as, unless told to act as a person: an IOM
    coordinator (the role that keeps the partnership's records, 002 §2) that cannot sign in (no
    usable password, no second factor). Made once, audited when made."""
    user = User.objects.filter(username=SYSTEM_USERNAME).first()
    if user is not None:
        return user
    with transaction.atomic():
        user = User(username=SYSTEM_USERNAME, first_name="Feeds import", last_name="(system account)", is_active=True)
        user.set_unusable_password()
        user.save()
        RoleAssignment.objects.create(user=user, role=Role.COORDINATOR)
        audit.record(
            actor=None,
            username="system",
            action=AuditAction.CREATE,
            object_type="user",
            object_id=user.pk,
            reason="System account for feed imports from the command line (ADR 0014)",
        )
    return user


def authorise(acting_user: User) -> None:
    decision = decide(acting_user, Action.COHORT_MANAGE)
    if not decision:
        deny(user=acting_user, action=Action.COHORT_MANAGE, reason=f"import feeds: {decision.reason}", object_type="import-run")
