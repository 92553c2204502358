"""Writes to orders, shipments and checkpoints: the ingest API, its async processing, order actions."""

import base64
import datetime as dt
import hmac
import secrets
import uuid
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from orderly.accounts.models import EndUser
from orderly.api.fields import iso_ms
from orderly.errors import DomainError, ErrorCode, not_found
from orderly.events.models import Event
from orderly.events.services import event_build, events_record
from orderly.models import model_update
from orders.models import (
    Order,
    OrderActivity,
    OrderIngest,
    Shipment,
    ShipmentStatus,
    TrackingCheckpoint,
)
from orders.selectors import order_event_data, shipment_event_data


def _bridge_model():
    """Orders do not import the bridges app (bridges import orders, to sync a store through the
    ingest service); the foreign key names the model an order's `bridgeId` must be."""
    return Order._meta.get_field("bridge").related_model

# Statuses after which a parcel is with the carrier: the first move into one is `shipment.shipped`.
SHIPPED_STATUSES = {ShipmentStatus.PICKED_UP, ShipmentStatus.IN_TRANSIT, ShipmentStatus.OUT_FOR_DELIVERY}
PRE_SHIPPED_STATUSES = {ShipmentStatus.PENDING, ShipmentStatus.INFO_RECEIVED}
STATUS_EVENTS = {
    ShipmentStatus.DELIVERED: "shipment.delivered",
    ShipmentStatus.EXCEPTION: "shipment.exception",
}

ORDER_FIELDS = (
    "bridge_id",
    "order_number",
    "po_number",
    "status",
    "fulfillment_status",
    "payment_status",
    "customer_name",
    "customer_email",
    "customer_phone",
    "line_items",
    "shipping_address",
    "totals",
    "currency",
    "tags",
    "notes",
    "ordered_at",
)


def order_version_tag_generate() -> str:
    """An opaque tag: base64 of 16 random bytes (24 characters)."""
    return base64.b64encode(secrets.token_bytes(16)).decode("ascii")


def _wire(value):
    if isinstance(value, dt.datetime):
        return iso_ms(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _order_values(*, organization, data: dict) -> dict:
    """Validated (snake_case) input → model field values; resolves `bridge_id` within the org."""
    values = {k: v for k, v in data.items() if k in ORDER_FIELDS}
    if "customer" in data:
        customer = data["customer"] or {}
        values["customer_name"] = customer.get("name") or ""
        values["customer_email"] = customer.get("email") or ""
        values["customer_phone"] = customer.get("phone") or ""
    bridge_id = data.get("bridge_id")
    if bridge_id is not None and not _bridge_model().objects.filter(organization=organization, pk=bridge_id).exists():
        raise not_found("Bridge")
    return values


def _end_user_resolve(*, organization, end_user_id=None, external_user_id=None) -> EndUser:
    users = EndUser.objects.filter(organization=organization)
    end_user = (
        users.filter(pk=end_user_id).first()
        if end_user_id
        else users.filter(external_id=external_user_id).first()
    )
    if end_user is None:
        raise not_found("End user")
    return end_user


def _ingest_record(*, order: Order, kind: str, changes: dict, actor_type: str, actor_id: str) -> OrderIngest:
    """Mark the order as processing (no version tag) and queue the processing after commit."""
    ingest = OrderIngest.objects.create(
        organization_id=order.organization_id,
        order=order,
        kind=kind,
        changes=changes,
        actor_type=actor_type,
        actor_id=actor_id,
    )
    Order.objects.filter(pk=order.pk).update(version_tag=None)
    order.version_tag = None
    from orders.tasks import order_ingest_process

    transaction.on_commit(lambda: order_ingest_process.delay(str(ingest.pk)))
    return ingest


def _order_apply(*, order: Order, values: dict) -> dict:
    """Apply `values`; the changes as `{field: [old, new]}` in wire form, as ingests record them."""
    before = {field: getattr(order, field) for field in values}
    changed = model_update(order, values, ORDER_FIELDS)
    return {field: [_wire(before[field]), _wire(getattr(order, field))] for field in changed}


def order_upsert(
    *, organization, data: dict, actor_type: str = "api_key", actor_id: str = "", bridge=None
) -> tuple[Order, bool]:
    """Create or update the order with `external_id`; returns (order, created).

    Orders are keyed by (bridge, `external_id`) (CONTRACT §10): with `bridge` (a bridge sync) the
    order is that bridge's, for the bridge's end user, and `bridgeId` on an ingest names the bridge
    the same way; without either, `external_id` is the integrator's own, in the organization. An
    unknown end user or bridge is a 404 and nothing is written. An update that changes nothing
    leaves the order (and its version tag) as it is; `order.upsert_changes` says what changed.
    """
    if bridge is not None:
        end_user = bridge.end_user
    else:
        end_user = _end_user_resolve(
            organization=organization,
            end_user_id=data.get("end_user_id"),
            external_user_id=data.get("external_user_id"),
        )
    values = _order_values(organization=organization, data=data)
    if bridge is not None:
        values["bridge_id"] = bridge.pk
    bridge_id = values.get("bridge_id")
    values["end_user"] = end_user
    external_id = data["external_id"]
    with transaction.atomic():
        order = _order_locate(
            organization=organization, external_id=external_id, bridge_id=bridge_id, bridge=bridge
        )
        if order is None:
            source = str(bridge_id) if bridge_id else ""
            try:
                with transaction.atomic():
                    order = Order.objects.create(
                        organization=organization, external_id=external_id, source=source, **values
                    )
            except IntegrityError:
                # A concurrent request created it first: fall through to the update path.
                order = Order.objects.select_for_update().get(
                    organization=organization, external_id=external_id, source=source
                )
            else:
                snapshot = {f: _wire(getattr(order, f)) for f in ("order_number", "status")}
                _ingest_record(
                    order=order, kind="created", changes=snapshot, actor_type=actor_type, actor_id=actor_id
                )
                order.upsert_changes = snapshot
                return order, True
        if bridge_id:
            # An order pushed before its bridge synced it becomes that bridge's.
            _order_source_move(order=order, bridge_id=bridge_id)
        end_user_changed = order.end_user_id != end_user.pk
        values.pop("end_user")
        changes = _order_apply(order=order, values=values)
        if end_user_changed:
            changes["end_user_id"] = order_reassign(order=order, end_user=end_user)
        if changes:
            _ingest_record(
                order=order, kind="updated", changes=changes, actor_type=actor_type, actor_id=actor_id
            )
    order.upsert_changes = changes
    return order, False


def _order_locate(*, organization, external_id: str, bridge_id, bridge) -> Order | None:
    """The order an upsert updates, locked; None when it creates one.

    With a bridge: that bridge's order, else one the integrator pushed without a bridge (for the
    bridge's end user, when a sync asks), which the bridge then takes over; another bridge's order
    is never moved. Without: the integrator's own order, else the one bridge's order that has
    this `external_id`; were there several, only `bridgeId` can say which.
    """
    candidates = list(
        Order.objects.select_for_update()
        .filter(organization=organization, external_id=external_id)
        .order_by("created_at", "pk")
    )
    by_source = {order.source: order for order in candidates}
    if bridge_id:
        own = by_source.get(str(bridge_id))
        if own is not None:
            return own
        pushed = by_source.get("")
        if pushed is not None and (bridge is None or pushed.end_user_id == bridge.end_user_id):
            return pushed
        return None
    if "" in by_source:
        return by_source[""]
    if len(candidates) > 1:
        raise DomainError(
            ErrorCode.CONFLICT,
            "Orders of several bridges have this externalId: send bridgeId to say which one.",
            details={"bridgeId": ["Required: several bridges' orders have this externalId."]},
        )
    return candidates[0] if candidates else None


def order_reassign(*, order: Order, end_user: EndUser) -> list:
    """Move an order and its shipments to another end user of its organization; returns
    [previous end user id, new end user id] (the ingest's change).

    The previous end user keeps no handle on it. `order.reassigned` is recorded first, while the
    order is still theirs, and the apps holding things an end user has on an order close them in
    its consumers, in this transaction: tracking links are revoked (they may have been shared),
    pending action requests withdrawn — each with its own event, to the end user who held it.
    """
    previous_id = str(order.end_user_id) if order.end_user_id else None
    order_event_record(
        subject=order,
        event_type="order.reassigned",
        data={"order_id": str(order.pk), "previous_end_user_id": previous_id, "end_user_id": str(end_user.pk)},
    )
    order.end_user = end_user
    order.save(update_fields=["end_user", "updated_at"])
    Shipment.objects.filter(order=order).update(end_user=end_user)
    return [previous_id, str(end_user.pk)]


def order_update(
    *, organization, order_id, data: dict, actor_type: str = "api_key", actor_id: str = ""
) -> Order:
    """PATCH: change the given fields; a new version tag is issued once processed."""
    values = _order_values(organization=organization, data=data)
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(organization=organization, pk=order_id).first()
        if order is None:
            raise not_found("Order")
        if "bridge_id" in values:
            _order_source_move(order=order, bridge_id=values["bridge_id"])
        changes = _order_apply(order=order, values=values)
        if changes:
            _ingest_record(
                order=order, kind="updated", changes=changes, actor_type=actor_type, actor_id=actor_id
            )
    return order


def _order_source_move(*, order: Order, bridge_id) -> None:
    """A PATCH that names another bridge (or none) moves the order's key with it, unless that key is
    another order's: then it is a 409 and nothing changes."""
    source = str(bridge_id) if bridge_id else ""
    if source == order.source:
        return
    try:
        # The unique key decides, also against a concurrent create of the same key.
        with transaction.atomic():
            Order.objects.filter(pk=order.pk).update(source=source)
    except IntegrityError:
        raise DomainError(
            ErrorCode.CONFLICT,
            "That bridge already has an order with this externalId.",
            details={"bridgeId": [f"The bridge already has an order '{order.external_id}'."]},
        ) from None
    order.source = source


def order_ingest_process(*, ingest_id) -> bool:
    """Turn one ingest into activities and events and issue a version tag. Safe to run twice.

    Returns False when there was nothing to do (already processed or gone).
    """
    with transaction.atomic():
        ingest = (
            OrderIngest.objects.select_for_update().filter(pk=ingest_id, processed_at__isnull=True).first()
        )
        if ingest is None:
            return False
        order = Order.objects.select_for_update().get(pk=ingest.order_id)
        actor = {"actor_type": ingest.actor_type, "actor_id": ingest.actor_id}
        data = order_event_data(order)
        if ingest.kind == OrderIngest.Kind.CREATED:
            order_activity_record(
                order=order,
                activity_type="created",
                title="Order created",
                description=f"Order {order.order_number} received",
                metadata={"ingest_id": str(ingest.pk)},
                **actor,
            )
            order_event_record(subject=order, event_type="order.created", data=data)
        else:
            changed = sorted(ingest.changes)
            order_activity_record(
                order=order,
                activity_type="updated",
                title="Order updated",
                description="Changed: " + ", ".join(changed),
                metadata={"ingest_id": str(ingest.pk), "changes": ingest.changes},
                **actor,
            )
            order_event_record(subject=order, event_type="order.updated", data={**data, "changes": ingest.changes})
            if "status" in ingest.changes:
                old, new = ingest.changes["status"]
                _order_status_changed(order=order, previous=old, status=new, **actor)
        now = timezone.now()
        OrderIngest.objects.filter(pk=ingest.pk).update(processed_at=now)
        # Only the last pending change issues a tag: until then the order is still processing.
        if not OrderIngest.objects.filter(order=order, processed_at__isnull=True).exists():
            Order.objects.filter(pk=order.pk).update(version_tag=order_version_tag_generate())
    return True


def order_ingest_list_pending(*, older_than: dt.timedelta, limit: int = 500) -> list:
    cutoff = timezone.now() - older_than
    return list(
        OrderIngest.objects.filter(processed_at__isnull=True, created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


def order_event_build(
    *, subject: Order | Shipment, event_type: str, data: dict, resource_type: str = "", resource_id=None
) -> Event:
    """An unsaved event about an order (or one of its shipments, or something done to it: pass the
    `resource_type` and `resource_id` of an operation or a request). The one rule: every event
    about an order carries that order's end user (a shipment keeps its order's), so the end user's
    webhooks and alert rules see it as the organization's do. `events_record` saves a batch."""
    return event_build(
        organization_id=subject.organization_id,
        event_type=event_type,
        end_user_id=subject.end_user_id,
        resource_type=resource_type or subject._meta.model_name,
        resource_id=resource_id or subject.pk,
        data=data,
    )


def order_event_record(**fields) -> Event:
    """Record one event about an order (fields as `order_event_build`) and run its consumers."""
    return events_record([order_event_build(**fields)])[0]


def order_activity_build(
    *,
    order: Order,
    activity_type: str,
    title: str,
    description: str = "",
    actor_type: str = OrderActivity.ActorType.SYSTEM,
    actor_id="",
    metadata: dict | None = None,
) -> OrderActivity:
    """One unsaved entry in the order's history, the way every writer records one."""
    return OrderActivity(
        organization_id=order.organization_id,
        order=order,
        activity_type=activity_type,
        title=title,
        description=description,
        actor_type=actor_type,
        actor_id=str(actor_id or ""),
        metadata=metadata or {},
    )


def order_activity_record(**fields) -> OrderActivity:
    activity = order_activity_build(**fields)
    activity.save(force_insert=True)
    return activity


def order_status_change(
    *,
    order: Order,
    status: str,
    actor_type: str,
    actor_id="",
    title: str = "",
    description: str = "",
    metadata: dict | None = None,
) -> None:
    """Set the order's status now (with a new version tag), record the one `status_change`
    activity and the one `order.status_changed` payload. Operations call this; the ingest API
    applies its changes at once and records them when it processes them (the same record)."""
    previous = order.status
    order.status = status
    order.version_tag = order_version_tag_generate()
    order.save(update_fields=["status", "version_tag", "updated_at"])
    _order_status_changed(
        order=order,
        previous=previous,
        status=status,
        actor_type=actor_type,
        actor_id=actor_id,
        title=title,
        description=description,
        metadata=metadata,
    )


def _order_status_changed(
    *, order: Order, previous: str, status: str, actor_type: str, actor_id="", title="", description="", metadata=None
) -> None:
    order_activity_record(
        order=order,
        activity_type="status_change",
        title=title or f"Status changed to {status}",
        description=description or f"{previous} → {status}",
        actor_type=actor_type,
        actor_id=actor_id,
        metadata={"from": previous, "to": status, **(metadata or {})},
    )
    order_event_record(
        subject=order,
        event_type="order.status_changed",
        data={**order_event_data(order), "from": previous, "to": status},
    )


def order_action_accept(
    *, organization, order_id, version_tag: str, action: str, language: str | None, data, actor_id: str = ""
) -> OrderActivity:
    """Accept an order action against the order's current version (seed: order actions).

    404 for an unknown order or a version tag that is not the current one (compared in
    constant time), 422 when the order has no contact to act on.
    """
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(organization=organization, pk=order_id).first()
        if order is None or not order.version_tag:
            raise not_found("Order")
        if not hmac.compare_digest(order.version_tag.encode(), str(version_tag).encode()):
            raise not_found("Order")
        if not order.has_contact:
            raise DomainError(ErrorCode.UNPROCESSABLE, "The order has no contact (customer email or phone).")
        activity = order_activity_record(
            order=order,
            activity_type="action",
            title=f"Action {action}",
            description=f"Action '{action}' accepted",
            actor_type=OrderActivity.ActorType.API_KEY,
            actor_id=actor_id,
            metadata={"action": action, "language": language, "data": data, "version_tag": order.version_tag},
        )
        order_event_record(
            subject=order,
            event_type="order.action",
            data={
                "order_id": str(order.pk),
                "action": action,
                "language": language,
                "data": data,
                "version_tag": order.version_tag,
                "order": order_event_data(order),
            },
        )
    return activity


def shipment_create(*, organization, data: dict, actor_id: str = "") -> Shipment:
    """A shipment for one of the organization's orders; its end user is the order's."""
    with transaction.atomic():
        order = Order.objects.filter(organization=organization, pk=data["order_id"]).first()
        if order is None:
            raise not_found("Order")
        fields = {k: v for k, v in data.items() if k != "order_id"}
        shipment = Shipment.objects.create(
            organization=organization,
            order=order,
            end_user_id=order.end_user_id,
            bridge_id=order.bridge_id,
            **fields,
        )
        order_activity_record(
            order=order,
            activity_type="shipment",
            title="Shipment created",
            description=f"{shipment.carrier} {shipment.tracking_number}",
            actor_type=OrderActivity.ActorType.API_KEY,
            actor_id=actor_id,
            metadata={"shipment_id": str(shipment.pk)},
        )
        order_event_record(subject=shipment, event_type="shipment.created", data=shipment_event_data(shipment))
        if shipment.status in SHIPPED_STATUSES:
            order_event_record(subject=shipment, event_type="shipment.shipped", data=shipment_event_data(shipment))
        elif shipment.status in STATUS_EVENTS:
            order_event_record(
                subject=shipment, event_type=STATUS_EVENTS[shipment.status], data=shipment_event_data(shipment)
            )
    return shipment


def tracking_checkpoint_create(*, organization, shipment_id, data: dict) -> TrackingCheckpoint:
    """Add a checkpoint; the shipment's status follows its newest checkpoint by checkpoint time.

    A checkpoint older than the newest one is stored (it shows in the history) but does not
    move the status back. The shipment row is locked and the update is conditional on
    `latest_checkpoint_at`, so concurrent checkpoints cannot regress it either.
    """
    with transaction.atomic():
        shipment = (
            Shipment.objects.select_for_update().filter(organization=organization, pk=shipment_id).first()
        )
        if shipment is None:
            raise not_found("Shipment")
        checkpoint = TrackingCheckpoint.objects.create(organization=organization, shipment=shipment, **data)
        when = checkpoint.checkpoint_time
        previous = shipment.status
        changes = {"status": checkpoint.status, "latest_checkpoint_at": when, "updated_at": timezone.now()}
        if checkpoint.status == ShipmentStatus.DELIVERED:
            changes["actual_delivery"] = when
        newest = Q(latest_checkpoint_at__isnull=True) | Q(latest_checkpoint_at__lte=when)
        moved = Shipment.objects.filter(newest, pk=shipment.pk).update(**changes)
        if moved:
            for field, value in changes.items():
                setattr(shipment, field, value)
        else:
            # An older checkpoint still changes the journey shown: the shipment's `updated_at`
            # says so (the tracking page's shared rendering is keyed by it).
            Shipment.objects.filter(pk=shipment.pk).update(updated_at=changes["updated_at"])
        data = shipment_event_data(shipment)
        order_event_record(
            subject=shipment,
            event_type="tracking.updated",
            data={
                **data,
                "checkpoint": {
                    "id": str(checkpoint.pk),
                    "status": checkpoint.status,
                    "status_detail": checkpoint.status_detail,
                    "location": checkpoint.location,
                    "checkpoint_time": iso_ms(when),
                },
            },
        )
        if moved and shipment.status != previous:
            transition = {**data, "from": previous, "to": shipment.status}
            if shipment.status in SHIPPED_STATUSES and previous in PRE_SHIPPED_STATUSES:
                order_event_record(subject=shipment, event_type="shipment.shipped", data=transition)
            if shipment.status in STATUS_EVENTS:
                order_event_record(subject=shipment, event_type=STATUS_EVENTS[shipment.status], data=transition)
    return checkpoint


# Upserts for data a bridge sync brings (bridges.sync): the same creates, so the same events fire --


def shipment_upsert(*, organization, order: Order, data: dict, actor_id: str = "") -> tuple[Shipment, bool]:
    """The order's shipment with `external_id` (else `tracking_number`): created through
    `shipment_create`, or updated in place; returns (shipment, changed). A status it moves to
    emits what a checkpoint's move would (`shipment.shipped`, `.delivered`, `.exception`)."""
    key = (
        {"external_id": data["external_id"]}
        if data.get("external_id")
        else {"tracking_number": data["tracking_number"]}
    )
    with transaction.atomic():
        shipment = (
            Shipment.objects.select_for_update().filter(order=order, **key).order_by("created_at").first()
        )
        if shipment is None:
            return shipment_create(
                organization=organization, data={**data, "order_id": order.pk}, actor_id=actor_id
            ), True
        previous = shipment.status
        if not model_update(shipment, data, list(data)):
            return shipment, False
        if shipment.status != previous:
            transition = {**shipment_event_data(shipment), "from": previous, "to": shipment.status}
            if shipment.status in SHIPPED_STATUSES and previous in PRE_SHIPPED_STATUSES:
                order_event_record(subject=shipment, event_type="shipment.shipped", data=transition)
            if shipment.status in STATUS_EVENTS:
                order_event_record(subject=shipment, event_type=STATUS_EVENTS[shipment.status], data=transition)
    return shipment, True


def tracking_checkpoint_upsert(*, organization, shipment_id, data: dict) -> tuple[TrackingCheckpoint, bool]:
    """A checkpoint is known by its shipment, time and status; a known one is left as it is."""
    known = TrackingCheckpoint.objects.filter(
        shipment_id=shipment_id, checkpoint_time=data["checkpoint_time"], status=data["status"]
    ).first()
    if known is not None:
        return known, False
    return tracking_checkpoint_create(organization=organization, shipment_id=shipment_id, data=data), True


def orders_customer_redact(*, organization, order_ids) -> int:
    """Erase the customer's personal data from these orders and their shipments (a store's
    privacy request); the orders stay, anonymous. Returns how many orders were redacted."""
    with transaction.atomic():
        orders = Order.objects.filter(organization=organization, pk__in=list(order_ids))
        Shipment.objects.filter(order__in=orders).update(ship_to=None, updated_at=timezone.now())
        return orders.update(
            customer_name="",
            customer_email="",
            customer_phone="",
            shipping_address=None,
            updated_at=timezone.now(),
        )


def orders_erase_for_bridge(*, organization, bridge_id) -> int:
    """Delete every order a bridge brought (with their shipments, checkpoints and activity): the
    store asked for its data to be erased. Returns how many orders were deleted."""
    with transaction.atomic():
        deleted, by_model = Order.objects.filter(organization=organization, bridge_id=bridge_id).delete()
    return by_model.get(Order._meta.label, 0)
