"""Reads of action requests: the end user's list, the org-wide queue, counts per status."""

import datetime as dt
import statistics

from django.utils import timezone

from actions.filters import QUEUE_ALL
from actions.models import ActionRequest, ActionStatus
from orderly.accounts.models import EndUser
from orderly.api.pagination import count_bounded
from orderly.dashboard.overview import daily_series

QUEUE_MENU_REQUESTS = 500


def action_request_list(*, end_user, status: str | None = None):
    qs = ActionRequest.objects.for_end_user(end_user).select_related("resolved_by__membership")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


# What the queue shows (the API's answer and the dashboard's rows): the request, its end user and
# only the order's number; the page also shows the outcome of the operation an approval started.
QUEUE_COLUMNS = (
    "id",
    "order_id",
    "operation_id",
    "order__order_number",
    "action_type",
    "title",
    "description",
    "status",
    "requested_changes",
    "expires_at",
    "created_at",
    "end_user__external_id",
    "end_user__name",
    "end_user__email",
)


def action_request_queue(*, organization):
    """The organization's review queue, oldest first, in one joined query; filter it with
    `actions.filters.ActionRequestQueueFilter`."""
    return (
        ActionRequest.objects.for_organization(organization)
        .select_related("end_user", "order")
        .only(*QUEUE_COLUMNS)
        .order_by("created_at", "id")
    )


# The API's answer reads these as plain rows (`values()`): for a page of 20, building three model
# instances a row (request, end user, order) cost more than the page's queries.
QUEUE_API_COLUMNS = tuple(c for c in QUEUE_COLUMNS if c != "operation_id") + ("end_user_id",)


def action_request_queue_rows(queryset):
    """The queue (`action_request_queue`, filtered) as flat rows of QUEUE_API_COLUMNS; shape a page
    of them with `action_request_queue_shape`."""
    return queryset.values(*QUEUE_API_COLUMNS)


def action_request_queue_shape(rows: list[dict]) -> list[dict]:
    """Flat rows as the queue's output reads them: the order's number and the end user nested."""
    shaped = []
    for row in rows:
        row = dict(row)
        row["order"] = {"order_number": row.pop("order__order_number")}
        user = {name: row.pop(f"end_user__{name}") for name in ("external_id", "name", "email")}
        row["end_user"] = user if row["end_user_id"] is not None else None
        shaped.append(row)
    return shaped


def action_request_status_counts(*, organization) -> dict[str, int]:
    """Requests per status, each count bounded (`count_bounded`): resolved requests pile up for
    ever, and a GROUP BY over all of them would grow with them."""
    requests = ActionRequest.objects.for_organization(organization)
    return {s.value: count_bounded(requests.filter(status=s.value))[0] for s in ActionStatus}


def action_request_queue_menu(*, organization, status: str, selected=None):
    """The end users the queue page's menu lists: those among the oldest QUEUE_MENU_REQUESTS
    requests of `status` (and the one selected), by name. A bounded read: every end user who ever
    filed a request would be a menu, and a query, growing with the whole history."""
    requests = ActionRequest.objects.for_organization(organization)
    if status != QUEUE_ALL:
        requests = requests.filter(status=status)
    head = set(requests.order_by("created_at", "id").values_list("end_user_id", flat=True)[:QUEUE_MENU_REQUESTS])
    if selected is not None:
        head.add(selected)  # the filter's value: an end user's id
    # Only what an option shows (`EndUserChoiceField.label_from_instance`): up to 500 of them.
    return (
        EndUser.objects.for_organization(organization)
        .filter(pk__in=head)
        .order_by("name", "external_id")
        .only("id", "organization_id", "name", "external_id")
    )


def action_request_get(*, organization, request_id):
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
