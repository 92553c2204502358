"""Bridge sync (CONTRACT §10) against a real loopback bridge service: paging, the high-water mark,
idempotent re-syncs, skipped orders, refused credentials, rate limits, one run at a time,
isolation, and the events (and webhooks) synced orders produce."""

import datetime as dt
import json
import time

import pytest
from django.db import connection
from django.utils import timezone

from bridges.models import Bridge, SyncRun
from bridges.sync import sync_run_execute, sync_run_request, sync_runs_due, sync_runs_requeue_stalled
from orderly.crypto import encrypt_json
from orderly.events.models import Event
from orders.models import Order, Shipment, TrackingCheckpoint
from tests.bridges.fake_service import FakeBridgeService, store_order
from tests.concurrency import run_together
from tests.conftest import bearer
from tests.factories import BridgeFactory
from webhooks.models import WebhookDelivery
from webhooks.services import webhook_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def service(httpserver, settings):
    settings.ORDERLY_BRIDGE_SERVICE_URL = httpserver.url_for("/") + "{type}"
    settings.ORDERLY_BRIDGE_SYNC_PAGE_SIZE = 2
    settings.ORDERLY_BRIDGE_SYNC_RETRY_DELAYS = [0.05]
    return FakeBridgeService(httpserver)


@pytest.fixture
def owner(tenant):
    return tenant.end_user()


@pytest.fixture
def bridge(owner):
    return BridgeFactory(
        end_user=owner,
        type="shipstation",
        config={},
        secret_config=encrypt_json({"apiKey": "ss_key", "apiSecret": "ss_secret"}),
    )


def sync(bridge, trigger="manual") -> SyncRun:
    """One run, start to end, as the worker runs it."""
    run, _created = sync_run_request(bridge=bridge, trigger=trigger)
    sync_run_execute(run_id=run.pk)
    run.refresh_from_db()
    return run


def events(topic: str):
    return Event.objects.filter(event_type=topic)


# Paging, high-water mark, idempotency --------------------------------------------------------------


def test_a_first_sync_pages_through_the_service(service, bridge, owner, django_capture_on_commit_callbacks):
    # given a store with 5 orders, served 2 a page
    service.orders = [store_order(n) for n in range(1, 6)]

    # when
    with django_capture_on_commit_callbacks(execute=True):
        run = sync(bridge)

    # then 3 pages were asked for: the first with no since and no cursor, then each nextCursor
    assert [(r["since"], r["cursor"], r["limit"]) for r in service.requests] == [
        (None, None, 2),
        (None, "2", 2),
        (None, "4", 2),
    ]
    assert service.requests[0]["config"] == {"apiKey": "ss_key", "apiSecret": "ss_secret"}
    assert (run.status, run.pages, run.orders_created, run.orders_updated, run.orders_skipped) == (
        "succeeded",
        3,
        5,
        0,
        0,
    )
    orders = Order.objects.filter(bridge=bridge).order_by("external_id")
    assert [o.external_id for o in orders] == [f"store-{n}" for n in range(1, 6)]
    assert {o.end_user_id for o in orders} == {owner.pk}
    assert all(o.version_tag for o in orders)  # processed like any ingest
    assert orders[0].customer_email == "c1@example.com" and orders[0].totals == {
        "subtotal": 12.5,
        "total": 12.5,
    }
    bridge.refresh_from_db()
    assert bridge.last_sync_at == run.finished_at
    assert events("order.created").count() == 5
    [completed] = events("bridge.sync_completed")
    assert completed.data["orders_created"] == 5 and completed.data["sync_run_id"] == str(run.pk)
    assert completed.end_user_id == owner.pk


def test_the_next_sync_asks_for_changes_since_the_high_water_mark(service, bridge):
    # given a first sync of 3 orders
    service.orders = [store_order(n) for n in range(1, 4)]
    sync(bridge)
    mark = service.orders[-1]["updatedAt"]
    service.requests.clear()

    # when one order changes in the store and the next sync runs
    service.orders[0] = store_order(1, status="processing", updatedAt="2026-03-02T09:00:00.000Z")
    run = sync(bridge, trigger="schedule")

    # then it sent the previous high-water mark as `since`, and only the changed order came
    assert service.requests[0]["since"] == mark and service.requests[0]["cursor"] is None
    assert (run.orders_created, run.orders_updated, run.orders_unchanged) == (0, 1, 1)
    assert Order.objects.get(external_id="store-1").status == "processing"
    assert run.high_water_mark.isoformat().startswith("2026-03-02T09:00:00")


def test_a_resync_creates_no_duplicates_and_no_events_for_unchanged_orders(
    service, bridge, django_capture_on_commit_callbacks
):
    # given 3 orders, one with a shipment and its tracking, synced once
    shipment = {
        "externalId": "shp-1",
        "trackingNumber": "1Z999",
        "carrier": "UPS",
        "status": "in_transit",
        "checkpoints": [
            {"status": "picked_up", "checkpointTime": "2026-03-01T13:00:00Z", "location": "Memphis"},
            {"status": "in_transit", "checkpointTime": "2026-03-01T18:00:00Z"},
        ],
    }
    service.orders = [store_order(1, shipments=[shipment]), store_order(2), store_order(3)]
    with django_capture_on_commit_callbacks(execute=True):
        sync(bridge)
    counts = {
        topic: events(topic).count() for topic in ("order.created", "shipment.created", "tracking.updated")
    }
    assert counts == {"order.created": 3, "shipment.created": 1, "tracking.updated": 2}

    # when the same data is synced again, from the start
    SyncRun.objects.update(high_water_mark=None)
    with django_capture_on_commit_callbacks(execute=True):
        run = sync(bridge)

    # then nothing was added: no order, shipment, checkpoint or event
    assert (run.orders_created, run.orders_updated, run.orders_unchanged) == (0, 0, 3)
    assert (
        Order.objects.count() == 3
        and Shipment.objects.count() == 1
        and TrackingCheckpoint.objects.count() == 2
    )
    assert {topic: events(topic).count() for topic in counts} == counts
    assert not events("order.updated").exists()
    shipment_row = Shipment.objects.get()
    assert (shipment_row.carrier, shipment_row.status, shipment_row.bridge_id) == (
        "ups",
        "in_transit",
        bridge.pk,
    )


def test_a_delivered_shipment_synced_later_fires_its_events(
    service, bridge, django_capture_on_commit_callbacks
):
    # given an order synced with a shipment in transit
    shipment = {"externalId": "shp-1", "trackingNumber": "1Z1", "carrier": "ups", "status": "in_transit"}
    service.orders = [store_order(1, shipments=[shipment])]
    with django_capture_on_commit_callbacks(execute=True):
        sync(bridge)

    # when the store reports it delivered, with the checkpoint
    service.orders = [
        store_order(
            1,
            updatedAt="2026-03-03T10:00:00.000Z",
            shipments=[
                {
                    **shipment,
                    "status": "delivered",
                    "checkpoints": [{"status": "delivered", "checkpointTime": "2026-03-03T09:30:00Z"}],
                }
            ],
        )
    ]
    with django_capture_on_commit_callbacks(execute=True):
        run = sync(bridge)

    # then
    assert run.orders_updated == 1
    assert events("shipment.delivered").count() == 1 and events("tracking.updated").count() == 1
    assert Shipment.objects.get().status == "delivered"


def test_an_invalid_order_is_skipped_counted_and_kept_on_the_run(service, bridge, httpserver):
    # given a page with a valid order, one without orderNumber, one with a bad status, and one
    # whose name holds a lone surrogate (PostgreSQL's jsonb would refuse it)
    bad_status = store_order(3, status="teleported")
    missing = store_order(2)
    del missing["orderNumber"]
    service.orders = [
        store_order(1),
        missing,
        bad_status,
        store_order(4, notes="\ud800 broken"),
        store_order(5),
    ]

    # when
    run = sync(bridge)

    # then the run succeeded with 2 orders and 3 skipped, each error kept
    assert (run.status, run.orders_created, run.orders_skipped) == ("succeeded", 2, 3)
    assert sorted(Order.objects.values_list("external_id", flat=True)) == ["store-1", "store-5"]
    by_id = {e["externalId"]: e for e in run.errors}
    assert by_id["store-2"]["errors"] == {"orderNumber": ["This field is required."]}
    assert "status" in by_id["store-3"]["errors"]
    assert "surrogate" in by_id["store-4"]["message"]
    assert run.error_message.startswith("3 order(s) skipped. store-2: orderNumber: This field is required.")


def test_two_stores_with_the_same_external_id_are_two_orders_and_neither_is_taken_over(
    service, bridge, tenant, client
):
    # given another end user's bridge already holds externalId store-1
    other = BridgeFactory(end_user=tenant.end_user(), type="shipstation")
    service.orders = [store_order(1)]
    sync(other)
    theirs = Order.objects.get()

    # when this bridge sends the same externalId (orders are keyed by bridge and externalId)
    run = sync(bridge)

    # then this bridge has an order of its own, and the other end user's is untouched
    assert (run.status, run.orders_created, run.orders_skipped) == ("succeeded", 1, 0)
    mine = Order.objects.exclude(pk=theirs.pk).get()
    assert (mine.external_id, mine.bridge_id, mine.end_user_id) == ("store-1", bridge.pk, bridge.end_user_id)
    theirs.refresh_from_db()
    assert theirs.bridge_id == other.pk and theirs.end_user_id == other.end_user_id

    # when the other bridge is deleted, its order stays, and a re-sync of this one updates its own
    client.delete(f"/api/v1/embed/bridges/{other.pk}", **bearer(tenant.session(end_user=other.end_user)))
    assert not Bridge.objects.filter(pk=other.pk).exists()
    service.orders = [store_order(1, notes="second pass")]
    run = sync(bridge)
    assert (run.orders_created, run.orders_updated) == (0, 1)
    assert Order.objects.count() == 2
    assert Order.objects.get(pk=mine.pk).notes == "second pass"
    assert Order.objects.get(pk=theirs.pk).bridge_id is None


def test_an_order_the_integrator_pushed_for_the_end_user_is_taken_over_by_its_bridge(
    service, bridge, owner, tenant, client
):
    # given the integrator pushed store-1 for this end user before the store was connected
    key = tenant.api_key("orders:write")
    pushed = client.post(
        "/api/v1/orders",
        {"endUserId": str(owner.pk), "externalId": "store-1", "orderNumber": "#1001"},
        format="json",
        **bearer(key),
    ).json()["data"]

    # when the bridge syncs the same externalId
    service.orders = [store_order(1)]
    run = sync(bridge)

    # then it is the same order, now the bridge's
    assert (run.orders_created, run.orders_updated) == (0, 1)
    order = Order.objects.get()
    assert str(order.pk) == pushed["id"] and order.bridge_id == bridge.pk


# Failures -----------------------------------------------------------------------------------------


def test_refused_credentials_fail_the_run_and_disconnect_the_bridge(service, bridge, client, tenant, owner):
    # given the service refuses the credentials
    service.failures = [(401, {"message": "Invalid API key"}, {})]

    # when
    run = sync(bridge)

    # then the run failed, the bridge is in error with the reason, and bridge.disconnected was recorded once
    assert run.status == "failed" and "401" in run.error_message and "Invalid API key" in run.error_message
    bridge.refresh_from_db()
    assert bridge.status == "error" and bridge.error_message == run.error_message
    [event] = events("bridge.disconnected")
    assert event.data["bridge_id"] == str(bridge.pk) and event.end_user_id == owner.pk
    assert bridge.last_sync_at is None

    # and the scheduler leaves it alone, even when it is due ...
    SyncRun.objects.update(created_at=timezone.now() - dt.timedelta(hours=1))
    assert sync_runs_due() == 0
    # ... until its config is updated
    response = client.patch(
        f"/api/v1/embed/bridges/{bridge.pk}",
        {"config": {"apiKey": "ss_new_key"}},
        format="json",
        **bearer(tenant.session(owner)),
    )
    assert response.status_code == 200 and response.json()["data"]["status"] == "active"
    assert sync_runs_due() == 1


def test_retry_after_is_honoured_then_the_page_is_fetched(service, bridge):
    # given the service is rate limiting for one second
    service.failures = [(429, {"message": "slow down"}, {"Retry-After": "1"})]
    service.orders = [store_order(1)]

    # when
    run = sync(bridge)

    # then it waited at least the second it was told, and the run succeeded
    assert len(service.requests) == 2
    assert service.request_times[1] - service.request_times[0] >= 1.0
    assert (run.status, run.orders_created) == ("succeeded", 1)


def test_an_unavailable_service_fails_the_run_after_bounded_retries_without_touching_the_bridge(
    service, bridge, settings
):
    # given a service answering 503 every time, and two retries allowed
    settings.ORDERLY_BRIDGE_SYNC_RETRIES = 2
    service.failures = [(503, {}, {})] * 10

    # when
    run = sync(bridge)

    # then 3 attempts, the run failed, the bridge is still active and nothing was recorded against it
    assert len(service.requests) == 3
    assert run.status == "failed" and "503" in run.error_message and "3 attempts" in run.error_message
    bridge.refresh_from_db()
    assert bridge.status == "active" and bridge.error_message is None
    assert not events("bridge.disconnected").exists()


def test_a_retry_after_beyond_the_limit_fails_without_waiting(service, bridge, settings):
    settings.ORDERLY_BRIDGE_SYNC_MAX_WAIT_SECONDS = 5
    service.failures = [(429, {}, {"Retry-After": "3600"})]
    started = time.monotonic()

    run = sync(bridge)

    assert time.monotonic() - started < 5
    assert run.status == "failed" and "3600" in run.error_message


def test_a_service_answer_that_is_not_a_page_fails_the_run(service, bridge):
    service.failures = [(200, {"items": []}, {})]
    run = sync(bridge)
    assert run.status == "failed" and "orders" in run.error_message


# One run at a time, resuming ---------------------------------------------------------------------


def test_two_manual_triggers_give_one_run(client, tenant, owner, bridge):
    # given
    token = tenant.session(owner)

    # when the end user asks twice (the first run has not started yet)
    first = client.post(f"/api/v1/embed/bridges/{bridge.pk}/sync", **bearer(token))
    second = client.post(f"/api/v1/embed/bridges/{bridge.pk}/sync", **bearer(token))

    # then both answers are the same queued run
    assert first.status_code == second.status_code == 202
    assert first.json()["data"]["id"] == second.json()["data"]["id"]
    assert first.json()["data"] == {
        "id": first.json()["data"]["id"],
        "bridge_id": str(bridge.pk),
        "trigger": "manual",
        "status": "queued",
        "orders_created": 0,
        "orders_updated": 0,
        "orders_skipped": 0,
        "error_message": None,
        "started_at": None,
        "finished_at": None,
        "created_at": first.json()["data"]["created_at"],
    }
    assert SyncRun.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a real race needs PostgreSQL")
def test_concurrent_triggers_race_to_one_run(bridge, monkeypatch):
    # given the winner's run stays queued (an eager task would end it at once, and a thread slower
    # than that, on a loaded machine, would rightly start a second run after it)
    monkeypatch.setattr("bridges.sync._enqueue", lambda run_id: None)

    # when 8 requests race
    results = run_together(*[lambda: sync_run_request(bridge=bridge, trigger="manual") for _ in range(8)])

    # then exactly one created a run, and every one answered with it
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(created for _run, created in results) == 1
    assert len({run.pk for run, _created in results}) == 1
    assert SyncRun.objects.count() == 1


def test_a_run_whose_worker_died_resumes_from_its_saved_cursor(service, bridge):
    # given a run that saved page 1 (cursor "2") and whose worker then vanished
    service.orders = [store_order(n) for n in range(1, 6)]
    run, _ = sync_run_request(bridge=bridge, trigger="schedule")
    SyncRun.objects.filter(pk=run.pk).update(
        status="running",
        cursor="2",
        pages=1,
        orders_created=2,
        lease_expires_at=timezone.now() - dt.timedelta(seconds=1),
    )

    # when the scheduler finds it and a worker claims it
    assert sync_runs_requeue_stalled() == 1  # eager here: the re-sent task ran the run to its end
    run.refresh_from_db()

    # then it went on from the cursor, not from the start
    assert [r["cursor"] for r in service.requests] == ["2", "4"]
    assert (run.status, run.pages, run.orders_created, run.claims) == ("succeeded", 3, 5, 1)


def test_a_run_with_a_live_lease_is_not_claimed_twice(bridge):
    run, _ = sync_run_request(bridge=bridge, trigger="manual")
    SyncRun.objects.filter(pk=run.pk).update(
        status="running", lease_expires_at=timezone.now() + dt.timedelta(minutes=1)
    )
    assert sync_run_execute(run_id=run.pk) == "skipped"
    assert sync_runs_requeue_stalled() == 0


def test_the_scheduler_starts_due_bridges_only(tenant, owner):
    # given: a bridge never synced, one synced just now, one synced long ago, one pending, one erroring
    never = BridgeFactory(end_user=owner)
    recent = BridgeFactory(end_user=owner)
    old = BridgeFactory(end_user=owner)
    BridgeFactory(end_user=owner, status=Bridge.Status.PENDING)
    BridgeFactory(end_user=owner, status=Bridge.Status.ERROR)
    for synced, age in ((recent, dt.timedelta(minutes=1)), (old, dt.timedelta(minutes=20))):
        finished = SyncRun.objects.create(
            organization=tenant.organization,
            bridge=synced,
            end_user=owner,
            trigger="schedule",
            status="succeeded",
        )
        SyncRun.objects.filter(pk=finished.pk).update(created_at=timezone.now() - age)

    # when
    started = sync_runs_due()

    # then
    assert started == 2
    queued = SyncRun.objects.filter(status="queued")
    assert {r.bridge_id for r in queued} == {never.pk, old.pk}
    assert {r.trigger for r in queued} == {"schedule"}


def test_creating_a_bridge_starts_its_first_sync(
    client, tenant, owner, service, django_capture_on_commit_callbacks
):
    # given
    service.orders = [store_order(1)]
    tenant.config.default_dispatcher_id = "6f1c3a1e-8f3b-4c1e-9d55-0c8f4f5b2a10"
    tenant.config.save()

    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/embed/bridges",
            {"type": "shipstation", "name": "Store", "config": {"apiKey": "k" * 10, "apiSecret": "s" * 10}},
            format="json",
            **bearer(tenant.session(owner)),
        )

    # then the bridge carries the config's dispatcher, and its connect sync already ran
    assert response.status_code == 201
    bridge = Bridge.objects.get(pk=response.json()["data"]["id"])
    assert str(bridge.dispatcher_id) == "6f1c3a1e-8f3b-4c1e-9d55-0c8f4f5b2a10"
    [run] = SyncRun.objects.filter(bridge=bridge)
    assert (run.trigger, run.status, run.orders_created) == ("connect", "succeeded", 1)


# The API: lists, permissions, isolation ----------------------------------------------------------


def test_runs_are_listed_newest_first_for_the_session_and_the_api_key(client, tenant, owner, bridge, service):
    # given two finished runs
    first = sync(bridge)
    second = sync(bridge)

    # when
    as_session = client.get(f"/api/v1/embed/bridges/{bridge.pk}/syncs", **bearer(tenant.session(owner)))
    as_key = client.get(f"/api/v1/bridges/{bridge.pk}/syncs", **bearer(tenant.api_key("orders:read")))

    # then
    for response in (as_session, as_key):
        assert response.status_code == 200
        assert [r["id"] for r in response.json()["data"]] == [str(second.pk), str(first.pk)]
        assert response.json()["pagination"]["total"] == 2


def test_runs_and_synced_orders_stay_with_their_end_user_and_tenant(
    client, tenant, other_tenant, owner, bridge, service
):
    # given a synced bridge of `owner`
    service.orders = [store_order(1)]
    sync(bridge)
    neighbour = tenant.session(tenant.end_user())
    foreign_key = other_tenant.api_key("orders:read")

    # then another end user of the same organization sees neither runs nor orders
    assert client.get(f"/api/v1/embed/bridges/{bridge.pk}/syncs", **bearer(neighbour)).status_code == 404
    assert client.post(f"/api/v1/embed/bridges/{bridge.pk}/sync", **bearer(neighbour)).status_code == 404
    assert client.get("/api/v1/embed/orders", **bearer(neighbour)).json()["data"] == []
    # another organization's key neither
    assert client.get(f"/api/v1/bridges/{bridge.pk}/syncs", **bearer(foreign_key)).status_code == 404
    assert client.get("/api/v1/orders", **bearer(foreign_key)).json()["data"] == []
    # and the owner sees the order, with its bridge
    [order] = client.get("/api/v1/embed/orders", **bearer(tenant.session(owner))).json()["data"]
    assert order["external_id"] == "store-1" and order["bridge_id"] == str(bridge.pk)
    assert SyncRun.objects.count() == 1


def test_sync_needs_a_connected_bridge_and_the_write_scope(client, tenant, owner):
    pending = BridgeFactory(end_user=owner, status=Bridge.Status.PENDING)
    active = BridgeFactory(end_user=owner)
    write = tenant.session(owner)
    read_only = tenant.session(owner, "bridges:read")

    refused = client.post(f"/api/v1/embed/bridges/{pending.pk}/sync", **bearer(write))
    unscoped = client.post(f"/api/v1/embed/bridges/{active.pk}/sync", **bearer(read_only))
    key = client.get(f"/api/v1/bridges/{active.pk}/syncs", **bearer(tenant.api_key("orders:write")))

    assert refused.status_code == 409 and refused.json()["error"]["code"] == "invalid_state"
    assert unscoped.status_code == 403 and unscoped.json()["error"]["code"] == "insufficient_scope"
    assert key.status_code == 403
    assert not SyncRun.objects.exists()


def test_synced_orders_reach_the_end_users_webhooks(
    service, bridge, owner, tenant, httpserver, django_capture_on_commit_callbacks
):
    # given an end-user webhook on order.created, on the same loopback server
    received = []

    def receive(request):
        from werkzeug import Response

        received.append(json.loads(request.get_data()))
        return Response("ok")

    httpserver.expect_request("/hook", method="POST").respond_with_handler(receive)
    webhook_create(
        organization=tenant.organization,
        end_user=owner,
        url=httpserver.url_for("/hook"),
        events=["order.created", "bridge.sync_completed"],
    )
    service.orders = [store_order(1), store_order(2)]

    # when
    with django_capture_on_commit_callbacks(execute=True):
        sync(bridge)

    # then the webhook received both orders and the sync's completion
    topics = sorted((body["topic"], body["data"].get("external_id")) for body in received)
    assert topics == [
        ("bridge.sync_completed", None),
        ("order.created", "store-1"),
        ("order.created", "store-2"),
    ]
    assert WebhookDelivery.objects.filter(status="delivered").count() == 3
