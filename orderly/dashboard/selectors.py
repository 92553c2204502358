"""Numbers for the overview. Each comes from the app that owns it; a stat whose app has no data
model (not installed) is left out, never shown as a made-up zero."""

import datetime as dt
import statistics

from django.apps import apps
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from orderly.orders.models import Order


def _model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def overview_stats(*, organization) -> list[dict]:
    from embed.models import EndUser

    now = timezone.now()
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    stats = []
    ActionRequest = _model("actions.ActionRequest")
    if ActionRequest is not None:
        requests = ActionRequest.objects.for_organization(organization)
        resolved = requests.filter(resolved_at__isnull=False)
        durations = [
            (r - c).total_seconds() / 3600
            for c, r in resolved.filter(resolved_at__gte=now - dt.timedelta(days=30)).values_list(
                "created_at", "resolved_at"
            )[:5000]
        ]
        stats += [
            {"label": "Pending requests", "value": requests.filter(status="pending").count()},
            {"label": "Resolved today", "value": resolved.filter(resolved_at__gte=today).count()},
            {
                "label": "Median time to resolve (30 d)",
                "value": f"{statistics.median(durations):.1f} h" if durations else "—",
            },
        ]
    Webhook = _model("webhooks.Webhook")
    if Webhook is not None and hasattr(Webhook, "consecutive_failures"):
        stats.append(
            {
                "label": "Failing webhooks",
                "value": Webhook.objects.filter(
                    organization=organization, consecutive_failures__gt=0
                ).count(),
            }
        )
    Delivery = _model("webhooks.WebhookDelivery")
    if Delivery is not None:
        stats.append(
            {
                "label": "Deliveries (24 h)",
                "value": Delivery.objects.filter(
                    webhook__organization=organization, created_at__gte=now - dt.timedelta(hours=24)
                ).count(),
            }
        )
    stats += [
        {"label": "End users", "value": EndUser.objects.for_organization(organization).count()},
        {"label": "Orders", "value": Order.objects.for_organization(organization).count()},
    ]
    return stats


def _daily(queryset, field: str, days: int = 14) -> list[dict]:
    since = timezone.now() - dt.timedelta(days=days - 1)
    counts = dict(
        queryset.filter(**{f"{field}__gte": since.replace(hour=0, minute=0, second=0, microsecond=0)})
        .annotate(day=TruncDate(field))
        .values_list("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    series = []
    for offset in range(days):
        day = (since + dt.timedelta(days=offset)).date()
        series.append({"day": day, "count": counts.get(day, 0)})
    peak = max((point["count"] for point in series), default=0) or 1
    for point in series:
        point["height"] = round(100 * point["count"] / peak)
    return series


def overview_charts(*, organization) -> list[dict]:
    charts = [
        {
            "title": "Orders per day",
            "series": _daily(Order.objects.for_organization(organization), "created_at"),
        }
    ]
    ActionRequest = _model("actions.ActionRequest")
    if ActionRequest is not None:
        charts.append(
            {
                "title": "Requests resolved per day",
                "series": _daily(ActionRequest.objects.for_organization(organization), "resolved_at"),
            }
        )
    return charts
