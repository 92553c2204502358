from django.db import models

from orderly.accounts.models import Organization
from orderly.models import UUIDModel, scoped_queryset


class Event(UUIDModel):
    """A domain event, recorded once in the transaction of the change it describes.

    It is at once the embed event log (`GET /embed/events`) and the source every consumer
    (webhooks, alerts) fans out from. `end_user_id` is a plain column so the log outlives
    a deleted end user.
    """

    # No index of its own: every index below starts with the organization.
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    event_type = models.CharField(max_length=100)
    end_user_id = models.UUIDField(null=True, blank=True)
    session_id = models.UUIDField(null=True, blank=True)
    resource_type = models.CharField(max_length=50, blank=True, default="")
    resource_id = models.CharField(max_length=64, blank=True, default="")
    metadata = models.JSONField(default=dict, blank=True)
    # The payload consumers send on (the `data` of a webhook body).
    data = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = scoped_queryset(end_user_path="end_user_id")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The log's order (-created_at, -id) in full, so pages and counts read the index only.
            models.Index(fields=["organization", "-created_at", "-id"], name="event_org_created_id"),
            models.Index(
                fields=["organization", "event_type", "-created_at", "-id"], name="event_org_type_id"
            ),
            models.Index(
                fields=["organization", "end_user_id", "-created_at", "-id"], name="event_org_user_id"
            ),
        ]

    def __str__(self):
        return f"{self.event_type} {self.pk}"
