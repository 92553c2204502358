"""What a bridge service's `Order` may hold (CONTRACT §10): the ingest API's own validation, minus
the fields a sync sets itself (`endUserId`, `externalUserId`, `bridgeId`), plus `updatedAt` and
nested `shipments` with `checkpoints`."""

from rest_framework import serializers

from orders.api.serializers import CheckpointCreateInput, OrderWriteInput, ShipmentCreateInput

MAX_DEPTH = 32


class SyncedShipmentInput(ShipmentCreateInput):
    orderId = None  # noqa: N815 — the order is the one it came with
    checkpoints = serializers.ListField(child=CheckpointCreateInput(), max_length=500, required=False)


class SyncedOrderInput(OrderWriteInput):
    bridgeId = None  # noqa: N815 — the bridge being synced
    externalId = serializers.CharField(source="external_id", max_length=255)  # noqa: N815
    orderNumber = serializers.CharField(source="order_number", max_length=100)  # noqa: N815
    updatedAt = serializers.DateTimeField(source="updated_at", required=False, allow_null=True)  # noqa: N815
    shipments = serializers.ListField(child=SyncedShipmentInput(), max_length=100, required=False)


def json_problem(value, depth: int = 0) -> str | None:
    """What the database could not store, or the API would refuse in a body (CONTRACT §3 rev. 2):
    nesting deeper than 32, a NUL, or a lone UTF-16 surrogate (PostgreSQL's jsonb refuses it)."""
    if depth > MAX_DEPTH:
        return "Nested deeper than 32 levels."
    if isinstance(value, str):
        if "\x00" in value:
            return "Null characters are not allowed."
        try:
            value.encode("utf-8")  # fails on a lone surrogate, at C speed
        except UnicodeEncodeError:
            return "Lone UTF-16 surrogates are not allowed."
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            problem = json_problem(key, depth + 1) or json_problem(item, depth + 1)
            if problem:
                return problem
    elif isinstance(value, list):
        for item in value:
            problem = json_problem(item, depth + 1)
            if problem:
                return problem
    return None
