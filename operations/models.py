"""Operations: one auditable, undoable action on an order, with its input, output and log."""

from django.conf import settings
from django.db import models

from orderly.accounts.models import Organization
from orderly.models import TimestampedModel, scoped_queryset


class OperationStatus(models.TextChoices):
    PENDING = "pending"
    EXECUTING = "executing"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    UNDONE = "undone"


class Operation(TimestampedModel):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="operations")
    type = models.CharField(max_length=50)
    status = models.CharField(max_length=20, choices=OperationStatus.choices, default=OperationStatus.PENDING)
    order = models.ForeignKey(
        "orders.Order", on_delete=models.SET_NULL, null=True, blank=True, related_name="operations"
    )
    input = models.JSONField(default=dict, blank=True)
    output = models.JSONField(null=True, blank=True)
    logs = models.JSONField(default=list, blank=True)  # [{"at": iso, "message": str}]
    error = models.TextField(blank=True, default="")
    undo_data = models.JSONField(null=True, blank=True)  # the state an undo restores
    executed_at = models.DateTimeField(null=True, blank=True)
    undo_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    executed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The approved action request that started this operation; a plain UUID keeps the apps apart.
    action_request_id = models.UUIDField(null=True, blank=True, db_index=True)

    objects = scoped_queryset(end_user_path="order__end_user")

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organization", "-created_at"], name="operation_org_created"),
            models.Index(fields=["organization", "-updated_at"], name="operation_org_updated"),
            models.Index(fields=["organization", "-executed_at"], name="operation_org_executed"),
            models.Index(fields=["organization", "status", "-created_at"], name="operation_org_status"),
            models.Index(fields=["organization", "type", "-created_at"], name="operation_org_type"),
            models.Index(fields=["order", "-created_at"], name="operation_order_created"),
            # The stalled-execution sweep: executing rows whose lease (updated_at) ran out.
            models.Index(fields=["status", "updated_at"], name="operation_status_updated"),
        ]

    def __str__(self):
        return f"{self.type} ({self.status})"
