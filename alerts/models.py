from django.db import models

from orderly.accounts.models import Organization
from orderly.models import TimestampedModel, scoped_queryset


class AlertRule(TimestampedModel):
    class DeliveryMethod(models.TextChoices):
        IN_APP = "in_app"
        WEBHOOK = "webhook"
        BOTH = "both"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="alert_rules")
    end_user = models.ForeignKey("accounts.EndUser", on_delete=models.CASCADE, related_name="alert_rules")
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=500, blank=True, default="")
    event_type = models.CharField(max_length=100)
    condition = models.JSONField(default=dict)
    delivery_method = models.CharField(
        max_length=10, choices=DeliveryMethod.choices, default=DeliveryMethod.IN_APP
    )
    webhook_url = models.URLField(max_length=2000, null=True, blank=True)
    # The pipeline target for webhook delivery (a Webhook marked for_alert_rule).
    target = models.ForeignKey(
        "webhooks.Webhook", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cooldown_minutes = models.PositiveIntegerField(default=60)
    is_active = models.BooleanField(default=True)
    last_fired_at = models.DateTimeField(null=True, blank=True)

    objects = scoped_queryset()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["end_user", "event_type", "is_active"], name="alert_rule_match")]


class AlertNotification(TimestampedModel):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    end_user = models.ForeignKey(
        "accounts.EndUser", on_delete=models.CASCADE, related_name="alert_notifications"
    )
    rule = models.ForeignKey(AlertRule, on_delete=models.SET_NULL, null=True, related_name="notifications")
    event_type = models.CharField(max_length=100)
    title = models.CharField(max_length=200)
    message = models.TextField()
    is_read = models.BooleanField(default=False)
    is_dismissed = models.BooleanField(default=False)

    objects = scoped_queryset()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["end_user", "is_dismissed", "is_read", "-created_at"], name="notification_inbox"
            )
        ]
