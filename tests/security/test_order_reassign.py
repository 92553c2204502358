"""An order re-assigned to another end user takes no handle of the previous one along (issue 13, item 12).

Before: re-upserting an order with another `endUserId` moved the order and its shipments, but left
the previous end user its tracking links and pending action requests — they could still list,
revoke or cancel them — and the new end user got the previous one's tracking token back.
"""

import pytest

from actions.models import ActionRequest, ActionStatus
from orderly.events.models import Event
from tests.actions.factories import ActionRequestFactory
from tests.conftest import bearer
from tests.factories import OrderFactory, ShipmentFactory
from tracking.models import TrackingPage
from webhooks.models import WebhookDelivery
from webhooks.services import webhook_create

pytestmark = pytest.mark.django_db


def _reupsert(client, tenant, order, end_user):
    body = {"endUserId": str(end_user.pk), "orderNumber": order.order_number, "externalId": order.external_id}
    return client.post("/api/v1/orders", body, format="json", **bearer(tenant.api_key("orders:write")))


def test_reassigning_an_order_closes_the_previous_end_users_links_and_requests(client, tenant):
    # given an order of end user A with a shipment, A's tracking link and A's pending request
    alice, bob = tenant.end_user(name="Alice"), tenant.end_user(name="Bob")
    order = OrderFactory(end_user=alice)
    shipment = ShipmentFactory(order=order)
    alice_token, bob_token = tenant.session(alice), tenant.session(bob)
    created = client.post(
        "/api/v1/embed/tracking-pages", {"shipmentId": str(shipment.pk)}, format="json", **bearer(alice_token)
    )
    old_link = created.json()["data"]["token"]
    request = ActionRequestFactory(order=order, end_user=alice)
    webhook_create(
        organization=tenant.organization,
        end_user=alice,
        url="http://127.0.0.1:9/a",
        events=["action_request.cancelled"],
    )
    webhook_create(
        organization=tenant.organization,
        end_user=bob,
        url="http://127.0.0.1:9/b",
        events=["action_request.cancelled"],
    )

    # when the integrator re-upserts the order for end user B
    assert _reupsert(client, tenant, order, bob).status_code == 202

    # then A's link is dead, and A can no longer cancel the request
    assert client.get(f"/t/{old_link}").status_code == 410
    assert client.get(f"/api/v1/embed/tracking-pages/view/{old_link}").json()["error"]["details"] == {
        "reason": "revoked"
    }
    cancel = client.delete(f"/api/v1/embed/action-requests/{request.pk}", **bearer(alice_token))
    assert cancel.status_code == 409
    assert ActionRequest.objects.get(pk=request.pk).status == ActionStatus.CANCELLED
    # and B gets a fresh link of their own, not A's token back
    fresh = client.post(
        "/api/v1/embed/tracking-pages", {"shipmentId": str(shipment.pk)}, format="json", **bearer(bob_token)
    )
    assert fresh.status_code == 201
    assert fresh.json()["data"]["token"] != old_link
    assert TrackingPage.objects.get(token=fresh.json()["data"]["token"]).end_user_id == bob.pk
    assert client.get(f"/api/v1/embed/orders/{order.pk}", **bearer(bob_token)).status_code == 200
    assert client.get(f"/api/v1/embed/orders/{order.pk}", **bearer(alice_token)).status_code == 404


def test_the_reassignment_and_each_closing_are_recorded_for_the_end_user_who_held_them(client, tenant):
    alice, bob = tenant.end_user(), tenant.end_user()
    order = OrderFactory(end_user=alice)
    shipment = ShipmentFactory(order=order)
    client.post(
        "/api/v1/embed/tracking-pages",
        {"shipmentId": str(shipment.pk)},
        format="json",
        **bearer(tenant.session(alice)),
    )
    request = ActionRequestFactory(order=order, end_user=alice)
    alice_hook, _ = webhook_create(
        organization=tenant.organization,
        end_user=alice,
        url="http://127.0.0.1:9/a",
        events=["action_request.cancelled"],
    )
    bob_hook, _ = webhook_create(
        organization=tenant.organization,
        end_user=bob,
        url="http://127.0.0.1:9/b",
        events=["action_request.cancelled"],
    )

    _reupsert(client, tenant, order, bob)

    reassigned = Event.objects.get(event_type="order.reassigned")
    assert reassigned.data == {
        "order_id": str(order.pk),
        "previous_end_user_id": str(alice.pk),
        "end_user_id": str(bob.pk),
    }
    revoked = Event.objects.get(event_type="tracking_page.revoked")
    assert (revoked.end_user_id, revoked.metadata["reason"]) == (alice.pk, "order_reassigned")
    cancelled = Event.objects.get(event_type="action_request.cancelled", resource_id=str(request.pk))
    assert cancelled.end_user_id == alice.pk
    # the previous owner's webhook hears of their request's closing; the new owner's does not
    assert WebhookDelivery.objects.filter(webhook=alice_hook).count() == 1
    assert WebhookDelivery.objects.filter(webhook=bob_hook).count() == 0
    assert "reassigned" in ActionRequest.objects.get(pk=request.pk).resolution_note


def test_a_reupsert_for_the_same_end_user_closes_nothing(client, tenant):
    alice = tenant.end_user()
    order = OrderFactory(end_user=alice)
    request = ActionRequestFactory(order=order, end_user=alice)

    _reupsert(client, tenant, order, alice)

    assert ActionRequest.objects.get(pk=request.pk).status == ActionStatus.PENDING
    assert not Event.objects.filter(event_type="order.reassigned").exists()
