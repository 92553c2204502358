"""The payloads of operation.* events (operations.services._operation_event), for the event catalogue."""

from operations.models import OperationStatus
from orderly.events.catalog import STRING, UUID, closed, enum, nullable, topic_register


def register_operation_topics() -> None:
    from operations.registry import operation_type_names

    data = closed(
        {
            "id": UUID,
            "type": enum(operation_type_names()),
            "status": enum(OperationStatus.values),
            "order_id": nullable(UUID),
            "action_request_id": nullable(UUID),
            "output": {"type": ["object", "null"], "description": "What the operation produced, by type."},
            "error": nullable(STRING),
        }
    )
    example = {
        "id": "1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9",
        "type": "update_order_status",
        "status": "completed",
        "order_id": "5f0c6a0e-3c1b-4a51-8f0e-2d7e9b1c4a10",
        "action_request_id": None,
        "output": {"previous_status": "pending", "status": "confirmed"},
        "error": None,
    }
    topic_register("operation.completed", description="An operation executed.", data=data, example=example)
    topic_register(
        "operation.failed",
        description="An operation failed; `error` says why.",
        data=data,
        example={**example, "status": "failed", "output": None, "error": "The order is already cancelled."},
    )
