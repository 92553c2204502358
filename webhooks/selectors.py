"""Reads of webhooks for the dashboard."""

import datetime as dt

from django.utils import timezone

from webhooks.models import Webhook, WebhookDelivery


def overview_stats_webhooks(*, organization) -> list[dict]:
    since = timezone.now() - dt.timedelta(hours=24)
    return [
        {
            "label": "Failing webhooks",
            "value": Webhook.objects.filter(organization=organization, consecutive_failures__gt=0).count(),
        },
        {
            "label": "Deliveries (24 h)",
            "value": WebhookDelivery.objects.filter(webhook__organization=organization, created_at__gte=since).count(),
        },
    ]
