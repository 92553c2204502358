"""Notify me: a customer's e-mail updates for one shipment, from sign-up to the last mail.

    subscribe ──► confirmation mail (signed link) ──► confirmed ──► one mail per meaningful change
                                                                   (shipped, out for delivery,
                                                                    delivered, exception)
    every mail carries a one-click unsubscribe link; revoking or expiring the page deletes the rows.

The changes come from the shipment events (`tracking_notifications_for_events` is their consumer,
registered in `tracking.apps`); it runs in the recording transaction, writes one
`TrackingNotification` per subscriber and change, and the Celery task sends each after commit.
"""

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from orderly.crypto import encrypt_text
from orderly.errors import DomainError, ErrorCode, validation_error
from orderly.events.services import event_record
from orders.models import ShipmentStatus
from tracking.models import TrackingNotification, TrackingPage, TrackingSubscription

Kind = TrackingNotification.Kind
CONFIRM_SALT = "tracking.subscription.confirm"
UNSUBSCRIBE_SALT = "tracking.subscription.unsubscribe"
# A pending subscriber asking again gets a new confirmation mail at most this often.
CONFIRM_RESEND_AFTER = dt.timedelta(minutes=10)
# A claimed mail whose worker died is sent again after this long.
SEND_LEASE = dt.timedelta(minutes=5)

# The steps of the journey a subscriber hears about, in order; each is mailed once.
STAGES = {
    ShipmentStatus.PICKED_UP: (1, Kind.SHIPPED),
    ShipmentStatus.IN_TRANSIT: (1, Kind.SHIPPED),
    ShipmentStatus.OUT_FOR_DELIVERY: (2, Kind.OUT_FOR_DELIVERY),
    ShipmentStatus.DELIVERED: (3, Kind.DELIVERED),
}
TOPICS = ("tracking.updated", "shipment.shipped", "shipment.delivered", "shipment.exception")


def _email_digest(page_id, email: str) -> str:
    """Recognises the same address on the same page again without decrypting anything."""
    key = hashlib.sha256(f"tracking-subscription:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, f"{page_id}:{email.lower()}".encode(), hashlib.sha256).hexdigest()


def subscription_token(subscription, *, salt: str) -> str:
    return signing.dumps(str(subscription.pk), salt=salt, compress=False)


def _stage(status: str) -> int:
    return STAGES.get(status, (0, None))[0]


def tracking_subscription_create(*, page: TrackingPage, email: str, language: str) -> None:
    """Sign `email` up for `page`: a pending row and a confirmation mail.

    The answer is the same whether the address was new, pending or already confirmed, so the form
    cannot tell anyone which addresses follow a parcel. A pending address asking again gets a new
    mail at most every ten minutes; a page takes at most ORDERLY_TRACKING_SUBSCRIPTIONS_PER_PAGE.
    """
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise validation_error("email", "Enter a valid e-mail address.") from None
    if len(email) > 254:
        raise validation_error("email", "Enter a valid e-mail address.")
    digest = _email_digest(page.pk, email)
    now = timezone.now()
    with transaction.atomic():
        # The page row serialises sign-ups to it, so the per-page cap holds under concurrency.
        TrackingPage.objects.select_for_update().filter(pk=page.pk).first()
        subscription = TrackingSubscription.objects.filter(tracking_page=page, email_digest=digest).first()
        if subscription is None:
            if TrackingSubscription.objects.filter(tracking_page=page).count() >= (
                settings.ORDERLY_TRACKING_SUBSCRIPTIONS_PER_PAGE
            ):
                raise DomainError(
                    ErrorCode.LIMIT_EXCEEDED, "This shipment has as many subscribers as it can take.", status=429
                )
            try:
                with transaction.atomic():
                    subscription = TrackingSubscription.objects.create(
                        organization_id=page.organization_id,
                        tracking_page=page,
                        email_encrypted=encrypt_text(email),
                        email_digest=digest,
                        language=language,
                    )
            except IntegrityError:
                return  # the same address signed up concurrently; that sign-up sends the mail
        elif subscription.confirmed_at is not None or subscription.notifications.filter(
            kind=Kind.CONFIRM, created_at__gte=now - CONFIRM_RESEND_AFTER
        ).exists():
            return
        notification = TrackingNotification.objects.create(subscription=subscription, kind=Kind.CONFIRM)
        _send_on_commit([notification.pk])


def tracking_subscription_confirm(*, token: str) -> TrackingSubscription | None:
    """Confirm the subscription a mailed link names; None when the link is expired, forged or stale.

    From now on the subscriber hears about changes after this moment, not the journey so far.
    """
    try:
        subscription_id = signing.loads(
            token, salt=CONFIRM_SALT, max_age=dt.timedelta(days=settings.ORDERLY_TRACKING_CONFIRM_DAYS)
        )
    except signing.BadSignature:
        return None
    subscription = (
        TrackingSubscription.objects.select_related("tracking_page__shipment", "tracking_page__organization")
        .filter(pk=subscription_id, tracking_page__is_active=True)
        .first()
    )
    if subscription is None:
        return None
    status = subscription.tracking_page.shipment.status
    with transaction.atomic():
        confirmed = TrackingSubscription.objects.filter(pk=subscription.pk, confirmed_at__isnull=True).update(
            confirmed_at=timezone.now(),
            notified_stage=_stage(status),
            notified_exception=status == ShipmentStatus.EXCEPTION,
        )
        if confirmed:
            event_record(
                organization=subscription.tracking_page.organization,
                event_type="tracking_subscription.confirmed",
                end_user_id=subscription.tracking_page.end_user_id,
                resource_type="tracking_page",
                resource_id=subscription.tracking_page_id,
            )
    return subscription


def tracking_subscription_delete(*, token: str) -> TrackingSubscription | None:
    """Unsubscribe: the row and its address are deleted. Idempotent; None for a forged token."""
    try:
        subscription_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    subscription = (
        TrackingSubscription.objects.select_related("tracking_page__organization")
        .filter(pk=subscription_id)
        .first()
    )
    if subscription is None:
        return None
    with transaction.atomic():
        if TrackingSubscription.objects.filter(pk=subscription.pk).delete()[0]:
            event_record(
                organization=subscription.tracking_page.organization,
                event_type="tracking_subscription.deleted",
                end_user_id=subscription.tracking_page.end_user_id,
                resource_type="tracking_page",
                resource_id=subscription.tracking_page_id,
                metadata={"reason": "unsubscribed"},
            )
    return subscription


def tracking_notifications_for_events(events) -> None:
    """Event consumer: one mail per confirmed subscriber for each meaningful change in `events`.

    Every shipment event carries the shipment's status after the change. A subscriber is mailed
    when the status reaches a journey step further than any they heard about, or becomes an
    exception while the last news was not one; a repeat, an older scan or a second event of the same
    checkpoint (`tracking.updated` and `shipment.shipped` arrive together) sends nothing. The
    shipment row is locked by the checkpoint that caused the events, so the bookkeeping below is
    not raced for one shipment.
    """
    latest = {}
    for event in events:
        if event.resource_type == "shipment" and event.data.get("status"):
            latest[event.resource_id] = event.data["status"]
    if not latest:
        return
    subscriptions = TrackingSubscription.objects.filter(
        tracking_page__shipment_id__in=list(latest),
        tracking_page__is_active=True,
        confirmed_at__isnull=False,
    ).select_related("tracking_page")
    to_send = []
    for subscription in subscriptions:
        status = latest[str(subscription.tracking_page.shipment_id)]
        kind = None
        changes = {}
        if status == ShipmentStatus.EXCEPTION:
            if not subscription.notified_exception:
                kind, changes = Kind.EXCEPTION, {"notified_exception": True}
        else:
            stage, stage_kind = STAGES.get(status, (0, None))
            changes = {"notified_exception": False} if subscription.notified_exception else {}
            if stage > subscription.notified_stage:
                kind, changes = stage_kind, {**changes, "notified_stage": stage}
        if changes:
            TrackingSubscription.objects.filter(pk=subscription.pk).update(**changes)
        if kind is not None:
            to_send.append(TrackingNotification(subscription=subscription, kind=kind))
    if to_send:
        TrackingNotification.objects.bulk_create(to_send)
        _send_on_commit([n.pk for n in to_send])


def _send_on_commit(notification_ids) -> None:
    from tracking.tasks import tracking_notification_send

    ids = [str(pk) for pk in notification_ids]
    transaction.on_commit(lambda: [tracking_notification_send.delay(pk) for pk in ids])


def tracking_notification_claim(*, notification_id) -> TrackingNotification | None:
    """Take one unsent mail for sending (None when sent, gone or being sent by another worker)."""
    now = timezone.now()
    claimed = (
        TrackingNotification.objects.filter(pk=notification_id, sent_at__isnull=True)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - SEND_LEASE))
        .update(claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return None
    return (
        TrackingNotification.objects.select_related(
            "subscription__tracking_page__shipment__order",
            "subscription__tracking_page__organization__embed_config",
        )
        .filter(pk=notification_id)
        .first()
    )


def tracking_notification_sent(*, notification: TrackingNotification) -> None:
    TrackingNotification.objects.filter(pk=notification.pk).update(sent_at=timezone.now(), last_error="")


def tracking_notification_failed(*, notification: TrackingNotification, error: str) -> None:
    """Release the claim so the retry can take it; keep why it failed for the admin."""
    TrackingNotification.objects.filter(pk=notification.pk).update(claimed_at=None, last_error=error[:500])


def _delete(subscriptions) -> int:
    _total, per_model = subscriptions.delete()
    return per_model.get(TrackingSubscription._meta.label, 0)


def tracking_subscriptions_delete_for_page(*, page_id) -> int:
    """Delete the subscriptions (and addresses) of one page; how many."""
    return _delete(TrackingSubscription.objects.filter(tracking_page_id=page_id))


def tracking_subscriptions_purge() -> int:
    """Delete the subscriptions of revoked pages and of pages past their expiry (periodic).

    Driven from the subscriptions side: there are few of them, however many pages exist.
    """
    expired_before = timezone.now() - dt.timedelta(days=settings.ORDERLY_TRACKING_PAGE_TTL_DAYS)
    return _delete(
        TrackingSubscription.objects.filter(
            Q(tracking_page__is_active=False) | Q(tracking_page__shipment__actual_delivery__lte=expired_before)
        )
    )
