"""Throttles cannot be sidestepped (issue 13, item 6).

- The auto-session throttle counts the key as the serializer reads it: padding it with spaces
  used to open a fresh bucket per request.
- Without Redis every process shares one count: the cache is the database (orderly/cache.py),
  whose incr() is atomic across processes. Checked with real threads on PostgreSQL, and with two
  gunicorn workers on the embedded default (SQLite, no REDIS_URL).
"""

import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from rest_framework.test import APIClient

from tests.concurrency import run_together

ROOT = Path(__file__).resolve().parents[2]


def _rates(**rates) -> dict:
    return {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **rates},
    }


@pytest.mark.django_db
def test_padding_the_publishable_key_does_not_open_a_new_bucket(client, tenant, settings):
    # given a limit of 3 auto-sessions a minute per key and client
    settings.REST_FRAMEWORK = _rates(auto_session="3/min")
    key = tenant.config.publishable_key

    # when the same key is sent padded differently each time
    statuses = [
        client.post(
            "/api/v1/embed/sessions/auto", {"key": padded, "externalId": "u-1"}, format="json"
        ).status_code
        for padded in (key, f" {key}", f"{key}  ", f"\t{key}\n", f"   {key}")
    ]

    # then the padding is the same key: the fourth is refused
    assert statuses == [200, 200, 200, 429, 429]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not settings.IS_POSTGRES, reason="concurrent writers need PostgreSQL")
def test_the_database_cache_counts_exactly_under_concurrency():
    # given the cache the embedded default uses (the database), and a limit of 10 a day
    database_cache = {"default": {"BACKEND": "orderly.cache.DatabaseCache", "LOCATION": "orderly_cache"}}
    with override_settings(CACHES=database_cache, REST_FRAMEWORK=_rates(public="10/day")):
        call_command("createcachetable", verbosity=0)

        # when 30 clients from one IP call a public endpoint at the same instant
        def call():
            return APIClient().get("/api/v1/embed/config", {"slug": "nope"}).status_code

        statuses = run_together(*(call for _ in range(30)))

    # then exactly 10 got through to the view, and 20 were throttled
    assert sorted(statuses) == [404] * 10 + [429] * 20


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_two_gunicorn_workers_without_redis_share_one_limit(tmp_path):
    # given the embedded default — SQLite, no REDIS_URL — migrated in a fresh directory, and two
    # gunicorn workers, with a public limit of 30 a day (no window boundary mid-test)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        ORDERLY_VAR_DIR=str(tmp_path),
        ORDERLY_THROTTLE_PUBLIC="30/day",
        DJANGO_SETTINGS_MODULE="orderly.settings",
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "orderly.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--preload",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/api/v1/embed/config?slug=nope"
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
                break
            except requests.RequestException:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)

        # when 100 requests arrive, 10 at a time, spread over both workers
        with ThreadPoolExecutor(max_workers=10) as pool:
            statuses = list(pool.map(lambda _: requests.get(url, timeout=60).status_code, range(100)))
    finally:
        server.terminate()
        server.wait(timeout=10)

    # then 30 in all got through, not 30 per worker
    assert statuses.count(404) == 30, statuses
    assert statuses.count(429) == 70
