"""The JSON columns of orders and shipments, as JSON Schema: one definition for the OpenAPI schema's
shared components (Address, Totals, LineItem, Weight, Dimensions) and the event catalogue."""

from orderly.events.catalog import NUMBER, STRING, closed, nullable

ADDRESS = {
    "type": "object",
    "description": "A flat postal address: string values, as the integrator or the bridge sent them "
    "(commonly name, company, address1, address2, city, state, zip, country, phone); at most 30 keys.",
    "properties": {
        k: nullable(STRING)
        for k in ("name", "company", "address1", "address2", "city", "state", "zip", "country", "phone")
    },
    "additionalProperties": nullable(STRING),
    "maxProperties": 30,
}
TOTALS = closed(
    {k: {**NUMBER, "minimum": 0} for k in ("subtotal", "tax", "shipping", "discount", "total")},
    optional=("subtotal", "tax", "shipping", "discount", "total"),
    description="Money amounts in the order's currency; each present only when it was given.",
)
LINE_ITEM = closed(
    {
        "title": STRING,
        "sku": STRING,
        "quantity": {"type": "integer", "minimum": 0, "maximum": 1_000_000},
        "price": {**NUMBER, "minimum": 0},
    },
    optional=("sku", "price"),
    description="One line of an order.",
)
LINE_ITEMS = {"type": "array", "items": {"$ref": "#/components/schemas/LineItem"}}  # needs LineItem
WEIGHT = closed(
    {"value": {**NUMBER, "minimum": 0}, "unit": {"type": "string", "enum": ["lb", "oz", "kg", "g"]}},
    description="A parcel's weight.",
)
DIMENSIONS = closed(
    {
        "length": {**NUMBER, "minimum": 0},
        "width": {**NUMBER, "minimum": 0},
        "height": {**NUMBER, "minimum": 0},
        "unit": {"type": "string", "enum": ["in", "cm"]},
    },
    description="A parcel's size.",
)
TAGS = {"type": "array", "items": {"type": "string", "maxLength": 100}}
# An order action's `data` (seed: order actions): "whatever else the automation needs". The seed
# types it as a string and shows an object, so both are accepted, and null; nothing else.
ACTION_DATA = {
    "type": ["object", "string", "null"],
    "additionalProperties": True,
    "description": "Whatever the automation needs: an object (any keys) or a string; null when not sent.",
}
