"""Tracking pages: create (or reuse), revoke, and count a view. The rules for expiry live here."""

import datetime as dt
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from orderly.errors import DomainError, ErrorCode, not_found
from orderly.events.services import event_record
from orders.models import Shipment
from tracking.models import TrackingPage


def tracking_page_token() -> str:
    return secrets.token_urlsafe(24)  # 192 bits, URL-safe


def tracking_page_create(*, end_user, shipment_id) -> tuple[TrackingPage, bool]:
    """The shipment's active page, created when there is none. Returns (page, created)."""
    shipment = Shipment.objects.for_end_user(end_user).filter(pk=shipment_id).first()
    if shipment is None:
        raise not_found("Shipment")
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
def tracking_page_revoke(*, end_user, page_id) -> None:
    page = TrackingPage.objects.for_end_user(end_user).filter(pk=page_id).first()
    if page is None:
        raise not_found("Tracking page")
    if TrackingPage.objects.filter(pk=page.pk, is_active=True).update(
        is_active=False, revoked_at=timezone.now()
    ):
        event_record(
            organization=page.organization,
            event_type="tracking_page.revoked",
            end_user=end_user,
            resource_type="tracking_page",
            resource_id=page.pk,
        )


def tracking_page_expires_at(page: TrackingPage):
    delivered = page.shipment.actual_delivery
    if delivered is None:
        return None
    return delivered + dt.timedelta(days=settings.ORDERLY_TRACKING_PAGE_TTL_DAYS)


def tracking_page_view(*, token: str) -> TrackingPage:
    """The page behind a public token, counted as one view; 404 unknown, 410 revoked or expired."""
    try:
        page = TrackingPage.objects.select_related("shipment", "organization__embed_config").get(token=token)
    except TrackingPage.DoesNotExist:
        raise not_found("Tracking page") from None
    expires_at = tracking_page_expires_at(page)
    if not page.is_active or (expires_at is not None and expires_at <= timezone.now()):
        raise DomainError(ErrorCode.GONE, "This tracking page is no longer available.")
    # F() makes concurrent views add up exactly; no read-modify-write.
    TrackingPage.objects.filter(pk=page.pk).update(
        view_count=F("view_count") + 1, last_viewed_at=timezone.now()
    )
    return page
