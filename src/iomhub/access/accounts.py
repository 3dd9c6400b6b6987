"""User accounts: added, changed, disabled and enabled by the people who manage them (BRIEF: "the
information governance lead / administrator: users and roles"; 000 §5.10.2 "levels of access").

The one way to change an account outside the sign-in steps; the pages and the API both call it.
Rules (ADR 0045):

- a system administrator or an information governance lead manages accounts (``Action.USER_MANAGE``);
- nobody changes or disables their own account (no one grants themselves a role, and nobody locks
  the last manager out by mistake), and the feeds' system account is not managed here;
- only a system administrator grants or removes the roles that manage accounts and audit
  (system administrator, information governance lead);
- a new account has no password: its holder chooses one through the one-time set-up link, which
  also sets up their authenticator app (``sign_in.enrolment_link_issue``), so nobody else ever
  knows it;
- a forgotten password or a lost phone is mended by resetting the sign-in: password and
  authenticator apps cleared, sessions ended, a new set-up link issued;
- disabling a leaver takes effect at once: their sessions and API tokens stop working (the policy
  refuses an inactive user; the tokens are also revoked), their unused set-up links are withdrawn,
  and the reason is kept in the audit log. Nothing they recorded is removed, and the cases and plan
  actions they hold are named on their page (``access.holdings``) for their coordinator to reallocate.

Every change is audited against the account with its before and after.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.models import ApiToken, AuditAction, EnrolmentLink, Organisation, Role, RoleAssignment, Team, User
from iomhub.access.policy import Action, decide
from iomhub.access.refusals import get_or_deny
from iomhub.validation import clean_text

# The feeds' own account (ADR 0014 §5): named here, the lowest layer that needs it, so the feeds, the
# notifications and the backup all use this one spelling. System accounts are not managed on the
# account pages or the account API.
FEEDS_SYSTEM_USERNAME = "system-feeds"
SYSTEM_USERNAMES = frozenset({FEEDS_SYSTEM_USERNAME})
# The roles that manage accounts and read the audit log: only a system administrator grants or removes them.
GUARDED_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.IG_LEAD})
USERNAME = re.compile(r"^[A-Za-z0-9._@-]{3,150}$")
NAME_LIMIT = 150
REASON_LIMIT = 500


def _may_manage(user: User, *, object_id: Any = "") -> None:
    decision = decide(user, Action.USER_MANAGE)
    if not decision:
        deny(user=user, action=Action.USER_MANAGE, reason=decision.reason, object_type="user", object_id=object_id)


def account_get(*, acting_user: User, user_id: int | str) -> User:
    """One account to manage; 404 (audited) for no such account or the system account."""
    _may_manage(acting_user, object_id=user_id)
    return get_or_deny(
        User.objects.exclude(username__in=SYSTEM_USERNAMES).select_related("organisation", "team").prefetch_related("role_assignments"),
        user_id,
        user=acting_user,
        action=Action.USER_MANAGE,
        reason="no such account",
        object_type="user",
    )


def snapshot(user: User) -> dict[str, Any]:
    """What an account holds, as the audit log records its before and after."""
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "organisation": user.organisation.name if user.organisation is not None else None,
        "team": user.team.name if user.team is not None else None,
        "roles": sorted(r.role for r in user.role_assignments.all()) if user.pk else [],
        "is_active": user.is_active,
    }


def _clean(
    errors: dict[str, list[str]],
    *,
    first_name: str,
    last_name: str,
    email: str,
    organisation: Organisation | None,
    team: Team | None,
    roles: Iterable[str],
) -> tuple[str, str, str, list[str]]:
    first = clean_text(errors, "first_name", first_name, "the first name", required=True, limit=NAME_LIMIT, collapse=True)
    last = clean_text(errors, "last_name", last_name, "the last name", required=True, limit=NAME_LIMIT, collapse=True)
    address = clean_text(errors, "email", email, "the e-mail address", required=True, limit=254)
    if address and "email" not in errors:
        try:
            validate_email(address)
        except ValidationError:
            errors["email"] = ["Enter an e-mail address in the correct format, like name@example.org"]
    if organisation is None:
        errors["organisation"] = ["Select the organisation the user works for"]
    elif not organisation.active:
        errors["organisation"] = [f"{organisation.name} is no longer an active partner organisation"]
    if team is not None and not team.pk:
        errors["team"] = ["Select a local team from the list"]
    chosen = list(dict.fromkeys(roles))
    unknown = sorted(set(chosen) - set(Role.values))
    if unknown:
        errors["roles"] = [f"Unknown role: {', '.join(unknown)}"]
    elif not chosen:
        errors["roles"] = ["Select at least one role: a user with no role can do nothing"]
    return first, last, address, [r for r in Role.values if r in chosen]


def _guarded_roles_check(errors: dict[str, list[str]], acting_user: User, before: Iterable[str], after: Iterable[str]) -> None:
    moved = (set(before) ^ set(after)) & GUARDED_ROLES
    if moved and not acting_user.has_role(Role.SYSTEM_ADMIN):
        labels = ", ".join(Role(r).label.lower() for r in Role.values if r in moved)
        errors.setdefault("roles", []).append(f"Only a system administrator may grant or remove the role of {labels}")


def _not_self(acting_user: User, user: User, what: str) -> None:
    if user.pk == acting_user.pk:
        raise ValidationError({"__all__": [f"You cannot {what} your own account: ask another administrator"]})


def _set_roles(user: User, roles: list[str]) -> None:
    RoleAssignment.objects.filter(user=user).exclude(role__in=roles).delete()
    held = set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))
    RoleAssignment.objects.bulk_create([RoleAssignment(user=user, role=r) for r in roles if r not in held])
    if hasattr(user, "_prefetched_objects_cache"):
        user._prefetched_objects_cache.pop("role_assignments", None)
    user.__dict__.pop("_role_codes", None)


def user_create(
    *,
    acting_user: User,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    organisation: Organisation | None,
    team: Team | None,
    roles: Iterable[str],
) -> User:
    """A new, active account with no password (its holder sets one through a set-up link)."""
    _may_manage(acting_user)
    errors: dict[str, list[str]] = {}
    username = (username or "").strip()
    if not USERNAME.match(username):
        errors["username"] = ["Enter a username of 3 to 150 letters, digits and . _ @ - only (no spaces)"]
    elif username in SYSTEM_USERNAMES or User.objects.filter(username__iexact=username).exists():
        errors["username"] = [f"The username {username} is already taken: choose another"]
    first, last, address, chosen = _clean(
        errors, first_name=first_name, last_name=last_name, email=email, organisation=organisation, team=team, roles=roles
    )
    _guarded_roles_check(errors, acting_user, [], chosen)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        user = User(username=username, first_name=first, last_name=last, email=address, organisation=organisation, team=team)
        user.set_unusable_password()
        user.save()
        _set_roles(user, chosen)
        audit.record(
            actor=acting_user, action=AuditAction.CREATE, object_type="user", object_id=user.pk, changes=audit.diff({}, snapshot(user))
        )
    return user


def user_change(
    *,
    acting_user: User,
    user: User,
    first_name: str,
    last_name: str,
    email: str,
    organisation: Organisation | None,
    team: Team | None,
    roles: Iterable[str],
) -> User:
    """Change an account's names, e-mail address, organisation, team and roles (not its username,
    which the audit log names it by)."""
    _may_manage(acting_user, object_id=user.pk)
    _not_self(acting_user, user, "change")
    errors: dict[str, list[str]] = {}
    first, last, address, chosen = _clean(
        errors, first_name=first_name, last_name=last_name, email=email, organisation=organisation, team=team, roles=roles
    )
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        before = snapshot(user)
        _guarded_roles_check(errors, acting_user, before["roles"], chosen)
        if errors:
            raise ValidationError(errors)
        user.first_name, user.last_name, user.email, user.organisation, user.team = first, last, address, organisation, team
        user.save(update_fields=["first_name", "last_name", "email", "organisation", "team"])
        _set_roles(user, chosen)
        changes = audit.diff(before, snapshot(user))
        if changes:
            audit.record(actor=acting_user, action=AuditAction.CHANGE, object_type="user", object_id=user.pk, changes=changes)
    return user


@contextmanager
def _step(acting_user: User, user: User, *, what: str, reason: str, why_label: str, active: bool) -> Iterator[tuple[User, dict[str, Any]]]:
    """The checks every step on someone else's account makes, then the account locked for the step,
    which audits it with the reason: the acting user may manage accounts, the account is not their
    own, a reason is given, only a system administrator touches a holder of the guarded roles, and
    the account is active (or, with ``active=False``, disabled) as the step needs."""
    _may_manage(acting_user, object_id=user.pk)
    _not_self(acting_user, user, what)
    errors: dict[str, list[str]] = {}
    why = clean_text(errors, "reason", reason, why_label, required=True, limit=REASON_LIMIT)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        _guarded_roles_check(errors, acting_user, set(locked.role_codes) & GUARDED_ROLES, [])
        if errors:
            raise ValidationError(errors)
        if locked.is_active and not active:
            raise ValidationError({"__all__": [f"{locked.get_username()} is already active"]})
        if active and not locked.is_active:
            then = "" if what == "disable" else ": enable the account first"
            raise ValidationError({"__all__": [f"{locked.get_username()} is already disabled{then}"]})
        changes: dict[str, Any] = {}
        yield locked, changes
        audit.record(actor=acting_user, action=AuditAction.CHANGE, object_type="user", object_id=locked.pk, changes=changes, reason=why)


def user_disable(*, acting_user: User, user: User, reason: str) -> User:
    """Disable an account (a leaver, a suspension): it can no longer sign in or use the API, at once.
    Its API tokens are revoked and its unused set-up links withdrawn; the reason is audited."""
    with _step(acting_user, user, what="disable", reason=reason, why_label="why the account is disabled", active=True) as (user, changes):
        now = timezone.now()
        user.is_active = False
        user.save(update_fields=["is_active"])
        revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
        EnrolmentLink.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
        changes.update({"is_active": {"before": True, "after": False}, "api_tokens_revoked": revoked})
    return user


def user_sign_in_reset(*, acting_user: User, user: User, reason: str) -> User:
    """A forgotten password or a lost phone: the account's password and authenticator apps are
    cleared, which ends its sessions at once (a session is bound to the password it began with), so
    that its holder sets both again through a new set-up link. API tokens are left as they are."""
    with _step(acting_user, user, what="reset the sign-in of", reason=reason, why_label="why the sign-in is reset", active=True) as (
        user,
        changes,
    ):
        user.set_unusable_password()
        user.save(update_fields=["password"])
        changes.update({"password": "cleared", "authenticator_apps_removed": TOTPDevice.objects.filter(user=user).delete()[0]})
    return user


def user_enable(*, acting_user: User, user: User, reason: str) -> User:
    """Enable a disabled account again (a return from leave). Its old API tokens stay revoked."""
    with _step(acting_user, user, what="enable", reason=reason, why_label="why the account is enabled again", active=False) as (
        user,
        changes,
    ):
        user.is_active = True
        user.save(update_fields=["is_active"])
        changes.update({"is_active": {"before": False, "after": True}})
    return user
