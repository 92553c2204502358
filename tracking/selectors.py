"""What a public tracking page may show: the shipment's journey and the brand, never PII."""

import re

from orders.models import ShipmentStatus

COLOR_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")
DEFAULT_COLOR = "#4F46E5"
SAFE_BRANDING_KEYS = ("primary_color", "logo_url", "company_name")

# The progress line a customer sees.
STEPS = [
    ("ordered", "Ordered"),
    ("shipped", "Shipped"),
    ("in_transit", "In transit"),
    ("out_for_delivery", "Out for delivery"),
    ("delivered", "Delivered"),
]
# For each status: the last step of the progress line it has reached, and what the customer reads.
STATUS_DISPLAY = {
    ShipmentStatus.PENDING: (0, "Label created"),
    ShipmentStatus.INFO_RECEIVED: (0, "Label created"),
    ShipmentStatus.PICKED_UP: (1, "Picked up"),
    ShipmentStatus.IN_TRANSIT: (2, "In transit"),
    ShipmentStatus.FAILED_ATTEMPT: (3, "Delivery attempted"),
    ShipmentStatus.AVAILABLE_FOR_PICKUP: (3, "Ready for pickup"),
    ShipmentStatus.OUT_FOR_DELIVERY: (3, "Out for delivery"),
    ShipmentStatus.DELIVERED: (4, "Delivered"),
    ShipmentStatus.EXCEPTION: (2, "Delivery exception"),
    ShipmentStatus.RETURNED: (2, "Returned to sender"),
    ShipmentStatus.CANCELLED: (0, "Cancelled"),
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
    fallback = (0, shipment.status.replace("_", " ").capitalize())
    reached, status_label = STATUS_DISPLAY.get(shipment.status, fallback)
    return {
        "steps": [
            {"key": key, "label": label, "done": index <= reached, "current": index == reached}
            for index, (key, label) in enumerate(STEPS)
        ],
        "problem": PROBLEM_STATUSES.get(shipment.status),
        "status_label": status_label,
    }
