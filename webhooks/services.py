"""Webhook endpoints and their deliveries: every change, the fan-out of events, replay and rotation."""

import base64
import datetime as dt
import secrets
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from orderly.accounts.services import owner_lock
from orderly.api.fields import iso_ms
from orderly.bulk import bulk_insert
from orderly.crypto import encrypt_text
from orderly.errors import DomainError, ErrorCode, not_found, validation_error
from orderly.events.services import event_record
from orderly.models import model_update
from webhooks import ssrf
from webhooks.delivery import delivery_body, delivery_send, event_body
from webhooks.models import Webhook, WebhookDelivery
from webhooks.topics import SUBSCRIBABLE_TOPICS, TEST_TOPIC


def webhook_secret_generate() -> str:
    """A Standard Webhooks secret (CONTRACT §6 rev. 2): `whsec_` + standard base64 of 32 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def webhook_url_validate(url: str, *, field: str = "url") -> str:
    """`url` if deliveries may go there; else a validation error keyed `field` (as the client spelled it)."""
    try:
        ssrf.url_check(url)
    except ssrf.UnsafeUrl as exc:
        raise validation_error(field, str(exc)) from None
    return url


def _owned(queryset, *, organization, end_user):
    return queryset.filter(organization=organization, end_user=end_user, for_alert_rule=False)


def webhook_get(*, organization, end_user, webhook_id) -> Webhook:
    webhook = (
        _owned(Webhook.objects, organization=organization, end_user=end_user).filter(pk=webhook_id).first()
    )
    if webhook is None:
        raise not_found("Webhook")
    return webhook


@transaction.atomic
def webhook_create(
    *, organization, end_user, url, events, description="", secret=None
) -> tuple[Webhook, str]:
    """Create an endpoint; returns it with its signing secret (shown to the caller only now)."""
    limit = settings.ORDERLY_WEBHOOKS_PER_END_USER if end_user else settings.ORDERLY_WEBHOOKS_PER_ORGANIZATION
    owner_lock(organization=organization, end_user=end_user)
    if _owned(Webhook.objects, organization=organization, end_user=end_user).count() >= limit:
        raise DomainError(
            ErrorCode.LIMIT_EXCEEDED, f"At most {limit} webhooks are allowed.", details={"limit": limit}
        )
    secret = secret or webhook_secret_generate()
    webhook = Webhook.objects.create(
        organization=organization,
        end_user=end_user,
        url=webhook_url_validate(url),
        events=list(events),
        description=description or "",
        secret_encrypted=encrypt_text(secret),
    )
    event_record(
        organization=organization,
        event_type="webhook.created",
        end_user=end_user,
        resource_type="webhook",
        resource_id=webhook.pk,
        metadata={"url": url, "events": list(events)},
    )
    return webhook, secret


WEBHOOK_UPDATE_FIELDS = ("url", "description", "events", "is_active")


@transaction.atomic
def webhook_update(*, webhook: Webhook, changes: dict) -> Webhook:
    data = dict(changes)
    if "url" in data:
        data["url"] = webhook_url_validate(data["url"])
    if "description" in data:
        data["description"] = data["description"] or ""
    if "events" in data:
        data["events"] = list(data["events"])
    if data.get("is_active") is True:
        # The seed: "Re-enabling a webhook (isActive: true) resets the failure counter", whether or
        # not the endpoint had been disabled.
        data.update(consecutive_failures=0, failing_since=None, disabled_reason=None)
    model_update(webhook, data, (*WEBHOOK_UPDATE_FIELDS, "consecutive_failures", "failing_since", "disabled_reason"))
    return webhook


def webhook_delete(*, webhook: Webhook) -> None:
    webhook.delete()


def alert_target_sync(*, target: Webhook | None, organization, end_user, url: str | None) -> Webhook | None:
    """The hidden endpoint an alert rule delivers through, made to match `url`: created the first
    time, re-pointed when the URL changes (one target per rule, never a new one per change), and
    deleted when the rule no longer delivers by webhook (`url` None)."""
    if url is None:
        if target is not None:
            target.delete()
        return None
    if target is None:
        return Webhook.objects.create(
            organization=organization,
            end_user=end_user,
            url=url,
            events=[],
            secret_encrypted=encrypt_text(webhook_secret_generate()),
            for_alert_rule=True,
            description="Alert rule target",
        )
    model_update(target, {"url": url}, ("url",))
    return target


@transaction.atomic
def webhook_rotate_secret(*, webhook: Webhook) -> str:
    """A new secret; every previous one keeps signing beside it for the grace period, so receivers
    can switch whenever they like, even after several rotations in a row.

    The row is locked first: concurrent rotations run one after another, each keeping the secret
    the one before it set, so every secret returned signs.
    """
    webhook = Webhook.objects.select_for_update().get(pk=webhook.pk)
    now = timezone.now()
    still_valid = [p for p in webhook.previous_secrets if dt.datetime.fromisoformat(p["expires_at"]) > now]
    limit = settings.ORDERLY_WEBHOOK_MAX_PREVIOUS_SECRETS
    if len(still_valid) >= limit:
        raise DomainError(
            ErrorCode.LIMIT_EXCEEDED,
            f"At most {limit} previous secrets can be valid at once; try again when the oldest expires.",
            details={"limit": limit},
        )
    grace = dt.timedelta(seconds=settings.ORDERLY_WEBHOOK_ROTATION_GRACE_SECONDS)
    still_valid.append(
        {
            "secret_encrypted": webhook.secret_encrypted,
            "scheme": webhook.secret_scheme,
            "expires_at": iso_ms(now + grace),
        }
    )
    secret = webhook_secret_generate()
    webhook.secret_encrypted = encrypt_text(secret)
    webhook.secret_scheme = Webhook.SecretScheme.STANDARD
    webhook.previous_secrets = still_valid
    webhook.save(update_fields=["secret_encrypted", "secret_scheme", "previous_secrets", "updated_at"])
    event_record(
        organization=webhook.organization,
        event_type="webhook.secret_rotated",
        end_user=webhook.end_user,
        resource_type="webhook",
        resource_id=webhook.pk,
        metadata={"previous_secrets_valid": len(still_valid), "valid_until": iso_ms(now + grace)},
    )
    return secret


# Fan-out --------------------------------------------------------------------------------------


def _enqueue(delivery_ids) -> None:
    """One worker task per ORDERLY_WEBHOOK_BATCH deliveries."""
    from webhooks.tasks import deliveries_attempt

    ids = [str(pk) for pk in delivery_ids]
    size = settings.ORDERLY_WEBHOOK_BATCH
    for start in range(0, len(ids), size):
        deliveries_attempt.delay(ids[start : start + size])


def deliveries_wanted(*, event_type: str, organization_ids, end_user_ids) -> bool:
    """Does any active endpoint of these organizations (their own, or these end users') subscribe
    to `event_type`? One query, for a bulk change deciding whether to load its events."""
    if event_type not in SUBSCRIBABLE_TOPICS:
        return False
    owners = Q(end_user__isnull=True) | Q(end_user_id__in=end_user_ids) if end_user_ids else Q(end_user__isnull=True)
    subscriptions = Webhook.objects.filter(
        owners, organization_id__in=organization_ids, is_active=True, for_alert_rule=False
    ).values_list("events", flat=True)
    return any(event_type in (events or []) for events in subscriptions)


def deliveries_create_for_events(events) -> None:
    """Event consumer (inside the events' transaction): one delivery row per subscribed endpoint.

    One subscription query per batch of events. The rows commit with the change itself; sending
    starts only after commit, and the beat task re-dispatches any whose message was lost.
    """
    events = [e for e in events if e.event_type in SUBSCRIBABLE_TOPICS]
    if not events:
        return
    end_user_ids = {e.end_user_id for e in events if e.end_user_id}
    owners = (
        Q(end_user__isnull=True) | Q(end_user_id__in=end_user_ids)
        if end_user_ids
        else Q(end_user__isnull=True)
    )
    # Each event reaches its organization's own endpoints and its end user's: index by owner and topic.
    subscribed: dict[tuple, list[Webhook]] = defaultdict(list)
    for webhook in Webhook.objects.filter(
        owners,
        organization_id__in={e.organization_id for e in events},
        is_active=True,
        for_alert_rule=False,
    ):
        for topic in webhook.events or []:
            subscribed[(webhook.organization_id, webhook.end_user_id, topic)].append(webhook)
    if not subscribed:
        return
    now = timezone.now()
    deliveries = []
    for event in events:
        targets = subscribed.get((event.organization_id, None, event.event_type), [])
        if event.end_user_id:
            targets = targets + subscribed.get(
                (event.organization_id, event.end_user_id, event.event_type), []
            )
        if targets:
            body = event_body(event)
            deliveries += [
                WebhookDelivery(
                    webhook=w, event=event, event_type=event.event_type, body=body, next_attempt_at=now
                )
                for w in targets
            ]
    if deliveries:
        ids = [d.pk for d in bulk_insert(deliveries)]
        transaction.on_commit(lambda: _enqueue(ids))


def delivery_enqueue(*, webhook: Webhook, event, topic: str, data: dict, created_at) -> WebhookDelivery:
    """One delivery of `topic` with `data` about `event` to `webhook`, sent after commit (alert rules)."""
    body = delivery_body(event_id=event.id, topic=topic, created_at=created_at, data=data)
    delivery = WebhookDelivery.objects.create(
        webhook=webhook, event=event, event_type=event.event_type, body=body, next_attempt_at=timezone.now()
    )
    transaction.on_commit(lambda: _enqueue([delivery.pk]))
    return delivery


def deliveries_dispatch_due(*, limit: int = 500) -> int:
    """Beat: hand due deliveries (retries, and any whose message was lost or whose worker died) to workers."""
    now = timezone.now()
    with transaction.atomic():
        due = WebhookDelivery.objects.filter(
            Q(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now)
            | Q(status=WebhookDelivery.Status.SENDING, locked_until__lt=now)
        )
        ids = list(
            due.order_by("next_attempt_at")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
    _enqueue(ids)
    return len(ids)


# Test, replay, recover ------------------------------------------------------------------------


def webhook_send_test(*, webhook: Webhook) -> WebhookDelivery:
    """Send a `webhook.test` event now, through the same signing and sending code, and record it."""
    with transaction.atomic():
        event = event_record(
            organization=webhook.organization,
            event_type=TEST_TOPIC,
            end_user=webhook.end_user,
            resource_type="webhook",
            resource_id=webhook.pk,
            data={"webhook_id": str(webhook.pk), "message": "This is a test event from Orderly."},
        )
        delivery = WebhookDelivery.objects.create(
            webhook=webhook,
            event=event,
            event_type=TEST_TOPIC,
            body=event_body(event),
            next_attempt_at=timezone.now(),
        )
    delivery_send(delivery.pk)
    delivery.refresh_from_db()
    # A test is one attempt: it is never retried by the schedule.
    WebhookDelivery.objects.filter(pk=delivery.pk, status=WebhookDelivery.Status.PENDING).update(
        status=WebhookDelivery.Status.FAILED, next_attempt_at=None
    )
    delivery.refresh_from_db()
    return delivery


def delivery_retry(*, webhook: Webhook, delivery_id) -> WebhookDelivery:
    """Re-send one delivery now (a replay), whatever its state; receivers dedupe on its stable id."""
    delivery = WebhookDelivery.objects.filter(webhook=webhook, pk=delivery_id).first()
    if delivery is None:
        raise not_found("Delivery")
    if delivery.status == WebhookDelivery.Status.SENDING:
        raise DomainError(ErrorCode.INVALID_STATE, "This delivery is being sent right now.")
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=WebhookDelivery.Status.PENDING, next_attempt_at=timezone.now(), attempts=0
    )
    delivery_send(delivery.pk)
    delivery.refresh_from_db()
    return delivery


def deliveries_recover(*, webhook: Webhook, since) -> int:
    """Queue again every failed delivery of this endpoint created since `since`."""
    ids = list(
        WebhookDelivery.objects.filter(
            webhook=webhook, status=WebhookDelivery.Status.FAILED, created_at__gte=since
        ).values_list("pk", flat=True)
    )
    WebhookDelivery.objects.filter(pk__in=ids).update(
        status=WebhookDelivery.Status.PENDING, next_attempt_at=timezone.now(), attempts=0
    )
    transaction.on_commit(lambda: _enqueue(ids))
    return len(ids)
