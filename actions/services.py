"""Every change to an action request. Each transition is one conditional UPDATE from `pending`.

The API views, the dashboard, the admin and the expiry task all call these functions, so two
staff resolving at once, or a resolve racing the expiry job, leave exactly one winner; the
loser gets `invalid_state` (409).
"""

import datetime as dt
from functools import lru_cache

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from actions.models import ActionRequest, ActionStatus, ActionType
from orderly.accounts.services import staff_public_id, staff_public_id_sql
from orderly.api.fields import iso_ms
from orderly.bulk import bulk_insert
from orderly.errors import DomainError, ErrorCode, invalid_state, not_found
from orderly.events.payloads import Key, Payload, iso, text, value
from orderly.events.services import events_record, events_recorded
from orders.models import Order, OrderActivity
from orders.services import order_activity_build, order_event_build

RESOLUTION_STATUSES = (ActionStatus.APPROVED, ActionStatus.DENIED)
EXPIRY_BATCH_SIZE = 2000
EXPIRED_TOPIC = "action_request.expired"

# The seed's cancellation-request statuses (order.cancellationrequest.*).
CANCELLATION_STATUS = {
    ActionStatus.PENDING: "Pending",
    ActionStatus.APPROVED: "Approved",
    ActionStatus.DENIED: "Denied",
}

_VERB = {
    ActionStatus.APPROVED: "approved",
    ActionStatus.DENIED: "denied",
    ActionStatus.EXPIRED: "expired",
    ActionStatus.CANCELLED: "withdrawn",
}


# The `data` of every `action_request.*` event (operations reads these keys on `.resolved`), defined
# once for both readings: from an instance here, from a row in the expiry sweep's SQL.
ACTION_REQUEST_EVENT_DATA = Payload(
    id=text("id"),
    order_id=text("order_id"),
    end_user_id=text("end_user_id"),
    action_type=value("action_type"),
    status=value("status"),
    title=value("title"),
    description=value("description"),
    requested_changes=value("requested_changes"),
    resolution_note=value("resolution_note"),
    resolved_by=Key(lambda r: staff_public_id(user_id=r.resolved_by_id), staff_public_id_sql("{t}.resolved_by_id")),
    resolved_at=iso("resolved_at"),
    expires_at=iso("expires_at"),
    created_at=iso("created_at"),
    updated_at=iso("updated_at"),
)


def action_request_event_data(action_request: ActionRequest) -> dict:
    return ACTION_REQUEST_EVENT_DATA.python(action_request)


def action_request_cancellation_payload(action_request: ActionRequest) -> dict:
    """Exactly the fields of seeds/cancellation-request-events.txt."""
    order = action_request.order
    return {
        "orderId": str(order.pk),
        "poNumber": order.po_number or None,
        "status": CANCELLATION_STATUS[action_request.status],
        "reason": action_request.description,
        "createdAt": iso_ms(action_request.created_at),
        "updatedAt": iso_ms(action_request.updated_at),
    }


def _type_label(action_request: ActionRequest) -> str:
    return ActionType(action_request.action_type).label


def _record(
    action_request: ActionRequest, *, topic: str, activity_title: str, actor_type: str, actor_id=""
) -> None:
    """One domain event (plus the seed's cancellation topic) and one activity on the order."""
    events_record(_events(action_request, topic=topic))
    _activity(action_request, activity_title, actor_type, actor_id).save(force_insert=True)


def _events(action_request: ActionRequest, *, topic: str) -> list:
    """The request's event, and the seed's cancellation topic where one applies, about its order."""
    order = action_request.order
    events = [
        order_event_build(
            subject=order,
            event_type=topic,
            resource_type="action_request",
            resource_id=action_request.pk,
            data=action_request_event_data(action_request),
        )
    ]
    if action_request.action_type == ActionType.CANCEL:
        if topic == "action_request.created":
            cancellation_topic = "order.cancellationrequest.created"
        elif action_request.status in RESOLUTION_STATUSES:
            cancellation_topic = "order.cancellationrequest.updated"
        else:
            cancellation_topic = None  # expired/withdrawn have no seed status
        if cancellation_topic:
            events.append(
                order_event_build(
                    subject=order, event_type=cancellation_topic, data=action_request_cancellation_payload(action_request)
                )
            )
    return events


def _activity(action_request: ActionRequest, title: str, actor_type: str, actor_id=""):
    return order_activity_build(
        order=action_request.order,
        activity_type="action_request",
        title=title,
        description=action_request.resolution_note or action_request.description or "",
        actor_type=actor_type,
        actor_id=actor_id,
        metadata={"action_request_id": str(action_request.pk), "status": action_request.status},
    )


def action_request_create(
    *,
    end_user,
    order_id,
    action_type: str,
    title: str,
    description: str = "",
    requested_changes: dict | None = None,
) -> ActionRequest:
    """File a request on one of the end user's own orders (anyone else's order is a 404)."""
    order = Order.objects.for_end_user(end_user).filter(pk=order_id).first()
    if order is None:
        raise not_found("Order")
    ttl = dt.timedelta(days=settings.ORDERLY_ACTION_REQUEST_TTL_DAYS)
    with transaction.atomic():
        action_request = ActionRequest.objects.create(
            organization_id=order.organization_id,
            end_user=end_user,
            order=order,
            action_type=action_type,
            title=title,
            description=description or "",
            requested_changes=requested_changes,
            expires_at=timezone.now() + ttl,
        )
        # Exactly creation + TTL (auto_now_add stamps created_at during the INSERT).
        action_request.expires_at = action_request.created_at + ttl
        ActionRequest.objects.filter(pk=action_request.pk).update(expires_at=action_request.expires_at)
        _record(
            action_request,
            topic="action_request.created",
            activity_title=f"{_type_label(action_request)} requested",
            actor_type=OrderActivity.ActorType.END_USER,
            actor_id=end_user.pk,
        )
    return action_request


def _transition(
    queryset, *, request_id, to_status: str, now, what="Action request", **fields
) -> ActionRequest:
    """The one conditional UPDATE; a request no longer pending (or past its expiry) loses with a 409."""
    changed = queryset.filter(pk=request_id, status=ActionStatus.PENDING, expires_at__gt=now).update(
        status=to_status, updated_at=now, **fields
    )
    current = queryset.select_related("order", "organization", "resolved_by__membership").filter(pk=request_id).first()
    if current is None:
        raise not_found(what)
    if not changed:
        if current.status == ActionStatus.PENDING:
            raise invalid_state("Request has expired.", status=ActionStatus.EXPIRED)
        raise invalid_state(f"Request is already {current.status}.", status=current.status)
    return current


def action_request_cancel(*, request_id, end_user) -> ActionRequest:
    """The end user withdraws their own pending request."""
    now = timezone.now()
    with transaction.atomic():
        action_request = _transition(
            ActionRequest.objects.for_end_user(end_user),
            request_id=request_id,
            to_status=ActionStatus.CANCELLED,
            now=now,
        )
        _record(
            action_request,
            topic="action_request.cancelled",
            activity_title=f"{_type_label(action_request)} request withdrawn",
            actor_type=OrderActivity.ActorType.END_USER,
            actor_id=end_user.pk,
        )
    return action_request


def action_request_resolve(
    *, request_id, organization, status: str, note: str | None, actor
) -> ActionRequest:
    """Approve or deny a pending request; `actor` is the staff user (or their id) who decided."""
    if status not in RESOLUTION_STATUSES:
        raise DomainError(
            ErrorCode.VALIDATION_ERROR, "Invalid input.", details={"status": ["Must be approved or denied."]}
        )
    actor_id = getattr(actor, "pk", actor)
    now = timezone.now()
    with transaction.atomic():
        action_request = _transition(
            ActionRequest.objects.for_organization(organization),
            request_id=request_id,
            to_status=status,
            now=now,
            resolution_note=note or None,
            resolved_by_id=actor_id,
            resolved_at=now,
        )
        _record(
            action_request,
            topic="action_request.resolved",
            activity_title=f"{_type_label(action_request)} request {_VERB[status]}",
            actor_type=OrderActivity.ActorType.STAFF,
            actor_id=actor_id,
        )
    return action_request


def action_requests_expire(*, now=None, batch_size: int = EXPIRY_BATCH_SIZE) -> int:
    """Expire every overdue pending request, a batch per transaction; returns how many.

    Each batch locks its rows with SKIP LOCKED (PostgreSQL; SQLite serializes writers), so two
    runs at once split the work and a row being resolved right now is left to its resolver.
    The UPDATE keeps the `status = pending` guard, so a row changes, and gets its events, once.
    On PostgreSQL a batch is one statement (`_expire_batch_sql`); elsewhere the same batch in Python.
    """
    now = now or timezone.now()
    expire_batch = _expire_batch_sql if connection.vendor == "postgresql" else _expire_batch
    total = 0
    while True:
        with transaction.atomic():
            claimed = expire_batch(now=now, batch_size=batch_size)
        total += claimed
        if claimed < batch_size:
            return total


def _expire_batch(*, now, batch_size: int) -> int:
    ids = list(
        ActionRequest.objects.select_for_update(skip_locked=True)
        .filter(status=ActionStatus.PENDING, expires_at__lte=now)
        .order_by("expires_at")
        .values_list("pk", flat=True)[:batch_size]
    )
    if not ids:
        return 0
    ActionRequest.objects.filter(pk__in=ids, status=ActionStatus.PENDING).update(
        status=ActionStatus.EXPIRED, updated_at=now
    )
    expired = list(
        ActionRequest.objects.filter(pk__in=ids, status=ActionStatus.EXPIRED, updated_at=now).select_related("order")
    )
    events_record([event for r in expired for event in _events(r, topic=EXPIRED_TOPIC)])
    bulk_insert([_activity(r, _expired_title(_type_label(r)), OrderActivity.ActorType.SYSTEM) for r in expired])
    return len(ids)


def _expired_title(label: str) -> str:
    return f"{label} request expired"


def _expire_batch_sql(*, now, batch_size: int) -> int:
    """One batch in one statement: the UPDATE, and from its RETURNING rows the events and the order
    activities `_expire_batch` writes, the event's `data` from ACTION_REQUEST_EVENT_DATA's SQL
    reading. No row passes through Python: 10,000 expiries cost about what the UPDATE alone
    costs, where building, serializing and copying 20,000 instances cost ten times that.
    The events' consumers then get them as from `events_record` (`events_recorded`).
    An expiry has one event (no cancellation-request topic), as `_events` says."""
    with connection.cursor() as cursor:
        cursor.execute(
            _expire_sql(),
            {
                "now": now,
                "batch": batch_size,
                "topic": EXPIRED_TOPIC,
                "pending": ActionStatus.PENDING,
                "expired": ActionStatus.EXPIRED,
            },
        )
        rows = cursor.fetchall()
    events_recorded(rows, event_type=EXPIRED_TOPIC)
    return len(rows)


def _sql_literal(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _columns(model, expressions: dict[str, str]) -> tuple[str, str]:
    """The INSERT's column list and SELECT list; every column of `model` must have its expression,
    so a field added to the model later fails here loudly instead of inserting a wrong row."""
    columns = [field.column for field in model._meta.concrete_fields]
    if set(columns) != set(expressions):
        raise RuntimeError(f"{model.__name__}: expiry SQL columns differ: {set(columns) ^ set(expressions)}")
    return ", ".join(columns), ", ".join(expressions[c] for c in columns)


@lru_cache(maxsize=1)
def _expire_sql() -> str:
    from orderly.events.models import Event

    event_columns, event_values = _columns(
        Event,
        {
            "id": "gen_random_uuid()",
            "organization_id": "e.order_organization_id",
            "event_type": "%(topic)s",
            "end_user_id": "e.order_end_user_id",
            "session_id": "NULL",
            "resource_type": "'action_request'",
            "resource_id": "e.id::text",
            "metadata": "'{}'::jsonb",
            "data": ACTION_REQUEST_EVENT_DATA.sql("e"),
            "ip_address": "NULL",
            "created_at": "%(now)s",
        },
    )
    labels = " ".join(f"WHEN {_sql_literal(t.value)} THEN {_sql_literal(_expired_title(t.label))}" for t in ActionType)
    activity_columns, activity_values = _columns(
        OrderActivity,
        {
            "id": "gen_random_uuid()",
            "created_at": "%(now)s",
            "updated_at": "%(now)s",
            "organization_id": "e.order_organization_id",
            "order_id": "e.order_id",
            "activity_type": "'action_request'",
            "title": f"(CASE e.action_type {labels} END)",
            "description": "COALESCE(NULLIF(e.resolution_note, ''), NULLIF(e.description, ''), '')",
            "actor_type": _sql_literal(OrderActivity.ActorType.SYSTEM),
            "actor_id": "''",
            "metadata": "jsonb_build_object('action_request_id', e.id::text, 'status', e.status)",
        },
    )
    requests, orders = ActionRequest._meta.db_table, Order._meta.db_table
    return f"""
        WITH expired AS (
            UPDATE {requests} AS r SET status = %(expired)s, updated_at = %(now)s
            FROM {orders} AS o
            WHERE o.id = r.order_id AND r.status = %(pending)s AND r.id IN (
                SELECT id FROM {requests}
                WHERE status = %(pending)s AND expires_at <= %(now)s
                ORDER BY expires_at
                LIMIT %(batch)s
                FOR UPDATE SKIP LOCKED
            )
            RETURNING r.*, o.organization_id AS order_organization_id, o.end_user_id AS order_end_user_id
        ), new_events AS (
            INSERT INTO {Event._meta.db_table} ({event_columns}) SELECT {event_values} FROM expired e
            RETURNING id, organization_id, end_user_id
        ), new_activities AS (
            INSERT INTO {OrderActivity._meta.db_table} ({activity_columns}) SELECT {activity_values} FROM expired e
        )
        SELECT id, organization_id, end_user_id FROM new_events
    """  # noqa: S608 - table names and literals are the models' own


def action_request_operation_link(*, request_id, operation_id) -> None:
    """Record which operation an approval started, so the request and the queue can show its outcome."""
    ActionRequest.objects.filter(pk=request_id).update(operation_id=operation_id)


def action_requests_for_reassigned_orders(events) -> None:
    """Consumer of `order.reassigned` (orders.services.order_reassign), inside its transaction and
    while the order is still the previous end user's: their pending requests on it are withdrawn
    (they no longer hold the order), each with its event and activity, through the one transition.
    The requests stay theirs, as a record of what they asked."""
    now = timezone.now()
    pending = ActionRequest.objects.filter(
        order_id__in=[e.resource_id for e in events], status=ActionStatus.PENDING, expires_at__gt=now
    ).values_list("pk", flat=True)
    for request_id in list(pending):
        action_request = _transition(
            ActionRequest.objects,
            request_id=request_id,
            to_status=ActionStatus.CANCELLED,
            now=now,
            resolution_note="Closed: the order was reassigned to another end user.",
        )
        _record(
            action_request,
            topic="action_request.cancelled",
            activity_title=f"{_type_label(action_request)} request closed: order reassigned",
            actor_type=OrderActivity.ActorType.SYSTEM,
        )
