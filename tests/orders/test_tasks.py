"""The asynchronous path on a real Celery worker: accepted → processed → version tag + events."""

import pytest

from orderly.events.models import Event
from orders.models import Order, OrderIngest
from tests.conftest import bearer, wait_for


@pytest.mark.celery_worker
def test_real_worker_sets_version_tag_and_records_events(client, tenant, celery_worker):
    # given
    end_user = tenant.end_user()
    key = tenant.api_key("orders:write", "orders:read")
    body = {
        "endUserId": str(end_user.pk),
        "orderNumber": "5001",
        "externalId": "async-1",
        "customer": {"email": "jane@example.com"},
    }

    # when: created, then changed
    created = client.post("/api/v1/orders", body, format="json", **bearer(key))
    order_id = created.json()["data"]["id"]
    first_tag = wait_for(lambda: Order.objects.get(pk=order_id).version_tag, timeout=20)
    patched = client.patch(
        f"/api/v1/orders/{order_id}", {"status": "confirmed"}, format="json", **bearer(key)
    )
    second_tag = wait_for(
        lambda: (tag := Order.objects.get(pk=order_id).version_tag) not in (None, first_tag) and tag,
        timeout=20,
    )

    # then: 202 with no tag each time; the worker issued two different tags and the events
    assert created.status_code == 202
    assert created.json()["data"]["version_tag"] is None
    assert patched.status_code == 202
    assert patched.json()["data"]["version_tag"] is None
    assert second_tag != first_tag
    assert client.get(f"/api/v1/orders/{order_id}", **bearer(key)).json()["data"]["version_tag"] == second_tag
    topics = sorted(Event.objects.filter(resource_id=order_id).values_list("event_type", flat=True))
    assert topics == ["order.created", "order.status_changed", "order.updated"]
    assert not OrderIngest.objects.filter(processed_at__isnull=True).exists()
