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


def _produce(job: dict) -> dict:
    """One producer process's share of the schedule: every `producers`-th tick, `batch` events
    recorded in one transaction (as a request, a bulk change or a sync page records them). Each
    event's commit time is taken by the first after-commit callback, before the consumers' own
    (the deliveries' enqueueing) run."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.db import transaction

    from orderly.events.services import event_build, events_record

    rate, batch, total, producers = job["rate"], job["batch"], job["total"], job["producers"]
    users = job["user_ids"]
    committed: dict[str, float] = {}
    behind = 0
    ticks = range(job["index"], -(-total // batch), producers)
    for tick in ticks:
        due = job["start_at"] + tick * batch / rate
        pause = due - time.time()
        if pause > 0:
            time.sleep(pause)
        elif pause < -0.05:
            behind += 1
        events = [
            event_build(
                organization_id=job["org_id"],
                event_type=TOPIC,
                end_user_id=users[n % len(users)],
                resource_type="order",
                resource_id=uuid.uuid4(),
                data={"order_number": f"STEADY-{n:06d}", "status": "pending", "total": "42.00"},
            )
            for n in range(tick * batch, min(total, (tick + 1) * batch))
        ]
        with transaction.atomic():
            transaction.on_commit(lambda events=events: committed.update((str(e.id), time.time()) for e in events))
            events_record(events)
    return {"committed": committed, "behind": behind, "finished_at": time.time()}


def steady_latency(
    *,
    rate: int = 200,
    seconds: int = 10,
    endpoints: int = 100,
    concurrency: int = 2,
    producers: int = 4,
    batch: int = 10,
    log=print,
) -> dict:
    """Delivery latency at a steady rate: `rate` events a second, `batch` per transaction, from
    `producers` processes (as several web processes record them), to the same endpoints and
    workers as the fan-out. Latency = the receiver's arrival time − the commit of the event's
    transaction. One process recording one event per transaction managed about 25 a second on the
    loaded machine (each commit and its enqueueing ~36 ms of wall time), hence processes and small
    batches: every event is still recorded, consumed and delivered on its own."""
    import multiprocessing

    from django.conf import settings

    from orderly.celery import app

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
        log(
            f"steady delivery latency: {rate} events/s for {seconds} s, {batch} per transaction from"
            f" {producers} producer processes, {concurrency} worker processes"
        )
        total = rate * seconds
        # Spawned, not forked: each producer sets up Django and its own connections afresh.
        context = multiprocessing.get_context("spawn")
        with context.Pool(producers) as pool:
            start_at = time.time() + 5  # time for the producers to start
            jobs = [
                {
                    "org_id": org.id,
                    "user_ids": [u.id for u in users],
                    "rate": rate,
                    "batch": batch,
                    "total": total,
                    "producers": producers,
                    "index": index,
                    "start_at": start_at,
                }
                for index in range(producers)
            ]
            results = pool.map(_produce, jobs)
        committed = {k: v for r in results for k, v in r["committed"].items()}
        produced_s = max(r["finished_at"] for r in results) - start_at
        _wait_delivered(org, total, timeout=120)
        arrivals = _arrivals()
        latencies = sorted((arrivals[i] - t) * 1000 for i, t in committed.items() if i in arrivals)

        def percentile(p):
            return latencies[min(len(latencies) - 1, int(len(latencies) * p / 100))]

        return {
            "rate_per_s": rate,
            "events": total,
            "batch": batch,
            "producers": producers,
            "achieved_rate_per_s": total / produced_s,
            "late_ticks": sum(r["behind"] for r in results),
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
