"""What every operation type shares: the handler interface and the order-changing helpers."""

from rest_framework import serializers

from orderly.errors import DomainError, ErrorCode
from orderly.events.services import event_record
from orders.models import Order, OrderActivity
from orders.services import version_tag_generate


class OperationFailed(Exception):
    """The handler refuses to act (e.g. the order is in the wrong state); the operation ends failed."""


class OperationType:
    name = ""
    label = ""
    undoable = True
    requires_order = True

    class InputSerializer(serializers.Serializer):
        pass

    def execute(self, operation, order) -> dict:
        """Apply the effect; set `operation.undo_data` to what an undo restores; return the output."""
        raise NotImplementedError

    def undo(self, operation, order) -> None:
        raise NotImplementedError


def conflict(message: str) -> DomainError:
    return DomainError(ErrorCode.CONFLICT, message)


def activity_record(
    order: Order, operation, *, activity_type: str, title: str, description: str = "", **metadata
):
    actor_id = operation.executed_by_id or operation.created_by_id
    return OrderActivity.objects.create(
        organization_id=order.organization_id,
        order=order,
        activity_type=activity_type,
        title=title,
        description=description,
        actor_type=OrderActivity.ActorType.STAFF if actor_id else OrderActivity.ActorType.SYSTEM,
        actor_id=str(actor_id or ""),
        metadata={"operation_id": str(operation.pk), "operation_type": operation.type, **metadata},
    )


def order_save(order: Order, *fields: str) -> None:
    order.version_tag = version_tag_generate()
    order.save(update_fields=[*fields, "version_tag", "updated_at"])


def order_status_set(order: Order, operation, status: str, *, title: str, description: str = "") -> None:
    previous = order.status
    order.status = status
    order_save(order, "status")
    activity_record(
        order,
        operation,
        activity_type="status_changed",
        title=title,
        description=description,
        **{"from": previous, "to": status},
    )
    event_record(
        organization=order.organization,
        event_type="order.status_changed",
        end_user_id=order.end_user_id,
        resource_type="order",
        resource_id=order.pk,
        data={"id": str(order.pk), "order_number": order.order_number, "from": previous, "to": status},
    )


def status_undo(operation, order, *, expected: str, label: str) -> None:
    """Put back the status the operation replaced, unless the order has moved on since."""
    if order.status != expected:
        raise conflict(
            f"Cannot undo: the order's status is now '{order.status}', no longer '{expected}' as set by this operation."
        )
    order_status_set(order, operation, operation.undo_data["previous_status"], title=f"Undone: {label}")
