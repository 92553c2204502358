"""Idempotency keys (CONTRACT §3 rev. 2): the first completed answer to a POST is kept for 24 hours
and replayed to a retry with the same key and the same request.

A key is reserved (a committed `running` row) before the request runs, so a concurrent retry sees
it and gets 409; the request's work and its stored answer then commit in one transaction
(`orderly.api.views.ApiView`), so a crash leaves neither, and after the lease a retry runs it anew.
"""

import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from orderly.crypto import decrypt_text, encrypt_text
from orderly.errors import DomainError, ErrorCode
from orderly.idempotency.models import IdempotencyRecord

logger = logging.getLogger(__name__)


def idempotency_fingerprint(*, method: str, endpoint: str, body: bytes) -> str:
    """The same request: method, endpoint and body; a JSON body compares by value, not by spelling."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except (ValueError, RecursionError):
        canonical = body
    digest = hashlib.sha256(f"{method}\n{endpoint}\n".encode())
    digest.update(canonical)
    return digest.hexdigest()


@dataclass
class Replay:
    status: int
    body: bytes


def idempotency_begin(*, organization, scope: str, key: str, fingerprint: str) -> IdempotencyRecord | Replay:
    """Reserve `key` for this request, or the stored answer to replay; 409 while it runs, 422 when
    it was used for another request."""
    for _ in range(3):
        now = timezone.now()
        try:
            with transaction.atomic():
                return IdempotencyRecord.objects.create(
                    organization=organization,
                    scope=scope,
                    key=key,
                    fingerprint=fingerprint,
                    locked_until=now + dt.timedelta(seconds=settings.ORDERLY_IDEMPOTENCY_LEASE_SECONDS),
                    expires_at=now + dt.timedelta(seconds=settings.ORDERLY_IDEMPOTENCY_TTL_SECONDS),
                )
        except IntegrityError:
            pass
        existing = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
        if existing is None:
            continue  # its request just failed with a 5xx, or it expired: reserve again
        stale = Q(expires_at__lte=now) | Q(status=IdempotencyRecord.Status.RUNNING, locked_until__lte=now)
        if IdempotencyRecord.objects.filter(stale, pk=existing.pk).delete()[0]:
            continue  # expired, or its request died unanswered: this one takes the key over
        if existing.fingerprint != fingerprint:
            raise DomainError(
                ErrorCode.IDEMPOTENCY_KEY_REUSED,
                "This Idempotency-Key was used with a different request; use a new key for a new request.",
            )
        if existing.status == IdempotencyRecord.Status.RUNNING:
            raise DomainError(
                ErrorCode.IDEMPOTENCY_KEY_IN_USE,
                "A request with this Idempotency-Key is still running; retry when it has finished.",
            )
        return Replay(existing.response_status, decrypt_text(existing.response_body_encrypted).encode())
    raise DomainError(ErrorCode.IDEMPOTENCY_KEY_IN_USE, "This Idempotency-Key is busy; retry shortly.")


def idempotency_complete(*, record: IdempotencyRecord, status: int, body: bytes) -> None:
    """Keep the answer (inside the request's own transaction, so it commits with the work)."""
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        status=IdempotencyRecord.Status.COMPLETED,
        response_status=status,
        response_body_encrypted=encrypt_text(body.decode()),
        locked_until=None,
    )


def idempotency_release(*, record: IdempotencyRecord) -> None:
    """A 5xx is not kept: the key is free for the client's retry."""
    running = IdempotencyRecord.objects.filter(pk=record.pk, status=IdempotencyRecord.Status.RUNNING)
    try:
        running.delete()
    except DatabaseError:
        # The 5xx may have been this very connection failing: once more, on a new one.
        if connection.in_atomic_block:
            raise
        connection.close()
        try:
            running.delete()
        except DatabaseError:
            logger.warning("Idempotency key %s stays reserved until its lease ends", record.key)


def idempotency_records_purge() -> int:
    return IdempotencyRecord.objects.filter(expires_at__lte=timezone.now()).delete()[0]
