"""Sending one delivery attempt: sign, POST through an SSRF-safe session, log, schedule the next."""

import json
import logging
import random
import time
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

import requests
from django.conf import settings
from django.db import transaction
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


def event_body(event) -> str:
    return json.dumps(
        {
            "id": str(event.id),
            "topic": event.event_type,
            "createdAt": iso_ms(event.created_at),
            "data": event.data,
        },
        separators=(",", ":"),
        default=str,
    )


def webhook_signing_secrets(webhook: Webhook, now) -> list[str]:
    secrets = [decrypt_text(webhook.secret_encrypted)]
    if (
        webhook.previous_secret_encrypted
        and webhook.previous_secret_expires_at
        and webhook.previous_secret_expires_at > now
    ):
        secrets.append(decrypt_text(webhook.previous_secret_encrypted))
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


def delivery_claim(delivery_id) -> WebhookDelivery | None:
    """Take a due delivery for sending; a conditional update, so two workers never both send it."""
    now = timezone.now()
    lease = now + timedelta(seconds=settings.ORDERLY_WEBHOOK_LEASE_SECONDS)
    claimed = (
        WebhookDelivery.objects.filter(pk=delivery_id, next_attempt_at__lte=now)
        .filter(_pending_or_stale(now))
        .update(status=WebhookDelivery.Status.SENDING, locked_until=lease, attempts=F("attempts") + 1)
    )
    if not claimed:
        return None
    return WebhookDelivery.objects.select_related("webhook", "event").get(pk=delivery_id)


def _pending_or_stale(now):
    """Due and pending, or stuck in `sending` past its lease (the worker that held it died)."""
    return Q(status=WebhookDelivery.Status.PENDING) | Q(
        status=WebhookDelivery.Status.SENDING, locked_until__lt=now
    )


def delivery_send(delivery_id) -> WebhookDelivery | None:
    """One attempt of one delivery. Safe to call twice: only the caller that claims it sends."""
    delivery = delivery_claim(delivery_id)
    if delivery is None:
        return None
    webhook = delivery.webhook
    now = timezone.now()
    if not webhook.is_active:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=WebhookDelivery.Status.FAILED,
            error="Endpoint disabled",
            next_attempt_at=None,
            locked_until=None,
        )
        return delivery
    timestamp = int(now.timestamp())
    headers = {
        **signing.signature_headers(
            secrets=webhook_signing_secrets(webhook, now),
            body=delivery.body.encode(),
            message_id=str(delivery.pk),
            timestamp=timestamp,
        ),
        "X-Orderly-Event": delivery.event_type,
        "X-Orderly-Delivery": str(delivery.pk),
        "User-Agent": USER_AGENT,
    }
    result = http_send(url=webhook.url, body=delivery.body, headers=headers)
    delivery_record_attempt(delivery, result)
    delivery.refresh_from_db()
    return delivery


@transaction.atomic
def delivery_record_attempt(delivery, result: SendResult) -> None:
    now = timezone.now()
    status, error = result.status, result.error
    WebhookAttempt.objects.create(
        delivery=delivery,
        number=delivery.attempts,
        response_status=status,
        response_excerpt=result.excerpt[:EXCERPT_BYTES],
        error=error,
        duration_ms=result.duration_ms,
    )
    webhook = Webhook.objects.select_for_update().get(pk=delivery.webhook_id)
    if error is None:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=WebhookDelivery.Status.DELIVERED,
            response_status=status,
            error=None,
            delivered_at=now,
            next_attempt_at=None,
            locked_until=None,
        )
        Webhook.objects.filter(pk=webhook.pk).update(
            consecutive_failures=0, failing_since=None, last_success_at=now
        )
        return
    delay = None if status == 410 else _retry_delay(delivery.attempts, result.retry_after)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=WebhookDelivery.Status.PENDING if delay else WebhookDelivery.Status.FAILED,
        response_status=status,
        error=error,
        next_attempt_at=now + delay if delay else None,
        locked_until=None,
    )
    failing_since = webhook.failing_since or now
    failures = webhook.consecutive_failures + 1
    disable_reason = None
    if status == 410:
        disable_reason = "The endpoint answered 410 Gone."
    elif (
        failures >= settings.ORDERLY_WEBHOOK_DISABLE_AFTER_FAILURES
        and (now - failing_since).total_seconds() >= settings.ORDERLY_WEBHOOK_DISABLE_AFTER_SECONDS
    ):
        disable_reason = (
            f"Every attempt failed for {failures} attempts since {iso_ms(failing_since)}; last error: {error}"
        )
    updates = {"consecutive_failures": failures, "failing_since": failing_since, "last_failure_at": now}
    if disable_reason:
        updates.update(is_active=False, disabled_reason=disable_reason[:300])
    Webhook.objects.filter(pk=webhook.pk).update(**updates)
