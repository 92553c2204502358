"""Operation transitions. Each is one conditional UPDATE, so a second caller loses with a 409.

pending → executing (execute) → completed | failed (the task);  pending → cancelled;  completed → undone.
"""

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from actions.services import action_request_operation_link
from operations.models import Operation, OperationStatus
from operations.registry import operation_type_get
from operations.types.base import OperationFailed
from orderly.accounts.services import staff_user_id
from orderly.api.fields import iso_ms
from orderly.errors import DomainError, ErrorCode, invalid_state, not_found
from orderly.events.services import event_record
from orders.models import Order
from orders.services import order_event_record

logger = logging.getLogger(__name__)

# An `executing` operation untouched for this long lost its worker; the sweep runs it again.
EXECUTION_LEASE = dt.timedelta(minutes=5)


def _log(message: str, at=None) -> dict:
    return {"at": iso_ms(at or timezone.now()), "message": message}


def operation_input_validate(*, type: str, data) -> dict:
    handler = operation_type_get(type)
    serializer = handler.InputSerializer(data=data if data is not None else {})
    if not serializer.is_valid():
        details = {
            f"input.{k}" if k != "non_field_errors" else "input": v for k, v in serializer.errors.items()
        }
        raise DomainError(ErrorCode.VALIDATION_ERROR, "Invalid input.", details=details)
    return serializer.data  # JSON-ready (UUIDs as strings)


def operation_create(
    *, organization, type: str, order_id=None, input: dict | None, actor_id=None, action_request_id=None
) -> Operation:
    handler = operation_type_get(type)
    clean_input = operation_input_validate(type=type, data=input)
    order = None
    if order_id is not None:
        order = Order.objects.for_organization(organization).filter(pk=order_id).first()
        if order is None:
            raise not_found("Order")
    elif handler.requires_order:
        raise DomainError(
            ErrorCode.VALIDATION_ERROR, "Invalid input.", details={"order_id": [f"Required for {type}."]}
        )
    return Operation.objects.create(
        organization=organization,
        type=type,
        order=order,
        input=clean_input,
        created_by_id=actor_id,
        action_request_id=action_request_id,
        logs=[_log("Created.")],
    )


def _locked(organization, operation_id) -> Operation:
    operation = (
        Operation.objects.for_organization(organization).select_for_update().filter(pk=operation_id).first()
    )
    if operation is None:
        raise not_found("Operation")
    return operation


def _append_log(operation: Operation, message: str, at=None) -> list:
    return [*operation.logs, _log(message, at)]


def operation_execute(*, organization, operation_id, actor_id=None) -> Operation:
    """pending → executing exactly once, then the task runs the handler after commit."""
    now = timezone.now()
    with transaction.atomic():
        operation = _locked(organization, operation_id)
        changed = Operation.objects.filter(pk=operation.pk, status=OperationStatus.PENDING).update(
            status=OperationStatus.EXECUTING,
            executed_by_id=actor_id,
            updated_at=now,
            logs=_append_log(operation, "Execution requested.", now),
        )
        if not changed:
            raise invalid_state(
                f"Only a pending operation can be executed; this one is {operation.status}.",
                status=operation.status,
            )
        _enqueue(operation.pk)
    # The answer is the state the caller can observe now: `executing`, or already finished when
    # the task ran as the transaction committed (a fast worker, or eager mode).
    operation.refresh_from_db()
    return operation


def _enqueue(operation_id) -> None:
    from operations.tasks import operation_execute as task

    transaction.on_commit(lambda: task.delay(str(operation_id)))


def operation_run(*, operation_id) -> bool:
    """The task's body; safe to run twice: the row lock and the status guard make later runs no-ops.

    The handler's effects and the final status commit together, so a worker killed mid-run leaves
    the operation `executing` with no effects, and the stalled sweep runs it again.
    """
    with transaction.atomic():
        operation = Operation.objects.select_for_update().filter(pk=operation_id).first()
        if operation is None or operation.status != OperationStatus.EXECUTING:
            return False
        handler = operation_type_get(operation.type)
        order = None
        if operation.order_id is not None:
            order = (
                Order.objects.select_for_update(of=("self",))
                .select_related("bridge", "organization")
                .get(pk=operation.order_id)
            )
        try:
            with transaction.atomic():
                if handler.requires_order and order is None:
                    raise OperationFailed("The order of this operation no longer exists.")
                output = handler.execute(operation, order)
        except (OperationFailed, DomainError) as exc:
            return _finish_failed(operation, str(getattr(exc, "message", exc)))
        except Exception as exc:  # a handler bug must still end the operation, not leave it executing
            logger.exception("Operation %s failed", operation.pk)
            return _finish_failed(operation, f"Internal error: {type(exc).__name__}.")
        now = timezone.now()
        Operation.objects.filter(pk=operation.pk, status=OperationStatus.EXECUTING).update(
            status=OperationStatus.COMPLETED,
            output=output,
            undo_data=operation.undo_data,
            error="",
            executed_at=now,
            updated_at=now,
            logs=_append_log(operation, "Completed.", now),
        )
        operation.refresh_from_db()
        _operation_event(operation, "operation.completed")
    return True


def _finish_failed(operation: Operation, message: str) -> bool:
    now = timezone.now()
    Operation.objects.filter(pk=operation.pk, status=OperationStatus.EXECUTING).update(
        status=OperationStatus.FAILED,
        error=message,
        undo_data=None,
        executed_at=now,
        updated_at=now,
        logs=_append_log(operation, f"Failed: {message}", now),
    )
    operation.refresh_from_db()
    _operation_event(operation, "operation.failed")
    return True


def _operation_event(operation: Operation, event_type: str) -> None:
    data = {
        "id": str(operation.pk),
        "type": operation.type,
        "status": operation.status,
        "order_id": str(operation.order_id) if operation.order_id else None,
        "action_request_id": str(operation.action_request_id) if operation.action_request_id else None,
        "output": operation.output,
        "error": operation.error or None,
    }
    if operation.order_id is None:
        event_record(
            organization=operation.organization,
            event_type=event_type,
            resource_type="operation",
            resource_id=operation.pk,
            data=data,
        )
        return
    order_event_record(
        subject=operation.order,
        event_type=event_type,
        resource_type="operation",
        resource_id=operation.pk,
        data=data,
    )


def operation_cancel(*, organization, operation_id, actor_id=None) -> Operation:
    now = timezone.now()
    with transaction.atomic():
        operation = _locked(organization, operation_id)
        changed = Operation.objects.filter(pk=operation.pk, status=OperationStatus.PENDING).update(
            status=OperationStatus.CANCELLED, updated_at=now, logs=_append_log(operation, "Cancelled.", now)
        )
        if not changed:
            raise invalid_state(
                f"Only a pending operation can be cancelled; this one is {operation.status}.",
                status=operation.status,
            )
        operation.refresh_from_db()
    return operation


def operation_undo(*, organization, operation_id, actor_id=None) -> Operation:
    """completed → undone, restoring the state before; 422 if the type cannot be undone, 409 on conflict."""
    now = timezone.now()
    with transaction.atomic():
        operation = _locked(organization, operation_id)
        handler = operation_type_get(operation.type)
        if not handler.undoable:
            raise DomainError(ErrorCode.UNPROCESSABLE, f"A {operation.type} operation cannot be undone.")
        if operation.status != OperationStatus.COMPLETED:
            raise invalid_state(
                f"Only a completed operation can be undone; this one is {operation.status}.",
                status=operation.status,
            )
        order = None
        if operation.order_id is not None:
            order = Order.objects.select_for_update().filter(pk=operation.order_id).first()
        if handler.requires_order and order is None:
            raise DomainError(ErrorCode.CONFLICT, "Cannot undo: the order no longer exists.")
        handler.undo(operation, order)
        Operation.objects.filter(pk=operation.pk, status=OperationStatus.COMPLETED).update(
            status=OperationStatus.UNDONE,
            undo_at=now,
            undone_by_id=actor_id,
            updated_at=now,
            logs=_append_log(operation, "Undone.", now),
        )
        operation.refresh_from_db()
    return operation


def operations_resume_stalled(*, lease: dt.timedelta = EXECUTION_LEASE, limit: int = 200) -> int:
    """Re-enqueue operations whose worker died; renewing the lease keeps one sweep from piling up runs."""
    now = timezone.now()
    stalled = list(
        Operation.objects.filter(status=OperationStatus.EXECUTING, updated_at__lt=now - lease)
        .order_by("updated_at")
        .values_list("pk", flat=True)[:limit]
    )
    resumed = 0
    for pk in stalled:
        with transaction.atomic():
            if Operation.objects.filter(
                pk=pk, status=OperationStatus.EXECUTING, updated_at__lt=now - lease
            ).update(updated_at=now):
                _enqueue(pk)
                resumed += 1
    return resumed


# Approved action requests become operations (issue 6; the actions app emits the event).
ACTION_REQUEST_OPERATIONS = {
    "cancel": "cancel_order",
    "hold": "hold_order",
    "expedite": "add_order_note",
    "address_change": "update_shipping_address",
    "note": "add_order_note",
}


def _action_request_input(action_type: str, data: dict) -> dict:
    changes = data.get("requested_changes") or {}
    note = data.get("resolution_note") or ""
    if action_type in ("cancel", "hold"):
        reason = changes.get("reason") or note
        return {"reason": reason} if reason else {}
    if action_type == "address_change":
        return {"address": changes.get("address")}
    if action_type == "expedite":
        return {"note": "Expedite requested" + (f": {note}" if note else "")}
    # A note request's words are its description (the embed form has no separate note field).
    return {"note": changes.get("note") or note or data.get("description") or data.get("title") or ""}


def operations_create_for_action_requests(events) -> None:
    """Consumer of `action_request.resolved`: each approval becomes an operation, executed after commit."""
    for event in events:
        operation_create_for_action_request(event)


def operation_create_for_action_request(event) -> Operation | None:
    data = event.data or {}
    op_type = ACTION_REQUEST_OPERATIONS.get(data.get("action_type"))
    if data.get("status") != "approved" or op_type is None:
        return None
    organization = event.organization
    order = (
        Order.objects.for_organization(organization).filter(pk=data.get("order_id")).first()
        if data.get("order_id")
        else None
    )
    if order is None:
        logger.warning("Approved action request %s has no order of its organization", data.get("id"))
        return None
    actor_id = staff_user_id(public_id=data.get("resolved_by"))
    request_id = data.get("id")
    input_data = _action_request_input(data["action_type"], data)
    try:
        operation = operation_create(
            organization=organization,
            type=op_type,
            order_id=order.pk,
            input=input_data,
            actor_id=actor_id,
            action_request_id=request_id,
        )
    except DomainError as exc:
        # The request was approved but carries no usable input: record the failure where staff look.
        operation = Operation.objects.create(
            organization=organization,
            type=op_type,
            order=order,
            input=input_data if isinstance(input_data, dict) else {},
            status=OperationStatus.FAILED,
            error=exc.as_text(),
            created_by_id=actor_id,
            action_request_id=request_id,
            logs=[_log(f"Failed: the request's input is not valid. {exc.as_text()}")],
        )
        _link_action_request(request_id, operation)
        _operation_event(operation, "operation.failed")
        return operation
    _link_action_request(request_id, operation)
    return operation_execute(organization=organization, operation_id=operation.pk, actor_id=actor_id)


def _link_action_request(request_id, operation: Operation) -> None:
    if request_id:
        action_request_operation_link(request_id=request_id, operation_id=operation.pk)
