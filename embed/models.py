from django.db import models
from django.utils import timezone

from orderly.accounts.models import Organization
from orderly.models import TimestampedModel, scoped_queryset


class EmbedConfig(TimestampedModel):
    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="embed_config")
    slug = models.SlugField(max_length=100, unique=True)
    # Publishable keys are public by design (they ship in browser code), so they are stored as is.
    publishable_key = models.CharField(max_length=64, unique=True)
    branding = models.JSONField(default=dict, blank=True)
    allowed_origins = models.JSONField(default=list, blank=True)
    allowed_bridge_types = models.JSONField(default=list, blank=True)
    default_dispatcher_id = models.UUIDField(null=True, blank=True)
    settings = models.JSONField(default=dict, blank=True)
    enabled_features = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(default=True)

    objects = scoped_queryset()

    def __str__(self):
        return self.slug

    def has_feature(self, feature: str) -> bool:
        return feature in (self.enabled_features or [])


class EndUser(TimestampedModel):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="end_users")
    external_id = models.CharField(max_length=255)
    name = models.CharField(max_length=255, blank=True, default="")
    email = models.EmailField(max_length=254, blank=True, default="")
    metadata = models.JSONField(default=dict, blank=True)

    objects = scoped_queryset(end_user_path="pk")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "external_id"], name="end_user_unique_external_id"),
        ]
        indexes = [models.Index(fields=["organization", "-created_at"], name="end_user_org_created")]

    def __str__(self):
        return self.name or self.external_id


class EmbedSession(TimestampedModel):
    class Origin(models.TextChoices):
        SERVER = "server"
        AUTO = "auto"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="embed_sessions")
    # Kept (revoked) when the end user is deleted, so the log still explains where a token went.
    end_user = models.ForeignKey(EndUser, on_delete=models.SET_NULL, null=True, related_name="sessions")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(default=list)
    allowed_bridge_types = models.JSONField(null=True, blank=True)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.SERVER)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    objects = scoped_queryset()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"session {self.pk}"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now() and self.end_user_id is not None


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
    # Non-secret config values; secret ones live encrypted in `secret_config` (see embed.crypto).
    config = models.JSONField(default=dict, blank=True)
    secret_config = models.TextField(blank=True, default="", editable=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    last_sync_at = models.DateTimeField(null=True, blank=True)
    error_message = models.TextField(null=True, blank=True)

    objects = scoped_queryset()

    class Meta:
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
