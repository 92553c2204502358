from django.db import models

from orderly.accounts.models import Organization
from orderly.models import TimestampedModel, UUIDModel, scoped_queryset
from webhooks import signing


class Webhook(TimestampedModel):
    """An endpoint of an end user (end_user set) or of the organization itself (end_user null)."""

    class SecretScheme(models.TextChoices):
        # Endpoints created before CONTRACT §6 rev. 2 keep their receivers' key until they rotate.
        RAW = signing.RAW, "Standard Webhooks key: the secret's UTF-8 bytes"
        STANDARD = signing.STANDARD, "Standard Webhooks key: the decoded whsec_ base64, else UTF-8"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="webhooks")
    end_user = models.ForeignKey(
        "accounts.EndUser", on_delete=models.CASCADE, null=True, blank=True, related_name="webhooks"
    )
    url = models.URLField(max_length=2000)
    description = models.CharField(max_length=200, blank=True, default="")
    events = models.JSONField(default=list)
    # Signing secrets must be read back to sign, so they are encrypted at rest (orderly.crypto).
    secret_encrypted = models.TextField(editable=False)
    secret_scheme = models.CharField(
        max_length=10, choices=SecretScheme.choices, default=SecretScheme.STANDARD, editable=False
    )
    # Secrets replaced by a rotation, still signing until they expire:
    # [{"secret_encrypted", "scheme", "expires_at" (ISO 8601)}], oldest first.
    previous_secrets = models.JSONField(default=list, blank=True, editable=False)
    is_active = models.BooleanField(default=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    failing_since = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, null=True, blank=True)
    # An alert rule's delivery target rides the same pipeline but is not a listed endpoint.
    for_alert_rule = models.BooleanField(default=False)

    objects = scoped_queryset()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organization", "end_user", "is_active"], name="webhook_owner_active"),
        ]

    def __str__(self):
        return self.url


class WebhookDelivery(TimestampedModel):
    """One event to one endpoint: the outbox row. Its state and next due time live here, not in the broker."""

    class Status(models.TextChoices):
        PENDING = "pending"
        SENDING = "sending"
        DELIVERED = "delivered"
        FAILED = "failed"

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="webhook_deliveries")
    event_type = models.CharField(max_length=100)
    # The exact bytes sent, so every retry is identical and signatures can be re-checked.
    body = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    objects = scoped_queryset(organization_path="webhook__organization", end_user_path="webhook__end_user")

    class Meta:
        verbose_name_plural = "webhook deliveries"
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["webhook", "event"], name="delivery_once_per_event")]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
            models.Index(fields=["webhook", "-created_at"], name="delivery_webhook_created"),
        ]

    @property
    def success(self) -> bool:
        return self.status == self.Status.DELIVERED


class WebhookAttempt(UUIDModel):
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField()
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_excerpt = models.TextField(blank=True, default="")
    error = models.TextField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["delivery", "-created_at"], name="attempt_delivery_created")]
