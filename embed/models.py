from django.db import models

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
    # The HMAC key of auto-sessions' `userHash` (CONTRACT §1 rev. 2). Needed in the clear to verify a
    # hash, so encrypted at rest (orderly.crypto), never hashed; shown once when created or rotated.
    identity_secret_encrypted = models.TextField(blank=True, default="")
    identity_secret_created_at = models.DateTimeField(null=True, blank=True)

    objects = scoped_queryset()

    class Meta:
        verbose_name = "embed configuration"

    def __str__(self):
        return self.slug

    def has_feature(self, feature: str) -> bool:
        return feature in (self.enabled_features or [])
