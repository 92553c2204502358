"""Sending one delivery attempt: sign, POST through an SSRF-safe session, log, schedule the next."""

import datetime as dt
import json
import logging
import random
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

import requests
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from requests_hardened import Config, Manager

import orderly
from orderly.api.fields import iso_ms
from orderly.crypto import decrypt_text
from webhooks import signing, ssrf
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


@lru_cache(maxsize=2)
def _session(allow_private: bool) -> requests.Session:
    """One session per process and mode, so keep-alive connections are reused across deliveries.

    Production: requests-hardened resolves once, refuses private ranges and connects to that very IP
    (no DNS rebinding window). Development (ALLOW_PRIVATE): `ssrf.url_check` still refuses link-local.
    """
    config = Config(
        ip_filter_enable=not allow_private,
        ip_filter_allow_loopback_ips=False,
        never_redirect=True,
        default_timeout=tuple(settings.ORDERLY_WEBHOOK_TIMEOUT),
        user_agent_override=USER_AGENT,
    )
    return Manager(config).get_session()


@dataclass
class SendResult:
    status: int | None
    excerpt: str
    error: str | None
    duration_ms: int
    retry_after: str | None = None


def http_send(*, url: str, body: str, headers: dict) -> SendResult:
    """POST once; never raises. Any 2xx is success; anything else, a timeout or a refusal is a failure."""
    started = time.monotonic()
    retry_after = None
    try:
        ssrf.url_check(url)
        response = _session(settings.ORDERLY_WEBHOOKS_ALLOW_PRIVATE).post(
            url,
            data=body.encode(),
            headers={**headers, "Content-Type": "application/json"},
            timeout=settings.ORDERLY_WEBHOOK_TIMEOUT,
            allow_redirects=False,
            stream=True,
        )
        excerpt = response.raw.read(EXCERPT_BYTES, decode_content=True).decode("utf-8", "replace")
        response.close()
        status, error = response.status_code, None
        retry_after = response.headers.get("Retry-After")
        if not 200 <= status < 300:
            error = f"HTTP {status}"
    except ssrf.UnsafeUrl as exc:
        status, excerpt, error = None, "", str(exc)
    except requests.Timeout:
        status, excerpt, error = None, "", "Timed out"
    except requests.ConnectionError:
        status, excerpt, error = None, "", "Connection refused or failed"
    except requests.RequestException as exc:
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
    (SKIP LOCKED), so two workers never both claim one; a claim lasts one lease."""
    now = timezone.now()
    with _bookkeeping():
        claimed = list(
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .filter(pk__in=delivery_ids, next_attempt_at__lte=now)
            .filter(_pending_or_stale(now))
            .values_list("pk", flat=True)
        )
        if not claimed:
            return []
        WebhookDelivery.objects.filter(pk__in=claimed).update(
            status=WebhookDelivery.Status.SENDING,
            locked_until=now + timedelta(seconds=settings.ORDERLY_WEBHOOK_LEASE_SECONDS),
            attempts=F("attempts") + 1,
        )
    return list(WebhookDelivery.objects.select_related("webhook").filter(pk__in=claimed))


def _pending_or_stale(now):
    """Due and pending, or stuck in `sending` past its lease (the worker that held it died)."""
    return Q(status=WebhookDelivery.Status.PENDING) | Q(
        status=WebhookDelivery.Status.SENDING, locked_until__lt=now
    )


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
    workers = min(len(requests_), settings.ORDERLY_WEBHOOK_SEND_CONCURRENCY)
    if workers == 1:
        results = [http_send(url=d.webhook.url, body=d.body, headers=h) for d, h in requests_]
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(
                pool.map(lambda r: http_send(url=r[0].webhook.url, body=r[0].body, headers=r[1]), requests_)
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
        # Endpoints are locked in one order by every worker, so concurrent batches cannot deadlock;
        # NO KEY UPDATE, so new deliveries' foreign-key checks (KEY SHARE) are not blocked by it.
        webhooks = {
            w.pk: w
            for w in Webhook.objects.select_for_update(no_key=True)
            .filter(pk__in={d.webhook_id for d, _ in outcomes})
            .order_by("pk")
        }
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
