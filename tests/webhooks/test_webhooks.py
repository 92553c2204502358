"""Webhooks end to end against a real loopback receiver: subscribe, sign, retry, disable, replay."""

import datetime as dt
import hashlib
import hmac
import json

import pytest
import time_machine
from django.utils import timezone
from standardwebhooks.webhooks import Webhook as StandardWebhook
from werkzeug import Response

from orderly.events.catalog import topic_get
from orderly.events.services import event_record
from tests.conftest import bearer, wait_for
from webhooks import services
from webhooks.models import Webhook, WebhookAttempt, WebhookDelivery

pytestmark = pytest.mark.django_db

HOOKS = "/api/v1/embed/webhooks"
SECRET = "whsec_a1b2c3d4e5f6g7h8"


@pytest.fixture
def owner(tenant):
    end_user = tenant.end_user()
    return {"end_user": end_user, "token": tenant.session(end_user, "webhooks:read", "webhooks:write")}


def _create(client, owner, url, **body):
    payload = {"url": url, "events": ["order.created", "shipment.shipped"], **body}
    return client.post(HOOKS, payload, format="json", **bearer(owner["token"]))


def _emit(tenant, end_user, event_type="order.created", data=None, capture=None):
    # A payload of the topic's real shape (the catalogue's example): every delivery is checked against it.
    return event_record(
        organization=tenant.organization,
        event_type=event_type,
        end_user=end_user,
        data=data or topic_get(event_type).example,
    )


def test_create_returns_the_secret_once_and_lists_without_it(client, owner, httpserver):
    response = _create(client, owner, httpserver.url_for("/hook"), description="Production webhook")

    assert response.status_code == 201
    data = response.json()["data"]
    assert data["secret"].startswith("whsec_") and len(data["secret"]) > 30
    assert data["events"] == ["order.created", "shipment.shipped"]
    listed = client.get(HOOKS, **bearer(owner["token"])).json()["data"]
    assert "secret" not in listed[0]
    assert listed[0]["consecutive_failures"] == 0
    assert data["secret"] not in Webhook.objects.get().secret_encrypted  # encrypted at rest


@pytest.mark.parametrize(
    "body, field",
    [
        ({"secret": "short"}, "secret"),
        ({"secret": "x" * 129}, "secret"),
        ({"description": "d" * 201}, "description"),
        ({"events": []}, "events"),
        ({"events": ["order.teleported"]}, "events"),
        ({"url": "not a url"}, "url"),
    ],
)
def test_validation(client, owner, httpserver, body, field):
    response = _create(client, owner, body.pop("url", httpserver.url_for("/hook")), **body)
    assert response.status_code == 400
    assert field in {path.split(".")[0] for path in response.json()["error"]["details"]}  # events.0


def test_at_most_five_per_end_user(client, owner, httpserver):
    for _ in range(5):
        assert _create(client, owner, httpserver.url_for("/hook")).status_code == 201
    response = _create(client, owner, httpserver.url_for("/hook"))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "limit_exceeded"


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/x",
        "https://localhost/x",
        "https://10.0.0.5/x",
        "https://192.168.1.1/x",
        "https://[::1]/x",
        "https://[::ffff:127.0.0.1]/x",
        "https://2130706433/x",
        "https://0x7f000001/x",
        "https://0177.0.0.1/x",
        "http://93.184.216.34/x",
    ],
)
def test_ssrf_guard_refuses_internal_targets_in_production(client, owner, settings, url):
    settings.ORDERLY_WEBHOOKS_ALLOW_PRIVATE = False
    response = _create(client, owner, url)
    assert response.status_code == 400
    assert "url" in response.json()["error"]["details"]


@pytest.mark.parametrize("url", ["http://169.254.169.254/latest/meta-data", "http://[fe80::1]/x"])
def test_link_local_is_refused_even_when_private_is_allowed(client, owner, url):
    assert _create(client, owner, url).status_code == 400


def test_event_is_delivered_signed_both_ways(
    client, tenant, owner, httpserver, django_capture_on_commit_callbacks
):
    # given
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    _create(client, owner, httpserver.url_for("/hook"), secret=SECRET)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        event = _emit(tenant, owner["end_user"])

    # then
    [(request, _response)] = httpserver.log
    raw = request.get_data()
    body = json.loads(raw)
    assert body == {
        "id": str(event.id),
        "topic": "order.created",
        "createdAt": body["createdAt"],
        "data": topic_get("order.created").example,
    }
    headers = request.headers
    assert headers["X-Orderly-Event"] == "order.created"
    assert headers["User-Agent"].startswith("Orderly-Webhooks/")
    # X-Orderly-Signature, verified by hand
    parts = dict(p.split("=", 1) for p in headers["X-Orderly-Signature"].split(","))
    expected = hmac.new(SECRET.encode(), f"{parts['t']}.".encode() + raw, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(parts["v1"], expected)
    # Standard Webhooks, verified by the independent library constructed with the secret as given
    StandardWebhook(SECRET).verify(
        raw, {k: headers[k] for k in ("webhook-id", "webhook-timestamp", "webhook-signature")}
    )
    delivery = WebhookDelivery.objects.get()
    assert headers["webhook-id"] == headers["X-Orderly-Delivery"] == str(delivery.pk)
    assert delivery.status == "delivered" and delivery.response_status == 200


def test_unsubscribed_topics_and_other_end_users_get_nothing(
    client, tenant, owner, httpserver, django_capture_on_commit_callbacks
):
    _create(client, owner, httpserver.url_for("/hook"))
    with django_capture_on_commit_callbacks(execute=True):
        _emit(tenant, owner["end_user"], event_type="tracking.updated")
        _emit(tenant, tenant.end_user())
    assert httpserver.log == []
    assert not WebhookDelivery.objects.exists()


def test_organization_webhook_receives_every_end_users_events(
    client, tenant, httpserver, django_capture_on_commit_callbacks
):
    httpserver.expect_request("/org").respond_with_data("ok")
    key = tenant.api_key("embed:manage")
    created = client.post(
        "/api/v1/webhooks",
        {"url": httpserver.url_for("/org"), "events": ["order.created"]},
        format="json",
        **bearer(key),
    )
    assert created.status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        _emit(tenant, tenant.end_user())
        _emit(tenant, tenant.end_user())
    assert len(httpserver.log) == 2
    assert client.get("/api/v1/webhooks", **bearer(key)).json()["data"][0]["url"] == httpserver.url_for(
        "/org"
    )


def test_failure_is_retried_on_schedule_then_succeeds(
    client, tenant, owner, httpserver, settings, django_capture_on_commit_callbacks
):
    settings.ORDERLY_WEBHOOK_JITTER = 0
    httpserver.expect_ordered_request("/hook").respond_with_data("boom", status=500)
    httpserver.expect_ordered_request("/hook").respond_with_data("ok")
    _create(client, owner, httpserver.url_for("/hook"))

    with django_capture_on_commit_callbacks(execute=True):
        _emit(tenant, owner["end_user"])
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.attempts == 1
    assert 4.5 <= (delivery.next_attempt_at - timezone.now()).total_seconds() <= 5.5
    assert Webhook.objects.get().consecutive_failures == 1

    # nothing is due yet; after 5 s the beat task sends it again
    assert services.deliveries_dispatch_due() == 0
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=6)):
        assert services.deliveries_dispatch_due() == 1
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempts == 2
    assert Webhook.objects.get().consecutive_failures == 0
    assert list(WebhookAttempt.objects.order_by("number").values_list("response_status", flat=True)) == [
        500,
        200,
    ]
    assert WebhookAttempt.objects.get(number=1).response_excerpt == "boom"


def test_endpoint_disabled_after_failing_long_enough(
    client, tenant, owner, httpserver, settings, django_capture_on_commit_callbacks
):
    settings.ORDERLY_WEBHOOK_DISABLE_AFTER_FAILURES = 3
    settings.ORDERLY_WEBHOOK_DISABLE_AFTER_SECONDS = 0
    httpserver.expect_request("/hook").respond_with_data("no", status=503)
    webhook_id = _create(client, owner, httpserver.url_for("/hook")).json()["data"]["id"]
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            _emit(tenant, owner["end_user"])
    webhook = Webhook.objects.get()
    assert webhook.is_active is False
    assert "3 attempts" in webhook.disabled_reason

    # a disabled endpoint receives nothing new
    with django_capture_on_commit_callbacks(execute=True):
        _emit(tenant, owner["end_user"])
    assert WebhookDelivery.objects.count() == 3

    # re-enabling resets the counter
    response = client.patch(
        f"{HOOKS}/{webhook_id}", {"isActive": True}, format="json", **bearer(owner["token"])
    )
    assert response.json()["data"]["consecutive_failures"] == 0
    assert response.json()["data"]["disabled_reason"] is None


def test_gone_disables_at_once(client, tenant, owner, httpserver, django_capture_on_commit_callbacks):
    httpserver.expect_request("/hook").respond_with_data("", status=410)
    _create(client, owner, httpserver.url_for("/hook"))
    with django_capture_on_commit_callbacks(execute=True):
        _emit(tenant, owner["end_user"])
    assert Webhook.objects.get().is_active is False
    assert WebhookDelivery.objects.get().status == "failed"


def test_test_endpoint_and_delivery_log(client, owner, httpserver):
    httpserver.expect_request("/hook").respond_with_data("ok")
    webhook_id = _create(client, owner, httpserver.url_for("/hook")).json()["data"]["id"]

    response = client.post(f"{HOOKS}/{webhook_id}/test", **bearer(owner["token"]))

    assert response.status_code == 200
    assert response.json() == {"success": True, "statusCode": 200}
    assert json.loads(httpserver.log[0][0].get_data())["topic"] == "webhook.test"
    [delivery] = client.get(f"{HOOKS}/{webhook_id}/deliveries", **bearer(owner["token"])).json()["data"]
    assert (
        delivery["event_type"] == "webhook.test" and delivery["success"] is True and delivery["error"] is None
    )
    [attempt] = delivery["attempt_log"]
    assert (attempt["number"], attempt["response_status"], attempt["response_excerpt"]) == (1, 200, "ok")


def test_test_endpoint_reports_a_refused_connection(client, owner):
    webhook_id = _create(client, owner, "http://127.0.0.1:9/hook").json()["data"]["id"]
    response = client.post(f"{HOOKS}/{webhook_id}/test", **bearer(owner["token"]))
    assert response.json() == {"success": False, "statusCode": None}
    [delivery] = client.get(f"{HOOKS}/{webhook_id}/deliveries", **bearer(owner["token"])).json()["data"]
    assert "Connection" in delivery["error"]


def test_retry_and_recover_replay_failed_deliveries(
    client, tenant, owner, httpserver, settings, django_capture_on_commit_callbacks
):
    settings.ORDERLY_WEBHOOK_RETRY_SCHEDULE = []  # one attempt only, so failures are final
    httpserver.expect_ordered_request("/hook").respond_with_data("", status=500)
    httpserver.expect_ordered_request("/hook").respond_with_data("", status=500)
    httpserver.expect_ordered_request("/hook").respond_with_data("ok")
    httpserver.expect_ordered_request("/hook").respond_with_data("ok")
    webhook_id = _create(client, owner, httpserver.url_for("/hook")).json()["data"]["id"]
    with django_capture_on_commit_callbacks(execute=True):
        _emit(tenant, owner["end_user"])
        _emit(tenant, owner["end_user"])
    first, second = WebhookDelivery.objects.order_by("created_at")
    assert first.status == second.status == "failed"

    retried = client.post(f"{HOOKS}/{webhook_id}/deliveries/{first.pk}/retry", **bearer(owner["token"]))
    assert retried.json()["data"]["status"] == "delivered"

    with django_capture_on_commit_callbacks(execute=True):
        recovered = client.post(
            f"{HOOKS}/{webhook_id}/recover",
            {"since": "2000-01-01T00:00:00Z"},
            format="json",
            **bearer(owner["token"]),
        )
    assert recovered.json()["data"] == {"queued": 1}
    second.refresh_from_db()
    assert second.status == "delivered"
    ids = [r.headers["X-Orderly-Delivery"] for r, _ in httpserver.log]
    assert ids == [str(first.pk), str(second.pk), str(first.pk), str(second.pk)]  # stable ids across replays


def test_rotation_signs_with_both_secrets_for_a_while(
    client, tenant, owner, httpserver, django_capture_on_commit_callbacks
):
    httpserver.expect_request("/hook").respond_with_data("ok")
    webhook_id = _create(client, owner, httpserver.url_for("/hook"), secret=SECRET).json()["data"]["id"]
    new_secret = client.post(f"{HOOKS}/{webhook_id}/rotate-secret", **bearer(owner["token"])).json()["data"][
        "secret"
    ]
    assert new_secret.startswith("whsec_") and new_secret != SECRET

    with django_capture_on_commit_callbacks(execute=True):
        _emit(tenant, owner["end_user"])
    request = httpserver.log[-1][0]
    headers = {k: request.headers[k] for k in ("webhook-id", "webhook-timestamp", "webhook-signature")}
    for secret in (SECRET, new_secret):
        StandardWebhook(secret).verify(request.get_data(), headers)
    assert request.headers["X-Orderly-Signature"].count("v1=") == 2


def test_stale_sending_delivery_is_dispatched_again(
    client, tenant, owner, httpserver, django_capture_on_commit_callbacks
):
    # given a delivery whose worker died mid-send (claimed, lease expired, never finished)
    httpserver.expect_request("/hook").respond_with_data("ok")
    _create(client, owner, httpserver.url_for("/hook"))
    with django_capture_on_commit_callbacks(execute=False):
        _emit(tenant, owner["end_user"])
    WebhookDelivery.objects.update(
        status="sending", attempts=1, locked_until=timezone.now() - dt.timedelta(seconds=1)
    )

    # when the beat task runs
    assert services.deliveries_dispatch_due() == 1

    # then it is sent, once
    assert WebhookDelivery.objects.get().status == "delivered"
    assert len(httpserver.log) == 1


def test_isolation(client, tenant, owner, httpserver, other_tenant):
    webhook_id = _create(client, owner, httpserver.url_for("/hook")).json()["data"]["id"]
    stranger = tenant.session(tenant.end_user(), "webhooks:read", "webhooks:write")
    for method, suffix in (
        ("get", ""),
        ("patch", ""),
        ("delete", ""),
        ("post", "/test"),
        ("get", "/deliveries"),
    ):
        assert getattr(client, method)(f"{HOOKS}/{webhook_id}{suffix}", **bearer(stranger)).status_code == 404
    assert client.get(f"/api/v1/webhooks/{webhook_id}", **bearer(other_tenant.api_key())).status_code == 404
    assert client.get(f"/api/v1/webhooks/{webhook_id}", **bearer(tenant.api_key())).status_code == 404


@pytest.mark.celery_worker
def test_real_worker_delivers(celery_worker, tenant, httpserver):
    httpserver.expect_request("/hook").respond_with_handler(lambda request: Response("ok"))
    end_user = tenant.end_user()
    services.webhook_create(
        organization=tenant.organization,
        end_user=end_user,
        url=httpserver.url_for("/hook"),
        events=["order.created"],
    )
    _emit(tenant, end_user)
    wait_for(lambda: WebhookDelivery.objects.filter(status="delivered").exists(), timeout=20)
    assert len(httpserver.log) == 1


@pytest.fixture
def threaded_httpserver():
    from pytest_httpserver import HTTPServer

    server = HTTPServer(threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


def test_one_batch_records_each_outcome_and_sends_in_parallel(tenant, threaded_httpserver, settings):
    """A worker task's batch: each delivery gets its own outcome, endpoints their own streaks,
    and slow endpoints are waited for together, not one after another."""
    import threading

    httpserver = threaded_httpserver
    import time

    from webhooks.delivery import deliveries_send

    # given four endpoints of one organization: fine, failing, gone, and one already disabled
    settings.ORDERLY_WEBHOOK_SEND_CONCURRENCY = 4
    in_flight, peak, lock = [0], [0], threading.Lock()

    def slow_ok(request):
        with lock:
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
        time.sleep(0.3)
        with lock:
            in_flight[0] -= 1
        return Response("ok")

    httpserver.expect_request("/ok").respond_with_handler(slow_ok)
    httpserver.expect_request("/fail").respond_with_handler(lambda r: Response("no", status=500))
    httpserver.expect_request("/gone").respond_with_handler(lambda r: Response("gone", status=410))
    hooks = {}
    for name in ("ok", "ok2", "fail", "gone", "off"):
        path = "/ok" if name.startswith("ok") else f"/{name}"
        hooks[name], _secret = services.webhook_create(
            organization=tenant.organization,
            end_user=None,
            url=httpserver.url_for(path),
            events=["order.created"],
        )
    original_enqueue = services._enqueue
    services._enqueue = lambda ids: None  # keep the deliveries for one explicit batch
    try:
        _emit(tenant, None)
    finally:
        services._enqueue = original_enqueue
    Webhook.objects.filter(pk=hooks["off"].pk).update(is_active=False)  # disabled since the event
    ids = list(WebhookDelivery.objects.values_list("pk", flat=True))

    # when one task sends the batch
    started = time.monotonic()
    attempted = deliveries_send(ids)
    elapsed = time.monotonic() - started

    # then
    status = {d.webhook_id: d for d in WebhookDelivery.objects.all()}
    assert attempted == 5
    assert status[hooks["ok"].pk].status == status[hooks["ok2"].pk].status == "delivered"
    assert status[hooks["fail"].pk].status == "pending" and status[hooks["fail"].pk].next_attempt_at
    assert status[hooks["gone"].pk].status == "failed"
    assert status[hooks["off"].pk].status == "failed" and status[hooks["off"].pk].error == "Endpoint disabled"
    assert WebhookAttempt.objects.count() == 4  # the disabled endpoint was not called
    assert Webhook.objects.get(pk=hooks["fail"].pk).consecutive_failures == 1
    gone = Webhook.objects.get(pk=hooks["gone"].pk)
    assert not gone.is_active and "410" in gone.disabled_reason
    assert Webhook.objects.get(pk=hooks["ok"].pk).last_success_at is not None
    assert peak[0] == 2 and elapsed < 0.55  # the two slow endpoints were called at once
    # and a second run of the same message sends nothing again
    assert deliveries_send(ids) == 0


def test_is_active_true_resets_the_failure_counter_of_an_active_endpoint(client, owner):
    # given an active endpoint that has failed twice (not yet disabled)
    webhook_id = _create(client, owner, "http://127.0.0.1:9/hook").json()["data"]["id"]
    Webhook.objects.filter(pk=webhook_id).update(consecutive_failures=2, failing_since=timezone.now())
    # when the client sends isActive: true (seed: "Re-enabling a webhook resets the failure counter")
    response = client.patch(
        f"{HOOKS}/{webhook_id}", {"isActive": True}, format="json", **bearer(owner["token"])
    )
    # then the counter is back at zero
    assert response.status_code == 200
    assert response.json()["data"]["consecutive_failures"] == 0
    assert Webhook.objects.get(pk=webhook_id).failing_since is None
