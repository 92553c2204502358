"""Webhook fan-out: events to subscribed loopback endpoints, end to end through the real pipeline.

Product: events are recorded in batches (as a bulk change records them); the webhook consumer
writes one delivery per subscribed endpoint in the same transaction and queues them on Redis;
`celery -A orderly worker` processes (as `bin/run` starts them) claim, sign, POST and record each
attempt. Timed from the first recording until every delivery is `delivered` in the database and
the receiver has seen every delivery id.

Floor: one process sending the very same signed requests (same URLs, bodies, headers) with one
`requests.Session`, one after another.

Each event belongs to one of the end users, whose one endpoint subscribes to it: `events`
deliveries spread over `endpoints` endpoints.
"""

import json
import os
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RECEIVER_PORT = int(os.environ.get("BENCH_RECEIVER_PORT", "8898"))
SLUG = "bench-fanout"
TOPIC = "order.created"


def _receiver_count() -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{RECEIVER_PORT}/count", timeout=5) as response:  # noqa: S310
        return json.loads(response.read())


def _start_receiver() -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.receiver", str(RECEIVER_PORT)], cwd=ROOT, start_new_session=True
    )
    for _ in range(100):
        try:
            _receiver_count()
            return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("the receiver did not start")


def _start_workers(concurrency: int) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "ORDERLY_WEBHOOKS_ALLOW_PRIVATE": "1"}
    return subprocess.Popen(
        [
            str(ROOT / ".venv/bin/celery"),
            "-A",
            "orderly",
            "worker",
            "--concurrency",
            str(concurrency),
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )


def _endpoints(count: int):
    """An organization whose `count` end users each subscribe one loopback endpoint to TOPIC."""
    from orderly.accounts.models import EndUser, Organization
    from orderly.accounts.services import organization_create
    from webhooks.models import Webhook
    from webhooks.services import webhook_create

    org = Organization.objects.filter(slug=SLUG).first()
    if org is None:
        org, _user = organization_create(name="Bench fan-out", slug=SLUG, admin_email="fanout@orderly.local")
    users = list(EndUser.objects.filter(organization=org).order_by("external_id"))
    while len(users) < count:
        users.append(EndUser.objects.create(organization=org, external_id=f"fanout-{len(users):03d}"))
    users = users[:count]
    for index, end_user in enumerate(users):
        if not Webhook.objects.filter(end_user=end_user).exists():
            webhook_create(
                organization=org,
                end_user=end_user,
                url=f"http://127.0.0.1:{RECEIVER_PORT}/hooks/{index}",
                events=[TOPIC],
            )
    return org, users


def _record(org, users, count: int, batch: int = 500) -> None:
    from orderly.events.services import event_build, events_record

    for start in range(0, count, batch):
        events_record(
            [
                event_build(
                    organization_id=org.id,
                    event_type=TOPIC,
                    end_user_id=users[i % len(users)].id,
                    resource_type="order",
                    resource_id=uuid.uuid4(),
                    data={"order_number": f"FAN-{i:06d}", "status": "pending", "total": "42.00"},
                )
                for i in range(start, min(start + batch, count))
            ]
        )


def _wait_delivered(org, expected: int, timeout: float) -> float:
    from webhooks.models import WebhookDelivery

    deliveries = WebhookDelivery.objects.filter(webhook__organization=org)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if deliveries.filter(status="delivered").count() >= expected:
            return time.perf_counter()
        time.sleep(0.1)
    done = deliveries.filter(status="delivered").count()
    raise RuntimeError(f"only {done} of {expected} deliveries were delivered within {timeout:.0f} s")


def _floor(org) -> tuple[float, int]:
    """The same signed requests, one process, one requests.Session, one after another."""
    import requests
    from django.utils import timezone

    from webhooks.delivery import delivery_headers, webhook_signing_secrets
    from webhooks.models import WebhookDelivery

    rows = list(WebhookDelivery.objects.filter(webhook__organization=org).select_related("webhook"))
    secrets = {}
    session = requests.Session()
    started = time.perf_counter()
    for delivery in rows:
        webhook = delivery.webhook
        now = timezone.now()
        if webhook.pk not in secrets:
            secrets[webhook.pk] = webhook_signing_secrets(webhook, now)
        headers = {**delivery_headers(delivery, secrets[webhook.pk], now), "Content-Type": "application/json"}
        response = session.post(webhook.url, data=delivery.body.encode(), headers=headers, timeout=10)
        response.raise_for_status()
    return time.perf_counter() - started, len(rows)


def _reset(org) -> None:
    from orderly.events.models import Event

    Event.objects.filter(organization=org).delete()  # cascades to deliveries and attempts


def fanout(*, events: int = 10_000, endpoints: int = 100, concurrency: int = 2, log=print) -> dict:
    from django.conf import settings

    from orderly.celery import app

    settings.ORDERLY_WEBHOOKS_ALLOW_PRIVATE = True  # loopback endpoints, this process and the workers
    receiver = _start_receiver()
    workers = None
    try:
        org, users = _endpoints(endpoints)
        _reset(org)
        app.control.purge()
        workers = _start_workers(concurrency)
        # Warm up: worker processes connect to the database and the broker before timing starts.
        _record(org, users, endpoints)
        _wait_delivered(org, endpoints, timeout=60)
        _reset(org)
        before = _receiver_count()

        log(f"fan-out: {events} events to {endpoints} endpoints, {concurrency} worker processes")
        started = time.perf_counter()
        _record(org, users, events)
        recorded = time.perf_counter()
        finished = _wait_delivered(org, events, timeout=max(120, events / 20))
        product_s = finished - started
        seen = _receiver_count()["distinct"] - before["distinct"]

        floor_s, floor_count = _floor(org)
        return {
            "events": events,
            "endpoints": endpoints,
            "worker_processes": concurrency,
            "record_s": recorded - started,
            "product_s": product_s,
            "product_per_s": events / product_s,
            "receiver_distinct_ids": seen,
            "floor_s": floor_s,
            "floor_per_s": floor_count / floor_s,
            "ratio": (events / product_s) / (floor_count / floor_s),
        }
    finally:
        if workers is not None:
            workers.terminate()
            try:
                workers.wait(timeout=20)
            except subprocess.TimeoutExpired:
                workers.kill()
        receiver.kill()


def _arrivals() -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{RECEIVER_PORT}/arrivals", timeout=10) as response:  # noqa: S310
        return json.loads(response.read())


def steady_latency(*, rate: int = 200, seconds: int = 10, endpoints: int = 100, concurrency: int = 2, log=print) -> dict:
    """Delivery latency at a steady rate: one event every 1/rate s, each recorded in its own
    transaction (as a request or an ingest records it), to the same endpoints and workers as the
    fan-out. Latency = the receiver's arrival time − the commit of the event's transaction."""
    from django.conf import settings

    from orderly.celery import app
    from orderly.events.services import event_record

    settings.ORDERLY_WEBHOOKS_ALLOW_PRIVATE = True
    receiver = _start_receiver()
    workers = None
    try:
        org, users = _endpoints(endpoints)
        _reset(org)
        app.control.purge()
        workers = _start_workers(concurrency)
        _record(org, users, endpoints)
        _wait_delivered(org, endpoints, timeout=60)
        _reset(org)
        log(f"steady delivery latency: {rate} events/s for {seconds} s, {concurrency} worker processes")
        committed: dict[str, float] = {}
        total = rate * seconds
        started = time.perf_counter()
        behind = 0
        for n in range(total):
            due = started + n / rate
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            elif pause < -0.05:
                behind += 1
            event = event_record(
                organization=org,
                event_type=TOPIC,
                end_user=users[n % len(users)],
                resource_type="order",
                resource_id=str(uuid.uuid4()),
                data={"order_number": f"STEADY-{n:06d}", "status": "pending", "total": "42.00"},
            )
            committed[str(event.id)] = time.time()
        produced_s = time.perf_counter() - started
        _wait_delivered(org, total, timeout=120)
        arrivals = _arrivals()
        latencies = sorted((arrivals[i] - t) * 1000 for i, t in committed.items() if i in arrivals)

        def percentile(p):
            return latencies[min(len(latencies) - 1, int(len(latencies) * p / 100))]

        return {
            "rate_per_s": rate,
            "events": total,
            "achieved_rate_per_s": total / produced_s,
            "late_ticks": behind,
            "arrived": len(latencies),
            "p50_ms": percentile(50),
            "p99_ms": percentile(99),
            "max_ms": latencies[-1],
        }
    finally:
        if workers is not None:
            workers.terminate()
            try:
                workers.wait(timeout=20)
            except subprocess.TimeoutExpired:
                workers.kill()
        receiver.kill()
