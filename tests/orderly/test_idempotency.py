"""`Idempotency-Key` on every POST (CONTRACT §3 rev. 2), as a client retrying over a flaky network sees it."""

import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient
from werkzeug import Response

from orderly.events.models import Event
from orderly.idempotency.models import IdempotencyRecord
from tests.concurrency import run_together
from tests.conftest import bearer
from webhooks.models import Webhook, WebhookDelivery

ROOT = Path(__file__).resolve().parents[2]
HOOKS = "/api/v1/webhooks"
postgres_only = pytest.mark.skipif(
    not settings.IS_POSTGRES, reason="real concurrent transactions need PostgreSQL"
)


def _create_hook(client, key, url, idempotency_key="create-hook-1", **body):
    return client.post(
        HOOKS,
        {"url": url, "events": ["order.created"], **body},
        format="json",
        HTTP_IDEMPOTENCY_KEY=idempotency_key,
        **bearer(key),
    )


@pytest.mark.django_db
def test_a_retry_gets_the_first_answer_and_changes_nothing(client, tenant, httpserver):
    key = tenant.api_key("embed:manage")

    first = _create_hook(client, key, httpserver.url_for("/h"))
    retry = _create_hook(client, key, httpserver.url_for("/h"))

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()  # the same webhook, with the secret shown at creation
    assert retry["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Webhook.objects.count() == 1
    assert Event.objects.filter(event_type="webhook.created").count() == 1


@pytest.mark.django_db
def test_the_same_body_spelled_differently_is_the_same_request(client, tenant, httpserver):
    key = tenant.api_key("embed:manage")
    url = httpserver.url_for("/h")
    first = client.post(
        HOOKS,
        json.dumps({"url": url, "events": ["order.created"]}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k",
        **bearer(key),
    )
    retry = client.post(
        HOOKS,
        json.dumps({"events": ["order.created"], "url": url}, indent=2),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k",
        **bearer(key),
    )
    assert retry["Idempotent-Replayed"] == "true"
    assert retry.json() == first.json()


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_422(client, tenant, httpserver):
    key = tenant.api_key("embed:manage")
    _create_hook(client, key, httpserver.url_for("/h"))

    response = _create_hook(client, key, httpserver.url_for("/other"))

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert Webhook.objects.count() == 1


@pytest.mark.django_db
def test_the_same_key_on_another_endpoint_is_422(client, tenant, httpserver):
    key = tenant.api_key()
    hook = _create_hook(client, key, httpserver.url_for("/h")).json()["data"]
    response = client.post(
        f"{HOOKS}/{hook['id']}/rotate-secret", HTTP_IDEMPOTENCY_KEY="create-hook-1", **bearer(key)
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"


@pytest.mark.django_db
def test_errors_are_kept_too(client, tenant, httpserver):
    key = tenant.api_key("embed:manage")
    first = _create_hook(client, key, "not a url")
    retry = _create_hook(client, key, "not a url")
    assert first.status_code == retry.status_code == 400
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"


@pytest.mark.django_db
def test_keys_are_scoped_to_the_organization_and_the_end_user(client, tenant, other_tenant, httpserver):
    url = httpserver.url_for("/h")
    # two organizations' keys
    assert _create_hook(client, tenant.api_key(), url).status_code == 201
    other = _create_hook(client, other_tenant.api_key(), url)
    assert other.status_code == 201 and "Idempotent-Replayed" not in other
    # two end users' sessions of one organization
    session_a, session_b = tenant.session(), tenant.session()
    for token in (session_a, session_b):
        response = client.post(
            "/api/v1/embed/webhooks",
            {"url": url, "events": ["order.created"]},
            format="json",
            HTTP_IDEMPOTENCY_KEY="create-hook-1",
            **bearer(token),
        )
        assert response.status_code == 201 and "Idempotent-Replayed" not in response
    assert Webhook.objects.count() == 4
    # another API key of the same organization shares its namespace
    again = _create_hook(client, tenant.api_key(), url)
    assert again["Idempotent-Replayed"] == "true"


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["", "with space", "x" * 256, "caf\u00e9"])
def test_a_malformed_key_is_400_and_nothing_runs(client, tenant, httpserver, bad):
    response = _create_hook(client, tenant.api_key(), httpserver.url_for("/h"), idempotency_key=bad)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["error"]["details"]
    assert not Webhook.objects.exists()


@pytest.mark.django_db
def test_a_key_of_255_visible_characters_is_accepted(client, tenant, httpserver):
    response = _create_hook(client, tenant.api_key(), httpserver.url_for("/h"), idempotency_key="~" * 255)
    assert response.status_code == 201


@pytest.mark.django_db
def test_after_24_hours_the_key_is_free_again(client, tenant, httpserver):
    key = tenant.api_key("embed:manage")
    _create_hook(client, key, httpserver.url_for("/h"))
    with time_machine.travel(timezone.now() + dt.timedelta(hours=24, seconds=1)):
        later = _create_hook(client, key, httpserver.url_for("/other"))
    assert later.status_code == 201 and "Idempotent-Replayed" not in later
    assert Webhook.objects.count() == 2


@pytest.mark.django_db
def test_unauthenticated_requests_keep_nothing(client):
    response = client.post(HOOKS, {}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 401
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.django_db
def test_the_kept_answer_is_encrypted_at_rest(client, tenant, httpserver):
    secret = _create_hook(client, tenant.api_key(), httpserver.url_for("/h")).json()["data"]["secret"]
    record = IdempotencyRecord.objects.get()
    assert record.status == "completed" and record.response_status == 201
    assert secret not in record.response_body_encrypted


@pytest.mark.django_db
def test_the_expired_records_are_purged(client, tenant, httpserver):
    from orderly.idempotency.tasks import idempotency_records_purge_expired

    _create_hook(client, tenant.api_key(), httpserver.url_for("/h"))
    assert idempotency_records_purge_expired() == 0
    with time_machine.travel(timezone.now() + dt.timedelta(hours=25)):
        assert idempotency_records_purge_expired() == 1
    assert not IdempotencyRecord.objects.exists()


# Races, restarts and 5xx: real transactions on PostgreSQL ----------------------------------


@pytest.fixture
def slow_receiver():
    """A loopback receiver that takes its time, so a second request arrives while the first runs."""
    from pytest_httpserver import HTTPServer

    server = HTTPServer(threaded=True)
    server.start()
    hits = []

    def slow(request):
        hits.append(request)
        time.sleep(1.0)
        return Response("ok")

    server.expect_request("/slow").respond_with_handler(slow)
    yield server, hits
    server.clear()
    server.stop()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_identical_creates_make_one_webhook(tenant, httpserver):
    key = tenant.api_key("embed:manage")
    url = httpserver.url_for("/h")

    def create():
        return _create_hook(APIClient(), key, url, idempotency_key="race-1")

    first, second = run_together(create, create)

    statuses = sorted(r.status_code for r in (first, second))
    assert statuses in ([201, 201], [201, 409]), statuses
    assert Webhook.objects.count() == 1
    winners = [r for r in (first, second) if r.status_code == 201 and "Idempotent-Replayed" not in r]
    assert len(winners) == 1
    for response in (first, second):
        if response.status_code == 409:
            assert response.json()["error"]["code"] == "idempotency_key_in_use"
        elif response is not winners[0]:
            assert response.json() == winners[0].json()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_request_arriving_while_the_first_runs_is_409_then_replayed(tenant, slow_receiver):
    server, hits = slow_receiver
    key = tenant.api_key("embed:manage")
    hook = _create_hook(APIClient(), key, server.url_for("/slow"), idempotency_key="create").json()["data"]
    path = f"{HOOKS}/{hook['id']}/test"

    def send_test():
        return APIClient().post(path, HTTP_IDEMPOTENCY_KEY="test-1", **bearer(key))

    def send_test_later():
        time.sleep(0.3)  # the first is waiting on the slow receiver by now
        return send_test()

    first, second = run_together(send_test, send_test_later)

    assert first.status_code == 200 and first.json() == {"success": True, "statusCode": 200}
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "idempotency_key_in_use"
    assert len(hits) == 1
    # once it has finished, the retry is the first answer, and nothing is sent again
    third = send_test()
    assert third.json() == first.json() and third["Idempotent-Replayed"] == "true"
    assert len(hits) == 1
    assert WebhookDelivery.objects.filter(event_type="webhook.test").count() == 1


def _database_url(settings_dict) -> str:
    user = settings_dict.get("USER") or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_replay_survives_a_restart(client, tenant, httpserver):
    # given an answer kept by this process
    key = tenant.api_key("embed:manage")
    first = _create_hook(client, key, httpserver.url_for("/h"))

    # when a fresh process (nothing in memory) gets the retry
    script = f"""
import json, django
django.setup()
from rest_framework.test import APIClient
response = APIClient().post(
    "{HOOKS}", {{"url": "{httpserver.url_for("/h")}", "events": ["order.created"]}}, format="json",
    HTTP_IDEMPOTENCY_KEY="create-hook-1", HTTP_AUTHORIZATION="Bearer {key}",
)
print(json.dumps({{"status": response.status_code, "replayed": response.get("Idempotent-Replayed"),
                  "body": response.json()}}))
"""
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(connection.settings_dict),
        "ORDERLY_ENCRYPTION_KEY": settings.ORDERLY_ENCRYPTION_KEY,
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "testserver",
        "DJANGO_SETTINGS_MODULE": "orderly.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )

    # then it is the kept answer, from the database
    assert result.returncode == 0, result.stderr
    retry = json.loads(result.stdout.strip().splitlines()[-1])
    assert retry == {"status": 201, "replayed": "true", "body": first.json()}
    assert Webhook.objects.count() == 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_5xx_is_not_kept_and_its_work_is_rolled_back(tenant, httpserver):
    # given a receiver that, the first time, kills the API's database connection mid-request
    # (as a PostgreSQL restart or a failover would), so the request ends in a 503
    key = tenant.api_key("embed:manage")
    client = APIClient()
    hook = _create_hook(client, key, httpserver.url_for("/h"), idempotency_key="create").json()["data"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        [api_backend] = cursor.fetchone()
    dsn = _database_url(connection.settings_dict).replace("postgres://", "postgresql://")
    calls = []

    def kill_then_ok(request):
        calls.append(request)
        if len(calls) == 1:
            with psycopg.connect(dsn, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", [api_backend])
        return Response("ok")

    httpserver.expect_request("/h").respond_with_handler(kill_then_ok)
    path = f"{HOOKS}/{hook['id']}/test"

    # when
    failed = client.post(path, HTTP_IDEMPOTENCY_KEY="test-1", **bearer(key))

    # then the 5xx is answered, nothing of its work is left, and the key is free
    assert failed.status_code == 503, failed.content
    assert failed.json()["error"]["code"] == "service_unavailable"
    assert not Event.objects.filter(event_type="webhook.test").exists()
    assert not IdempotencyRecord.objects.filter(key="test-1").exists()

    # and the retry runs for real
    retry = client.post(path, HTTP_IDEMPOTENCY_KEY="test-1", **bearer(key))
    assert retry.status_code == 200 and "Idempotent-Replayed" not in retry
    assert retry.json() == {"success": True, "statusCode": 200}
    assert len(calls) == 2
    assert Event.objects.filter(event_type="webhook.test").count() == 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_key_whose_request_died_is_taken_over_after_the_lease(tenant, httpserver, settings, monkeypatch):
    # given a key reserved by a request whose process died before answering
    settings.ORDERLY_IDEMPOTENCY_LEASE_SECONDS = 60
    key = tenant.api_key("embed:manage")
    url = httpserver.url_for("/h")
    stop = threading.Event()
    from orderly.idempotency import services

    def die(**kwargs):
        stop.set()
        raise SystemExit  # the worker is gone: no answer, no commit

    with monkeypatch.context() as patched:
        patched.setattr(services, "idempotency_complete", die)
        with pytest.raises(SystemExit):
            _create_hook(APIClient(), key, url, idempotency_key="dies")
    assert stop.is_set() and not Webhook.objects.exists()
    assert IdempotencyRecord.objects.get(key="dies").status == "running"

    # when a retry comes within the lease, it waits; after it, it runs
    assert _create_hook(APIClient(), key, url, idempotency_key="dies").status_code == 409
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=61)):
        retry = _create_hook(APIClient(), key, url, idempotency_key="dies")
    assert retry.status_code == 201 and "Idempotent-Replayed" not in retry
    assert Webhook.objects.count() == 1
