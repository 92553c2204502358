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
    end_user = models.ForeignKey(
        EndUser, on_delete=models.SET_NULL, null=True, blank=True, related_name="bridges"
    )
    type = models.CharField(max_length=50)
    name = models.CharField(max_length=200)
    # Non-secret config values; secret ones live encrypted in `secret_config` (see orderly.crypto).
    config = models.JSONField(default=dict, blank=True)
    secret_config = models.TextField(blank=True, default="", editable=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    last_sync_at = models.DateTimeField(null=True, blank=True)
    error_message = models.TextField(null=True, blank=True)
    # The embed config's `default_dispatcher_id` when the bridge was created. Informational: nothing
    # in the platform dispatches by it yet; it is kept so an integrator's dispatcher can pick it up.
    dispatcher_id = models.UUIDField(null=True, blank=True)
    # The remote account the bridge is connected to, where a type has one (a Shopify shop domain);
    # Shopify's webhooks name the shop, and this finds its bridges.
    account = models.CharField(max_length=255, blank=True, default="")

    objects = scoped_queryset()

    class Meta:
        db_table = "embed_bridge"  # moved from the embed app; the table keeps its name
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organization", "end_user", "-created_at"], name="bridge_owner_created"),
            models.Index(fields=["type", "account"], name="bridge_type_account"),
            models.Index(fields=["status", "type"], name="bridge_status_type"),
        ]

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
        verbose_name = "OAuth state"
        verbose_name_plural = "OAuth states"
        db_table = "embed_oauthstate"  # moved from the embed app; the table keeps its name


class SyncRun(TimestampedModel):
    """One sync of a bridge's orders (CONTRACT §10): its progress is saved after every page.

    At most one run per bridge is queued or running (a partial unique index), so two triggers
    racing each other get the same run. A worker owns a running run through `claim_token` until
    `lease_expires_at`; a run whose worker died is claimed again from its saved `cursor`.
    """

    class Trigger(models.TextChoices):
        MANUAL = "manual"
        SCHEDULE = "schedule"
        CONNECT = "connect"

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        FAILED = "failed"

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    bridge = models.ForeignKey(Bridge, on_delete=models.CASCADE, related_name="sync_runs")
    # Copied from the bridge so a session's list filters on one indexed column.
    end_user = models.ForeignKey(EndUser, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    trigger = models.CharField(max_length=20, choices=Trigger.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    orders_created = models.PositiveIntegerField(default=0)
    orders_updated = models.PositiveIntegerField(default=0)
    orders_unchanged = models.PositiveIntegerField(default=0)
    orders_skipped = models.PositiveIntegerField(default=0)
    pages = models.PositiveIntegerField(default=0)
    # The high-water mark sent as `since` (the last succeeded run's), and the newest `updatedAt`
    # seen so far, which becomes the next run's `since` once this one succeeds.
    since = models.DateTimeField(null=True, blank=True)
    high_water_mark = models.DateTimeField(null=True, blank=True)
    cursor = models.TextField(null=True, blank=True)
    # The skipped orders' validation errors, [{"externalId", "errors"}], the first ERRORS_KEPT.
    errors = models.JSONField(default=list, blank=True)
    error_message = models.TextField(null=True, blank=True)
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    claims = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = scoped_queryset()

    ERRORS_KEPT = 100

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["bridge"],
                condition=models.Q(status__in=["queued", "running"]),
                name="syncrun_one_active_per_bridge",
            ),
        ]
        indexes = [
            models.Index(fields=["bridge", "-created_at"], name="syncrun_bridge_created"),
            models.Index(fields=["status", "lease_expires_at"], name="syncrun_status_lease"),
        ]

    def __str__(self):
        return f"Sync {self.trigger} of {self.bridge_id} ({self.status})"


class ShopifyWebhookReceipt(TimestampedModel):
    """A webhook Shopify delivered, by its `X-Shopify-Webhook-Id`: a redelivery is recognised and
    not acted on twice."""

    webhook_id = models.CharField(max_length=255, unique=True)
    topic = models.CharField(max_length=100)
    shop = models.CharField(max_length=255)
    # What was done, for the admin: the bridges touched, the orders found or erased.
    outcome = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["shop", "-created_at"], name="shopifyreceipt_shop_created")]
