from django.db import models

from orderly.accounts.models import Organization
from orderly.models import UUIDModel


class IdempotencyRecord(UUIDModel):
    """One `Idempotency-Key` of one caller (CONTRACT §3 rev. 2): the request it was first used with
    and, once that completed, its answer, replayed for 24 hours."""

    class Status(models.TextChoices):
        RUNNING = "running"
        COMPLETED = "completed"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    # The key's namespace: the organization for an API key, the organization and end user for a session.
    scope = models.CharField(max_length=120)
    key = models.CharField(max_length=255)
    # SHA-256 of the method, the endpoint and the body: "the same request".
    fingerprint = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    # A running request that holds its key past this died without answering; a retry may take over.
    locked_until = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    # Encrypted (orderly.crypto): an answer may carry a secret shown once (a session token, a webhook secret).
    response_body_encrypted = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="idempotency_key_once_per_scope")
        ]
        indexes = [models.Index(fields=["expires_at"], name="idempotency_expires")]

    def __str__(self):
        return f"{self.scope} {self.key}"
