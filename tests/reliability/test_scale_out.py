"""Scale-out: two worker processes and one `celery beat` on PostgreSQL + Redis, as deployed
(docs/deploy.md), with the schedule ten times faster (ORDERLY_BEAT_INTERVAL_SCALE=0.1).

Every periodic job runs once per period — not once per worker, as `worker --beat` on each would —
and deliveries fanned out to both workers, with the beat re-dispatching every second while they
are in flight, reach the receiver once each.
"""

import os
import re
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from werkzeug import Response

from orderly.events.services import event_record
from tests.conftest import wait_for
from webhooks import services
from webhooks.models import WebhookDelivery

ROOT = Path(__file__).resolve().parents[2]
SCALE = 0.1
WINDOW_SECONDS = 18
DELIVERIES = 300

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"), reason="needs PostgreSQL and Redis"
    ),
]
SENT_LINE = re.compile(r"^\[(?P<at>[\d-]+ [\d:,]+): INFO/MainProcess\] Scheduler: Sending due task (?P<entry>[\w-]+) ", re.M)
STARTED_LINE = re.compile(r"^\[(?P<at>[\d-]+ [\d:,]+): INFO/MainProcess\] beat: Starting", re.M)
LOG_LINE = re.compile(r"^\[(?P<at>[\d-]+ [\d:,]+): INFO/\S+\] Task (?P<task>[\w.]+)\[[\w-]+\] received", re.M)


def _env() -> dict:
    db = settings.DATABASES["default"]
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "ORDERLY_WEBHOOKS_ALLOW_PRIVATE": "1",
        "ORDERLY_BEAT_INTERVAL_SCALE": str(SCALE),
    }


def _start(args: list[str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "orderly", *args, "--loglevel", "INFO"],
        cwd=ROOT,
        env=_env(),
        start_new_session=True,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


def _stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, 15)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)
        process.wait(timeout=10)


def _runs(logs: list[Path]) -> dict[str, list[datetime]]:
    """When each task was received, over every worker's log (a task waits for a free slot, so these
    times bunch up behind deliveries; the beat's log says when each was sent)."""
    runs: dict[str, list[datetime]] = {}
    for log in logs:
        for match in LOG_LINE.finditer(log.read_text()):
            at = datetime.strptime(match["at"], "%Y-%m-%d %H:%M:%S,%f")
            runs.setdefault(match["task"], []).append(at)
    return {task: sorted(times) for task, times in runs.items()}


def test_two_workers_one_beat_each_job_once_per_period_each_delivery_once(tenant, httpserver, tmp_path):
    # given a receiver counting deliveries by their id, and events recorded while no worker runs
    seen: list[str] = []
    lock = threading.Lock()

    def receive(request):
        with lock:
            seen.append(request.headers["webhook-id"])
        return Response("ok")

    httpserver.expect_request("/hook").respond_with_handler(receive)
    services.webhook_create(
        organization=tenant.organization, end_user=None, url=httpserver.url_for("/hook"), events=["order.created"]
    )
    from orderly.celery import app

    app.conf.task_always_eager = False
    app.control.purge()
    for n in range(DELIVERIES):
        event_record(organization=tenant.organization, event_type="order.created", data={"n": n})
    assert WebhookDelivery.objects.count() == DELIVERIES

    # when two workers and one scheduler run for a while
    worker_logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    workers = [
        _start(["worker", "-n", f"scale{n}@%h", "-c", "2", "--without-gossip", "--without-mingle"], log)
        for n, log in enumerate(worker_logs, start=1)
    ]
    beat = None
    try:
        beat = _start(["beat", "--schedule", str(tmp_path / "beat-schedule")], tmp_path / "beat.log")
        started = time.monotonic()
        wait_for(lambda: "beat: Starting" in (tmp_path / "beat.log").read_text(), timeout=60)
        wait_for(lambda: len(set(seen)) >= DELIVERIES, timeout=120, interval=0.2)
        time.sleep(max(0.0, WINDOW_SECONDS - (time.monotonic() - started)))
        _stop(beat)
        beat, stopped_at = None, datetime.now()
        time.sleep(2)  # the last tasks the beat sent are received
    finally:
        if beat is not None:
            _stop(beat)
        for worker in workers:
            _stop(worker)
        app.conf.task_always_eager = True

    # then every delivery arrived exactly once, and both workers took part
    assert len(seen) == DELIVERIES and len(set(seen)) == DELIVERIES
    assert WebhookDelivery.objects.exclude(status="delivered").count() == 0
    deliveries_per_worker = [
        log.read_text().count("webhooks.tasks.deliveries_attempt[") for log in worker_logs
    ]
    assert all(deliveries_per_worker), deliveries_per_worker
    # and the scheduler sent every periodic job once per period (as many times as periods fit, never
    # two at once), and the workers between them ran each job exactly as often as it was sent
    beat_log = (tmp_path / "beat.log").read_text()
    sent = {}
    for match in SENT_LINE.finditer(beat_log):
        sent.setdefault(match["entry"], []).append(datetime.strptime(match["at"], "%Y-%m-%d %H:%M:%S,%f"))
    beat_started = datetime.strptime(STARTED_LINE.search(beat_log)["at"], "%Y-%m-%d %H:%M:%S,%f")
    window = (stopped_at - beat_started).total_seconds()
    received = _runs(worker_logs)
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        interval = entry["schedule"] * SCALE / settings.ORDERLY_BEAT_INTERVAL_SCALE
        times = sent.get(name, [])
        periods = int(window / interval)
        assert periods - 2 <= len(times) <= periods + 1, (name, interval, window, len(times))
        gaps = [(b - a).total_seconds() for a, b in zip(times, times[1:], strict=False)]
        assert all(gap >= interval * 0.8 for gap in gaps), (name, interval, gaps)
        assert len(received.get(entry["task"], [])) == len(times), (name, len(times), received.get(entry["task"]))
