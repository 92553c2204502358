"""Ingest bodies (camelCase, CONTRACT §4) and the order/shipment shapes of the seeds (snake_case)."""

from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers

from orderly.api.fields import ANY_OBJECT, IsoDateTimeField, ShapedJSONField
from orderly.api.serializers import InputSerializer, OutputSerializer, PlainOutputSerializer
from orders.models import (
    FulfillmentStatus,
    Order,
    OrderActivity,
    OrderStatus,
    PaymentStatus,
    Shipment,
    ShipmentStatus,
    TrackingCheckpoint,
)
from orders.shapes import ACTION_DATA, ADDRESS, DIMENSIONS, LINE_ITEM, LINE_ITEMS, TAGS, TOTALS, WEIGHT

# The JSON columns' shapes in the schema (shared components where several outputs show them).
ORDER_SHAPES = {
    "line_items": {"shape": LINE_ITEMS, "needs": {"LineItem": LINE_ITEM}},
    "shipping_address": {"shape": ADDRESS, "component": "Address"},
    "totals": {"shape": TOTALS, "component": "Totals"},
    "tags": {"shape": TAGS},
}
SHIPMENT_SHAPES = {
    "weight": {"shape": WEIGHT, "component": "Weight"},
    "dimensions": {"shape": DIMENSIONS, "component": "Dimensions"},
    "ship_from": {"shape": ADDRESS, "component": "Address"},
    "ship_to": {"shape": ADDRESS, "component": "Address"},
}

SHORT = {"required": False, "allow_null": True, "allow_blank": True}


class CustomerInput(InputSerializer):
    name = serializers.CharField(max_length=255, **SHORT)
    email = serializers.EmailField(max_length=254, **SHORT)
    phone = serializers.CharField(max_length=50, **SHORT)


class LineItemInput(InputSerializer):
    title = serializers.CharField(max_length=500)
    sku = serializers.CharField(max_length=255, **SHORT)
    quantity = serializers.IntegerField(min_value=0, max_value=1_000_000)
    price = serializers.FloatField(min_value=0, required=False, allow_null=True)

    def to_internal_value(self, data):
        return {k: v for k, v in super().to_internal_value(data).items() if v is not None}


class TotalsInput(InputSerializer):
    subtotal = serializers.FloatField(min_value=0, required=False)
    tax = serializers.FloatField(min_value=0, required=False)
    shipping = serializers.FloatField(min_value=0, required=False)
    discount = serializers.FloatField(min_value=0, required=False)
    total = serializers.FloatField(min_value=0, required=False)


class AddressField(serializers.DictField):
    """A flat address object: string values (address1, city, state, zip, country, …)."""

    child = serializers.CharField(max_length=255, allow_blank=True, allow_null=True)

    def to_internal_value(self, data):
        data = super().to_internal_value(data)
        if len(data) > 30:
            raise serializers.ValidationError("At most 30 address fields.")
        return data


class OrderWriteInput(InputSerializer):
    """PATCH body: every field optional; the end user and external id are fixed by the create."""

    bridgeId = serializers.UUIDField(source="bridge_id", required=False, allow_null=True)
    orderNumber = serializers.CharField(source="order_number", max_length=100, required=False)
    poNumber = serializers.CharField(source="po_number", max_length=100, required=False, allow_null=True)
    status = serializers.ChoiceField(choices=OrderStatus.choices, required=False)
    fulfillmentStatus = serializers.ChoiceField(
        source="fulfillment_status", choices=FulfillmentStatus.choices, required=False
    )
    paymentStatus = serializers.ChoiceField(
        source="payment_status", choices=PaymentStatus.choices, required=False
    )
    customer = CustomerInput(required=False, allow_null=True)
    lineItems = serializers.ListField(
        source="line_items", child=LineItemInput(), max_length=500, required=False
    )
    shippingAddress = AddressField(source="shipping_address", required=False, allow_null=True)
    totals = TotalsInput(required=False)
    currency = serializers.RegexField(r"\A[A-Za-z]{3}\Z", required=False, trim_whitespace=False)
    tags = serializers.ListField(child=serializers.CharField(max_length=100), max_length=100, required=False)
    notes = serializers.CharField(max_length=10_000, required=False, allow_null=True, allow_blank=True)
    orderedAt = serializers.DateTimeField(source="ordered_at", required=False, allow_null=True)

    def validate_currency(self, value):
        return value.upper()


class OrderCreateInput(OrderWriteInput):
    endUserId = serializers.UUIDField(source="end_user_id", required=False)
    externalUserId = serializers.CharField(source="external_user_id", max_length=255, required=False)
    externalId = serializers.CharField(source="external_id", max_length=255)
    orderNumber = serializers.CharField(source="order_number", max_length=100)

    def validate(self, attrs):
        given = [name for name in ("end_user_id", "external_user_id") if name in attrs]
        if not given:
            raise serializers.ValidationError({"endUserId": ["endUserId or externalUserId is required."]})
        if len(given) > 1:
            raise serializers.ValidationError(
                {"externalUserId": ["Send endUserId or externalUserId, not both."]}
            )
        return attrs


# The schema's two spellings of an order create, one per way of naming the end user, so the document
# says "exactly one of endUserId and externalUserId" (`oneOf`) as `OrderCreateInput.validate` does,
# in a form generators turn into a union of two typed bodies.
class OrderCreateForEndUserInput(OrderCreateInput):
    externalUserId = None
    endUserId = serializers.UUIDField(source="end_user_id", help_text="The end user's id.")


class OrderCreateForExternalUserInput(OrderCreateInput):
    endUserId = None
    externalUserId = serializers.CharField(
        source="external_user_id", max_length=255, help_text="The end user's id in your system."
    )


ORDER_CREATE_SCHEMA = PolymorphicProxySerializer(
    component_name="OrderCreateInput",
    serializers=[OrderCreateForEndUserInput, OrderCreateForExternalUserInput],
    resource_type_field_name=None,
)


class OrderActionInput(InputSerializer):
    action = serializers.CharField(max_length=100)
    versionTag = serializers.CharField(source="version_tag", max_length=100)
    language = serializers.CharField(max_length=35, required=False, allow_null=True, allow_blank=True)
    data = ShapedJSONField(ACTION_DATA, required=False, allow_null=True)

    def validate_data(self, value):
        if value is not None and not isinstance(value, dict | str):
            raise serializers.ValidationError("Must be an object or a string.")
        return value


class WeightInput(InputSerializer):
    value = serializers.FloatField(min_value=0)
    unit = serializers.ChoiceField(choices=["lb", "oz", "kg", "g"])


class DimensionsInput(InputSerializer):
    length = serializers.FloatField(min_value=0)
    width = serializers.FloatField(min_value=0)
    height = serializers.FloatField(min_value=0)
    unit = serializers.ChoiceField(choices=["in", "cm"])


class ShipmentCreateInput(InputSerializer):
    orderId = serializers.UUIDField(source="order_id")
    externalId = serializers.CharField(source="external_id", max_length=255, required=False, allow_null=True)
    trackingNumber = serializers.CharField(source="tracking_number", max_length=100)
    carrier = serializers.CharField(max_length=50)
    service = serializers.CharField(max_length=100, required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=ShipmentStatus.choices, required=False)
    shipDate = serializers.DateField(source="ship_date", required=False, allow_null=True)
    estimatedDelivery = serializers.DateField(source="estimated_delivery", required=False, allow_null=True)
    weight = WeightInput(required=False, allow_null=True)
    dimensions = DimensionsInput(required=False, allow_null=True)
    shipFrom = AddressField(source="ship_from", required=False, allow_null=True)
    shipTo = AddressField(source="ship_to", required=False, allow_null=True)

    def validate_carrier(self, value):
        return value.strip().lower()


class CheckpointCreateInput(InputSerializer):
    status = serializers.ChoiceField(choices=ShipmentStatus.choices)
    statusDetail = serializers.CharField(
        source="status_detail", max_length=500, required=False, allow_blank=True
    )
    location = serializers.CharField(max_length=255, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    state = serializers.CharField(max_length=100, required=False, allow_blank=True)
    country = serializers.RegexField(r"\A[A-Za-z]{2}\Z", required=False, allow_blank=True, trim_whitespace=False)
    postalCode = serializers.CharField(source="postal_code", max_length=20, required=False, allow_blank=True)
    latitude = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True)
    longitude = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True)
    checkpointTime = serializers.DateTimeField(source="checkpoint_time")
    carrierStatusCode = serializers.CharField(
        source="carrier_status_code", max_length=50, required=False, allow_blank=True
    )

    def validate_country(self, value):
        return value.upper()


# Outputs -------------------------------------------------------------------------------------


class CustomerOutput(PlainOutputSerializer):
    name = serializers.CharField(source="customer_name", allow_null=True)
    email = serializers.CharField(source="customer_email", allow_null=True)

    def to_representation(self, instance):
        return {k: v or None for k, v in super().to_representation(instance).items()}


class CustomerWithPhoneOutput(CustomerOutput):
    phone = serializers.CharField(source="customer_phone", allow_null=True)


ORDER_LIST_FIELDS = [
    "id",
    "order_number",
    "external_id",
    "status",
    "fulfillment_status",
    "payment_status",
    "customer",
    "totals",
    "currency",
    "ordered_at",
    "bridge_id",
    "created_at",
    "updated_at",
]
ORDER_CONTENT_FIELDS = ["line_items", "shipping_address", "tags", "notes"]  # the detail's, beyond the row's
# The columns a list row reads (its `customer` is two), so a list reads no more (`.only()`).
ORDER_LIST_COLUMNS = [
    column
    for field in ORDER_LIST_FIELDS
    for column in (("customer_name", "customer_email") if field == "customer" else (field,))
]


class EmbedOrderOutput(OutputSerializer):
    """Data room list row, exactly the seed's fields."""

    json_shapes = ORDER_SHAPES
    customer = CustomerOutput(source="*")

    class Meta:
        model = Order
        fields = ORDER_LIST_FIELDS


class ActivityOutput(OutputSerializer):
    json_shapes = {"metadata": {"shape": ANY_OBJECT}}

    class Meta:
        model = OrderActivity
        fields = ["id", "activity_type", "title", "description", "actor_type", "metadata", "created_at"]


class OrderShipmentOutput(OutputSerializer):
    """An order's shipment as its detail lists it; its tracking is at /embed/tracking/{id}."""

    class Meta:
        model = Shipment
        fields = [
            "id",
            "tracking_number",
            "carrier",
            "service",
            "status",
            "estimated_delivery",
            "actual_delivery",
        ]


class EmbedOrderDetailOutput(OutputSerializer):
    json_shapes = ORDER_SHAPES
    customer = CustomerOutput(source="*")
    activities = ActivityOutput(source="recent_activities", many=True)
    shipments = OrderShipmentOutput(source="shipment_rows", many=True)  # `orders.selectors.order_detail_load`

    class Meta:
        model = Order
        fields = [*ORDER_LIST_FIELDS, *ORDER_CONTENT_FIELDS, "activities", "shipments"]


class OrderOutput(OutputSerializer):
    """The organization-wide view (API key): everything, including the version tag."""

    json_shapes = ORDER_SHAPES
    customer = CustomerWithPhoneOutput(source="*")

    class Meta:
        model = Order
        fields = [
            "id",
            "organization_id",
            "end_user_id",
            "bridge_id",
            "order_number",
            "external_id",
            "po_number",
            "status",
            "fulfillment_status",
            "payment_status",
            "customer",
            "line_items",
            "shipping_address",
            "totals",
            "currency",
            "tags",
            "notes",
            "ordered_at",
            "version_tag",
            "created_at",
            "updated_at",
        ]


class OrderActionOutput(serializers.Serializer):
    """The order activity an accepted action recorded; the action's fields are in its metadata."""

    id = serializers.UUIDField(read_only=True)
    order_id = serializers.UUIDField(read_only=True)
    action = serializers.CharField(source="metadata.action", read_only=True)
    language = serializers.CharField(
        source="metadata.language", read_only=True, default=None, allow_null=True
    )
    data = ShapedJSONField(ACTION_DATA, source="metadata.data", read_only=True, default=None, allow_null=True)
    created_at = IsoDateTimeField(read_only=True)


CHECKPOINT_PUBLIC_FIELDS = [  # what the public tracking page shows
    "id",
    "status",
    "status_detail",
    "location",
    "city",
    "state",
    "country",
    "latitude",
    "longitude",
    "checkpoint_time",
]
CHECKPOINT_FIELDS = [*CHECKPOINT_PUBLIC_FIELDS, "postal_code", "carrier_status_code"]


class CheckpointOutput(OutputSerializer):
    class Meta:
        model = TrackingCheckpoint
        fields = [*CHECKPOINT_FIELDS, "created_at"]


class TrackingCheckpointOutput(OutputSerializer):
    class Meta:
        model = TrackingCheckpoint
        fields = CHECKPOINT_FIELDS


# A shipment's fields, named by what they are; each output lists the groups it shows, in order.
SHIPMENT_PUBLIC_FIELDS = [  # what the public tracking answer shows: no addresses, no ids
    "tracking_number",
    "carrier",
    "service",
    "status",
    "ship_date",
    "estimated_delivery",
    "actual_delivery",
]
SHIPMENT_FIELDS = ["external_id", *SHIPMENT_PUBLIC_FIELDS, "weight", "dimensions"]
SHIPMENT_ADDRESS_FIELDS = ["ship_from", "ship_to"]
SHIPMENT_RECORD_FIELDS = ["bridge_id", "created_at", "updated_at"]
SHIPMENT_LIST_FIELDS = ["id", *SHIPMENT_FIELDS, *SHIPMENT_RECORD_FIELDS]


class ShipmentListOutput(OutputSerializer):
    json_shapes = SHIPMENT_SHAPES

    class Meta:
        model = Shipment
        fields = SHIPMENT_LIST_FIELDS


class ShipmentDetailOutput(OutputSerializer):
    json_shapes = SHIPMENT_SHAPES
    checkpoints = CheckpointOutput(many=True)

    class Meta:
        model = Shipment
        fields = ["id", *SHIPMENT_FIELDS, *SHIPMENT_ADDRESS_FIELDS, *SHIPMENT_RECORD_FIELDS, "checkpoints"]


class ShipmentCreatedOutput(OutputSerializer):
    """The ingest API's answer: the detail shape plus the order it belongs to."""

    json_shapes = SHIPMENT_SHAPES

    class Meta:
        model = Shipment
        fields = ["id", "order_id", *SHIPMENT_FIELDS, *SHIPMENT_ADDRESS_FIELDS, *SHIPMENT_RECORD_FIELDS]


class TrackingOutput(OutputSerializer):
    checkpoints = TrackingCheckpointOutput(many=True)

    class Meta:
        model = Shipment
        fields = ["id", *SHIPMENT_PUBLIC_FIELDS, "checkpoints"]
