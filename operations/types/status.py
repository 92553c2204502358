"""Status operations: set a status, cancel, hold and release a hold."""

from rest_framework import serializers

from operations.registry import register
from operations.types.base import OperationFailed, OperationType, order_status_set, refuse_if, status_undo
from orderly.api.serializers import InputSerializer
from orders.models import OrderStatus

FINAL = {OrderStatus.CANCELLED, OrderStatus.COMPLETED, OrderStatus.DELIVERED}


def _said(status: str) -> str:
    """A status as a sentence reads it: `on_hold` → "on hold"."""
    return status.replace("_", " ")


class ReasonInput(InputSerializer):
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True)


@register
class UpdateOrderStatus(OperationType):
    name = "update_order_status"
    label = "Update order status"

    class InputSerializer(InputSerializer):
        status = serializers.ChoiceField(choices=OrderStatus.choices)

    def execute(self, operation, order):
        status = operation.input["status"]
        if order.status == status:
            raise OperationFailed(f"The order is already '{status}'.")
        operation.undo_data = {"previous_status": order.status}
        order_status_set(order, operation, status, title=f"Status changed to {status}")
        return {"order_id": str(order.pk), "from": operation.undo_data["previous_status"], "to": status}

    def undo(self, operation, order):
        status_undo(operation, order, expected=operation.input["status"], label=self.label)


@register
class CancelOrder(OperationType):
    name = "cancel_order"
    label = "Cancel order"
    InputSerializer = ReasonInput

    def refusal(self, order):
        if order.status in FINAL or order.status == OrderStatus.SHIPPED:
            return f"An order that is {_said(order.status)} cannot be cancelled."
        return None

    def execute(self, operation, order):
        refuse_if(self.refusal(order))
        operation.undo_data = {"previous_status": order.status}
        reason = operation.input.get("reason") or ""
        order_status_set(order, operation, OrderStatus.CANCELLED, title="Order cancelled", description=reason)
        return {"order_id": str(order.pk), "from": operation.undo_data["previous_status"], "to": "cancelled"}

    def undo(self, operation, order):
        status_undo(operation, order, expected=OrderStatus.CANCELLED, label=self.label)


@register
class HoldOrder(OperationType):
    name = "hold_order"
    label = "Hold order"
    InputSerializer = ReasonInput

    def refusal(self, order):
        if order.status in FINAL or order.status in (OrderStatus.ON_HOLD, OrderStatus.SHIPPED):
            return f"An order that is {_said(order.status)} cannot be put on hold."
        return None

    def execute(self, operation, order):
        refuse_if(self.refusal(order))
        operation.undo_data = {"previous_status": order.status}
        reason = operation.input.get("reason") or ""
        order_status_set(order, operation, OrderStatus.ON_HOLD, title="Order put on hold", description=reason)
        return {"order_id": str(order.pk), "from": operation.undo_data["previous_status"], "to": "on_hold"}

    def undo(self, operation, order):
        status_undo(operation, order, expected=OrderStatus.ON_HOLD, label=self.label)


@register
class ReleaseHold(OperationType):
    """Releases to the status the latest completed hold replaced (else `confirmed`)."""

    name = "release_hold"
    label = "Release hold"

    class InputSerializer(InputSerializer):
        pass

    def refusal(self, order):
        if order.status != OrderStatus.ON_HOLD:
            return f"The order is not on hold (it is {_said(order.status)})."
        return None

    def execute(self, operation, order):
        from operations.models import Operation, OperationStatus

        refuse_if(self.refusal(order))
        hold = (
            Operation.objects.filter(order=order, type=HoldOrder.name, status=OperationStatus.COMPLETED)
            .order_by("-executed_at")
            .first()
        )
        release_to = (hold.undo_data or {}).get("previous_status") if hold else None
        release_to = release_to or OrderStatus.CONFIRMED
        operation.undo_data = {"previous_status": OrderStatus.ON_HOLD}
        order_status_set(order, operation, release_to, title="Hold released")
        return {"order_id": str(order.pk), "from": "on_hold", "to": release_to}

    def undo(self, operation, order):
        status_undo(operation, order, expected=operation.output["to"], label=self.label)
