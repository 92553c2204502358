"""Data room (embed session, feature data_room): orders, shipments, tracking — only one's own."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import bearer
from tests.factories import CheckpointFactory, OrderActivityFactory, OrderFactory, ShipmentFactory

pytestmark = pytest.mark.django_db

ORDER_FIELDS = {
    "id",
    "order_number",
    "external_id",
    "status",
    "fulfillment_status",
    "payment_status",
    "customer",
    "totals",
    "currency",
    "ordered_at",
    "bridge_id",
    "created_at",
    "updated_at",
}
SHIPMENT_FIELDS = {
    "id",
    "external_id",
    "tracking_number",
    "carrier",
    "service",
    "status",
    "ship_date",
    "estimated_delivery",
    "actual_delivery",
    "weight",
    "dimensions",
    "bridge_id",
    "created_at",
    "updated_at",
}
CHECKPOINT_FIELDS = {
    "id",
    "status",
    "status_detail",
    "location",
    "city",
    "state",
    "country",
    "postal_code",
    "latitude",
    "longitude",
    "checkpoint_time",
    "carrier_status_code",
}


def test_orders_list_only_own_newest_first(client, tenant):
    # given
    me, someone = tenant.end_user(), tenant.end_user()
    older = OrderFactory(end_user=me)
    newer = OrderFactory(end_user=me)
    OrderFactory(end_user=someone)

    # when
    response = client.get("/api/v1/embed/orders", **bearer(tenant.session(me)))

    # then
    assert response.status_code == 200
    body = response.json()
    assert [o["id"] for o in body["data"]] == [str(newer.pk), str(older.pk)]
    assert body["pagination"] == {"page": 1, "limit": 20, "total": 2, "totalPages": 1, "hasMore": False}
    row = body["data"][0]
    assert set(row) == ORDER_FIELDS
    assert row["customer"] == {"name": "Jane Doe", "email": "jane@example.com"}
    assert row["totals"] == {"subtotal": 45.0, "tax": 4.99, "total": 49.99}


def test_orders_filters_and_limits(client, tenant):
    # given
    me = tenant.end_user()
    OrderFactory.create_batch(3, end_user=me, status="pending")
    shipped = OrderFactory(end_user=me, status="shipped", order_number="9001", external_id="shop-abc")
    token = tenant.session(me)

    # when
    by_status = client.get("/api/v1/embed/orders?status=shipped", **bearer(token)).json()
    by_number = client.get("/api/v1/embed/orders?search=900", **bearer(token)).json()
    by_external = client.get("/api/v1/embed/orders?search=SHOP-A", **bearer(token)).json()
    bad_status = client.get("/api/v1/embed/orders?status=lost", **bearer(token))
    clamped = client.get("/api/v1/embed/orders?limit=500", **bearer(token)).json()
    paged = client.get("/api/v1/embed/orders?limit=2&page=2", **bearer(token)).json()
    bad_page = client.get("/api/v1/embed/orders?page=0", **bearer(token))

    # then
    assert [o["id"] for o in by_status["data"]] == [str(shipped.pk)]
    assert [o["id"] for o in by_number["data"]] == [str(shipped.pk)]
    assert [o["id"] for o in by_external["data"]] == [str(shipped.pk)]
    assert bad_status.status_code == 400
    assert "status" in bad_status.json()["error"]["details"]
    assert clamped["pagination"]["limit"] == 50
    assert paged["pagination"] == {"page": 2, "limit": 2, "total": 4, "totalPages": 2, "hasMore": False}
    assert len(paged["data"]) == 2
    assert bad_page.status_code == 400


def test_order_detail_with_50_recent_activities(client, tenant):
    # given
    me = tenant.end_user()
    order = OrderFactory(end_user=me, tags=["vip"], notes=None)
    OrderActivityFactory.create_batch(55, order=order)

    # when
    response = client.get(f"/api/v1/embed/orders/{order.pk}", **bearer(tenant.session(me)))

    # then
    assert response.status_code == 200
    data = response.json()["data"]
    assert set(data) == ORDER_FIELDS | {
        "line_items",
        "shipping_address",
        "tags",
        "notes",
        "activities",
        "shipments",
    }
    assert data["line_items"] == [{"title": "Widget", "quantity": 2, "price": 22.5}]
    assert data["shipping_address"]["city"] == "Anytown"
    assert data["tags"] == ["vip"]
    assert data["notes"] is None
    assert len(data["activities"]) == 50
    assert set(data["activities"][0]) == {
        "id",
        "activity_type",
        "title",
        "description",
        "actor_type",
        "metadata",
        "created_at",
    }
    times = [a["created_at"] for a in data["activities"]]
    assert times == sorted(times, reverse=True)


def test_another_end_users_order_is_404(client, tenant, other_tenant):
    # given
    me, someone = tenant.end_user(), tenant.end_user()
    theirs = OrderFactory(end_user=someone)
    foreign = OrderFactory(end_user=other_tenant.end_user())
    token = tenant.session(me)

    # when / then
    assert client.get(f"/api/v1/embed/orders/{theirs.pk}", **bearer(token)).status_code == 404
    assert client.get(f"/api/v1/embed/orders/{foreign.pk}", **bearer(token)).status_code == 404


def test_shipments_list_filter_and_detail(client, tenant):
    # given
    me, someone = tenant.end_user(), tenant.end_user()
    order = OrderFactory(end_user=me)
    moving = ShipmentFactory(order=order, status="in_transit", weight={"value": 2.5, "unit": "lb"})
    done = ShipmentFactory(order=order, status="delivered")
    ShipmentFactory(order=OrderFactory(end_user=someone))
    t0 = dt.datetime(2026, 1, 15, 14, tzinfo=dt.UTC)
    CheckpointFactory(shipment=moving, status="in_transit", checkpoint_time=t0 + dt.timedelta(hours=18))
    CheckpointFactory(shipment=moving, status="picked_up", checkpoint_time=t0, postal_code="90001")
    token = tenant.session(me)

    # when
    listing = client.get("/api/v1/embed/shipments", **bearer(token)).json()
    filtered = client.get("/api/v1/embed/shipments?status=delivered", **bearer(token)).json()
    bad = client.get("/api/v1/embed/shipments?status=lost", **bearer(token))
    detail = client.get(f"/api/v1/embed/shipments/{moving.pk}", **bearer(token))

    # then
    assert {s["id"] for s in listing["data"]} == {str(moving.pk), str(done.pk)}
    assert set(listing["data"][0]) == SHIPMENT_FIELDS
    assert [s["id"] for s in filtered["data"]] == [str(done.pk)]
    assert bad.status_code == 400
    assert detail.status_code == 200
    data = detail.json()["data"]
    assert set(data) == SHIPMENT_FIELDS | {"ship_from", "ship_to", "checkpoints"}
    assert data["weight"] == {"value": 2.5, "unit": "lb"}
    assert [c["status"] for c in data["checkpoints"]] == ["picked_up", "in_transit"]
    assert set(data["checkpoints"][0]) == CHECKPOINT_FIELDS | {"created_at"}


def test_tracking_oldest_first_and_only_own(client, tenant):
    # given
    me, someone = tenant.end_user(), tenant.end_user()
    shipment = ShipmentFactory(order=OrderFactory(end_user=me))
    theirs = ShipmentFactory(order=OrderFactory(end_user=someone))
    t0 = dt.datetime(2026, 1, 15, 14, tzinfo=dt.UTC)
    for hours, status in [(40, "delivered"), (0, "picked_up"), (18, "in_transit")]:
        CheckpointFactory(shipment=shipment, status=status, checkpoint_time=t0 + dt.timedelta(hours=hours))
    token = tenant.session(me)

    # when
    response = client.get(f"/api/v1/embed/tracking/{shipment.pk}", **bearer(token))
    alias = client.get(f"/api/embed/tracking/{shipment.pk}", **bearer(token))
    other = client.get(f"/api/v1/embed/tracking/{theirs.pk}", **bearer(token))
    other_detail = client.get(f"/api/v1/embed/shipments/{theirs.pk}", **bearer(token))

    # then
    assert response.status_code == 200
    data = response.json()["data"]
    assert set(data) == {
        "id",
        "tracking_number",
        "carrier",
        "service",
        "status",
        "ship_date",
        "estimated_delivery",
        "actual_delivery",
        "checkpoints",
    }
    assert [c["status"] for c in data["checkpoints"]] == ["picked_up", "in_transit", "delivered"]
    assert set(data["checkpoints"][0]) == CHECKPOINT_FIELDS
    assert data["checkpoints"][0]["checkpoint_time"] == "2026-01-15T14:00:00.000Z"
    assert alias.status_code == 200
    assert other.status_code == 404
    assert other_detail.status_code == 404


@pytest.mark.parametrize(
    "path, scope",
    [
        ("/api/v1/embed/orders", "orders:read"),
        ("/api/v1/embed/shipments", "shipments:read"),
    ],
)
def test_scope_and_feature_required(client, tenant, path, scope):
    # given
    me = tenant.end_user()

    # when
    without_scope = client.get(path, **bearer(tenant.session(me, "bridges:read")))
    tenant.config.enabled_features = ["bridges"]
    tenant.config.save()
    without_feature = client.get(path, **bearer(tenant.session(me, scope)))
    with_api_key = client.get(path, **bearer(tenant.api_key()))

    # then
    assert without_scope.status_code == 403
    assert without_scope.json()["error"]["code"] == "insufficient_scope"
    assert without_feature.status_code == 403
    assert without_feature.json()["error"]["code"] == "feature_disabled"
    assert with_api_key.status_code == 401


def test_tracking_needs_tracking_scope(client, tenant):
    me = tenant.end_user()
    shipment = ShipmentFactory(order=OrderFactory(end_user=me))
    response = client.get(
        f"/api/v1/embed/tracking/{shipment.pk}", **bearer(tenant.session(me, "shipments:read"))
    )
    assert response.status_code == 403


def _count_queries(client, path, token):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, **bearer(token))
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("path", ["/api/v1/embed/orders", "/api/v1/embed/shipments"])
def test_list_query_count_flat_in_page_size(client, tenant, path):
    # given
    me = tenant.end_user()
    for _ in range(20):
        CheckpointFactory(shipment=ShipmentFactory(order=OrderFactory(end_user=me)))
    token = tenant.session(me)

    # when
    small = _count_queries(client, f"{path}?limit=2", token)
    large = _count_queries(client, f"{path}?limit=20", token)

    # then
    assert small == large
    assert large <= 5


def test_detail_query_count_flat_in_children(client, tenant):
    # given
    me = tenant.end_user()
    shipment = ShipmentFactory(order=OrderFactory(end_user=me))
    CheckpointFactory(shipment=shipment)
    token = tenant.session(me)
    few = _count_queries(client, f"/api/v1/embed/shipments/{shipment.pk}", token)
    few_order = _count_queries(client, f"/api/v1/embed/orders/{shipment.order_id}", token)
    CheckpointFactory.create_batch(15, shipment=shipment)
    OrderActivityFactory.create_batch(15, order=shipment.order)
    ShipmentFactory.create_batch(5, order=shipment.order, end_user=me)

    # when / then
    assert _count_queries(client, f"/api/v1/embed/shipments/{shipment.pk}", token) == few
    assert _count_queries(client, f"/api/v1/embed/orders/{shipment.order_id}", token) == few_order


def test_org_list_query_count_flat(client, tenant, django_assert_num_queries):
    OrderFactory.create_batch(20, end_user=tenant.end_user())
    key = tenant.api_key("orders:read")
    _count_queries(client, "/api/v1/orders?limit=1", key)  # the key's first use records last_used_at
    small = _count_queries(client, "/api/v1/orders?limit=2", key)

    with django_assert_num_queries(small):
        client.get("/api/v1/orders?limit=20", **bearer(key))


def test_order_detail_lists_its_shipments_and_the_list_filters_by_order_date(client, tenant):
    import datetime as dt

    from tests.factories import ShipmentFactory

    # given two orders of one end user, on two days, one with a shipment
    me = tenant.end_user()
    early = OrderFactory(end_user=me, ordered_at=dt.datetime(2026, 1, 10, 23, 30, tzinfo=dt.UTC))
    late = OrderFactory(end_user=me, ordered_at=dt.datetime(2026, 1, 12, 9, 0, tzinfo=dt.UTC))
    shipment = ShipmentFactory(order=early, end_user=me)
    token = tenant.session(me)
    # when the detail is read
    detail = client.get(f"/api/v1/embed/orders/{early.pk}", **bearer(token)).json()["data"]
    # then it names the shipment
    assert [s["id"] for s in detail["shipments"]] == [str(shipment.pk)]
    assert detail["shipments"][0]["tracking_number"] == shipment.tracking_number
    # when the list is filtered by day: a date bound covers its whole day
    listed = client.get("/api/v1/embed/orders?from=2026-01-10&to=2026-01-10", **bearer(token)).json()["data"]
    assert [o["id"] for o in listed] == [str(early.pk)]
    listed = client.get("/api/v1/embed/orders?from=2026-01-11", **bearer(token)).json()["data"]
    assert [o["id"] for o in listed] == [str(late.pk)]
    assert client.get("/api/v1/embed/orders?from=yesterday", **bearer(token)).status_code == 400
