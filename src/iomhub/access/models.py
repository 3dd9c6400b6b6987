"""The partnership (organisations, local teams, users, roles), sharing agreements and the audit log.

Seed 000 §5.10.2 asks for a shared case management system with "levels of access, confidentiality,
information exchange"; the brief's table names the roles.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone


class OrganisationKind(models.TextChoices):
    POLICE = "police", "Police force"
    PROBATION = "probation", "Probation Service"
    TREATMENT = "treatment", "Drug and alcohol treatment provider"
    HOUSING = "housing", "Local authority housing"
    DWP = "dwp", "Department for Work and Pensions"
    HEALTH = "health", "Health"
    MENTAL_HEALTH = "mental-health", "Mental health"
    YOT = "yot", "Youth offending team"
    PRISON = "prison", "Prison"
    VOLUNTARY = "voluntary", "Voluntary sector"
    LOCAL_AUTHORITY = "local-authority", "Local authority"


class Section(models.TextChoices):
    """The parts of a person's record that access is granted to separately."""

    IDENTITY = "identity", "Identity"
    CONTACT = "contact", "Addresses and contact details"
    EQUALITY = "equality", "Equality monitoring"
    MARKERS = "markers", "Warnings and markers"
    JUSTICE = "justice", "Justice"
    PLAN = "plan", "Plan"
    ASSESSMENTS = "assessments", "Assessments"
    HEALTH = "health", "Health and substance misuse"
    SAFEGUARDING = "safeguarding", "Safeguarding and domestic abuse"
    TIMELINE = "timeline", "Timeline"
    INTELLIGENCE = "intelligence", "Police intelligence"
    DOCUMENTS = "documents", "Documents"


class Role(models.TextChoices):
    POLICE_IOM_OFFICER = "police-iom-officer", "Police IOM officer"
    PROBATION_OFFICER = "probation-officer", "Probation officer"
    SUBSTANCE_MISUSE = "substance-misuse-practitioner", "Substance-misuse practitioner"
    PARTNER_WORKER = "partner-worker", "Partner worker"
    COORDINATOR = "iom-coordinator", "IOM coordinator"
    CHAIR = "chair", "Chair"
    PERFORMANCE_LEAD = "performance-lead", "Performance lead"
    IG_LEAD = "ig-lead", "Information governance lead"
    SYSTEM_ADMIN = "system-admin", "System administrator"
    EVALUATOR = "evaluator", "Independent evaluator"


class Organisation(models.Model):
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=32, choices=OrganisationKind.choices)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A local IOM team or hub (e.g. one per district), made of staff from several organisations."""

    name = models.CharField(max_length=200, unique=True)
    area = models.CharField(max_length=200, blank=True)
    # The postcode areas ("SO") and districts ("SO14") the team covers, comma-separated and
    # normalised by ``iomhub.rules.area.parse_coverage``; all teams together are the partnership's
    # area, which decides residence for eligibility (000 §5.7; ADR 0008). Set by the IOM coordinator.
    postcodes = models.CharField("Postcode areas and districts covered", max_length=1000, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="users")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="members")
    # A synthetic account made by the demo loader: in demo mode (never production) it alone may
    # sign in without a second factor (ADR 0012).
    demo_account = models.BooleanField(default=False)

    @property
    def role_codes(self) -> frozenset[str]:
        cached: frozenset[str] | None = getattr(self, "_role_codes", None)
        if cached is None:
            cached = frozenset(self.role_assignments.values_list("role", flat=True)) if self.pk else frozenset()
            self._role_codes = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_codes.intersection(roles))

    def role_labels(self) -> list[str]:
        return [Role(code).label for code in sorted(self.role_codes)]

    @property
    def display_name(self) -> str:
        """The name a record keeps of who did something (decided, recorded, reviewed): the full name,
        or the username when the account has none."""
        return self.get_full_name() or self.get_username()


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=40, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="unique_role_per_user")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


class SharingAgreement(models.Model):
    """What sections of a person's record an organisation's partner workers may see.

    Without an agreement an organisation's partner workers see nothing (default deny).
    """

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="sharing_agreement")
    sections = models.JSONField(default=list, help_text="Section codes the organisation is entitled to")
    purpose = models.TextField(blank=True, help_text="Why the organisation needs what it is given (000 §5.10.2)")
    signed_on = models.DateField(null=True, blank=True)
    review_by = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Sharing agreement: {self.organisation}"


class TokenScope(models.TextChoices):
    READ = "read", "Read only"
    READ_WRITE = "read-write", "Read and write"


def _token_expiry() -> datetime.datetime:
    from django.conf import settings

    return timezone.now() + datetime.timedelta(days=settings.IOMHUB_TOKEN_DAYS)


class ApiToken(models.Model):
    """A per-user API token. Only a SHA-256 digest is kept; the token is shown once when issued.

    It expires (``IOMHUB_TOKEN_DAYS``, 90 by default), can be revoked, and a read-only token is
    refused on every method that changes anything (ADR 0012)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    scope = models.CharField(max_length=12, choices=TokenScope.choices, default=TokenScope.READ)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=_token_expiry)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} (iom_{self.prefix}…)"

    @property
    def read_only(self) -> bool:
        return self.scope != TokenScope.READ_WRITE

    def usable(self, now: datetime.datetime | None = None) -> bool:
        return self.revoked_at is None and (now or timezone.now()) < self.expires_at

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @staticmethod
    def new_secret() -> str:
        return "iom_" + secrets.token_urlsafe(32)


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("The audit log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only")


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed"
    SEARCH = "search", "Searched"
    CREATE = "create", "Created"
    CHANGE = "change", "Changed"
    EXPORT = "export", "Exported"
    DENIED = "denied", "Access denied"
    BREAK_GLASS = "break-glass", "Break-glass access"
    SIGN_IN = "sign-in", "Signed in"
    SIGN_IN_FAILED = "sign-in-failed", "Sign-in failed"
    SIGN_OUT = "sign-out", "Signed out"
    LOCKED_OUT = "locked-out", "Locked out"
    TOKEN_ISSUED = "token-issued", "API token issued"
    TOKEN_USED = "token-used", "API token used"
    TOKEN_REVOKED = "token-revoked", "API token revoked"
    PASSWORD_OK = "password-ok", "Password accepted"
    PASSWORD_CHOSEN = "password-chosen", "Password chosen"
    SECOND_FACTOR_OK = "second-factor-ok", "Second factor accepted"
    SECOND_FACTOR_SET_UP = "second-factor-set-up", "Authenticator app set up"
    ENROLMENT_LINK = "enrolment-link", "Set-up link issued"
    LISTED = "listed", "Shown in a list"


class AuditEvent(models.Model):
    """One append-only entry: who did what to which record, when, from where and why.

    Shaped like the MoJ audit service (who / what / subject / correlation). Rows are never updated
    or deleted by the application: ``save`` refuses an existing row, the queryset refuses bulk
    changes, and a database trigger (see migration 0002) refuses UPDATE and DELETE outright.
    """

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(User, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+", db_index=False)
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    person_id = models.BigIntegerField(null=True, blank=True)
    route = models.CharField(max_length=200, blank=True)
    outcome = models.CharField(max_length=20, default="ok")
    changes = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    request_id = models.CharField(max_length=36, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        # Every row written pays for each index (an arrests import writes one event a row): actor and
        # person are each the first column of a two-column index, which answers their look-ups, and
        # action has its plain index only (no LIKE 'prefix%' index: nothing asks that of it).
        indexes = [
            models.Index(fields=["actor", "occurred_at"]),
            models.Index(fields=["person_id", "occurred_at"]),
            models.Index(fields=["action"], name="auditevent_action_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.object_type} {self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("The audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only")


class BreakGlassAccess(models.Model):
    """A chair's recorded, time-limited reason to read a person they would otherwise not see."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    reason = models.TextField()
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Break-glass by {self.user_id} on person {self.person_id} until {self.expires_at:%Y-%m-%d %H:%M}"


class PersonAccessGrant(models.Model):
    """A named user allowed to see a restricted person (MAPPA, counter-terrorism...)."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="access_grants")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="person_grants")
    granted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True)
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "user"], name="unique_grant_per_person_user")]

    def __str__(self) -> str:
        return f"User {self.user_id} may see restricted person {self.person_id}"


class EnrolmentLink(models.Model):
    """A one-time link an administrator issues so a user can set up their first authenticator app.

    Without one, a password alone never enrols a device (issue 9 §7, ADR 0012). Only a digest is
    kept; the link is shown once, expires, and is used at most once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="enrolment_links")
    issued_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Set-up link for user {self.user_id} until {self.expires_at:%Y-%m-%d %H:%M}"


class SignInFailure(models.Model):
    """A failed password, by username and address: what the sign-in limits count (ADR 0012)."""

    username = models.CharField(max_length=150)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)
    # A good sign-in of the same username from the same address clears the pair's count only; the
    # username's and the address's counts keep every failure.
    cleared = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["username", "occurred_at"]),
            models.Index(fields=["ip_address", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.username} from {self.ip_address}"
