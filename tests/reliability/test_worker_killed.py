"""At-least-once delivery: 1,000 events to a loopback receiver while the Celery worker is killed
with SIGKILL mid-run and restarted. Every event id arrives; duplicates are allowed, none missing.

Runs a real worker process (with the scheduler) against the test database and Redis; PostgreSQL
and REDIS_URL only (CI has both).
"""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from werkzeug import Response

from orderly.events.catalog import topic_get
from orderly.events.services import event_record
from webhooks import services
from webhooks.models import WebhookDelivery

ROOT = Path(__file__).resolve().parents[2]
EVENTS = int(os.environ.get("ORDERLY_RELIABILITY_EVENTS", "1000"))

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"),
        reason="needs PostgreSQL and Redis",
    ),
]


def _start_worker():
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "ORDERLY_WEBHOOKS_ALLOW_PRIVATE": "1",
        "ORDERLY_WEBHOOK_LEASE_SECONDS": "3",
        "ORDERLY_WEBHOOK_JITTER": "0",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "orderly",
            "worker",
            "--beat",
            "--pool",
            "prefork",
            "-c",
            "2",
            "--loglevel",
            "WARNING",
            "--schedule",
            str(ROOT / "var" / "reliability-beat"),
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_every_event_arrives_though_the_worker_is_killed(tenant, httpserver):
    # given a receiver that records event ids, slowly enough that the kill lands mid-run
    received: list[str] = []
    lock = threading.Lock()

    def receive(request):
        import json

        time.sleep(0.005)
        with lock:
            received.append(json.loads(request.get_data())["id"])
        return Response("ok")

    httpserver.expect_request("/hook").respond_with_handler(receive)
    services.webhook_create(
        organization=tenant.organization,
        end_user=None,
        url=httpserver.url_for("/hook"),
        events=["order.created"],
    )
    # Recorded with no worker running: the outbox rows are the only record of what must be sent.
    from orderly.celery import app

    app.conf.task_always_eager = False
    order = topic_get("order.created").example  # a real payload: every delivery matches the catalogue
    sent = [str(event_record(organization=tenant.organization, event_type="order.created", data=order).id)
            for _ in range(EVENTS)]
    assert WebhookDelivery.objects.count() == EVENTS

    # when a worker starts, is SIGKILLed mid-run, and another starts
    worker = _start_worker()
    try:
        deadline = time.monotonic() + 60
        while len(set(received)) < EVENTS // 5 and time.monotonic() < deadline:
            time.sleep(0.1)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        killed_at = len(set(received))
        assert 0 < killed_at < EVENTS, "the kill must land mid-run"
        worker = _start_worker()
        deadline = time.monotonic() + 150
        # Until every id arrived and every row is recorded: a row the killed worker sent but never
        # recorded stays `sending` until its lease runs out and the scheduler hands it out again.
        while time.monotonic() < deadline and (
            set(sent) - set(received) or WebhookDelivery.objects.exclude(status="delivered").exists()
        ):
            time.sleep(0.5)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=20)
        app.conf.task_always_eager = True

    # then every event id arrived at least once
    missing = set(sent) - set(received)
    assert missing == set(), f"{len(missing)} events never arrived"
    assert WebhookDelivery.objects.exclude(status="delivered").count() == 0
