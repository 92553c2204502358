"""Writes to orders, shipments and checkpoints: the ingest API, its async processing, order actions."""

import base64
import datetime as dt
import hmac
import secrets
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from orderly.accounts.models import EndUser
from orderly.api.fields import iso_ms
from orderly.errors import DomainError, ErrorCode, not_found
from orderly.events.services import event_record
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
    "bridge",
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


def version_tag_generate() -> str:
    """An opaque tag: base64 of 16 random bytes (24 characters)."""
    return base64.b64encode(secrets.token_bytes(16)).decode("ascii")


def _wire(value):
    if isinstance(value, dt.datetime):
        return iso_ms(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, _bridge_model()):
        return str(value.pk)
    return value


def _comparable(order: Order, field: str):
    return str(order.bridge_id) if field == "bridge" and order.bridge_id else getattr(order, field)


def _order_values(*, organization, data: dict) -> dict:
    """Validated (snake_case) input → model field values; resolves `bridge_id` within the org."""
    values = {k: v for k, v in data.items() if k in ORDER_FIELDS and k != "customer"}
    if "customer" in data:
        customer = data["customer"] or {}
        values["customer_name"] = customer.get("name") or ""
        values["customer_email"] = customer.get("email") or ""
        values["customer_phone"] = customer.get("phone") or ""
    if "bridge_id" in data:
        bridge_id = data["bridge_id"]
        values["bridge"] = None
        if bridge_id is not None:
            values["bridge"] = _bridge_model().objects.filter(organization=organization, pk=bridge_id).first()
            if values["bridge"] is None:
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
    changes = {}
    for field, new in values.items():
        old = _comparable(order, field)
        new_comparable = str(new.pk) if isinstance(new, _bridge_model()) else new
        if old != new_comparable:
            changes["bridge_id" if field == "bridge" else field] = [_wire(old), _wire(new)]
            setattr(order, field, new)
    if changes:
        order.save()
    return changes


def order_upsert(
    *, organization, data: dict, actor_type: str = "api_key", actor_id: str = ""
) -> tuple[Order, bool]:
    """Create or update the order with `external_id` in the organization; returns (order, created).

    An unknown end user or bridge is a 404 and nothing is written. An update that changes
    nothing leaves the order (and its version tag) as it is.
    """
    end_user = _end_user_resolve(
        organization=organization,
        end_user_id=data.get("end_user_id"),
        external_user_id=data.get("external_user_id"),
    )
    values = _order_values(organization=organization, data=data)
    values["end_user"] = end_user
    external_id = data["external_id"]
    with transaction.atomic():
        order = (
            Order.objects.select_for_update()
            .filter(organization=organization, external_id=external_id)
            .first()
        )
        if order is None:
            try:
                with transaction.atomic():
                    order = Order.objects.create(organization=organization, external_id=external_id, **values)
            except IntegrityError:
                # A concurrent request created it first: fall through to the update path.
                order = Order.objects.select_for_update().get(
                    organization=organization, external_id=external_id
                )
            else:
                snapshot = {f: _wire(getattr(order, f)) for f in ("order_number", "status")}
                _ingest_record(
                    order=order, kind="created", changes=snapshot, actor_type=actor_type, actor_id=actor_id
                )
                return order, True
        end_user_changed = order.end_user_id != end_user.pk
        values.pop("end_user")
        changes = _order_apply(order=order, values=values)
        if end_user_changed:
            changes["end_user_id"] = [str(order.end_user_id) if order.end_user_id else None, str(end_user.pk)]
            order.end_user = end_user
            order.save(update_fields=["end_user", "updated_at"])
            Shipment.objects.filter(order=order).update(end_user=end_user)
        if changes:
            _ingest_record(
                order=order, kind="updated", changes=changes, actor_type=actor_type, actor_id=actor_id
            )
    return order, False


def order_update(
    *, organization, order_id, data: dict, actor_type: str = "api_key", actor_id: str = ""
) -> Order:
    """PATCH: change the given fields; a new version tag is issued once processed."""
    values = _order_values(organization=organization, data=data)
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(organization=organization, pk=order_id).first()
        if order is None:
            raise not_found("Order")
        changes = _order_apply(order=order, values=values)
        if changes:
            _ingest_record(
                order=order, kind="updated", changes=changes, actor_type=actor_type, actor_id=actor_id
            )
    return order


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
            OrderActivity.objects.create(
                organization_id=order.organization_id,
                order=order,
                activity_type="created",
                title="Order created",
                description=f"Order {order.order_number} received",
                metadata={"ingest_id": str(ingest.pk)},
                **actor,
            )
            _order_event(order, "order.created", data)
        else:
            changed = sorted(ingest.changes)
            OrderActivity.objects.create(
                organization_id=order.organization_id,
                order=order,
                activity_type="updated",
                title="Order updated",
                description="Changed: " + ", ".join(changed),
                metadata={"ingest_id": str(ingest.pk), "changes": ingest.changes},
                **actor,
            )
            _order_event(order, "order.updated", {**data, "changes": ingest.changes})
            if "status" in ingest.changes:
                old, new = ingest.changes["status"]
                OrderActivity.objects.create(
                    organization_id=order.organization_id,
                    order=order,
                    activity_type="status_change",
                    title=f"Status changed to {new}",
                    description=f"{old} → {new}",
                    metadata={"from": old, "to": new},
                    **actor,
                )
                _order_event(
                    order,
                    "order.status_changed",
                    {**data, "from": old, "to": new, "from_status": old, "to_status": new},
                )
        now = timezone.now()
        OrderIngest.objects.filter(pk=ingest.pk).update(processed_at=now)
        # Only the last pending change issues a tag: until then the order is still processing.
        if not OrderIngest.objects.filter(order=order, processed_at__isnull=True).exists():
            Order.objects.filter(pk=order.pk).update(version_tag=version_tag_generate())
    return True


def order_ingests_pending(*, older_than: dt.timedelta, limit: int = 500) -> list:
    cutoff = timezone.now() - older_than
    return list(
        OrderIngest.objects.filter(processed_at__isnull=True, created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


def _order_event(order: Order, event_type: str, data: dict):
    return event_record(
        organization=order.organization,
        event_type=event_type,
        end_user_id=order.end_user_id,
        resource_type="order",
        resource_id=order.pk,
        data=data,
    )


def _shipment_event(shipment: Shipment, event_type: str, data: dict | None = None):
    return event_record(
        organization=shipment.organization,
        event_type=event_type,
        end_user_id=shipment.end_user_id,
        resource_type="shipment",
        resource_id=shipment.pk,
        data=data or shipment_event_data(shipment),
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
        activity = OrderActivity.objects.create(
            organization=organization,
            order=order,
            activity_type="action",
            title=f"Action {action}",
            description=f"Action '{action}' accepted",
            actor_type=OrderActivity.ActorType.API_KEY,
            actor_id=actor_id,
            metadata={"action": action, "language": language, "data": data, "version_tag": order.version_tag},
        )
        _order_event(
            order,
            "order.action",
            {
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
        OrderActivity.objects.create(
            organization=organization,
            order=order,
            activity_type="shipment",
            title="Shipment created",
            description=f"{shipment.carrier} {shipment.tracking_number}",
            actor_type=OrderActivity.ActorType.API_KEY,
            actor_id=actor_id,
            metadata={"shipment_id": str(shipment.pk)},
        )
        _shipment_event(shipment, "shipment.created")
        if shipment.status in SHIPPED_STATUSES:
            _shipment_event(shipment, "shipment.shipped")
        elif shipment.status in STATUS_EVENTS:
            _shipment_event(shipment, STATUS_EVENTS[shipment.status])
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
        data = shipment_event_data(shipment)
        _shipment_event(
            shipment,
            "tracking.updated",
            {
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
                _shipment_event(shipment, "shipment.shipped", transition)
            if shipment.status in STATUS_EVENTS:
                _shipment_event(shipment, STATUS_EVENTS[shipment.status], transition)
    return checkpoint
