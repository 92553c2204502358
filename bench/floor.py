"""Floors: plain Django views, no DRF, doing the same indexed queries as the product endpoints.

Each authenticates the same way (digest lookup), runs the same count and page queries and
returns the same JSON shape with JsonResponse; lists count with the product's bounded count
(`count_bounded`) and read one row past the page, as `paginate()` does. The product's throughput is
reported as a ratio of these.
"""

import hashlib

from django.db.models import F
from django.http import JsonResponse
from django.utils import timezone

from bridges.api.serializers import SyncRunOutput
from orderly.accounts.models import ApiKey, EmbedSession
from orderly.api.pagination import count_bounded
from orders.api.serializers import CHECKPOINT_FIELDS as PRODUCT_CHECKPOINT_FIELDS
from orders.api.serializers import CHECKPOINT_PUBLIC_FIELDS
from orders.api.serializers import ORDER_LIST_COLUMNS as ORDER_FIELDS
from orders.models import Order, Shipment

# The product's own column lists, so the floor reads exactly what the product reads.
CHECKPOINT_FIELDS = [*PRODUCT_CHECKPOINT_FIELDS, "created_at"]


def _digest(request) -> str:
    return hashlib.sha256(request.headers.get("Authorization", "")[7:].encode()).hexdigest()


def _session(request):
    session = EmbedSession.objects.select_related("end_user", "organization__embed_config").get(
        digest=_digest(request)
    )
    assert session.revoked_at is None and session.expires_at > timezone.now()
    return session


def orders(request):
    session = _session(request)
    limit = min(int(request.GET.get("limit", 20)), 50)
    page = int(request.GET.get("page", 1))
    queryset = Order.objects.filter(organization_id=session.organization_id, end_user=session.end_user)
    total, _exact = count_bounded(queryset)
    offset = (page - 1) * limit
    rows = list(queryset.order_by("-created_at", "-id").values(*ORDER_FIELDS)[offset : offset + limit + 1])
    return JsonResponse(
        {"data": rows[:limit], "pagination": {"page": page, "limit": limit, "total": total, "hasMore": len(rows) > limit}}
    )


def shipment(request, pk):
    session = _session(request)
    row = (
        Shipment.objects.filter(organization_id=session.organization_id, end_user=session.end_user, pk=pk)
        .values()
        .get()
    )
    row["checkpoints"] = list(
        Shipment.objects.get(pk=pk).checkpoints.order_by("checkpoint_time").values(*CHECKPOINT_FIELDS)
    )
    return JsonResponse({"data": row})


def queue(request):
    from actions.models import ActionRequest
    from actions.selectors import QUEUE_API_COLUMNS

    key = ApiKey.objects.select_related("organization").get(digest=_digest(request))
    limit = min(int(request.GET.get("limit", 20)), 50)
    queryset = ActionRequest.objects.filter(organization_id=key.organization_id, status="pending")
    total, _exact = count_bounded(queryset)
    rows = list(queryset.order_by("created_at", "id").values(*QUEUE_API_COLUMNS)[: limit + 1])
    return JsonResponse(
        {"data": rows[:limit], "pagination": {"page": 1, "limit": limit, "total": total, "hasMore": len(rows) > limit}}
    )


def tracking_view(request, token):
    from tracking.models import TrackingPage

    page = TrackingPage.objects.select_related("shipment", "organization__embed_config").get(token=token)
    TrackingPage.objects.filter(pk=page.pk).update(
        view_count=F("view_count") + 1, last_viewed_at=timezone.now()
    )
    shipment = page.shipment
    return JsonResponse(
        {
            "data": {
                "shipment": {
                    "id": shipment.id,
                    "tracking_number": shipment.tracking_number,
                    "carrier": shipment.carrier,
                    "service": shipment.service,
                    "status": shipment.status,
                    "ship_date": shipment.ship_date,
                    "estimated_delivery": shipment.estimated_delivery,
                    "actual_delivery": shipment.actual_delivery,
                },
                "checkpoints": list(
                    shipment.checkpoints.order_by("checkpoint_time", "created_at").values(*CHECKPOINT_PUBLIC_FIELDS)
                ),
                "branding": page.organization.embed_config.branding,
            }
        }
    )


ORDER_DETAIL_FIELDS = [*ORDER_FIELDS, "line_items", "shipping_address", "tags", "notes"]
ACTIVITY_FIELDS = ["id", "activity_type", "title", "description", "actor_type", "metadata", "created_at"]
ORDER_SHIPMENT_FIELDS = ["id", "tracking_number", "carrier", "service", "status", "estimated_delivery", "actual_delivery"]


def order_detail(request, pk):
    from orders.models import OrderActivity

    session = _session(request)
    row = (
        Order.objects.filter(organization_id=session.organization_id, end_user=session.end_user, pk=pk)
        .values(*ORDER_DETAIL_FIELDS)
        .get()
    )
    row["activities"] = list(
        OrderActivity.objects.filter(order_id=pk).order_by("-created_at", "-id").values(*ACTIVITY_FIELDS)[:50]
    )
    row["shipments"] = list(
        Shipment.objects.filter(order_id=pk).order_by("-created_at", "-id").values(*ORDER_SHIPMENT_FIELDS)
    )
    return JsonResponse({"data": row})


EVENT_FIELDS = [
    "id",
    "organization_id",
    "end_user_id",
    "session_id",
    "event_type",
    "resource_type",
    "resource_id",
    "metadata",
    "ip_address",
    "created_at",
]


def events(request):
    """The same bounded count (`count_bounded`) and page (one row past it) as the product's paginator."""
    from orderly.events.models import Event

    key = ApiKey.objects.select_related("organization").get(digest=_digest(request))
    limit = min(int(request.GET.get("limit", 50)), 100)
    queryset = Event.objects.filter(organization_id=key.organization_id).order_by("-created_at", "-id")
    total, _exact = count_bounded(queryset)
    rows = list(queryset.values(*EVENT_FIELDS)[: limit + 1])
    return JsonResponse(
        {"data": rows[:limit], "pagination": {"page": 1, "limit": limit, "total": total, "hasMore": len(rows) > limit}}
    )


# The columns the product's output reads: the floor selects what the product selects.
SYNC_RUN_FIELDS = SyncRunOutput.Meta.fields


def sync_runs(request, pk):
    """The bridge's runs, newest first: the session, the scoped bridge, the bounded count, a page."""
    from bridges.models import Bridge, SyncRun

    session = _session(request)
    bridge_id = (
        Bridge.objects.filter(organization_id=session.organization_id, end_user=session.end_user, pk=pk)
        .values_list("pk", flat=True)
        .get()
    )
    limit = min(int(request.GET.get("limit", 20)), 50)
    queryset = SyncRun.objects.filter(bridge_id=bridge_id).order_by("-created_at", "-id")
    total, _exact = count_bounded(queryset)
    rows = list(queryset.values(*SYNC_RUN_FIELDS)[: limit + 1])
    return JsonResponse(
        {"data": rows[:limit], "pagination": {"page": 1, "limit": limit, "total": total, "hasMore": len(rows) > limit}}
    )


def app_page(request, slug):
    """The embed app page's one query (the active configuration by slug) and its boot data, as JSON."""
    from embed.models import EmbedConfig

    config = EmbedConfig.objects.filter(slug=slug, is_active=True).order_by()[:1].get()
    return JsonResponse(
        {
            "slug": config.slug,
            "view": "home",
            "branding": config.branding,
            "allowedBridgeTypes": config.allowed_bridge_types,
            "apiBase": "/api/v1/",
        }
    )


def _orders_exact_view():
    from orders import selectors
    from orders.api import serializers
    from orders.api.views import OrdersView

    class OrdersExactView(OrdersView):
        """The orders list API exactly as served (auth, scoping, count, page, serializer), its list
        filtered on `order_number = ?` (the `order_org_number` index) instead of the search: the
        exact-match lookup the search's cost is compared with (`bench.scale`)."""

        def get(self, request):
            queryset = selectors.order_list(queryset=self.scoped(Order.objects)).filter(
                order_number=request.query_params.get("number", "")
            )
            return self.paginate(queryset, serializers.OrderOutput)

    return OrdersExactView.as_view()


orders_exact = _orders_exact_view()
