"""The payloads of action_request.* and the seed's order.cancellationrequest.* events (built in
actions.services), for the event catalogue."""

from actions.models import ActionStatus, ActionType
from orderly.events.catalog import STRING, TIME, UUID, closed, enum, nullable, topic_register

ACTION_REQUEST = closed(
    {
        "id": UUID,
        "order_id": UUID,
        "end_user_id": nullable(UUID),
        "action_type": enum(ActionType.values),
        "status": enum(ActionStatus.values),
        "title": STRING,
        "description": STRING,
        "requested_changes": {
            "type": ["object", "null"],
            "description": "What the end user asked to change.",
        },
        "resolution_note": nullable(STRING),
        "resolved_by": {**nullable(UUID), "description": "The staff member's public id."},
        "resolved_at": nullable(TIME),
        "expires_at": TIME,
        "created_at": TIME,
        "updated_at": TIME,
    }
)
# Exactly the fields of the seed (cancellation-request-events): camelCase, title-case statuses.
CANCELLATION_REQUEST = closed(
    {
        "orderId": UUID,
        "poNumber": nullable(STRING),
        "status": enum(["Pending", "Approved", "Denied"]),
        "reason": STRING,
        "createdAt": TIME,
        "updatedAt": TIME,
    }
)
EXAMPLE = {
    "id": "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b",
    "order_id": "5f0c6a0e-3c1b-4a51-8f0e-2d7e9b1c4a10",
    "end_user_id": "b1e2c3d4-0000-4a00-8000-00000000e001",
    "action_type": "cancel",
    "status": "pending",
    "title": "Cancel order 1001",
    "description": "Customer requested cancellation - wrong item ordered",
    "requested_changes": None,
    "resolution_note": None,
    "resolved_by": None,
    "resolved_at": None,
    "expires_at": "2026-03-25T15:30:45.123Z",
    "created_at": "2026-03-18T15:30:45.123Z",
    "updated_at": "2026-03-18T15:30:45.123Z",
}
RESOLVED = {
    **EXAMPLE,
    "status": "approved",
    "resolution_note": "Cancelled before picking.",
    "resolved_by": "4c3b2a19-0f8e-4d7c-b6a5-948372615f40",
    "resolved_at": "2026-03-18T16:02:10.500Z",
    "updated_at": "2026-03-18T16:02:10.500Z",
}


def register_action_topics() -> None:
    for topic, description, example in (
        ("action_request.created", "An end user asked for an action on an order.", EXAMPLE),
        ("action_request.resolved", "Staff approved or denied an action request.", RESOLVED),
        (
            "action_request.expired",
            "An action request was not answered in time.",
            {**EXAMPLE, "status": "expired"},
        ),
        (
            "action_request.cancelled",
            "The end user withdrew an action request.",
            {**EXAMPLE, "status": "cancelled"},
        ),
    ):
        topic_register(topic, description=description, data=ACTION_REQUEST, example=example)
    cancellation = {
        "orderId": EXAMPLE["order_id"],
        "poNumber": "customer-po-number",
        "status": "Pending",
        "reason": "Customer requested cancellation - wrong item ordered",
        "createdAt": "2025-03-18T15:30:45.123Z",
        "updatedAt": "2025-03-18T15:30:45.123Z",
    }
    topic_register(
        "order.cancellationrequest.created",
        description="A cancellation request was created; its status is always Pending.",
        data=CANCELLATION_REQUEST,
        example=cancellation,
    )
    topic_register(
        "order.cancellationrequest.updated",
        description="A cancellation request was approved or denied (not sent on creation).",
        data=CANCELLATION_REQUEST,
        example={**cancellation, "status": "Approved", "updatedAt": "2025-03-18T16:02:10.500Z"},
    )
