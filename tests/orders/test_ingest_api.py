"""Ingest API (API key): orders upsert/patch/list, shipments, checkpoints, async processing."""

import datetime as dt

import pytest

from orderly.events.models import Event
from orders.models import Order, OrderActivity, OrderIngest, Shipment, TrackingCheckpoint
from orders.tasks import order_ingests_sweep
from tests.conftest import bearer
from tests.factories import BridgeFactory, OrderFactory, ShipmentFactory

pytestmark = pytest.mark.django_db

ORDERS = "/api/v1/orders"
SHIPMENTS = "/api/v1/shipments"


def order_body(end_user, **overrides):
    body = {
        "endUserId": str(end_user.pk),
        "orderNumber": "1001",
        "externalId": "ext_1001",
        "poNumber": "PO-77",
        "status": "pending",
        "fulfillmentStatus": "unfulfilled",
        "paymentStatus": "paid",
        "customer": {"name": "Jane Doe", "email": "jane@example.com", "phone": "+15550100"},
        "lineItems": [{"title": "Widget", "sku": "W-1", "quantity": 2, "price": 22.5}],
        "shippingAddress": {"address1": "123 Main St", "city": "Anytown", "state": "CA", "zip": "90210"},
        "totals": {"subtotal": 45.0, "tax": 4.99, "total": 49.99},
        "currency": "usd",
        "tags": ["vip"],
        "notes": "Leave at door",
        "orderedAt": "2026-01-15T10:30:00Z",
    }
    body.update(overrides)
    return body


def test_create_order_is_accepted_then_processed(client, tenant, django_capture_on_commit_callbacks):
    # given
    end_user = tenant.end_user()
    key = tenant.api_key("orders:write")

    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(ORDERS, order_body(end_user), format="json", **bearer(key))

    # then: accepted with no version tag yet, processed after commit
    assert response.status_code == 202
    data = response.json()["data"]
    assert data["version_tag"] is None
    assert data["order_number"] == "1001"
    assert data["customer"] == {"name": "Jane Doe", "email": "jane@example.com", "phone": "+15550100"}
    assert data["currency"] == "USD"
    assert data["end_user_id"] == str(end_user.pk)
    assert data["ordered_at"] == "2026-01-15T10:30:00.000Z"
    assert len(callbacks) == 1
    order = Order.objects.get(pk=data["id"])
    assert order.version_tag and len(order.version_tag) == 24
    assert OrderIngest.objects.get(order=order).processed_at is not None
    events = Event.objects.filter(resource_id=str(order.pk))
    assert [e.event_type for e in events] == ["order.created"]
    event = events.get()
    assert event.end_user_id == end_user.pk
    assert event.data["external_id"] == "ext_1001"
    assert event.data["po_number"] == "PO-77"
    assert event.data["totals"]["total"] == 49.99
    assert "phone" not in event.data["customer"]
    assert OrderActivity.objects.filter(order=order, activity_type="created").count() == 1


def test_external_user_id_and_upsert_by_external_id(client, tenant, django_capture_on_commit_callbacks):
    # given
    end_user = tenant.end_user(external_id="merchant-9")
    key = tenant.api_key("orders:write")
    body = order_body(end_user, endUserId=None, externalUserId="merchant-9")
    del body["endUserId"]
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(ORDERS, body, format="json", **bearer(key)).json()["data"]
    old_tag = Order.objects.get(pk=first["id"]).version_tag

    # when: the same externalId with a new status
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(ORDERS, {**body, "status": "confirmed"}, format="json", **bearer(key))

    # then: the same order, updated, a new tag, updated + status_changed events
    assert second.status_code == 202
    assert second.json()["data"]["id"] == first["id"]
    assert second.json()["data"]["version_tag"] is None
    order = Order.objects.get(pk=first["id"])
    assert order.status == "confirmed"
    assert order.version_tag not in (None, old_tag)
    assert Order.objects.filter(organization=tenant.organization).count() == 1
    changed = Event.objects.get(event_type="order.status_changed")
    assert (changed.data["from"], changed.data["to"]) == ("pending", "confirmed")
    updated = Event.objects.get(event_type="order.updated")
    assert updated.data["changes"] == {"status": ["pending", "confirmed"]}
    assert OrderActivity.objects.filter(order=order, activity_type="status_change").count() == 1


def test_unchanged_upsert_keeps_version_tag(client, tenant, django_capture_on_commit_callbacks):
    # given
    end_user = tenant.end_user()
    key = tenant.api_key("orders:write")
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(ORDERS, order_body(end_user), format="json", **bearer(key)).json()["data"]
    tag = Order.objects.get(pk=first["id"]).version_tag

    # when
    response = client.post(ORDERS, order_body(end_user), format="json", **bearer(key))

    # then
    assert response.status_code == 202
    assert response.json()["data"]["version_tag"] == tag
    assert OrderIngest.objects.count() == 1


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"status": "shipped_maybe"}, "status"),
        ({"fulfillmentStatus": "done"}, "fulfillmentStatus"),
        ({"paymentStatus": "free"}, "paymentStatus"),
        ({"lineItems": [{"title": "W", "quantity": -1, "price": 1}]}, "lineItems"),
        ({"lineItems": [{"title": "W", "quantity": 1.5, "price": 1}]}, "lineItems"),
        ({"lineItems": [{"title": "W", "quantity": 1, "price": -3}]}, "lineItems"),
        ({"totals": {"total": -1}}, "totals"),
        ({"orderedAt": "yesterday"}, "orderedAt"),
        ({"currency": "DOLLARS"}, "currency"),
        ({"endUserId": None}, "endUserId"),
        ({"orderNumber": ""}, "orderNumber"),
        ({"isAdmin": True}, "isAdmin"),
    ],
)
def test_bad_order_input_is_400_and_nothing_written(client, tenant, overrides, field):
    # given
    end_user = tenant.end_user()
    body = {k: v for k, v in order_body(end_user, **overrides).items() if v is not None}

    # when
    response = client.post(ORDERS, body, format="json", **bearer(tenant.api_key("orders:write")))

    # then
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    # nested fields are reported by their dotted path (lineItems.0.quantity)
    assert field in {path.split(".")[0] for path in response.json()["error"]["details"]}
    assert Order.objects.count() == 0


def test_unknown_end_user_is_404_and_nothing_written(client, tenant, other_tenant):
    # given: an end user of another organization, and an unknown external id
    foreign = other_tenant.end_user()
    key = tenant.api_key("orders:write")

    # when
    by_id = client.post(ORDERS, order_body(foreign), format="json", **bearer(key))
    body = order_body(foreign, externalUserId="nobody")
    del body["endUserId"]
    by_external = client.post(ORDERS, body, format="json", **bearer(key))

    # then
    assert by_id.status_code == 404
    assert by_external.status_code == 404
    assert by_id.json()["error"]["code"] == "not_found"
    assert Order.objects.count() == 0
    assert OrderIngest.objects.count() == 0


def test_bridge_of_another_org_is_404(client, tenant, other_tenant):
    # given
    bridge = BridgeFactory(end_user=other_tenant.end_user())

    # when
    response = client.post(
        ORDERS,
        order_body(tenant.end_user(), bridgeId=str(bridge.pk)),
        format="json",
        **bearer(tenant.api_key("orders:write")),
    )

    # then
    assert response.status_code == 404
    assert Order.objects.count() == 0


def test_order_write_needs_scope(client, tenant):
    response = client.post(
        ORDERS, order_body(tenant.end_user()), format="json", **bearer(tenant.api_key("orders:read"))
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "insufficient_scope"


def test_session_cannot_use_ingest_api(client, tenant):
    response = client.get(ORDERS, **bearer(tenant.session()))
    assert response.status_code == 401


def test_patch_order_issues_new_version_tag(client, tenant, django_capture_on_commit_callbacks):
    # given
    order = OrderFactory(end_user=tenant.end_user(), status="confirmed")
    old_tag = order.version_tag

    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.patch(
            f"{ORDERS}/{order.pk}",
            {"status": "shipped", "notes": "Handed to carrier"},
            format="json",
            **bearer(tenant.api_key("orders:write")),
        )

    # then
    assert response.status_code == 202
    assert response.json()["data"]["status"] == "shipped"
    assert response.json()["data"]["version_tag"] is None
    order.refresh_from_db()
    assert order.notes == "Handed to carrier"
    assert order.version_tag and order.version_tag != old_tag
    assert set(Event.objects.values_list("event_type", flat=True)) == {
        "order.updated",
        "order.status_changed",
    }


def test_patch_bad_input_and_other_org(client, tenant, other_tenant):
    # given
    mine = OrderFactory(end_user=tenant.end_user())
    theirs = OrderFactory(end_user=other_tenant.end_user())
    key = tenant.api_key("orders:write")

    # when
    bad = client.patch(f"{ORDERS}/{mine.pk}", {"status": "lost"}, format="json", **bearer(key))
    external = client.patch(f"{ORDERS}/{mine.pk}", {"externalId": "x"}, format="json", **bearer(key))
    foreign = client.patch(f"{ORDERS}/{theirs.pk}", {"status": "confirmed"}, format="json", **bearer(key))

    # then
    assert bad.status_code == 400
    assert external.status_code == 400
    assert foreign.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "pending"
    assert OrderIngest.objects.count() == 0


def test_org_wide_list_and_detail(client, tenant, other_tenant):
    # given
    OrderFactory.create_batch(3, end_user=tenant.end_user())
    shipped = OrderFactory(end_user=tenant.end_user(), status="shipped", order_number="A-555")
    OrderFactory(end_user=other_tenant.end_user())
    key = tenant.api_key("orders:read")

    # when
    everything = client.get(f"{ORDERS}?limit=500", **bearer(key)).json()
    filtered = client.get(f"{ORDERS}?status=shipped", **bearer(key)).json()
    searched = client.get(f"{ORDERS}?search=a-55", **bearer(key)).json()
    bad = client.get(f"{ORDERS}?status=nope", **bearer(key))
    detail = client.get(f"{ORDERS}/{shipped.pk}", **bearer(key))

    # then
    assert everything["pagination"]["total"] == 4
    assert everything["pagination"]["limit"] == 100
    assert [o["id"] for o in filtered["data"]] == [str(shipped.pk)]
    assert [o["id"] for o in searched["data"]] == [str(shipped.pk)]
    assert bad.status_code == 400
    assert detail.status_code == 200
    assert detail.json()["data"]["version_tag"] == shipped.version_tag


def test_other_orgs_order_detail_is_404(client, tenant, other_tenant):
    theirs = OrderFactory(end_user=other_tenant.end_user())
    response = client.get(f"{ORDERS}/{theirs.pk}", **bearer(tenant.api_key("orders:read")))
    assert response.status_code == 404


def test_sweep_processes_stale_ingests_once(tenant):
    # given: an ingest whose message was lost 5 minutes ago
    order = OrderFactory(end_user=tenant.end_user(), version_tag=None)
    ingest = OrderIngest.objects.create(organization=tenant.organization, order=order, kind="created")
    OrderIngest.objects.filter(pk=ingest.pk).update(created_at=ingest.created_at - dt.timedelta(minutes=5))
    fresh = OrderIngest.objects.create(
        organization=tenant.organization, order=OrderFactory(end_user=order.end_user), kind="created"
    )

    # when: the sweep runs twice
    first = order_ingests_sweep()
    second = order_ingests_sweep()

    # then: processed once; the fresh one is left to its own message
    assert (first, second) == (1, 0)
    order.refresh_from_db()
    assert order.version_tag
    assert Event.objects.filter(event_type="order.created", resource_id=str(order.pk)).count() == 1
    fresh.refresh_from_db()
    assert fresh.processed_at is None


def test_tag_waits_for_last_pending_change(tenant):
    # given: two changes queued for one order
    from orders.services import order_ingest_process

    order = OrderFactory(end_user=tenant.end_user(), version_tag=None)
    first = OrderIngest.objects.create(organization=tenant.organization, order=order, kind="created")
    second = OrderIngest.objects.create(
        organization=tenant.organization, order=order, kind="updated", changes={"notes": [None, "x"]}
    )

    # when / then: only once both are processed does the order get a tag; re-running is a no-op
    assert order_ingest_process(ingest_id=first.pk) is True
    order.refresh_from_db()
    assert order.version_tag is None
    assert order_ingest_process(ingest_id=second.pk) is True
    assert order_ingest_process(ingest_id=second.pk) is False
    order.refresh_from_db()
    assert order.version_tag


# Shipments and checkpoints -----------------------------------------------------------------


def shipment_body(order, **overrides):
    body = {
        "orderId": str(order.pk),
        "externalId": "shp_1",
        "trackingNumber": "1Z999AA10123456784",
        "carrier": "UPS",
        "service": "ground",
        "shipDate": "2026-01-15",
        "estimatedDelivery": "2026-01-20",
        "weight": {"value": 2.5, "unit": "lb"},
        "dimensions": {"length": 12, "width": 8, "height": 6, "unit": "in"},
        "shipFrom": {"city": "Los Angeles", "state": "CA", "country": "US"},
        "shipTo": {"city": "New York", "state": "NY", "country": "US"},
    }
    body.update(overrides)
    return body


def test_create_shipment(client, tenant):
    # given
    order = OrderFactory(end_user=tenant.end_user())

    # when
    response = client.post(
        SHIPMENTS,
        shipment_body(order, status="in_transit"),
        format="json",
        **bearer(tenant.api_key("shipments:write")),
    )

    # then
    assert response.status_code == 201
    data = response.json()["data"]
    assert data["order_id"] == str(order.pk)
    assert data["carrier"] == "ups"
    assert data["weight"] == {"value": 2.5, "unit": "lb"}
    shipment = Shipment.objects.get(pk=data["id"])
    assert shipment.end_user_id == order.end_user_id
    topics = sorted(Event.objects.values_list("event_type", flat=True))
    assert topics == ["shipment.created", "shipment.shipped"]
    created = Event.objects.get(event_type="shipment.created")
    assert created.data["carrier"] == "ups"
    assert created.data["order_id"] == str(order.pk)
    assert created.data["estimated_delivery"] == "2026-01-20"


@pytest.mark.parametrize(
    "overrides",
    [
        {"status": "flying"},
        {"shipDate": "15/01/2026"},
        {"weight": {"value": -1, "unit": "lb"}},
        {"trackingNumber": ""},
    ],
)
def test_bad_shipment_input_is_400(client, tenant, overrides):
    order = OrderFactory(end_user=tenant.end_user())
    response = client.post(
        SHIPMENTS,
        shipment_body(order, **overrides),
        format="json",
        **bearer(tenant.api_key("shipments:write")),
    )
    assert response.status_code == 400
    assert Shipment.objects.count() == 0


def test_shipment_for_another_orgs_order_is_404(client, tenant, other_tenant):
    theirs = OrderFactory(end_user=other_tenant.end_user())
    response = client.post(
        SHIPMENTS, shipment_body(theirs), format="json", **bearer(tenant.api_key("shipments:write"))
    )
    assert response.status_code == 404
    assert Shipment.objects.count() == 0


def checkpoint(client, key, shipment, status, when, **extra):
    body = {"status": status, "checkpointTime": when, "statusDetail": status.replace("_", " "), **extra}
    return client.post(f"{SHIPMENTS}/{shipment.pk}/checkpoints", body, format="json", **bearer(key))


def test_checkpoints_move_status_and_emit_events(client, tenant):
    # given
    shipment = ShipmentFactory(order=OrderFactory(end_user=tenant.end_user()), status="pending")
    key = tenant.api_key("tracking:write")

    # when
    picked = checkpoint(
        client,
        key,
        shipment,
        "picked_up",
        "2026-01-15T14:00:00Z",
        city="Los Angeles",
        state="CA",
        country="us",
        postalCode="90001",
        latitude=34.05,
        longitude=-118.24,
        carrierStatusCode="PU",
        location="Los Angeles, CA",
    )
    checkpoint(client, key, shipment, "in_transit", "2026-01-16T08:00:00Z")
    delivered = checkpoint(client, key, shipment, "delivered", "2026-01-18T12:00:00Z")

    # then
    assert picked.status_code == 201
    assert picked.json()["data"]["country"] == "US"
    assert picked.json()["data"]["checkpoint_time"] == "2026-01-15T14:00:00.000Z"
    assert delivered.status_code == 201
    shipment.refresh_from_db()
    assert shipment.status == "delivered"
    assert shipment.actual_delivery == dt.datetime(2026, 1, 18, 12, tzinfo=dt.UTC)
    topics = list(Event.objects.order_by("created_at").values_list("event_type", flat=True))
    assert topics.count("tracking.updated") == 3
    assert topics.count("shipment.shipped") == 1
    assert topics.count("shipment.delivered") == 1
    assert Event.objects.get(event_type="shipment.delivered").data["from"] == "in_transit"


def test_out_of_order_checkpoint_does_not_regress_status(client, tenant):
    # given: delivered on the 18th
    shipment = ShipmentFactory(order=OrderFactory(end_user=tenant.end_user()), status="pending")
    key = tenant.api_key("tracking:write")
    checkpoint(client, key, shipment, "delivered", "2026-01-18T12:00:00Z")

    # when: a late-arriving in-transit checkpoint from the 16th
    late = checkpoint(client, key, shipment, "in_transit", "2026-01-16T08:00:00Z")

    # then: stored in the history, status unchanged
    assert late.status_code == 201
    shipment.refresh_from_db()
    assert shipment.status == "delivered"
    assert shipment.latest_checkpoint_at == dt.datetime(2026, 1, 18, 12, tzinfo=dt.UTC)
    assert TrackingCheckpoint.objects.filter(shipment=shipment).count() == 2
    assert Event.objects.filter(event_type="shipment.shipped").count() == 0


def test_exception_checkpoint_emits_exception(client, tenant):
    shipment = ShipmentFactory(
        order=OrderFactory(end_user=tenant.end_user()), status="in_transit", carrier="fedex"
    )
    checkpoint(client, tenant.api_key("tracking:write"), shipment, "exception", "2026-01-16T08:00:00Z")
    event = Event.objects.get(event_type="shipment.exception")
    assert event.data["carrier"] == "fedex"
    assert event.end_user_id == shipment.end_user_id


@pytest.mark.parametrize(
    "body",
    [
        {"status": "teleported", "checkpointTime": "2026-01-16T08:00:00Z"},
        {"status": "in_transit", "checkpointTime": "not a date"},
        {"status": "in_transit"},
        {"status": "in_transit", "checkpointTime": "2026-01-16T08:00:00Z", "latitude": 91},
    ],
)
def test_bad_checkpoint_is_400(client, tenant, body):
    shipment = ShipmentFactory(order=OrderFactory(end_user=tenant.end_user()))
    response = client.post(
        f"{SHIPMENTS}/{shipment.pk}/checkpoints",
        body,
        format="json",
        **bearer(tenant.api_key("tracking:write")),
    )
    assert response.status_code == 400
    assert TrackingCheckpoint.objects.count() == 0


def test_checkpoint_for_another_orgs_shipment_is_404(client, tenant, other_tenant):
    theirs = ShipmentFactory(order=OrderFactory(end_user=other_tenant.end_user()), status="in_transit")
    response = checkpoint(
        client, tenant.api_key("tracking:write"), theirs, "delivered", "2026-01-18T12:00:00Z"
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "in_transit"
    assert TrackingCheckpoint.objects.count() == 0


def test_checkpoint_needs_tracking_scope(client, tenant):
    shipment = ShipmentFactory(order=OrderFactory(end_user=tenant.end_user()))
    response = checkpoint(
        client, tenant.api_key("shipments:write"), shipment, "delivered", "2026-01-18T12:00:00Z"
    )
    assert response.status_code == 403


def test_orders_are_keyed_by_bridge_and_external_id(client, tenant):
    # given two stores of one end user, each with an order "1001"
    end_user = tenant.end_user()
    key = tenant.api_key("orders:write", "orders:read")
    first, second = BridgeFactory(end_user=end_user), BridgeFactory(end_user=end_user)

    def push(**fields):
        return client.post(ORDERS, order_body(end_user, externalId="1001", **fields), format="json", **bearer(key))

    a = push(bridgeId=str(first.pk)).json()["data"]
    b = push(bridgeId=str(second.pk)).json()["data"]

    # then: two orders, one per bridge; pushing again with a bridge updates that bridge's own
    assert a["id"] != b["id"]
    again = push(bridgeId=str(second.pk), status="confirmed")
    assert again.status_code == 202 and again.json()["data"]["id"] == b["id"]
    assert Order.objects.get(pk=a["id"]).status == "pending"

    # when: the integrator pushes "1001" without saying which bridge
    ambiguous = push()

    # then: a 409 that asks for bridgeId, and nothing written
    assert ambiguous.status_code == 409
    assert ambiguous.json()["error"]["details"] == {
        "bridgeId": ["Required: several bridges' orders have this externalId."]
    }
    assert Order.objects.filter(organization=tenant.organization).count() == 2


def test_a_patch_cannot_move_an_order_onto_a_key_another_order_holds(client, tenant):
    # given an order of each of two bridges, both "1001"
    end_user = tenant.end_user()
    key = tenant.api_key("orders:write")
    first, second = BridgeFactory(end_user=end_user), BridgeFactory(end_user=end_user)
    ids = [
        client.post(ORDERS, order_body(end_user, bridgeId=str(b.pk)), format="json", **bearer(key)).json()["data"]["id"]
        for b in (first, second)
    ]

    # when: the second is moved to the first bridge
    moved = client.patch(f"{ORDERS}/{ids[1]}", {"bridgeId": str(first.pk)}, format="json", **bearer(key))

    # then: 409, and it stays the second bridge's
    assert moved.status_code == 409
    assert Order.objects.get(pk=ids[1]).bridge_id == second.pk

    # when: it is moved off any bridge, then an unbridged push of "ext_1001" is that order
    assert client.patch(f"{ORDERS}/{ids[1]}", {"bridgeId": None}, format="json", **bearer(key)).status_code == 202
    pushed = client.post(ORDERS, order_body(end_user, notes="again"), format="json", **bearer(key))
    assert pushed.json()["data"]["id"] == ids[1]


def test_an_order_names_its_end_user_one_way_only(client, tenant):
    # given both ways of naming the end user (the schema's `oneOf`)
    end_user = tenant.end_user(external_id="merchant-9")
    body = order_body(end_user, externalUserId="merchant-9")

    # when
    response = client.post(ORDERS, body, format="json", **bearer(tenant.api_key("orders:write")))

    # then a 400 that says which, and nothing is stored
    assert response.status_code == 400
    assert response.json()["error"]["details"] == {
        "externalUserId": ["Send endUserId or externalUserId, not both."]
    }
    assert not Order.objects.exists()
