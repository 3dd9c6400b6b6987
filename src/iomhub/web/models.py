"""Once-only submissions: a form's token or an API request's Idempotency-Key, remembered per credential.

One table for both (ADR: nothing stored twice on a double submission). A row is claimed *in flight*
when the first request with the key starts (the unique constraint on scope and key lets exactly one
request claim it) and marked *done* with where it led when that request succeeds; a request that
fails deletes its row, so the key may be used again. No response body is kept: only the status, the
Location (or link) and the created resource's id, so the table holds no personal data beyond a URL.
"""

from __future__ import annotations

from django.db import models


class OnceState(models.TextChoices):
    IN_FLIGHT = "in-flight", "Being saved"
    DONE = "done", "Saved"


class OnceKey(models.Model):
    # Whose key: "form:account:<id>" (a page's token), "api:token:<sha256 of the API token>" or
    # "api:account:<id>" (an Idempotency-Key sent with a signed-in session).
    scope = models.CharField(max_length=100)
    key = models.CharField(max_length=255)
    # The SHA-256 of the API request's body (empty for a form's token).
    fingerprint = models.CharField(max_length=64, blank=True, default="")
    state = models.CharField(max_length=10, choices=OnceState.choices, default=OnceState.IN_FLIGHT)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    location = models.CharField(max_length=2000, blank=True, default="")
    resource_id = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="web_oncekey_scope_key_unique")]
        indexes = [models.Index(fields=["started_at"], name="web_oncekey_started_idx")]

    def __str__(self) -> str:
        return f"{self.scope} {self.state}"
