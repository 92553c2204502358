"""A bridge sync survives its worker: a real Celery worker (with the scheduler) is SIGKILLed in the
middle of a run; a new worker resumes the run from its last saved page, and the run finishes with
every order exactly once.

PostgreSQL and REDIS_URL only (CI has both), like test_worker_killed.py.
"""

import json
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
from django.db.models import Count
from werkzeug import Response

from bridges.models import SyncRun
from bridges.sync import sync_run_request
from orderly.crypto import encrypt_json
from orders.models import Order, OrderIngest
from tests.bridges.fake_service import store_order
from tests.factories import BridgeFactory

ROOT = Path(__file__).resolve().parents[2]
ORDERS, PAGE = 60, 5

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"),
        reason="needs PostgreSQL and Redis",
    ),
]


def _start_worker(service_url: str):
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "ORDERLY_WEBHOOKS_ALLOW_PRIVATE": "1",
        "ORDERLY_BRIDGE_SERVICE_URL": service_url,
        "ORDERLY_BRIDGE_SYNC_PAGE_SIZE": str(PAGE),
        "ORDERLY_BRIDGE_SYNC_LEASE_SECONDS": "3",
        "ORDERLY_BRIDGE_SYNC_SWEEP_SECONDS": "1",
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
            str(ROOT / "var" / "sync-reliability-beat"),
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_a_sync_resumes_after_its_worker_is_killed(tenant, httpserver):
    # given a store of 60 orders served 5 a page, slowly enough that the kill lands mid-run
    orders = [store_order(n) for n in range(1, ORDERS + 1)]
    answered: list[str | None] = []
    lock = threading.Lock()

    def page(request):
        body = json.loads(request.get_data())
        time.sleep(0.3)
        start = int(body["cursor"] or 0)
        following = start + body["limit"]
        with lock:
            answered.append(body["cursor"])
        return Response(
            json.dumps(
                {
                    "orders": orders[start:following],
                    "nextCursor": str(following) if following < ORDERS else None,
                }
            ),
            content_type="application/json",
        )

    httpserver.expect_request("/shipstation/orders", method="POST").respond_with_handler(page)
    service_url = httpserver.url_for("/") + "{type}"
    bridge = BridgeFactory(
        end_user=tenant.end_user(),
        type="shipstation",
        secret_config=encrypt_json({"apiKey": "k", "apiSecret": "s"}),
    )
    from orderly.celery import app

    app.conf.task_always_eager = False
    run, _created = sync_run_request(bridge=bridge, trigger="manual")  # sent to the broker on commit

    # when a worker starts, is SIGKILLed after a few saved pages, and another one starts
    worker = _start_worker(service_url)
    try:
        deadline = time.monotonic() + 90
        while SyncRun.objects.get(pk=run.pk).pages < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        killed = SyncRun.objects.get(pk=run.pk)
        assert killed.status == "running" and 0 < killed.pages < ORDERS // PAGE, "the kill must land mid-run"
        worker = _start_worker(service_url)
        deadline = time.monotonic() + 120
        while SyncRun.objects.get(pk=run.pk).status == "running" and time.monotonic() < deadline:
            time.sleep(0.5)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
        app.conf.task_always_eager = True

    # then the run finished, resumed from where it had saved (no page before it asked again from the start)
    run.refresh_from_db()
    assert run.status == "succeeded", run.error_message
    assert run.claims == 2
    assert answered.count(None) == 1, "the second worker must resume from the saved cursor"
    # and every order is there exactly once, created once
    assert Order.objects.filter(bridge=bridge).count() == ORDERS
    assert run.orders_created == ORDERS and run.orders_skipped == 0
    created = OrderIngest.objects.filter(kind="created").values("order").annotate(n=Count("id"))
    assert len(created) == ORDERS and {row["n"] for row in created} == {1}
