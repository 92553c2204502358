"""Bridges: an end user's connection to a store or shipping service, and Shopify's OAuth state."""

from django.db import models

from orderly.accounts.models import EndUser, Organization
from orderly.models import TimestampedModel, scoped_queryset


class Bridge(TimestampedModel):
    class Status(models.TextChoices):
        PENDING = "pending"
        ACTIVE = "active"
        INACTIVE = "inactive"
        ERROR = "error"
        DISCONNECTED = "disconnected"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="bridges")
    end_user = models.ForeignKey(EndUser, on_delete=models.SET_NULL, null=True, blank=True, related_name="bridges")
    type = models.CharField(max_length=50)
    name = models.CharField(max_length=200)
    # Non-secret config values; secret ones live encrypted in `secret_config` (see orderly.crypto).
    config = models.JSONField(default=dict, blank=True)
    secret_config = models.TextField(blank=True, default="", editable=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    last_sync_at = models.DateTimeField(null=True, blank=True)
    error_message = models.TextField(null=True, blank=True)

    objects = scoped_queryset()

    class Meta:
        db_table = "embed_bridge"  # moved from the embed app; the table keeps its name
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "end_user", "-created_at"], name="bridge_owner_created")]

    def __str__(self):
        return self.name


class OAuthState(TimestampedModel):
    """A single-use, expiring OAuth `state`, bound to the pending bridge it was issued for."""

    bridge = models.ForeignKey(Bridge, on_delete=models.CASCADE, related_name="oauth_states")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    shop = models.CharField(max_length=255)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "embed_oauthstate"  # moved from the embed app; the table keeps its name
