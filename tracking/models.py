from django.db import models

from orderly.accounts.models import Organization
from orderly.models import TimestampedModel, scoped_queryset


class TrackingPage(TimestampedModel):
    """A revocable public link to one shipment's journey.

    The token is the public credential itself: it is printed in URLs and e-mails and must be looked
    up on every view, so it is stored as is (unique index), unlike API keys and session tokens.
    It carries 192 random bits, shows nothing but the shipment, and can be revoked at any time.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="tracking_pages")
    end_user = models.ForeignKey(
        "accounts.EndUser", on_delete=models.SET_NULL, null=True, blank=True, related_name="tracking_pages"
    )
    shipment = models.ForeignKey("orders.Shipment", on_delete=models.CASCADE, related_name="tracking_pages")
    token = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(default=True)
    view_count = models.PositiveIntegerField(default=0)
    last_viewed_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = scoped_queryset()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["shipment"],
                condition=models.Q(is_active=True),
                name="tracking_page_one_active_per_shipment",
            )
        ]
        indexes = [models.Index(fields=["end_user", "-created_at"], name="tracking_page_user_created")]

    def __str__(self):
        return f"Tracking page for {self.shipment_id}"
