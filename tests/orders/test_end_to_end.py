"""An integrator pushes orders, shipments and checkpoints; each end user pages through exactly their own."""

import datetime as dt

import pytest

from tests.conftest import bearer

pytestmark = pytest.mark.django_db

STEPS = ["picked_up", "in_transit", "out_for_delivery", "delivered"]


def test_push_then_page_through_as_end_users(client, tenant, django_capture_on_commit_callbacks):
    # given: 60 orders over 3 end users, each with a shipment and checkpoints sent newest first
    users = [tenant.end_user() for _ in range(3)]
    key = tenant.api_key("orders:write", "shipments:write", "tracking:write")
    owned = {u.pk: set() for u in users}
    shipments = {u.pk: set() for u in users}
    t0 = dt.datetime(2026, 1, 15, 8, tzinfo=dt.UTC)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(60):
            user = users[n % 3]
            order = client.post(
                "/api/v1/orders",
                {
                    "endUserId": str(user.pk),
                    "orderNumber": f"{1000 + n}",
                    "externalId": f"e2e-{n}",
                    "customer": {"email": f"c{n}@example.com"},
                    "lineItems": [{"title": "Box", "quantity": 1}],
                },
                format="json",
                **bearer(key),
            )
            assert order.status_code == 202
            order_id = order.json()["data"]["id"]
            owned[user.pk].add(order_id)
            shipment = client.post(
                "/api/v1/shipments",
                {
                    "orderId": order_id,
                    "trackingNumber": f"TRK{n:06d}",
                    "carrier": ["ups", "fedex", "usps"][n % 3],
                },
                format="json",
                **bearer(key),
            )
            assert shipment.status_code == 201
            shipment_id = shipment.json()["data"]["id"]
            shipments[user.pk].add(shipment_id)
            for i in reversed(range(1 + n % 4)):
                cp = client.post(
                    f"/api/v1/shipments/{shipment_id}/checkpoints",
                    {"status": STEPS[i], "checkpointTime": (t0 + dt.timedelta(hours=6 * i)).isoformat()},
                    format="json",
                    **bearer(key),
                )
                assert cp.status_code == 201

    for user in users:
        token = tenant.session(user)
        # when: paging through orders and shipments 7 at a time
        seen_orders, seen_shipments, page = [], [], 1
        while True:
            body = client.get(f"/api/v1/embed/orders?limit=7&page={page}", **bearer(token)).json()
            seen_orders += [o["id"] for o in body["data"]]
            if not body["pagination"]["hasMore"]:
                break
            page += 1
        page = 1
        while True:
            body = client.get(f"/api/v1/embed/shipments?limit=7&page={page}", **bearer(token)).json()
            seen_shipments += [s["id"] for s in body["data"]]
            if not body["pagination"]["hasMore"]:
                break
            page += 1

        # then: exactly their own, no duplicates; tracking oldest first with the newest status
        assert len(seen_orders) == 20 and set(seen_orders) == owned[user.pk]
        assert len(seen_shipments) == 20 and set(seen_shipments) == shipments[user.pk]
        for shipment_id in list(shipments[user.pk])[:5]:
            tracking = client.get(f"/api/v1/embed/tracking/{shipment_id}", **bearer(token)).json()["data"]
            times = [c["checkpoint_time"] for c in tracking["checkpoints"]]
            assert times == sorted(times)
            assert tracking["status"] == tracking["checkpoints"][-1]["status"]
