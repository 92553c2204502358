"""A Shopify order (GraphQL Admin API) as a bridge service's `Order` (CONTRACT §10), so Shopify's
orders go through exactly the validation and upsert every synced order does."""

# Line items past the first page are fetched separately (ShopifyAdmin._complete); the page size
# keeps a page of orders within Shopify's 1,000-point cost limit for one query.
ORDER_FIELDS = """
fragment OrderFields on Order {
  id name email phone poNumber note tags createdAt updatedAt cancelledAt closedAt
  displayFinancialStatus displayFulfillmentStatus currencyCode
  customer { displayName }
  shippingAddress { name company address1 address2 city province provinceCode zip country countryCodeV2 phone }
  subtotalPriceSet { shopMoney { amount } }
  totalTaxSet { shopMoney { amount } }
  totalShippingPriceSet { shopMoney { amount } }
  totalDiscountsSet { shopMoney { amount } }
  totalPriceSet { shopMoney { amount } }
  lineItems(first: 25) {
    pageInfo { hasNextPage endCursor }
    nodes { title sku quantity originalUnitPriceSet { shopMoney { amount } } }
  }
  fulfillments(first: 10) {
    id status displayStatus createdAt estimatedDeliveryAt deliveredAt
    trackingInfo(first: 5) { number company }
  }
}
"""

PAYMENT = {
    "PAID": "paid",
    "REFUNDED": "refunded",
    "PARTIALLY_REFUNDED": "partially_refunded",
    "VOIDED": "voided",
}
FULFILLMENT = {"FULFILLED": "fulfilled", "PARTIALLY_FULFILLED": "partial"}
# FulfillmentDisplayStatus → our shipment status.
SHIPMENT = {
    "SUBMITTED": "pending",
    "LABEL_PURCHASED": "info_received",
    "LABEL_PRINTED": "info_received",
    "CONFIRMED": "info_received",
    "MARKED_AS_FULFILLED": "picked_up",
    "FULFILLED": "picked_up",
    "PICKED_UP": "picked_up",
    "IN_TRANSIT": "in_transit",
    "OUT_FOR_DELIVERY": "out_for_delivery",
    "ATTEMPTED_DELIVERY": "failed_attempt",
    "READY_FOR_PICKUP": "available_for_pickup",
    "DELIVERED": "delivered",
    "FAILURE": "exception",
    "NOT_DELIVERED": "exception",
    "CANCELED": "cancelled",
    "LABEL_VOIDED": "cancelled",
}
ADDRESS_FIELDS = {
    "name": "name",
    "company": "company",
    "address1": "address1",
    "address2": "address2",
    "city": "city",
    "province": "province",
    "provinceCode": "state",
    "zip": "zip",
    "country": "country",
    "countryCodeV2": "countryCode",
    "phone": "phone",
}


def _amount(price_set) -> float | None:
    try:
        return float(((price_set or {}).get("shopMoney") or {}).get("amount"))
    except (TypeError, ValueError):
        return None


def _date(value) -> str | None:
    return value[:10] if isinstance(value, str) and len(value) >= 10 else None


def _shipments(node: dict) -> list[dict]:
    """Every tracking number of every fulfillment is a shipment; a fulfillment without one has
    nothing to track and is left out."""
    shipments = []
    for fulfillment in node.get("fulfillments") or []:
        status = (
            "cancelled"
            if fulfillment.get("status") == "CANCELLED"
            else SHIPMENT.get(fulfillment.get("displayStatus") or "", "picked_up")
        )
        for index, info in enumerate(fulfillment.get("trackingInfo") or []):
            number = (info.get("number") or "").strip()
            if not number:
                continue
            shipment = {
                "externalId": fulfillment["id"] if index == 0 else f"{fulfillment['id']}#{index}",
                "trackingNumber": number[:100],
                "carrier": ((info.get("company") or "other").strip() or "other")[:50],
                "status": status,
            }
            if _date(fulfillment.get("createdAt")):
                shipment["shipDate"] = _date(fulfillment.get("createdAt"))
            if _date(fulfillment.get("estimatedDeliveryAt")):
                shipment["estimatedDelivery"] = _date(fulfillment.get("estimatedDeliveryAt"))
            shipments.append(shipment)
    return shipments


def _status(node: dict, shipments: list[dict]) -> str:
    if node.get("cancelledAt"):
        return "cancelled"
    fulfillment = node.get("displayFulfillmentStatus")
    if shipments and all(s["status"] == "delivered" for s in shipments) and fulfillment == "FULFILLED":
        return "delivered"
    if node.get("closedAt"):
        return "completed"
    if fulfillment == "FULFILLED":
        return "shipped"
    if fulfillment == "ON_HOLD":
        return "on_hold"
    if fulfillment in ("PARTIALLY_FULFILLED", "IN_PROGRESS"):
        return "processing"
    return "confirmed"


def order_from_shopify(node: dict) -> dict:
    shipments = _shipments(node)
    address = node.get("shippingAddress")
    order = {
        "externalId": node.get("id"),
        "orderNumber": (node.get("name") or "").lstrip("#") or node.get("id"),
        "status": _status(node, shipments),
        "fulfillmentStatus": FULFILLMENT.get(node.get("displayFulfillmentStatus") or "", "unfulfilled"),
        "paymentStatus": PAYMENT.get(node.get("displayFinancialStatus") or "", "pending"),
        "customer": {
            "name": (
                (node.get("customer") or {}).get("displayName") or address and address.get("name") or None
            ),
            "email": node.get("email") or None,
            "phone": node.get("phone") or None,
        },
        "lineItems": [
            {
                "title": (item.get("title") or "Item")[:500],
                "sku": item.get("sku") or None,
                "quantity": item.get("quantity") or 0,
                "price": _amount(item.get("originalUnitPriceSet")),
            }
            for item in ((node.get("lineItems") or {}).get("nodes") or [])
        ],
        "totals": {
            key: value
            for key, value in {
                "subtotal": _amount(node.get("subtotalPriceSet")),
                "tax": _amount(node.get("totalTaxSet")),
                "shipping": _amount(node.get("totalShippingPriceSet")),
                "discount": _amount(node.get("totalDiscountsSet")),
                "total": _amount(node.get("totalPriceSet")),
            }.items()
            if value is not None
        },
        "tags": [str(tag)[:100] for tag in (node.get("tags") or [])][:100],
        "notes": node.get("note"),
        "poNumber": node.get("poNumber"),
        "orderedAt": node.get("createdAt"),
        "updatedAt": node.get("updatedAt"),
        "shipments": shipments,
    }
    if node.get("currencyCode"):
        order["currency"] = node["currencyCode"]
    if isinstance(address, dict):
        order["shippingAddress"] = {
            ours: address[theirs]
            for theirs, ours in ADDRESS_FIELDS.items()
            if address.get(theirs) is not None
        }
    return order
