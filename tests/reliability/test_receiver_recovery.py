"""A receiver that is down for a while, then up again, gets every event through the retry schedule.

The endpoint first refuses connections (nothing listens on its port), then answers 503, then 2xx.
A real Celery worker sends; the beat task that hands due retries back to workers is published on a
short interval, as beat does every 10 s; the retry schedule is shortened to seconds. Nothing may be
lost, given up or disabled on the way. Runs on SQLite with an in-memory broker and on PostgreSQL
with Redis.
"""

import json
import socket
import threading
import time
from collections import Counter
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection
from pytest_httpserver import HTTPServer
from werkzeug import Response

from orderly.events.catalog import topic_get
from orderly.events.services import event_build, events_record
from tests.conftest import wait_for
from webhooks import services
from webhooks.models import Webhook, WebhookAttempt, WebhookDelivery
from webhooks.tasks import deliveries_dispatch_due

EVENTS = 50
BEAT_INTERVAL = 0.25
REFUSED = "Connection refused or failed"

pytestmark = pytest.mark.celery_worker


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Receiver:
    """Answers 503 until `recover()`, then 200; records the event id of every 2xx answer."""

    def __init__(self, port: int):
        self.server = HTTPServer(host="127.0.0.1", port=port, threaded=True)
        self.server.expect_request("/hook", method="POST").respond_with_handler(self._receive)
        self.received: list[str] = []
        self._up = False
        self._lock = threading.Lock()

    def _receive(self, request):
        if not self._up:
            return Response("down for maintenance", status=503)
        with self._lock:
            self.received.append(json.loads(request.get_data())["id"])
        return Response("ok")

    def recover(self):
        self._up = True


class Beat(threading.Thread):
    """Publishes the due-deliveries sweep every `interval` seconds, as `celery beat` would."""

    def __init__(self, interval: float):
        super().__init__(daemon=True)
        self.interval, self.stopped = interval, threading.Event()

    def run(self):
        while not self.stopped.wait(self.interval):
            deliveries_dispatch_due.delay()


@contextmanager
def _reading_beside_the_worker():
    """On SQLite, read without table locks while the worker writes.

    The in-memory test database is one shared cache, where a reader and a writer on one table fail
    at once ("database table is locked") instead of waiting. Reading uncommitted rows takes no such
    lock, so the test's polls cannot fail the worker's writes; the test writes nothing meanwhile. PostgreSQL needs none of this.
    """
    sqlite = connection.vendor == "sqlite"
    if sqlite:
        connection.cursor().execute("PRAGMA read_uncommitted = 1")
    try:
        yield
    finally:
        if sqlite:
            connection.cursor().execute("PRAGMA read_uncommitted = 0")


def _until(what: str, predicate, timeout: float) -> None:
    """Wait for `predicate`, retrying reads SQLite's shared cache refused; say where it stuck if not."""

    def poll():
        try:
            return predicate()
        except OperationalError:
            return False

    try:
        wait_for(poll, timeout=timeout)
    except AssertionError:
        raise AssertionError(f"{what} within {timeout}s; {_progress()}") from None


def _progress() -> str:
    try:
        statuses = Counter(WebhookDelivery.objects.values_list("status", flat=True))
        webhook = Webhook.objects.get()
    except OperationalError as exc:
        return str(exc)
    return f"deliveries {dict(statuses)}, endpoint active={webhook.is_active} ({webhook.disabled_reason})"


def _with_attempt(**attempt) -> bool:
    """Whether every delivery has an attempt like `attempt`."""
    return WebhookAttempt.objects.filter(**attempt).values("delivery").distinct().count() == EVENTS


def _all_delivered():
    return not WebhookDelivery.objects.exclude(status=WebhookDelivery.Status.DELIVERED).exists()


def test_every_event_arrives_once_the_receiver_is_back(tenant, celery_worker, settings):
    started = time.monotonic()
    # given a retry schedule of seconds, no jitter, and the production rules for disabling
    settings.ORDERLY_WEBHOOK_RETRY_SCHEDULE = [0.5, 1, 1, 1, 1, 1, 1, 1, 1, 1]
    settings.ORDERLY_WEBHOOK_JITTER = 0
    # and an endpoint on a port nothing listens on yet
    port = _free_port()
    receiver = Receiver(port)
    webhook, _secret = services.webhook_create(
        organization=tenant.organization,
        end_user=None,
        url=f"http://127.0.0.1:{port}/hook",
        events=["order.created"],
    )
    beat = Beat(BEAT_INTERVAL)
    try:
        # when events are recorded (one transaction: the worker starts on them as it commits)
        order = topic_get("order.created").example  # a real payload: every delivery matches the catalogue
        events = events_record(
            [
                event_build(organization_id=tenant.organization.pk, event_type="order.created", data=order)
                for _ in range(EVENTS)
            ]
        )
        sent = [str(event.id) for event in events]
        beat.start()
        with _reading_beside_the_worker():
            # and connections are refused until each delivery has been retried once
            _until("not every delivery was refused twice", lambda: _with_attempt(error=REFUSED, number=2), 8)
            # and then the receiver listens but answers 503, until each delivery has met that too
            receiver.server.start()
            _until("not every delivery met a 503", lambda: _with_attempt(response_status=503), 8)
            # and then it answers 200
            receiver.recover()
            _until("not every delivery was delivered", _all_delivered, 8)
        _until("the last outcomes were not committed", _all_delivered, 5)
    finally:
        beat.stopped.set()
        if beat.is_alive():
            beat.join(timeout=5)
        if receiver.server.is_running():
            receiver.server.stop()

    # then every event arrived, and, with no worker killed, exactly once
    assert set(sent) - set(receiver.received) == set()
    assert sorted(receiver.received) == sorted(sent)
    # and every delivery is delivered, after its failures were each logged as an attempt
    deliveries = list(WebhookDelivery.objects.filter(webhook=webhook).prefetch_related("attempt_log"))
    assert len(deliveries) == EVENTS
    for delivery in deliveries:
        attempts = sorted(delivery.attempt_log.all(), key=lambda a: a.number)
        assert delivery.status == WebhookDelivery.Status.DELIVERED and delivery.response_status == 200
        assert [a.number for a in attempts] == list(range(1, delivery.attempts + 1))
        assert [a.error for a in attempts[:2]] == [REFUSED, REFUSED]
        assert 503 in [a.response_status for a in attempts[2:-1]]
        assert attempts[-1].response_status == 200 and attempts[-1].error is None
    # and nothing was given up, nor the endpoint disabled
    assert not WebhookDelivery.objects.filter(status=WebhookDelivery.Status.FAILED).exists()
    webhook = Webhook.objects.get(pk=webhook.pk)
    assert webhook.is_active and webhook.disabled_reason is None and webhook.consecutive_failures == 0
    assert time.monotonic() - started < 30
