"""Tracking pages: create (or reuse), revoke, and count a view. The rules for expiry live here."""

import datetime as dt
import hmac
import re
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from orderly.errors import DomainError, ErrorCode, not_found
from orderly.events.services import event_build, event_record, events_record
from orders.models import Order, Shipment, ShipmentStatus
from tracking.models import TrackingPage
from tracking.notify import tracking_subscriptions_delete_for_page


def tracking_page_token() -> str:
    return secrets.token_urlsafe(24)  # 192 bits, URL-safe


def tracking_page_create(*, shipment_id, end_user=None, organization=None) -> tuple[TrackingPage, bool]:
    """The shipment's active page, created when there is none. Returns (page, created).

    Scoped to the end user (embed) or, for staff, to the organization; the page belongs to the
    shipment's end user either way.
    """
    scope = Shipment.objects.for_end_user(end_user) if end_user is not None else Shipment.objects.for_organization(organization)
    shipment = scope.filter(pk=shipment_id).first()
    if shipment is None:
        raise not_found("Shipment")
    end_user = end_user if end_user is not None else shipment.end_user
    existing = TrackingPage.objects.filter(shipment=shipment, is_active=True).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            page = TrackingPage.objects.create(
                organization=shipment.organization,
                end_user=end_user,
                shipment=shipment,
                token=tracking_page_token(),
            )
            event_record(
                organization=shipment.organization,
                event_type="tracking_page.created",
                end_user=end_user,
                resource_type="tracking_page",
                resource_id=page.pk,
                metadata={"shipment_id": str(shipment.pk)},
            )
    except IntegrityError:
        # Two creates raced; the partial unique index let one through, so answer with it.
        return TrackingPage.objects.get(shipment=shipment, is_active=True), False
    return page, True


@transaction.atomic
def tracking_page_revoke(*, page_id, end_user=None, organization=None) -> None:
    """Turn a page off for good (its subscribers go with it); by its end user or by staff."""
    scope = TrackingPage.objects.for_end_user(end_user) if end_user is not None else TrackingPage.objects.for_organization(organization)
    page = scope.filter(pk=page_id).first()
    if page is None:
        raise not_found("Tracking page")
    if TrackingPage.objects.filter(pk=page.pk, is_active=True).update(
        is_active=False, revoked_at=timezone.now()
    ):
        # A revoked link takes its subscribers' addresses with it.
        tracking_subscriptions_delete_for_page(page_id=page.pk)
        event_record(
            organization=page.organization,
            event_type="tracking_page.revoked",
            end_user_id=page.end_user_id,
            resource_type="tracking_page",
            resource_id=page.pk,
        )


def tracking_page_expires_at(page: TrackingPage):
    delivered = page.shipment.actual_delivery
    if delivered is None:
        return None
    return delivered + dt.timedelta(days=settings.ORDERLY_TRACKING_PAGE_TTL_DAYS)


# What `tracking_page_token()` produces; anything else names no page and is never looked up.
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")
FEATURE = "branded_tracking"
UNAVAILABLE_REASONS = {
    "revoked": "This tracking link was turned off by the sender.",
    "expired": "This tracking link has expired.",
    "tracking_disabled": "The sender has turned off tracking pages.",
}


def _unavailable(reason: str) -> DomainError:
    return DomainError(ErrorCode.GONE, UNAVAILABLE_REASONS[reason], details={"reason": reason})


def tracking_page_live(*, token: str) -> TrackingPage:
    """The page behind a public token.

    404 for a token that is not one (without a query) or is unknown; 410 with the reason when the
    page was revoked or has expired (its subscribers go too), or while the organization's config
    is inactive or has branded tracking turned off (a link already handed out stops working when
    the sender says so, and works again when they turn it back on).
    """
    if not TOKEN_RE.fullmatch(token):
        raise not_found("Tracking page")
    # No ORDER BY (`.first()` would add the model's): the token is unique, its index answers alone.
    # Not the order: its JSON columns cost more to load than the page's answer, and all the page
    # shows of it is its number, when the organization chose to (`selectors.order_reference`).
    page = next(
        iter(
            TrackingPage.objects.select_related("shipment", "organization__embed_config")
            .filter(token=token)
            .order_by()[:1]
        ),
        None,
    )
    if page is None:
        raise not_found("Tracking page")
    config = getattr(page.organization, "embed_config", None)
    if config is None or not config.is_active or not config.has_feature(FEATURE):
        raise _unavailable("tracking_disabled")
    expires_at = tracking_page_expires_at(page)
    expired = expires_at is not None and expires_at <= timezone.now()
    if not page.is_active or expired:
        tracking_subscriptions_delete_for_page(page_id=page.pk)  # the sweep would, later
        raise _unavailable("revoked" if not page.is_active else "expired")
    return page


def tracking_page_view(*, token: str) -> TrackingPage:
    """The live page behind a public token, counted as one view."""
    page = tracking_page_live(token=token)
    # F() makes concurrent views add up exactly; no read-modify-write.
    TrackingPage.objects.filter(pk=page.pk).update(
        view_count=F("view_count") + 1, last_viewed_at=timezone.now()
    )
    return page


# Keys a shipping address may carry its postal code under (integrators and bridges differ).
POSTAL_CODE_KEYS = ("zip", "postal_code", "postalCode", "postcode", "zip_code", "zipCode")


def _postal(value) -> str:
    return re.sub(r"[\s-]", "", str(value or "")).upper()


def _contact_matches(order: Order, contact: str) -> bool:
    """The customer's e-mail (any case) or the shipping postal code (spaces and dashes ignored)."""
    given = contact.strip()
    if "@" in given:
        return bool(order.customer_email) and hmac.compare_digest(
            order.customer_email.strip().lower().encode(), given.lower().encode()
        )
    address = order.shipping_address if isinstance(order.shipping_address, dict) else {}
    codes = [_postal(address.get(key)) for key in POSTAL_CODE_KEYS if address.get(key)]
    wanted = _postal(given)
    return bool(wanted) and any(hmac.compare_digest(code.encode(), wanted.encode()) for code in codes)


def tracking_lookup(*, organization, order_number: str, contact: str) -> list[TrackingPage] | None:
    """The tracking pages of the order a customer names by its number and e-mail or postal code.

    None when nothing matches: an unknown order number and a known one with the wrong contact get
    the same None, so the lookup cannot tell anyone which order numbers exist. A match's shipments
    that never had a page get one (the customer proved they know the order); a page staff revoked
    stays revoked. An empty list: the order matched but has not shipped.
    """
    number = (order_number or "").strip().lstrip("#").strip()
    if not number or not (contact or "").strip():
        return None
    candidates = Order.objects.filter(
        organization=organization, order_number__in=[number, f"#{number}"]
    ).order_by("-created_at")[:10]
    matched = [order for order in candidates if _contact_matches(order, contact)]
    if not matched:
        return None
    shipments = (
        Shipment.objects.filter(order__in=matched)
        .exclude(status=ShipmentStatus.CANCELLED)
        .order_by("created_at", "id")
    )
    pages = []
    for shipment in shipments:
        page = TrackingPage.objects.filter(shipment=shipment, is_active=True).first()
        if page is None and not TrackingPage.objects.filter(shipment=shipment).exists():
            page, _created = tracking_page_create(organization=organization, shipment_id=shipment.pk)
        if page is not None:
            expires_at = tracking_page_expires_at(page)
            if expires_at is None or expires_at > timezone.now():
                pages.append(page)
    return pages


def tracking_pages_for_reassigned_orders(events) -> None:
    """Consumer of `order.reassigned` (orders.services.order_reassign), inside its transaction: the
    active links to the order's shipments are revoked, with their subscribers — the previous end
    user may have shared them — and the new end user gets a fresh token when they ask for a page."""
    pages = list(
        TrackingPage.objects.filter(shipment__order_id__in=[e.resource_id for e in events], is_active=True)
    )
    if not pages:
        return
    TrackingPage.objects.filter(pk__in=[p.pk for p in pages], is_active=True).update(
        is_active=False, revoked_at=timezone.now()
    )
    for page in pages:  # as any revoked link: its subscribers' addresses go with it
        tracking_subscriptions_delete_for_page(page_id=page.pk)
    events_record(
        [
            event_build(
                organization_id=page.organization_id,
                event_type="tracking_page.revoked",
                end_user_id=page.end_user_id,
                resource_type="tracking_page",
                resource_id=page.pk,
                metadata={"reason": "order_reassigned"},
            )
            for page in pages
        ]
    )
