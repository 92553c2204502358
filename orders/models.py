"""Orders, their activity log, shipments and tracking checkpoints: the core every app reads."""

from django.db import models

from orderly.accounts.models import Organization
from orderly.models import TimestampedModel, scoped_queryset


class OrderStatus(models.TextChoices):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    PROCESSING = "processing"
    ON_HOLD = "on_hold"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class FulfillmentStatus(models.TextChoices):
    UNFULFILLED = "unfulfilled"
    PARTIAL = "partial"
    FULFILLED = "fulfilled"


class PaymentStatus(models.TextChoices):
    PENDING = "pending"
    PAID = "paid"
    REFUNDED = "refunded"
    PARTIALLY_REFUNDED = "partially_refunded"
    VOIDED = "voided"


class ShipmentStatus(models.TextChoices):
    PENDING = "pending"
    INFO_RECEIVED = "info_received"
    PICKED_UP = "picked_up"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    FAILED_ATTEMPT = "failed_attempt"
    AVAILABLE_FOR_PICKUP = "available_for_pickup"
    DELIVERED = "delivered"
    EXCEPTION = "exception"
    RETURNED = "returned"
    CANCELLED = "cancelled"


class Order(TimestampedModel):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="orders")
    end_user = models.ForeignKey(
        "accounts.EndUser", on_delete=models.SET_NULL, null=True, blank=True, related_name="orders"
    )
    bridge = models.ForeignKey(
        "bridges.Bridge", on_delete=models.SET_NULL, null=True, blank=True, related_name="orders"
    )
    external_id = models.CharField(max_length=255)
    # Whose `external_id` this is (CONTRACT §10): "" for an order the integrator pushed, else the id
    # of the bridge that brought it. The key outlives the bridge: deleting one nulls `bridge` but two
    # stores' "1001" stay two orders.
    source = models.CharField(max_length=36, blank=True, default="", editable=False)
    order_number = models.CharField(max_length=100)
    po_number = models.CharField(max_length=100, null=True, blank=True)
    status = models.CharField(max_length=20, choices=OrderStatus.choices, default=OrderStatus.PENDING)
    fulfillment_status = models.CharField(
        max_length=20, choices=FulfillmentStatus.choices, default=FulfillmentStatus.UNFULFILLED
    )
    payment_status = models.CharField(
        max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    customer_name = models.CharField(max_length=255, blank=True, default="")
    customer_email = models.EmailField(max_length=254, blank=True, default="")
    customer_phone = models.CharField(max_length=50, blank=True, default="")
    line_items = models.JSONField(default=list, blank=True)
    shipping_address = models.JSONField(null=True, blank=True)
    totals = models.JSONField(default=dict, blank=True)
    currency = models.CharField(max_length=3, default="USD")
    tags = models.JSONField(default=list, blank=True)
    notes = models.TextField(null=True, blank=True)
    ordered_at = models.DateTimeField(null=True, blank=True)
    # Opaque tag of the last fully processed revision; null while a change is being processed.
    version_tag = models.CharField(max_length=32, null=True, blank=True)

    objects = scoped_queryset()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # Also the lookup of an ingest without `bridgeId` (organization, external_id) across sources.
            models.UniqueConstraint(
                fields=["organization", "external_id", "source"], name="order_unique_source_external_id"
            ),
        ]
        # Each list's filter and its whole ordering, with the id last, so a page, its count and a
        # deep page's id scan are read from the index alone; the data room's lists also carry the
        # organization (scoping) in the index. The search's trigram indexes are PostgreSQL-only and
        # live in migration 0007 (`ORDER_SEARCH_INDEXES`).
        indexes = [
            models.Index(fields=["organization", "-created_at", "-id"], name="order_org_created_id"),
            models.Index(
                fields=["end_user", "-created_at", "-id"], include=["organization"], name="order_user_created_id"
            ),
            models.Index(
                fields=["end_user", "status", "-created_at", "-id"],
                include=["organization"],
                name="order_user_status_id",
            ),
            models.Index(
                fields=["organization", "status", "-created_at", "-id"], name="order_org_status_id"
            ),
            models.Index(fields=["organization", "order_number"], name="order_org_number"),
        ]

    def __str__(self):
        return f"Order {self.order_number}"

    @property
    def customer(self) -> dict:
        return {
            "name": self.customer_name or None,
            "email": self.customer_email or None,
            "phone": self.customer_phone or None,
        }

    @property
    def has_contact(self) -> bool:
        return bool(self.customer_email or self.customer_phone)


class OrderActivity(TimestampedModel):
    class ActorType(models.TextChoices):
        SYSTEM = "system"
        API_KEY = "api_key"
        STAFF = "staff"
        END_USER = "end_user"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    # No index of its own: `activity_order_created` leads with the order and serves its lookups
    # and cascades; a second index on a random UUID cost every insert (the expiry sweep writes
    # thousands at once) a random page write more.
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="activities", db_index=False)
    activity_type = models.CharField(max_length=50)
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True, default="")
    actor_type = models.CharField(max_length=20, choices=ActorType.choices, default=ActorType.SYSTEM)
    actor_id = models.CharField(max_length=64, blank=True, default="")
    metadata = models.JSONField(default=dict, blank=True)

    objects = scoped_queryset(end_user_path="order__end_user")

    class Meta:
        verbose_name_plural = "order activities"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["order", "-created_at"], name="activity_order_created")]


class Shipment(TimestampedModel):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="shipments")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="shipments")
    # Copied from the order so the data room filters shipments on one indexed column.
    end_user = models.ForeignKey(
        "accounts.EndUser", on_delete=models.SET_NULL, null=True, blank=True, related_name="shipments"
    )
    bridge = models.ForeignKey(
        "bridges.Bridge", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    external_id = models.CharField(max_length=255, null=True, blank=True)
    tracking_number = models.CharField(max_length=100)
    carrier = models.CharField(max_length=50)
    service = models.CharField(max_length=100, blank=True, default="")
    status = models.CharField(max_length=30, choices=ShipmentStatus.choices, default=ShipmentStatus.PENDING)
    ship_date = models.DateField(null=True, blank=True)
    estimated_delivery = models.DateField(null=True, blank=True)
    actual_delivery = models.DateTimeField(null=True, blank=True)
    weight = models.JSONField(null=True, blank=True)
    dimensions = models.JSONField(null=True, blank=True)
    ship_from = models.JSONField(null=True, blank=True)
    ship_to = models.JSONField(null=True, blank=True)
    # checkpoint_time of the newest checkpoint; the status follows it, not arrival order.
    latest_checkpoint_at = models.DateTimeField(null=True, blank=True)

    objects = scoped_queryset()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organization", "-created_at", "-id"], name="shipment_org_created_id"),
            models.Index(
                fields=["end_user", "-created_at", "-id"], include=["organization"], name="shipment_user_created_id"
            ),
            models.Index(
                fields=["end_user", "status", "-created_at", "-id"],
                include=["organization"],
                name="shipment_user_status_id",
            ),
            models.Index(fields=["order", "-created_at"], name="shipment_order_created"),
        ]

    def __str__(self):
        return f"{self.carrier} {self.tracking_number}"


class TrackingCheckpoint(TimestampedModel):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="checkpoints")
    status = models.CharField(max_length=30, choices=ShipmentStatus.choices)
    status_detail = models.CharField(max_length=500, blank=True, default="")
    location = models.CharField(max_length=255, blank=True, default="")
    city = models.CharField(max_length=100, blank=True, default="")
    state = models.CharField(max_length=100, blank=True, default="")
    country = models.CharField(max_length=2, blank=True, default="")
    postal_code = models.CharField(max_length=20, blank=True, default="")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    checkpoint_time = models.DateTimeField()
    carrier_status_code = models.CharField(max_length=50, blank=True, default="")

    objects = scoped_queryset(end_user_path="shipment__end_user")

    class Meta:
        ordering = ["checkpoint_time", "created_at"]
        indexes = [models.Index(fields=["shipment", "checkpoint_time"], name="checkpoint_shipment_time")]


class OrderIngest(TimestampedModel):
    """One accepted write to an order, waiting for (or done with) asynchronous processing.

    The request that changes an order writes one of these in the same transaction; the
    `order_ingest_process` task turns it into activities and events and issues the new
    `version_tag`. `processed_at` is the idempotency guard; the sweep re-queues stragglers.
    """

    class Kind(models.TextChoices):
        CREATED = "created"
        UPDATED = "updated"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="ingests")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # {field: [old, new]} in wire-ready (JSON) values.
    changes = models.JSONField(default=dict, blank=True)
    actor_type = models.CharField(max_length=20, default="api_key")
    actor_id = models.CharField(max_length=64, blank=True, default="")
    processed_at = models.DateTimeField(null=True, blank=True)

    objects = scoped_queryset(end_user_path="order__end_user")

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["processed_at", "created_at"], name="ingest_pending_created"),
            models.Index(fields=["order", "processed_at"], name="ingest_order_pending"),
        ]
