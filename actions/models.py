"""Action requests: an end user asks, ops staff approve or deny, unanswered ones expire."""

from django.conf import settings
from django.db import models

from orderly.accounts.models import Organization
from orderly.models import TimestampedModel, scoped_queryset


class ActionType(models.TextChoices):
    CANCEL = "cancel"
    HOLD = "hold"
    EXPEDITE = "expedite"
    ADDRESS_CHANGE = "address_change"
    NOTE = "note"
    OTHER = "other"


class ActionStatus(models.TextChoices):
    PENDING = "pending"
    APPROVED = "approved"
    DENIED = "denied"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class ActionRequest(TimestampedModel):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="action_requests")
    end_user = models.ForeignKey(
        "accounts.EndUser", on_delete=models.SET_NULL, null=True, blank=True, related_name="action_requests"
    )
    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="action_requests")
    action_type = models.CharField(max_length=20, choices=ActionType.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(max_length=2000, blank=True, default="")
    requested_changes = models.JSONField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.PENDING)
    resolution_note = models.TextField(max_length=2000, null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    # Set by the operations app when an approval starts an operation; a plain column keeps apps apart.
    operation_id = models.UUIDField(null=True, blank=True)

    objects = scoped_queryset()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The review queue (pending, oldest first) and its count: small, as only pending rows are in it.
            models.Index(
                fields=["organization", "created_at", "id"],
                condition=models.Q(status="pending"),
                name="actreq_org_pending_created",
            ),
            models.Index(fields=["organization", "status", "created_at"], name="actreq_org_status_created"),
            models.Index(fields=["organization", "created_at"], name="actreq_org_created"),
            models.Index(fields=["end_user", "-created_at"], name="actreq_user_created"),
            models.Index(fields=["end_user", "status", "-created_at"], name="actreq_user_status_created"),
            models.Index(fields=["status", "expires_at"], name="actreq_status_expires"),
        ]

    def __str__(self):
        return f"{self.get_action_type_display()}: {self.title}"

    @property
    def is_pending(self) -> bool:
        return self.status == ActionStatus.PENDING
