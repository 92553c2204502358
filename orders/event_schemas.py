"""The payloads of order.*, shipment.* and tracking.* events (built in orders.selectors), as JSON
Schema for the event catalogue (orderly.events.catalog)."""

from orderly.events.catalog import (
    DATE,
    STRING,
    TIME,
    UUID,
    closed,
    enum,
    extended,
    nullable,
    topic_register,
)
from orders.models import FulfillmentStatus, OrderStatus, PaymentStatus, ShipmentStatus
from orders.shapes import ACTION_DATA, TOTALS

ORDER = closed(
    {
        "id": UUID,
        "order_number": STRING,
        "external_id": STRING,
        "po_number": nullable(STRING),
        "end_user_id": nullable(UUID),
        "status": enum(OrderStatus.values),
        "fulfillment_status": enum(FulfillmentStatus.values),
        "payment_status": enum(PaymentStatus.values),
        "customer": closed({"name": nullable(STRING), "email": nullable(STRING)}),
        "totals": TOTALS,
        "currency": STRING,
        "ordered_at": nullable(TIME),
    },
    description="The order (no phone, no addresses).",
)
SHIPMENT = closed(
    {
        "id": UUID,
        "order_id": UUID,
        "external_id": nullable(STRING),
        "tracking_number": STRING,
        "carrier": STRING,
        "service": STRING,
        "status": enum(ShipmentStatus.values),
        "ship_date": nullable(DATE),
        "estimated_delivery": nullable(DATE),
        "actual_delivery": nullable(TIME),
    },
    description="The shipment (no addresses).",
)
SHIPMENT_TRANSITION = extended(
    SHIPMENT,
    {"from": enum(ShipmentStatus.values), "to": enum(ShipmentStatus.values)},
    optional=("from", "to"),  # absent when the shipment was created in that status
)

EXAMPLE_ORDER = {
    "id": "5f0c6a0e-3c1b-4a51-8f0e-2d7e9b1c4a10",
    "order_number": "1001",
    "external_id": "shop-1001",
    "po_number": "PO-778",
    "end_user_id": "b1e2c3d4-0000-4a00-8000-00000000e001",
    "status": "confirmed",
    "fulfillment_status": "unfulfilled",
    "payment_status": "paid",
    "customer": {"name": "Ada Lovelace", "email": "ada@example.com"},
    "totals": {"subtotal": 40.0, "shipping": 5.0, "tax": 3.6, "total": 48.6},
    "currency": "USD",
    "ordered_at": "2026-03-18T15:00:00.000Z",
}
EXAMPLE_SHIPMENT = {
    "id": "7a9d2b44-5e6f-4c3b-9a1d-8e7f6a5b4c30",
    "order_id": EXAMPLE_ORDER["id"],
    "external_id": None,
    "tracking_number": "1Z999AA10123456784",
    "carrier": "ups",
    "service": "ground",
    "status": "in_transit",
    "ship_date": "2026-03-19",
    "estimated_delivery": "2026-03-22",
    "actual_delivery": None,
}


def register_order_topics() -> None:
    topic_register(
        "order.created",
        description="An order was created (ingest API or a bridge sync), once processed.",
        data=ORDER,
        example=EXAMPLE_ORDER,
    )
    topic_register(
        "order.updated",
        description="An order changed; `changes` maps each changed field to [old, new].",
        data=extended(
            ORDER,
            {
                "changes": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {}, "minItems": 2, "maxItems": 2},
                }
            },
        ),
        example={**EXAMPLE_ORDER, "changes": {"status": ["pending", "confirmed"]}},
    )
    topic_register(
        "order.status_changed",
        description="An order's status changed (ingest, an operation or an approved request).",
        data=extended(ORDER, {"from": enum(OrderStatus.values), "to": enum(OrderStatus.values)}),
        example={**EXAMPLE_ORDER, "from": "pending", "to": "confirmed"},
    )
    topic_register(
        "order.action",
        description="An order action was accepted (POST /api/v1/orders/{id}/action).",
        data=closed(
            {
                "order_id": UUID,
                "action": STRING,
                "language": nullable(STRING),
                "data": ACTION_DATA,
                "version_tag": STRING,
                "order": ORDER,
            }
        ),
        example={
            "order_id": EXAMPLE_ORDER["id"],
            "action": "send_tracking_email",
            "language": "en",
            "data": {"template": "shipped"},
            "version_tag": "q8Zk3l0xW1b2c3d4e5f6Ag==",
            "order": EXAMPLE_ORDER,
        },
    )
    topic_register(
        "shipment.created",
        description="A shipment was created for an order.",
        data=SHIPMENT,
        example={**EXAMPLE_SHIPMENT, "status": "pending"},
    )
    for topic, what, status in (
        ("shipment.shipped", "left the warehouse (picked up or in transit)", "in_transit"),
        ("shipment.delivered", "was delivered", "delivered"),
        ("shipment.exception", "has an exception (a failed attempt, an exception, a return)", "exception"),
    ):
        topic_register(
            topic,
            description=f"A shipment {what}; `from`/`to` when a checkpoint moved it.",
            data=SHIPMENT_TRANSITION,
            example={**EXAMPLE_SHIPMENT, "status": status, "from": "info_received", "to": status},
        )
    topic_register(
        "tracking.updated",
        description="A tracking checkpoint was added to a shipment.",
        data=extended(
            SHIPMENT,
            {
                "checkpoint": closed(
                    {
                        "id": UUID,
                        "status": enum(ShipmentStatus.values),
                        "status_detail": STRING,
                        "location": STRING,
                        "checkpoint_time": TIME,
                    }
                )
            },
        ),
        example={
            **EXAMPLE_SHIPMENT,
            "checkpoint": {
                "id": "3c2b1a09-8f7e-4d6c-9b5a-4e3d2c1b0a98",
                "status": "in_transit",
                "status_detail": "Departed facility",
                "location": "Louisville, KY",
                "checkpoint_time": "2026-03-20T06:12:00.000Z",
            },
        },
    )
