"""Order actions (seed: order-actions): 202 / 400 / 404 (unknown order or stale versionTag) / 422."""

import pytest

from orderly.events.models import Event
from orders.models import OrderActivity
from tests.conftest import bearer
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def action_url(order, prefix="/api/v1"):
    return f"{prefix}/orders/{order.pk}/action"


BODY = {"action": "ConfirmOrder", "language": "en-US", "data": {"custom": "data", "list": ["data1", "data2"]}}


@pytest.mark.parametrize("prefix", ["/api/v1", "/api/v3"])
def test_fresh_version_tag_is_accepted(client, tenant, prefix):
    # given
    order = OrderFactory(end_user=tenant.end_user(), version_tag="IXUA3ril8XnZJKUMSfP7dg==")

    # when
    response = client.post(
        action_url(order, prefix),
        {**BODY, "versionTag": "IXUA3ril8XnZJKUMSfP7dg=="},
        format="json",
        **bearer(tenant.api_key("orders:write")),
    )

    # then
    assert response.status_code == 202
    data = response.json()["data"]
    assert data["order_id"] == str(order.pk)
    assert data["action"] == "ConfirmOrder"
    assert data["language"] == "en-US"
    assert data["data"] == BODY["data"]
    assert data["created_at"].endswith("Z")
    activity = OrderActivity.objects.get(order=order, activity_type="action")
    assert str(activity.pk) == data["id"]
    event = Event.objects.get(event_type="order.action")
    assert event.data["action"] == "ConfirmOrder"
    assert event.data["data"] == BODY["data"]
    assert event.data["version_tag"] == "IXUA3ril8XnZJKUMSfP7dg=="
    assert event.end_user_id == order.end_user_id


def test_stale_version_tag_is_404(client, tenant):
    order = OrderFactory(end_user=tenant.end_user(), version_tag="current")
    response = client.post(
        action_url(order),
        {**BODY, "versionTag": "old"},
        format="json",
        **bearer(tenant.api_key("orders:write")),
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert not OrderActivity.objects.exists()
    assert not Event.objects.exists()


def test_processing_order_has_no_valid_tag(client, tenant):
    order = OrderFactory(end_user=tenant.end_user(), version_tag=None)
    response = client.post(
        action_url(order), {**BODY, "versionTag": ""}, format="json", **bearer(tenant.api_key("orders:write"))
    )
    assert response.status_code == 400
    response = client.post(
        action_url(order),
        {**BODY, "versionTag": "None"},
        format="json",
        **bearer(tenant.api_key("orders:write")),
    )
    assert response.status_code == 404


def test_unknown_or_foreign_order_is_404(client, tenant, other_tenant):
    theirs = OrderFactory(end_user=other_tenant.end_user(), version_tag="t")
    key = tenant.api_key("orders:write")
    foreign = client.post(action_url(theirs), {**BODY, "versionTag": "t"}, format="json", **bearer(key))
    unknown = client.post(
        "/api/v1/orders/00000000-0000-0000-0000-000000000000/action",
        {**BODY, "versionTag": "t"},
        format="json",
        **bearer(key),
    )
    assert foreign.status_code == 404
    assert unknown.status_code == 404


def test_no_contact_is_422(client, tenant):
    order = OrderFactory(end_user=tenant.end_user(), version_tag="t", customer_email="", customer_phone="")
    response = client.post(
        action_url(order),
        {**BODY, "versionTag": "t"},
        format="json",
        **bearer(tenant.api_key("orders:write")),
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "unprocessable"
    assert not OrderActivity.objects.exists()


def test_phone_is_a_contact(client, tenant):
    order = OrderFactory(
        end_user=tenant.end_user(), version_tag="t", customer_email="", customer_phone="+1555"
    )
    response = client.post(
        action_url(order),
        {"action": "Shipped", "versionTag": "t"},
        format="json",
        **bearer(tenant.api_key("orders:write")),
    )
    assert response.status_code == 202
    assert response.json()["data"]["language"] is None


@pytest.mark.parametrize(
    "body",
    [
        {"versionTag": "t"},
        {"action": "A"},
        {"action": "A" * 101, "versionTag": "t"},
        {"action": "A", "versionTag": "t", "extra": 1},
        {"action": ["A"], "versionTag": "t"},
    ],
)
def test_malformed_action_is_400(client, tenant, body):
    order = OrderFactory(end_user=tenant.end_user(), version_tag="t")
    response = client.post(action_url(order), body, format="json", **bearer(tenant.api_key("orders:write")))
    assert response.status_code == 400
    assert not OrderActivity.objects.exists()


def test_malformed_json_is_400(client, tenant):
    order = OrderFactory(end_user=tenant.end_user(), version_tag="t")
    response = client.post(
        action_url(order),
        "{not json",
        content_type="application/json",
        **bearer(tenant.api_key("orders:write")),
    )
    assert response.status_code == 400


def test_action_needs_write_scope(client, tenant):
    order = OrderFactory(end_user=tenant.end_user(), version_tag="t")
    response = client.post(
        action_url(order), {**BODY, "versionTag": "t"}, format="json", **bearer(tenant.api_key("orders:read"))
    )
    assert response.status_code == 403


@pytest.mark.parametrize("data", [["a", "b"], 7, True])
def test_action_data_is_an_object_or_a_string(client, tenant, data):
    # given an order ready for actions
    order = OrderFactory(end_user=tenant.end_user(), version_tag="IXUA3ril8XnZJKUMSfP7dg==")
    body = {**BODY, "versionTag": "IXUA3ril8XnZJKUMSfP7dg=="}
    key = tenant.api_key("orders:write")

    # when `data` is neither (the seed types it as a string and shows an object)
    refused = client.post(action_url(order), {**body, "data": data}, format="json", **bearer(key))
    as_string = client.post(action_url(order), {**body, "data": "custom data"}, format="json", **bearer(key))

    # then a 400 naming the field; a string is accepted and echoed
    assert refused.status_code == 400
    assert refused.json()["error"]["details"] == {"data": ["Must be an object or a string."]}
    assert as_string.status_code == 202
    assert as_string.json()["data"]["data"] == "custom data"
