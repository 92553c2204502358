"""Reads of action requests: the end user's list, the org-wide queue, counts per status."""

import datetime as dt
import statistics

from django.db.models import Count, Q
from django.utils import timezone

from actions.models import ActionRequest, ActionStatus
from orderly.dashboard.overview import daily_series

QUEUE_ALL = "all"


def action_requests_for_end_user(*, end_user, status: str | None = None):
    qs = ActionRequest.objects.for_end_user(end_user).select_related("resolved_by__membership")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def action_request_queue(
    *,
    organization,
    status: str | None = ActionStatus.PENDING,
    action_type: str | None = None,
    end_user_id=None,
    older_than_days: int | None = None,
    search: str = "",
):
    """The review queue, oldest first, with what the queue shows joined in one query."""
    qs = ActionRequest.objects.for_organization(organization).select_related(
        "end_user", "order", "resolved_by__membership"
    )
    if status and status != QUEUE_ALL:
        qs = qs.filter(status=status)
    if action_type:
        qs = qs.filter(action_type=action_type)
    if end_user_id:
        qs = qs.filter(end_user_id=end_user_id)
    if older_than_days:
        qs = qs.filter(created_at__lte=timezone.now() - dt.timedelta(days=older_than_days))
    if search:
        qs = qs.filter(
            Q(title__icontains=search)
            | Q(order__order_number__icontains=search)
            | Q(end_user__name__icontains=search)
            | Q(end_user__email__icontains=search)
        )
    return qs.order_by("created_at", "id")


def action_request_status_counts(*, organization) -> dict[str, int]:
    rows = (
        ActionRequest.objects.for_organization(organization)
        .values("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {s.value: 0 for s in ActionStatus}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def action_request_for_staff(*, organization, request_id):
    return (
        ActionRequest.objects.for_organization(organization)
        .select_related("end_user", "order", "resolved_by__membership")
        .filter(pk=request_id)
        .first()
    )


def overview_stats_actions(*, organization) -> list[dict]:
    """The review queue's numbers on the dashboard overview."""
    now = timezone.now()
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    requests = ActionRequest.objects.for_organization(organization)
    resolved = requests.filter(resolved_at__isnull=False)
    durations = [
        (r - c).total_seconds() / 3600
        for c, r in resolved.filter(resolved_at__gte=now - dt.timedelta(days=30)).values_list(
            "created_at", "resolved_at"
        )[:5000]
    ]
    return [
        {"label": "Pending requests", "value": requests.filter(status=ActionStatus.PENDING).count()},
        {"label": "Resolved today", "value": resolved.filter(resolved_at__gte=today).count()},
        {
            "label": "Median time to resolve (30 d)",
            "value": f"{statistics.median(durations):.1f} h" if durations else "—",
        },
    ]


def overview_charts_actions(*, organization) -> list[dict]:
    return [
        {
            "title": "Requests resolved per day",
            "series": daily_series(ActionRequest.objects.for_organization(organization), "resolved_at"),
        }
    ]
