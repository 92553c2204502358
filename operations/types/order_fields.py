"""Operations that edit an order's fields: the shipping address and its notes."""

from rest_framework import serializers

from operations.registry import register
from operations.types.base import OperationType, activity_record, conflict, order_save
from orderly.api.serializers import InputSerializer


@register
class UpdateShippingAddress(OperationType):
    name = "update_shipping_address"
    label = "Update shipping address"

    class InputSerializer(InputSerializer):
        address = serializers.DictField()

    def execute(self, operation, order):
        operation.undo_data = {"previous_address": order.shipping_address}
        order.shipping_address = operation.input["address"]
        order_save(order, "shipping_address")
        activity_record(order, operation, activity_type="address_changed", title="Shipping address updated")
        return {"order_id": str(order.pk), "shipping_address": order.shipping_address}

    def undo(self, operation, order):
        if order.shipping_address != operation.input["address"]:
            raise conflict("Cannot undo: the shipping address was changed again after this operation.")
        order.shipping_address = operation.undo_data["previous_address"]
        order_save(order, "shipping_address")
        activity_record(
            order, operation, activity_type="address_changed", title="Undone: shipping address update"
        )


@register
class AddOrderNote(OperationType):
    name = "add_order_note"
    label = "Add order note"

    class InputSerializer(InputSerializer):
        note = serializers.CharField(max_length=5000)

    def execute(self, operation, order):
        note = operation.input["note"]
        previous = order.notes
        order.notes = f"{previous}\n{note}" if previous else note
        order_save(order, "notes")
        operation.undo_data = {"previous_notes": previous, "notes_after": order.notes}
        activity_record(order, operation, activity_type="note", title="Note added", description=note)
        return {"order_id": str(order.pk), "notes": order.notes}

    def undo(self, operation, order):
        if order.notes != operation.undo_data["notes_after"]:
            raise conflict("Cannot undo: the order's notes were changed after this note was added.")
        order.notes = operation.undo_data["previous_notes"]
        order_save(order, "notes")
        activity_record(order, operation, activity_type="note", title="Undone: note removed")
