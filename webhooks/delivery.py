"""Sending delivery attempts: claim, sign, POST through the SSRF-pinned transport, log, schedule the next."""

import datetime as dt
import json
import logging
import os
import random
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)

import orderly
from orderly.api.fields import iso_ms
from orderly.crypto import decrypt_text
from webhooks import signing, ssrf, transport
from webhooks.models import Webhook, WebhookAttempt, WebhookDelivery

logger = logging.getLogger(__name__)
EXCERPT_BYTES = 4096
USER_AGENT = f"Orderly-Webhooks/{orderly.__version__}"


def delivery_body(*, event_id, topic: str, created_at, data: dict) -> str:
    """CONTRACT §6's body, `{"id", "topic", "createdAt", "data"}`, as the exact bytes that are signed."""
    return json.dumps(
        {"id": str(event_id), "topic": topic, "createdAt": iso_ms(created_at), "data": data},
        separators=(",", ":"),
        default=str,
    )


def event_body(event) -> str:
    return delivery_body(event_id=event.id, topic=event.event_type, created_at=event.created_at, data=event.data)


def webhook_signing_secrets(webhook: Webhook, now) -> list[signing.SigningSecret]:
    """The current secret, then every previous one whose grace period has not ended."""
    secrets = [signing.SigningSecret(decrypt_text(webhook.secret_encrypted), webhook.secret_scheme)]
    for previous in webhook.previous_secrets or []:
        if dt.datetime.fromisoformat(previous["expires_at"]) > now:
            secrets.append(
                signing.SigningSecret(decrypt_text(previous["secret_encrypted"]), previous["scheme"])
            )
    return secrets


@dataclass
class SendResult:
    status: int | None
    excerpt: str
    error: str | None
    duration_ms: int
    retry_after: str | None = None


def http_send(*, url: str, body: str, headers: dict) -> SendResult:
    """POST once; never raises. Any 2xx is success; anything else, a timeout or a refusal is a failure.

    The name is resolved, checked and pinned when a connection is made (`webhooks.transport`);
    here the URL's form is checked (scheme, credentials, a literal address)."""
    started = time.monotonic()
    retry_after = None
    try:
        ssrf.url_check(url, resolve_names=False)
        answer = transport.post(
            url,
            body=body.encode(),
            headers={**headers, "Content-Type": "application/json"},
            excerpt_bytes=EXCERPT_BYTES,
        )
        status, excerpt, error = answer.status, answer.excerpt.decode("utf-8", "replace"), None
        retry_after = answer.retry_after
        if not 200 <= status < 300:
            error = f"HTTP {status}"
    except ssrf.UnsafeUrl as exc:
        status, excerpt, error = None, "", str(exc)
    except NewConnectionError:
        status, excerpt, error = None, "", "Connection refused or failed"
    except (ConnectTimeoutError, ReadTimeoutError, TimeoutError):
        status, excerpt, error = None, "", "Timed out"
    except (ProtocolError, OSError):
        status, excerpt, error = None, "", "Connection refused or failed"
    except HTTPError as exc:
        status, excerpt, error = None, "", f"Request failed: {type(exc).__name__}"
    return SendResult(status, excerpt, error, int((time.monotonic() - started) * 1000), retry_after)


def _retry_delay(attempts: int, retry_after: str | None) -> timedelta | None:
    schedule = settings.ORDERLY_WEBHOOK_RETRY_SCHEDULE
    if attempts > len(schedule):
        return None
    base = schedule[attempts - 1]
    jitter = settings.ORDERLY_WEBHOOK_JITTER
    delay = base * random.uniform(1 - jitter, 1 + jitter)
    if retry_after and retry_after.isdigit():
        # Respect the receiver's wish, within the schedule's bound for this step.
        delay = min(max(delay, int(retry_after)), base * (1 + jitter))
    return timedelta(seconds=delay)


@contextmanager
def _bookkeeping():
    """A transaction for claims and attempt records whose commit does not wait for the WAL flush.

    Safe because delivery is at-least-once: should PostgreSQL crash just after such a commit, the
    claim or the outcome is lost and the delivery is sent again; never lost, since the delivery
    row itself was committed durably with its event. It saves a disk flush per batch.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


def deliveries_claim(delivery_ids) -> list[WebhookDelivery]:
    """Take the due deliveries among `delivery_ids` for sending. Rows are locked while claimed
    (SKIP LOCKED), so two workers never both claim one; a claim lasts one lease.

    The rows are looked up by primary key alone and whether each is due is decided here: a
    condition on status in the query lets the planner prefer the (status, next_attempt_at) index,
    and right after a burst of new deliveries, before statistics catch up, it did — reading every
    pending row to claim twenty."""
    now = timezone.now()
    lease = now + timedelta(seconds=settings.ORDERLY_WEBHOOK_LEASE_SECONDS)
    with _bookkeeping():
        locked = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("webhook")
            .filter(pk__in=delivery_ids)
        )
        claimed = [d for d in locked if _claimable(d, now)]
        if not claimed:
            return []
        WebhookDelivery.objects.filter(pk__in=[d.pk for d in claimed]).update(
            status=WebhookDelivery.Status.SENDING, locked_until=lease, attempts=F("attempts") + 1
        )
    for delivery in claimed:
        delivery.status, delivery.locked_until, delivery.attempts = WebhookDelivery.Status.SENDING, lease, delivery.attempts + 1
    return claimed


def _claimable(delivery: WebhookDelivery, now) -> bool:
    """Due and pending, or stuck in `sending` past its lease (the worker that held it died)."""
    if delivery.next_attempt_at is None or delivery.next_attempt_at > now:
        return False
    if delivery.status == WebhookDelivery.Status.PENDING:
        return True
    return delivery.status == WebhookDelivery.Status.SENDING and delivery.locked_until is not None and delivery.locked_until < now


_pool: tuple[tuple[int, int], ThreadPoolExecutor] | None = None


def _send_pool() -> ThreadPoolExecutor:
    """The process's sending threads (ORDERLY_WEBHOOK_SEND_CONCURRENCY), kept between batches;
    made anew in a forked worker process, which does not inherit threads."""
    global _pool
    key = (os.getpid(), settings.ORDERLY_WEBHOOK_SEND_CONCURRENCY)
    if _pool is None or _pool[0] != key:
        _pool = (key, ThreadPoolExecutor(max_workers=key[1], thread_name_prefix="webhook-send"))
    return _pool[1]


def delivery_send(delivery_id) -> None:
    """One attempt of one delivery. Safe to call twice: only the caller that claims it sends."""
    deliveries_send([delivery_id])


def deliveries_send(delivery_ids) -> int:
    """One attempt of each due delivery among `delivery_ids`; returns how many were attempted.

    Claimed together, POSTed concurrently (ORDERLY_WEBHOOK_SEND_CONCURRENCY), recorded together:
    a batch costs a handful of statements, not a handful per delivery.
    """
    deliveries = deliveries_claim(delivery_ids)
    disabled = [d.pk for d in deliveries if not d.webhook.is_active]
    if disabled:
        WebhookDelivery.objects.filter(pk__in=disabled).update(
            status=WebhookDelivery.Status.FAILED,
            error="Endpoint disabled",
            next_attempt_at=None,
            locked_until=None,
        )
    sendable = [d for d in deliveries if d.webhook.is_active]
    if not sendable:
        return len(deliveries)
    now = timezone.now()
    secrets = {d.webhook_id: webhook_signing_secrets(d.webhook, now) for d in sendable}
    requests_ = [(d, delivery_headers(d, secrets[d.webhook_id], now)) for d in sendable]
    if len(requests_) == 1:
        results = [http_send(url=d.webhook.url, body=d.body, headers=h) for d, h in requests_]
    else:
        results = list(
            _send_pool().map(lambda r: http_send(url=r[0].webhook.url, body=r[0].body, headers=r[1]), requests_)
        )
    deliveries_record(list(zip(sendable, results, strict=True)))
    return len(deliveries)


def delivery_headers(delivery: WebhookDelivery, secrets: list[signing.SigningSecret], now) -> dict:
    """Every header of a delivery's POST but Content-Type (which `http_send` adds)."""
    return {
        **signing.signature_headers(
            secrets=secrets,
            body=delivery.body.encode(),
            message_id=str(delivery.pk),
            timestamp=int(now.timestamp()),
        ),
        "X-Orderly-Event": delivery.event_type,
        "X-Orderly-Delivery": str(delivery.pk),
        "User-Agent": USER_AGENT,
    }


def deliveries_record(outcomes: list[tuple[WebhookDelivery, SendResult]]) -> None:
    """Log each attempt; mark successes delivered; schedule or give up failures; keep each
    endpoint's failure streak and disable it by the rules (24 h and N failures, or 410 Gone)."""
    now = timezone.now()
    with _bookkeeping():
        WebhookAttempt.objects.bulk_create(
            [
                WebhookAttempt(
                    delivery=d,
                    number=d.attempts,
                    response_status=r.status,
                    response_excerpt=r.excerpt[:EXCERPT_BYTES],
                    error=r.error,
                    duration_ms=r.duration_ms,
                )
                for d, r in outcomes
            ]
        )
        succeeded: dict[int, list] = {}
        for delivery, result in outcomes:
            if result.error is None:
                succeeded.setdefault(result.status, []).append(delivery.pk)
        for status, ids in succeeded.items():
            WebhookDelivery.objects.filter(pk__in=ids).update(
                status=WebhookDelivery.Status.DELIVERED,
                response_status=status,
                error=None,
                delivered_at=now,
                next_attempt_at=None,
                locked_until=None,
            )
        healthy = {d.webhook_id for d, r in outcomes if r.error is None}
        if all(r.error is None for _, r in outcomes):
            # No failure streak to count: reset the endpoints in one statement. Endpoints are
            # locked in one order by every worker, so concurrent batches cannot deadlock; NO KEY
            # UPDATE, so new deliveries' foreign-key checks (KEY SHARE) are not blocked by it.
            in_order = Webhook.objects.filter(pk__in=healthy).order_by("pk").select_for_update(no_key=True)
            Webhook.objects.filter(pk__in=in_order.values("pk")).update(
                consecutive_failures=0, failing_since=None, last_success_at=now
            )
            return
        webhooks = {
            w.pk: w
            for w in Webhook.objects.select_for_update(no_key=True)
            .filter(pk__in={d.webhook_id for d, _ in outcomes})
            .order_by("pk")
        }
        if healthy:
            Webhook.objects.filter(pk__in=healthy).update(
                consecutive_failures=0, failing_since=None, last_success_at=now
            )
            for pk in healthy:
                webhooks[pk].consecutive_failures, webhooks[pk].failing_since = 0, None
        failing = set()
        for delivery, result in outcomes:
            if result.error is not None:
                _record_failure(delivery, result, webhooks[delivery.webhook_id], now)
                failing.add(delivery.webhook_id)
        for pk in failing:
            webhook = webhooks[pk]
            Webhook.objects.filter(pk=pk).update(
                consecutive_failures=webhook.consecutive_failures,
                failing_since=webhook.failing_since,
                last_failure_at=now,
                is_active=webhook.is_active,
                disabled_reason=webhook.disabled_reason,
            )


def _record_failure(delivery: WebhookDelivery, result: SendResult, webhook: Webhook, now) -> None:
    """Schedule the next attempt (or give up) and count the failure on the endpoint, in memory."""
    status, error = result.status, result.error
    delay = None if status == 410 else _retry_delay(delivery.attempts, result.retry_after)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=WebhookDelivery.Status.PENDING if delay else WebhookDelivery.Status.FAILED,
        response_status=status,
        error=error,
        next_attempt_at=now + delay if delay else None,
        locked_until=None,
    )
    webhook.failing_since = webhook.failing_since or now
    webhook.consecutive_failures += 1
    disable_reason = None
    if status == 410:
        disable_reason = "The endpoint answered 410 Gone."
    elif (
        webhook.consecutive_failures >= settings.ORDERLY_WEBHOOK_DISABLE_AFTER_FAILURES
        and (now - webhook.failing_since).total_seconds() >= settings.ORDERLY_WEBHOOK_DISABLE_AFTER_SECONDS
    ):
        disable_reason = (
            f"Every attempt failed for {webhook.consecutive_failures} attempts since"
            f" {iso_ms(webhook.failing_since)}; last error: {error}"
        )
    if disable_reason and webhook.is_active:
        webhook.is_active = False
        webhook.disabled_reason = disable_reason[:300]
