"""Shipment operations: create one (undo cancels it) and push a fulfillment to the order's bridge."""

from rest_framework import serializers

from bridges.client import BridgeServiceError
from bridges.services import bridge_fulfillment_push
from operations.registry import register
from operations.types.base import OperationFailed, OperationType, activity_record, conflict
from orderly.api.serializers import InputSerializer
from orders.models import Shipment, ShipmentStatus
from orders.services import shipment_create

# A shipment the carrier has not picked up yet can still be cancelled by an undo.
CANCELLABLE = {ShipmentStatus.PENDING, ShipmentStatus.INFO_RECEIVED}


@register
class CreateShipment(OperationType):
    name = "create_shipment"
    label = "Create shipment"

    class InputSerializer(InputSerializer):
        carrier = serializers.CharField(max_length=50)
        service = serializers.CharField(max_length=100)
        trackingNumber = serializers.CharField(max_length=100, required=False)  # noqa: N815 (wire name)
        carrier_account_id = serializers.CharField(max_length=100, required=False)

    def execute(self, operation, order):
        shipment = shipment_create(
            organization=order.organization,
            data={
                "order_id": order.pk,
                "carrier": operation.input["carrier"],
                "service": operation.input["service"],
                # No carrier label purchase here: without a number the shipment waits for one.
                "tracking_number": operation.input.get("trackingNumber", ""),
                "status": ShipmentStatus.PENDING,
            },
            actor_id=str(operation.executed_by_id or ""),
        )
        operation.undo_data = {"shipment_id": str(shipment.pk)}
        return {
            "shipment_id": str(shipment.pk),
            "tracking_number": shipment.tracking_number,
            "carrier": shipment.carrier,
            "service": shipment.service,
            "carrier_account_id": operation.input.get("carrier_account_id"),
        }

    def undo(self, operation, order):
        shipment = (
            Shipment.objects.select_for_update()
            .filter(pk=operation.undo_data["shipment_id"], order=order)
            .first()
        )
        if shipment is None:
            raise conflict("Cannot undo: the shipment no longer exists.")
        if shipment.status not in CANCELLABLE:
            raise conflict(f"Cannot undo: the shipment is already '{shipment.status}'.")
        shipment.status = ShipmentStatus.CANCELLED
        shipment.save(update_fields=["status", "updated_at"])
        activity_record(
            order,
            operation,
            activity_type="shipment",
            title="Shipment cancelled",
            shipment_id=str(shipment.pk),
        )


@register
class PushFulfillment(OperationType):
    """Sends the shipment to the order's store as a fulfillment (Shopify itself with the built-in
    Shopify bridge, else `<bridge service>/fulfillments`); the remote side effect cannot be taken back."""

    name = "push_fulfillment"
    label = "Push fulfillment"
    undoable = False

    class InputSerializer(InputSerializer):
        shipment_id = serializers.UUIDField()

    def execute(self, operation, order):
        shipment = Shipment.objects.filter(pk=operation.input["shipment_id"], order=order).first()
        if shipment is None:
            raise OperationFailed("The shipment does not belong to this order.")
        if order.bridge is None:
            raise OperationFailed("The order has no bridge to push the fulfillment to.")
        try:
            result = bridge_fulfillment_push(
                bridge=order.bridge, order=order, shipment=shipment, idempotency_key=str(operation.pk)
            )
        except BridgeServiceError as exc:
            raise OperationFailed(str(exc)) from exc
        activity_record(
            order,
            operation,
            activity_type="fulfillment",
            title="Fulfillment pushed",
            shipment_id=str(shipment.pk),
        )
        return {"shipment_id": str(shipment.pk), **result}
