"""Reads of orders and shipments: querysets for the lists and the payloads events carry."""

from django.db.models import Prefetch

from orderly.api.fields import iso_ms
from orderly.dashboard.overview import daily_series
from orders.models import Order, OrderActivity, Shipment, TrackingCheckpoint

RECENT_ACTIVITIES = 50


def order_list(*, queryset=None):
    """Orders newest first; `queryset` is an already scoped Order queryset."""
    queryset = Order.objects.all() if queryset is None else queryset
    return queryset.order_by("-created_at", "-id")


def order_with_recent_activities(*, queryset=None):
    queryset = Order.objects.all() if queryset is None else queryset
    recent = OrderActivity.objects.order_by("-created_at", "-id")[:RECENT_ACTIVITIES]
    return queryset.prefetch_related(Prefetch("activities", queryset=recent, to_attr="recent_activities"))


def order_detail_load(*, order: Order, activity_columns=(), shipment_columns=()) -> Order:
    """An end user's order detail: `recent_activities` (newest first) and `shipment_rows` (newest
    first) set on `order`, reading only the given columns of each when given (a shipment has four
    JSON columns the detail does not show). Two plain queries: for one order, a sliced prefetch's
    window-function query cost more to build than its rows."""
    activities = OrderActivity.objects.filter(order_id=order.pk).order_by("-created_at", "-id")
    shipments = Shipment.objects.filter(order_id=order.pk).order_by("-created_at", "-id")
    if activity_columns:
        activities = activities.only(*activity_columns)
    if shipment_columns:
        shipments = shipments.only(*shipment_columns)
    order.recent_activities = list(activities[:RECENT_ACTIVITIES])
    order.shipment_rows = list(shipments)
    return order


def shipment_list(*, queryset=None):
    queryset = Shipment.objects.all() if queryset is None else queryset
    return queryset.order_by("-created_at", "-id")


def shipment_with_checkpoints(*, queryset=None):
    """Checkpoints oldest first (by checkpoint time), as the tracking view shows them."""
    queryset = Shipment.objects.all() if queryset is None else queryset
    checkpoints = TrackingCheckpoint.objects.order_by("checkpoint_time", "created_at", "id")
    return queryset.prefetch_related(Prefetch("checkpoints", queryset=checkpoints))


def order_event_data(order: Order) -> dict:
    """The `data` of every order.* event: what webhooks and alert conditions match on.

    Customer name and email are included (an org webhook needs them); the phone is not.
    """
    return {
        "id": str(order.pk),
        "order_number": order.order_number,
        "external_id": order.external_id,
        "po_number": order.po_number,
        "end_user_id": str(order.end_user_id) if order.end_user_id else None,
        "status": order.status,
        "fulfillment_status": order.fulfillment_status,
        "payment_status": order.payment_status,
        "customer": {"name": order.customer_name or None, "email": order.customer_email or None},
        "totals": order.totals,
        "currency": order.currency,
        "ordered_at": iso_ms(order.ordered_at),
    }


def shipment_event_data(shipment: Shipment) -> dict:
    """The `data` of every shipment.* and tracking.* event (no addresses: no PII)."""
    return {
        "id": str(shipment.pk),
        "order_id": str(shipment.order_id),
        "external_id": shipment.external_id,
        "tracking_number": shipment.tracking_number,
        "carrier": shipment.carrier,
        "service": shipment.service,
        "status": shipment.status,
        "ship_date": shipment.ship_date.isoformat() if shipment.ship_date else None,
        "estimated_delivery": shipment.estimated_delivery.isoformat()
        if shipment.estimated_delivery
        else None,
        "actual_delivery": iso_ms(shipment.actual_delivery),
    }


def overview_stats_orders(*, organization) -> list[dict]:
    return [{"label": "Orders", "value": Order.objects.for_organization(organization).count()}]


def overview_charts_orders(*, organization) -> list[dict]:
    return [{"title": "Orders per day", "series": daily_series(Order.objects.for_organization(organization), "created_at")}]
