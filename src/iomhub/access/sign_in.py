"""Sign-in limits and second-factor enrolment (issue 9 §7, ADR 0012).

Three limits on failed sign-ins, so that neither one user's mistakes lock everyone behind the same
address, nor a guesser spreading attempts across usernames (or resetting a counter with a good
sign-in of their own) goes unchecked:

- a username from one address: ``IOMHUB_LOCKOUT_FAILURES`` (5) failures in 30 minutes lock that
  pair; a good sign-in of the same pair starts its count again;
- a username from any address: ``IOMHUB_LOCKOUT_USER_FAILURES`` (20) in 24 hours;
- an address, whatever the username: ``IOMHUB_LOCKOUT_ADDRESS_FAILURES`` (50) in an hour.

The first authenticator app is set up only through a one-time link an administrator issues
(``enrolment_link_issue``); a password alone never enrols a device.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from iomhub.access import audit
from iomhub.access.errors import deny
from iomhub.access.models import AuditAction, EnrolmentLink, SignInFailure, User
from iomhub.access.policy import Action, decide
from iomhub.access.refusals import get_or_deny

PAIR_WINDOW = datetime.timedelta(minutes=30)
USER_WINDOW = datetime.timedelta(hours=24)
ADDRESS_WINDOW = datetime.timedelta(hours=1)


def lockout(*, username: str, ip_address: str | None) -> str | None:
    """Which limit this sign-in attempt is over ("pair", "username", "address"), or ``None``."""
    if not settings.IOMHUB_LOCKOUT:
        return None
    now = timezone.now()
    failures = SignInFailure.objects.all()
    pair = failures.filter(username=username, ip_address=ip_address, cleared=False, occurred_at__gte=now - PAIR_WINDOW)
    if pair.count() >= settings.IOMHUB_LOCKOUT_FAILURES:
        return "pair"
    if failures.filter(username=username, occurred_at__gte=now - USER_WINDOW).count() >= settings.IOMHUB_LOCKOUT_USER_FAILURES:
        return "username"
    if (
        ip_address
        and failures.filter(ip_address=ip_address, occurred_at__gte=now - ADDRESS_WINDOW).count()
        >= settings.IOMHUB_LOCKOUT_ADDRESS_FAILURES
    ):
        return "address"
    return None


def failure_record(*, username: str, ip_address: str | None) -> None:
    now = timezone.now()
    SignInFailure.objects.create(username=username[:150], ip_address=ip_address, occurred_at=now)
    SignInFailure.objects.filter(occurred_at__lt=now - 2 * USER_WINDOW).delete()  # nothing counts them any more


def success_record(*, username: str, ip_address: str | None) -> None:
    """A good password clears the count of this username from this address only."""
    SignInFailure.objects.filter(username=username, ip_address=ip_address, cleared=False).update(cleared=True)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def enrolment_link_issue(*, acting_user: User, user_id: int) -> tuple[EnrolmentLink, str]:
    """A one-time set-up link for ``user_id``'s first authenticator app, issued by a system
    administrator or information governance lead. The secret is returned once; only its digest is
    kept. Issuing a new link withdraws the user's earlier unused ones."""
    decision = decide(acting_user, Action.USER_ENROL)
    if not decision:
        deny(user=acting_user, action=Action.USER_ENROL, reason=decision.reason, object_type="user", object_id=user_id)
    user = get_or_deny(
        User.objects.filter(is_active=True), user_id, user=acting_user, action=Action.USER_ENROL, reason="no such user", object_type="user"
    )
    secret = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        EnrolmentLink.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
        link = EnrolmentLink.objects.create(
            user=user,
            issued_by=acting_user,
            digest=_digest(secret),
            created_at=now,
            expires_at=now + datetime.timedelta(hours=settings.IOMHUB_ENROLMENT_LINK_HOURS),
        )
        audit.record(
            actor=acting_user,
            action=AuditAction.ENROLMENT_LINK,
            object_type="user",
            object_id=user.pk,
            changes={"username": user.get_username(), "expires_at": link.expires_at},
        )
    return link, secret


def enrolment_link_find(secret: str) -> EnrolmentLink | None:
    """The unused, unexpired link for ``secret``, or ``None``."""
    if not secret or len(secret) > 100:
        return None
    return (
        EnrolmentLink.objects.select_related("user")
        .filter(digest=_digest(secret), used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )


def password_choose(*, link: EnrolmentLink, password: str) -> User:
    """A new account's first password, chosen through its unused set-up link (ADR 0045): only while
    the account has none and is active, checked by the password validators in settings. The link
    stays unused until the authenticator app is set up with it (``device_enrol``). The write is a
    compare-and-set on "has no password yet", so of two pages posting at once only the first sets it."""
    user = link.user
    taken = ValidationError({"password": ["This account already has a password: sign in with it"]})
    if not user.is_active or user.has_usable_password():
        raise taken
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    hashed = make_password(password)
    with transaction.atomic():
        still_none = User.objects.filter(pk=user.pk, is_active=True, password__startswith=UNUSABLE_PASSWORD_PREFIX)
        if not still_none.update(password=hashed):
            raise taken
        user.password = hashed
        audit.record(actor=user, action=AuditAction.PASSWORD_CHOSEN, object_type="user", object_id=user.pk)
    return user


def device_enrol(*, acting_user: User, device: TOTPDevice, link_id: int | None, code: str) -> None:
    """Confirm ``device`` with a code from it. A user's first device needs their unused set-up
    link (``link_id``), which this uses up; a user who has passed the second factor with an earlier
    device may add another without one (the caller checks that)."""
    if not device.verify_token(code):
        raise ValidationError({"token": ["The security code is not correct or has expired"]})
    with transaction.atomic():
        if link_id is not None:
            used = EnrolmentLink.objects.filter(pk=link_id, user=acting_user, used_at__isnull=True, expires_at__gt=timezone.now()).update(
                used_at=timezone.now()
            )
            if not used:
                raise ValidationError({"token": ["This set-up link has expired or has already been used: ask for a new one"]})
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit.record(
            actor=acting_user,
            action=AuditAction.SECOND_FACTOR_SET_UP,
            object_type="user",
            object_id=acting_user.pk,
            changes={"device": device.name, "with_link": link_id is not None},
        )


def device_verifying(*, user: User, token: str) -> TOTPDevice | None:
    """The user's confirmed authenticator that accepts ``token`` now, if any."""
    return next((d for d in TOTPDevice.objects.filter(user=user, confirmed=True) if d.verify_token(token)), None)


def device_to_enrol(*, user: User) -> TOTPDevice:
    """The authenticator the user is enrolling (made, unconfirmed, on first sight)."""
    device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=False, defaults={"name": "Authenticator app"})
    return device


def enrolment_link_open(*, link_id: int, user: User) -> bool:
    """Whether the set-up link ``link_id`` of ``user`` is unused and unexpired."""
    return EnrolmentLink.objects.filter(pk=link_id, user=user, used_at__isnull=True, expires_at__gt=timezone.now()).exists()
