"""What a public tracking page may show: the shipment's journey and the brand, never PII."""

import re

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orderly.colors import text_color_on
from orders.api.serializers import CHECKPOINT_PUBLIC_FIELDS
from orders.models import Order, Shipment, ShipmentStatus
from tracking.carriers import carrier_for
from tracking.models import TrackingPage

COLOR_RE = re.compile(r"#[0-9A-Fa-f]{6}")
DEFAULT_COLOR = "#4F46E5"
SAFE_BRANDING_KEYS = ("primary_color", "logo_url", "company_name", "support_url", "support_email")
# The embed config's `settings` key by which an organization shows its order number on the page.
SHOW_ORDER_NUMBER = "trackingShowOrderNumber"

# The progress line a customer sees.
STEPS = [
    ("ordered", _("Ordered")),
    ("shipped", _("Shipped")),
    ("in_transit", _("In transit")),
    ("out_for_delivery", _("Out for delivery")),
    ("delivered", _("Delivered")),
]
# For each status: the last step of the progress line it has reached, and what the customer reads.
STATUS_DISPLAY = {
    ShipmentStatus.PENDING: (0, _("Label created")),
    ShipmentStatus.INFO_RECEIVED: (0, _("Label created")),
    ShipmentStatus.PICKED_UP: (1, _("Picked up")),
    ShipmentStatus.IN_TRANSIT: (2, _("In transit")),
    ShipmentStatus.FAILED_ATTEMPT: (3, _("Delivery attempted")),
    ShipmentStatus.AVAILABLE_FOR_PICKUP: (3, _("Ready for pickup")),
    ShipmentStatus.OUT_FOR_DELIVERY: (3, _("Out for delivery")),
    ShipmentStatus.DELIVERED: (4, _("Delivered")),
    ShipmentStatus.EXCEPTION: (2, _("Delivery exception")),
    ShipmentStatus.RETURNED: (2, _("Returned to sender")),
    ShipmentStatus.CANCELLED: (0, _("Cancelled")),
}
PROBLEM_STATUSES = {
    ShipmentStatus.EXCEPTION: _("There is a problem with this delivery. The carrier is working on it."),
    ShipmentStatus.FAILED_ATTEMPT: _("The carrier tried to deliver but could not. They will try again."),
    ShipmentStatus.RETURNED: _("This parcel is being returned to the sender."),
    ShipmentStatus.CANCELLED: _("This shipment was cancelled."),
    ShipmentStatus.AVAILABLE_FOR_PICKUP: _("Your parcel is waiting for you at a pickup point."),
}


def tracking_page_by_token(token: str) -> TrackingPage | None:
    """The page behind a token whatever its state (for branding the "no longer available" page)."""
    # No ORDER BY (`.first()` would add the model's): the token is unique, its index answers alone.
    queryset = TrackingPage.objects.select_related("shipment", "organization__embed_config").filter(token=token)
    return next(iter(queryset.order_by()[:1]), None)


def _https_url(value) -> str | None:
    return value if isinstance(value, str) and value.startswith(("https://", "http://localhost")) else None


def tracking_branding(config) -> dict:
    """The brand keys a public page may use, each checked again here (the page puts them in HTML/CSS)."""
    branding = (config.branding if config is not None else None) or {}
    safe = {key: branding.get(key) for key in SAFE_BRANDING_KEYS}
    if not (isinstance(safe["primary_color"], str) and COLOR_RE.fullmatch(safe["primary_color"])):
        safe["primary_color"] = DEFAULT_COLOR
    safe["logo_url"] = _https_url(safe["logo_url"])
    safe["support_url"] = _https_url(safe["support_url"])
    email = safe["support_email"]
    safe["support_email"] = email if isinstance(email, str) and "@" in email and len(email) <= 254 else None
    safe["slug"] = config.slug if config is not None else None
    return safe


def brand_text_color(hex_color: str) -> str:
    """Black or white, whichever reads better on the brand colour (WCAG contrast)."""
    return text_color_on(hex_color)


JOURNEY_ORDER = ("checkpoint_time", "created_at")  # oldest first


def tracking_checkpoints(shipment, *, newest_first: bool = False):
    """The journey, reading only the columns a public page shows (`CHECKPOINT_PUBLIC_FIELDS`), and
    the shipment id the related manager sets each row's shipment from (else a query per row)."""
    order = tuple(f"-{name}" for name in JOURNEY_ORDER) if newest_first else JOURNEY_ORDER
    return list(shipment.checkpoints.order_by(*order).only("shipment_id", *CHECKPOINT_PUBLIC_FIELDS))


def tracking_checkpoint_rows(shipment) -> list[dict]:
    """The journey oldest first, as plain rows of the public columns (for the JSON answer, which
    reads a mapping as it reads a model; no model instance per checkpoint)."""
    return list(shipment.checkpoints.order_by(*JOURNEY_ORDER).values(*CHECKPOINT_PUBLIC_FIELDS))


def status_label(status: str) -> str:
    return str(STATUS_DISPLAY.get(status, (0, status.replace("_", " ").capitalize()))[1])


def tracking_progress(shipment) -> dict:
    fallback = (0, shipment.status.replace("_", " ").capitalize())
    reached, label = STATUS_DISPLAY.get(shipment.status, fallback)
    return {
        "steps": [
            {"key": key, "label": step_label, "done": index <= reached, "current": index == reached}
            for index, (key, step_label) in enumerate(STEPS)
        ],
        "problem": PROBLEM_STATUSES.get(shipment.status),
        "status_label": label,
    }


def order_reference(shipment, config) -> str | None:
    """The order number, when the organization chose to show it (it is not PII; the customer has it)."""
    settings = (config.settings if config is not None else None) or {}
    if settings.get(SHOW_ORDER_NUMBER) is not True:
        return None
    if Shipment.order.is_cached(shipment):
        number = shipment.order.order_number
    else:  # one column of one row, read only for the pages that show it
        number = Order.objects.filter(pk=shipment.order_id).values_list("order_number", flat=True).get()
    return number.lstrip("#").strip() or None


def tracking_page_context(page: TrackingPage) -> dict:
    """Everything the HTML page (and the notify-me mails) show about one shipment."""
    shipment = page.shipment
    config = getattr(page.organization, "embed_config", None)
    branding = tracking_branding(config)
    carrier = carrier_for(shipment.carrier)
    delivered = shipment.status == ShipmentStatus.DELIVERED and shipment.actual_delivery is not None
    checkpoints = tracking_checkpoints(shipment, newest_first=True)
    for checkpoint in checkpoints:
        # The carrier's own words when it sent any, else the status in the customer's language.
        checkpoint.display_label = checkpoint.status_detail or status_label(checkpoint.status)
    return {
        "page": page,
        "shipment": shipment,
        "branding": branding,
        "carrier": carrier,
        "carrier_url": carrier.url_for(shipment.tracking_number),
        "delivered_at": timezone.localtime(shipment.actual_delivery) if delivered else None,
        "estimated_delivery": None if delivered else shipment.estimated_delivery,
        "order_reference": order_reference(shipment, config),
        "progress": tracking_progress(shipment),
        "checkpoints": checkpoints,
    }
