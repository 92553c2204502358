"""What every operation type shares: the handler interface and the order-changing helpers."""

from rest_framework import serializers

from orderly.accounts.services import staff_public_id
from orderly.errors import DomainError, ErrorCode
from orders.models import Order, OrderActivity
from orders.services import order_activity_record, order_status_change, order_version_tag_generate


class OperationFailed(Exception):
    """The handler refuses to act (e.g. the order is in the wrong state); the operation ends failed."""


class OperationType:
    name = ""
    label = ""
    undoable = True
    requires_order = True

    class InputSerializer(serializers.Serializer):
        pass

    def refusal(self, order) -> str | None:
        """Why this type cannot act on `order` as it is now, or None. `execute` refuses with it, and
        the dashboard uses it to offer only the actions that can succeed (one rule, one place)."""
        return None

    def execute(self, operation, order) -> dict:
        """Apply the effect; set `operation.undo_data` to what an undo restores; return the output."""
        raise NotImplementedError

    def undo(self, operation, order) -> None:
        raise NotImplementedError


def refuse_if(reason: str | None) -> None:
    if reason:
        raise OperationFailed(reason)


def conflict(message: str) -> DomainError:
    return DomainError(ErrorCode.CONFLICT, message)


def _actor(operation) -> dict:
    actor_id = operation.executed_by_id or operation.created_by_id
    actor_type = OrderActivity.ActorType.STAFF if actor_id else OrderActivity.ActorType.SYSTEM
    return {"actor_type": actor_type, "actor_id": staff_public_id(user_id=actor_id) or ""}


def activity_record(order: Order, operation, *, activity_type: str, title: str, description: str = "", **metadata):
    """The order-history entry for what `operation` did: the one activity helper of the orders app,
    with the operation's actor and id."""
    return order_activity_record(
        order=order,
        activity_type=activity_type,
        title=title,
        description=description,
        metadata={"operation_id": str(operation.pk), "operation_type": operation.type, **metadata},
        **_actor(operation),
    )


def order_save(order: Order, *fields: str) -> None:
    order.version_tag = order_version_tag_generate()
    order.save(update_fields=[*fields, "version_tag", "updated_at"])


def order_status_set(order: Order, operation, status: str, *, title: str, description: str = "") -> None:
    order_status_change(
        order=order,
        status=status,
        title=title,
        description=description,
        metadata={"operation_id": str(operation.pk), "operation_type": operation.type},
        **_actor(operation),
    )


def status_undo(operation, order, *, expected: str, label: str) -> None:
    """Put back the status the operation replaced, unless the order has moved on since."""
    if order.status != expected:
        raise conflict(
            f"Cannot undo: the order's status is now '{order.status}', no longer '{expected}' as set by this operation."
        )
    order_status_set(order, operation, operation.undo_data["previous_status"], title=f"Undone: {label}")
