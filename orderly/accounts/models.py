import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from orderly.models import TimestampedModel, scoped_queryset

API_KEY_SCOPES = (
    "embed:manage",
    "orders:read",
    "orders:write",
    "shipments:write",
    "tracking:write",
    "operations:read",
    "operations:write",
    "operations:execute",
)


class Organization(TimestampedModel):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Membership(TimestampedModel):
    """A staff user belongs to exactly one organization."""

    class Role(models.TextChoices):
        ADMIN = "admin"
        STAFF = "staff"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    # Who a staff user is on the wire (`resolved_by`, `created_by`, …): ids are UUIDs (CONTRACT §3),
    # and the auth user's integer key is an internal detail.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.STAFF)

    objects = scoped_queryset()

    def __str__(self):
        return f"{self.user} @ {self.organization}"


class ApiKey(TimestampedModel):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="api_keys")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_keys")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, help_text="The first characters of the key, to recognise it.")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(default=list)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = scoped_queryset()

    class Meta:
        verbose_name = "API key"
        verbose_name_plural = "API keys"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class EndUser(TimestampedModel):
    class ProvisionedBy(models.TextChoices):
        # The integrator's server (a server-side session, the dashboard, the admin): it vouched for
        # this identity, so the public publishable key may never reach it without a userHash.
        SERVER = "server"
        # An auto-session (publishable key) created it: nobody vouched for it (CONTRACT §1 rev. 2).
        AUTO = "auto"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="end_users")
    external_id = models.CharField(max_length=255)
    name = models.CharField(max_length=255, blank=True, default="")
    email = models.EmailField(max_length=254, blank=True, default="")
    metadata = models.JSONField(default=dict, blank=True)
    provisioned_by = models.CharField(max_length=10, choices=ProvisionedBy.choices, default=ProvisionedBy.SERVER)

    objects = scoped_queryset(end_user_path="pk")

    class Meta:
        db_table = "embed_enduser"  # moved from the embed app; the table keeps its name
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
        db_table = "embed_embedsession"  # moved from the embed app; the table keeps its name
        ordering = ["-created_at"]

    def __str__(self):
        return f"session {self.pk}"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now() and self.end_user_id is not None
