"""What a public tracking page may show: the shipment's journey and the brand, never PII."""

import re

from orderly.orders.models import ShipmentStatus

COLOR_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")
DEFAULT_COLOR = "#4F46E5"
SAFE_BRANDING_KEYS = ("primary_color", "logo_url", "company_name")

# The progress line a customer sees; each status maps to the last step it has reached.
STEPS = [
    ("ordered", "Ordered"),
    ("shipped", "Shipped"),
    ("in_transit", "In transit"),
    ("out_for_delivery", "Out for delivery"),
    ("delivered", "Delivered"),
]
STEP_OF_STATUS = {
    ShipmentStatus.PENDING: 0,
    ShipmentStatus.INFO_RECEIVED: 0,
    ShipmentStatus.PICKED_UP: 1,
    ShipmentStatus.IN_TRANSIT: 2,
    ShipmentStatus.FAILED_ATTEMPT: 3,
    ShipmentStatus.AVAILABLE_FOR_PICKUP: 3,
    ShipmentStatus.OUT_FOR_DELIVERY: 3,
    ShipmentStatus.DELIVERED: 4,
    ShipmentStatus.EXCEPTION: 2,
    ShipmentStatus.RETURNED: 2,
    ShipmentStatus.CANCELLED: 0,
}
STATUS_LABELS = {
    ShipmentStatus.PENDING: "Label created",
    ShipmentStatus.INFO_RECEIVED: "Label created",
    ShipmentStatus.PICKED_UP: "Picked up",
    ShipmentStatus.IN_TRANSIT: "In transit",
    ShipmentStatus.OUT_FOR_DELIVERY: "Out for delivery",
    ShipmentStatus.FAILED_ATTEMPT: "Delivery attempted",
    ShipmentStatus.AVAILABLE_FOR_PICKUP: "Ready for pickup",
    ShipmentStatus.DELIVERED: "Delivered",
    ShipmentStatus.EXCEPTION: "Delivery exception",
    ShipmentStatus.RETURNED: "Returned to sender",
    ShipmentStatus.CANCELLED: "Cancelled",
}
STATUS_LABELS = {
    ShipmentStatus.PENDING: "Label created",
    ShipmentStatus.INFO_RECEIVED: "Label created",
    ShipmentStatus.PICKED_UP: "Picked up",
    ShipmentStatus.IN_TRANSIT: "In transit",
    ShipmentStatus.OUT_FOR_DELIVERY: "Out for delivery",
    ShipmentStatus.FAILED_ATTEMPT: "Delivery attempted",
    ShipmentStatus.AVAILABLE_FOR_PICKUP: "Ready for pickup",
    ShipmentStatus.DELIVERED: "Delivered",
    ShipmentStatus.EXCEPTION: "Delivery exception",
    ShipmentStatus.RETURNED: "Returned to sender",
    ShipmentStatus.CANCELLED: "Cancelled",
}
PROBLEM_STATUSES = {
    ShipmentStatus.EXCEPTION: "There is a problem with this delivery. The carrier is working on it.",
    ShipmentStatus.FAILED_ATTEMPT: "The carrier tried to deliver but could not. They will try again.",
    ShipmentStatus.RETURNED: "This parcel is being returned to the sender.",
    ShipmentStatus.CANCELLED: "This shipment was cancelled.",
    ShipmentStatus.AVAILABLE_FOR_PICKUP: "Your parcel is waiting for you at a pickup point.",
}


def tracking_branding(config) -> dict:
    branding = (config.branding if config is not None else None) or {}
    safe = {key: branding.get(key) for key in SAFE_BRANDING_KEYS}
    if not (isinstance(safe["primary_color"], str) and COLOR_RE.match(safe["primary_color"])):
        safe["primary_color"] = DEFAULT_COLOR
    return safe


def tracking_checkpoints(shipment, *, newest_first: bool = False):
    order = ("-checkpoint_time", "-created_at") if newest_first else ("checkpoint_time", "created_at")
    return list(shipment.checkpoints.order_by(*order))


def tracking_progress(shipment) -> dict:
    reached = STEP_OF_STATUS.get(shipment.status, 0)
    return {
        "steps": [
            {"key": key, "label": label, "done": index <= reached, "current": index == reached}
            for index, (key, label) in enumerate(STEPS)
        ],
        "problem": PROBLEM_STATUSES.get(shipment.status),
        "status_label": STATUS_LABELS.get(shipment.status, shipment.status.replace("_", " ").capitalize()),
    }
