"""Topics a webhook may subscribe to: the seed's list plus cancellation requests and action requests."""

SUBSCRIBABLE_TOPICS = (
    "order.created",
    "order.updated",
    "order.status_changed",
    "order.action",
    "shipment.created",
    "shipment.shipped",
    "shipment.delivered",
    "shipment.exception",
    "tracking.updated",
    "bridge.connected",
    "bridge.disconnected",
    "bridge.sync_completed",
    "order.cancellationrequest.created",
    "order.cancellationrequest.updated",
    "action_request.created",
    "action_request.resolved",
    "action_request.expired",
    "action_request.cancelled",
    "operation.completed",
    "operation.failed",
)
TEST_TOPIC = "webhook.test"
