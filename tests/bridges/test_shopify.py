"""The built-in Shopify bridge against a local Shopify (tests/bridges/fake_shopify.py): OAuth with
Shopify's signed redirect, paged and throttled GraphQL order sync, the fulfillment push, and each
webhook Shopify sends, with a good and a bad signature."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from bridges.models import Bridge, ShopifyWebhookReceipt, SyncRun
from bridges.sync import sync_run_execute, sync_run_request
from operations.models import Operation
from orderly.crypto import decrypt_json, encrypt_json
from orderly.events.models import Event
from orders.models import Order, Shipment
from tests.bridges.fake_shopify import (
    CLIENT_ID,
    CLIENT_SECRET,
    SHOP,
    FakeShopify,
    shopify_order,
    sign_body,
    sign_query,
)
from tests.conftest import bearer
from tests.factories import BridgeFactory

pytestmark = pytest.mark.django_db

START = "/api/v1/embed/bridges/shopify/oauth/start"
CALLBACK = "/api/v1/embed/bridges/shopify/oauth/callback"
WEBHOOKS = "/api/v1/bridges/shopify/webhooks"


@pytest.fixture
def shopify(httpserver, settings):
    settings.ORDERLY_SHOPIFY_CLIENT_ID = CLIENT_ID
    settings.ORDERLY_SHOPIFY_CLIENT_SECRET = CLIENT_SECRET
    settings.ORDERLY_SHOPIFY_API_VERSION = "2025-10"
    fake = FakeShopify(httpserver)
    settings.ORDERLY_SHOPIFY_ADMIN_URL = fake.base_url(httpserver)
    # Nothing may go to a bridge service when Shopify is built in.
    settings.ORDERLY_BRIDGE_SERVICE_URL = "http://127.0.0.1:9/{type}"
    return fake


@pytest.fixture
def owner(tenant):
    return tenant.end_user()


@pytest.fixture
def connected(owner, shopify):
    """A Shopify bridge connected through OAuth earlier."""
    return BridgeFactory(
        end_user=owner,
        type="shopify",
        config={"shopDomain": SHOP},
        account=SHOP,
        secret_config=encrypt_json({"accessToken": shopify.access_token}),
    )


def sync(bridge) -> SyncRun:
    run, _created = sync_run_request(bridge=bridge, trigger="manual")
    sync_run_execute(run_id=run.pk)
    run.refresh_from_db()
    return run


# OAuth --------------------------------------------------------------------------------------------


def start(client, tenant, owner) -> tuple[Bridge, dict]:
    response = client.post(START, {"shopDomain": "mystore"}, format="json", **bearer(tenant.session(owner)))
    assert response.status_code == 200, response.content
    data = response.json()["data"]
    return Bridge.objects.get(pk=data["bridgeId"]), data["authUrl"]


def redirect_params(state: str, *, shop: str = SHOP, code: str = "good-code") -> dict:
    params = {
        "code": code,
        "host": "YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvbXlzdG9yZQ",
        "shop": shop,
        "state": state,
        "timestamp": "1767225600",
    }
    return {**params, "hmac": sign_query(params)}


def test_oauth_start_sends_the_merchant_to_shopify(client, tenant, owner, shopify, httpserver):
    # when
    bridge, auth_url = start(client, tenant, owner)

    # then the authorize URL is the shop's own, with our app, scopes, callback and a state
    parts = urlsplit(auth_url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == httpserver.url_for(
        f"/{SHOP}/admin/oauth/authorize"
    )
    assert query["client_id"] == CLIENT_ID
    assert "read_orders" in query["scope"].split(",")
    assert query["redirect_uri"] == "http://testserver" + CALLBACK
    assert len(query["state"]) >= 32
    assert bridge.status == "pending" and bridge.account == SHOP


def test_oauth_callback_with_shopifys_signature_connects_the_bridge(
    client, tenant, owner, shopify, django_capture_on_commit_callbacks
):
    # given
    shopify.orders = [shopify_order(1)]
    bridge, auth_url = start(client, tenant, owner)
    state = parse_qs(urlsplit(auth_url).query)["state"][0]

    # when Shopify redirects back
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(CALLBACK, redirect_params(state))

    # then the code was exchanged with our credentials, the token is stored encrypted, the bridge is
    # connected, and its first sync brought the shop's order
    assert response.status_code == 200, response.content
    assert response.json()["data"] == {"bridgeId": str(bridge.pk), "status": "active"}
    assert shopify.token_requests == [
        {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "code": "good-code"}
    ]
    bridge.refresh_from_db()
    assert bridge.status == "active"
    assert shopify.access_token not in bridge.secret_config
    assert decrypt_json(bridge.secret_config)["accessToken"] == shopify.access_token
    assert Event.objects.filter(event_type="bridge.connected", resource_id=bridge.pk).count() == 1
    [run] = SyncRun.objects.filter(bridge=bridge)
    assert (run.trigger, run.status, run.orders_created) == ("connect", "succeeded", 1)


@pytest.mark.parametrize(
    "forge",
    [
        lambda p: {**p, "hmac": "0" * 64},  # a made-up signature
        lambda p: {**p, "code": "other-code"},  # a parameter changed after signing
        lambda p: {k: v for k, v in p.items() if k != "hmac"},  # no signature
    ],
    ids=["wrong-hmac", "tampered", "missing"],
)
def test_a_forged_callback_is_refused_and_keeps_the_state(client, tenant, owner, shopify, forge):
    # given
    bridge, auth_url = start(client, tenant, owner)
    state = parse_qs(urlsplit(auth_url).query)["state"][0]

    # when
    forged = client.get(CALLBACK, forge(redirect_params(state)))

    # then nothing was exchanged, and Shopify's real redirect still works
    assert forged.status_code == 400
    assert "hmac" in forged.json()["error"]["details"]
    assert shopify.token_requests == []
    genuine = client.get(CALLBACK, redirect_params(state))
    assert genuine.status_code == 200
    bridge.refresh_from_db()
    assert bridge.status == "active"


@pytest.mark.parametrize("shop", ["evil.example.com", "mystore.myshopify.com.evil.test", "-x.myshopify.com"])
def test_a_callback_for_a_host_that_is_not_a_shop_is_refused(client, tenant, owner, shopify, shop):
    bridge, auth_url = start(client, tenant, owner)
    state = parse_qs(urlsplit(auth_url).query)["state"][0]

    response = client.get(CALLBACK, redirect_params(state, shop=shop))  # validly signed, even

    assert response.status_code == 400 and "shop" in response.json()["error"]["details"]
    assert shopify.token_requests == []
    bridge.refresh_from_db()
    assert bridge.status == "pending"


def test_a_reused_state_is_refused(client, tenant, owner, shopify):
    bridge, auth_url = start(client, tenant, owner)
    state = parse_qs(urlsplit(auth_url).query)["state"][0]
    assert client.get(CALLBACK, redirect_params(state)).status_code == 200
    shopify.codes.add("second-code")

    replay = client.get(CALLBACK, redirect_params(state, code="second-code"))

    assert replay.status_code == 404 and "state" in replay.json()["error"]["details"]
    assert [r["code"] for r in shopify.token_requests] == ["good-code"]


# Orders -------------------------------------------------------------------------------------------


def test_orders_are_paged_from_shopify_through_a_throttled_answer(shopify, connected, owner, settings):
    # given 5 orders, 2 a page, one with 30 line items and a fulfillment, and Shopify throttling
    # the second request
    settings.ORDERLY_SHOPIFY_PAGE_SIZE = 2
    fulfilled = shopify_order(
        3,
        line_items=30,
        displayFulfillmentStatus="FULFILLED",
        fulfillments=[
            {
                "id": "gid://shopify/Fulfillment/77",
                "status": "SUCCESS",
                "displayStatus": "IN_TRANSIT",
                "createdAt": "2026-03-02T08:00:00Z",
                "estimatedDeliveryAt": "2026-03-05T00:00:00Z",
                "deliveredAt": None,
                "trackingInfo": [{"number": "1Z999AA10123456784", "company": "UPS"}],
            }
        ],
    )
    shopify.orders = [shopify_order(1), shopify_order(2), fulfilled, shopify_order(4), shopify_order(5)]
    shopify.throttle_on = {2}

    # when
    run = sync(connected)

    # then it waited the throttle out (no failure) and brought every order
    assert (run.status, run.orders_created, run.pages) == ("succeeded", 5, 3)
    orders_calls = [r for r in shopify.graphql_requests if "query Orders(" in r["query"]]
    assert len(orders_calls) == 4  # 3 pages + the throttled retry
    assert orders_calls[1]["variables"] == orders_calls[2]["variables"]  # the same page asked again
    assert shopify.graphql_times[2] - shopify.graphql_times[1] >= 0.2  # (200 - 100) points / 500 per s
    assert orders_calls[0]["variables"] == {"first": 2, "after": None, "query": None}

    order = Order.objects.get(external_id="gid://shopify/Order/5003")
    assert (order.order_number, order.status, order.fulfillment_status, order.payment_status) == (
        "1003",
        "shipped",
        "fulfilled",
        "paid",
    )
    assert (order.customer_name, order.customer_email, order.end_user_id, order.bridge_id) == (
        "Buyer 3",
        "buyer3@example.com",
        owner.pk,
        connected.pk,
    )
    assert len(order.line_items) == 30 and order.line_items[29] == {
        "title": "Item 29",
        "sku": "SKU-29",
        "quantity": 1,
        "price": 10.0,
    }
    assert order.totals == {"subtotal": 20.0, "tax": 2.0, "shipping": 5.0, "discount": 0.0, "total": 27.0}
    assert order.shipping_address["city"] == "Springfield" and order.shipping_address["state"] == "OR"
    shipment = Shipment.objects.get(order=order)
    assert (shipment.tracking_number, shipment.carrier, shipment.status, shipment.external_id) == (
        "1Z999AA10123456784",
        "ups",
        "in_transit",
        "gid://shopify/Fulfillment/77",
    )

    # and the next run asks Shopify only for orders updated since the newest one
    shopify.graphql_requests.clear()
    sync(connected)
    assert shopify.graphql_requests[0]["variables"]["query"] == "updated_at:>='2026-03-01T11:05:00Z'"


def test_a_revoked_token_puts_the_bridge_in_error(shopify, connected):
    shopify.access_token = "shpat_rotated"

    run = sync(connected)

    assert run.status == "failed" and "401" in run.error_message
    connected.refresh_from_db()
    assert connected.status == "error"
    assert Event.objects.filter(event_type="bridge.disconnected").count() == 1


def test_testing_the_connection_asks_shopify(client, tenant, owner, shopify, connected):
    response = client.post(f"/api/v1/embed/bridges/{connected.pk}/test", **bearer(tenant.session(owner)))
    assert response.json() == {"success": True, "message": "Connected to My Store"}


# Fulfillment push ---------------------------------------------------------------------------------


def test_push_fulfillment_creates_the_fulfillment_in_shopify(
    client, tenant, owner, shopify, connected, django_capture_on_commit_callbacks
):
    # given a synced Shopify order with an open fulfillment order, and our shipment for it
    shopify.orders = [shopify_order(1)]
    sync(connected)
    order = Order.objects.get()
    Order.objects.filter(pk=order.pk).update(version_tag="v1")
    shopify.fulfillment_orders[order.external_id] = [
        {
            "id": "gid://shopify/FulfillmentOrder/31",
            "status": "OPEN",
            "supportedActions": [{"action": "CREATE_FULFILLMENT"}],
        }
    ]
    shipment = Shipment.objects.create(
        organization=tenant.organization, order=order, end_user=owner, tracking_number="1Z42", carrier="ups"
    )
    key = tenant.api_key("operations:write", "operations:execute", "operations:read")

    # when
    created = client.post(
        "/api/v1/operations",
        {"type": "push_fulfillment", "order_id": str(order.pk), "input": {"shipment_id": str(shipment.pk)}},
        format="json",
        **bearer(key),
    )
    assert created.status_code == 201, created.content
    operation_id = created.json()["data"]["id"]
    with django_capture_on_commit_callbacks(execute=True):
        executed = client.post(f"/api/v1/operations/{operation_id}/execute", **bearer(key))
    assert executed.status_code == 200, executed.content

    # then Shopify received fulfillmentCreate for the open fulfillment order with our tracking
    operation = Operation.objects.get(pk=operation_id)
    assert operation.status == "completed", operation.error
    assert shopify.fulfillments_created == [
        {
            "lineItemsByFulfillmentOrder": [{"fulfillmentOrderId": "gid://shopify/FulfillmentOrder/31"}],
            "trackingInfo": {"number": "1Z42", "company": "ups"},
            "notifyCustomer": True,
        }
    ]
    assert operation.output["response"]["fulfillment_id"].startswith("gid://shopify/Fulfillment/")


# Webhooks -----------------------------------------------------------------------------------------


def deliver(client, topic: str, payload: dict, *, webhook_id: str = "wh-1", secret: str = CLIENT_SECRET):
    body = json.dumps(payload).encode()
    return client.post(
        WEBHOOKS,
        data=body,
        content_type="application/json",
        HTTP_X_SHOPIFY_TOPIC=topic,
        HTTP_X_SHOPIFY_SHOP_DOMAIN=SHOP,
        HTTP_X_SHOPIFY_WEBHOOK_ID=webhook_id,
        HTTP_X_SHOPIFY_API_VERSION="2025-10",
        HTTP_X_SHOPIFY_HMAC_SHA256=sign_body(body, secret),
    )


def synced_order(shopify, connected, n=1):
    shopify.orders = [shopify_order(n)]
    sync(connected)
    return Order.objects.get(external_id=f"gid://shopify/Order/{5000 + n}")


def test_orders_updated_webhook_fetches_the_order_once_per_webhook(
    client, shopify, connected, django_capture_on_commit_callbacks
):
    # given a synced order that then changes in Shopify
    order = synced_order(shopify, connected)
    shopify.orders[0].update(displayFinancialStatus="REFUNDED", updatedAt="2026-03-04T00:00:00Z")
    payload = {"id": 5001, "admin_graphql_api_id": "gid://shopify/Order/5001", "financial_status": "refunded"}
    shopify.graphql_requests.clear()

    # when Shopify delivers orders/updated, twice (a redelivery)
    with django_capture_on_commit_callbacks(execute=True):
        first = deliver(client, "orders/updated", payload)
        again = deliver(client, "orders/updated", payload)

    # then the order was fetched once and is current
    assert first.status_code == again.status_code == 200
    assert first.json()["data"] == {"received": True, "duplicate": False}
    assert again.json()["data"] == {"received": True, "duplicate": True}
    assert [r["variables"] for r in shopify.graphql_requests] == [{"id": "gid://shopify/Order/5001"}]
    order.refresh_from_db()
    assert order.payment_status == "refunded"


def test_app_uninstalled_disconnects_the_shops_bridges(client, shopify, connected):
    response = deliver(client, "app/uninstalled", {"id": 1, "myshopify_domain": SHOP})

    assert response.status_code == 200
    connected.refresh_from_db()
    assert connected.status == "disconnected" and connected.secret_config == ""
    assert Event.objects.filter(event_type="bridge.disconnected", resource_id=connected.pk).count() == 1


def test_customers_data_request_lists_the_customers_orders(client, shopify, connected):
    order = synced_order(shopify, connected)
    payload = {
        "shop_id": 1,
        "shop_domain": SHOP,
        "orders_requested": [5001],
        "customer": {"id": 7, "email": "buyer1@example.com", "phone": None},
        "data_request": {"id": 9999},
    }

    response = deliver(client, "customers/data_request", payload)

    assert response.status_code == 200
    receipt = ShopifyWebhookReceipt.objects.get(topic="customers/data_request")
    assert receipt.outcome == {
        "orders": {str(connected.pk): [{"id": str(order.pk), "external_id": order.external_id}]}
    }
    assert (
        Event.objects.filter(event_type="bridge.data_request", organization=connected.organization).count()
        == 1
    )


def test_customers_redact_erases_the_customers_personal_data(client, shopify, connected):
    order = synced_order(shopify, connected)
    payload = {
        "shop_id": 1,
        "shop_domain": SHOP,
        "customer": {"id": 7, "email": "buyer1@example.com"},
        "orders_to_redact": [5001],
    }

    response = deliver(client, "customers/redact", payload)

    assert response.status_code == 200
    order.refresh_from_db()
    assert (order.customer_name, order.customer_email, order.shipping_address) == ("", "", None)
    assert order.line_items  # the order itself stays


def test_shop_redact_erases_the_shops_orders(client, shopify, connected):
    synced_order(shopify, connected)

    response = deliver(client, "shop/redact", {"shop_id": 1, "shop_domain": SHOP})

    assert response.status_code == 200
    assert not Order.objects.exists()
    connected.refresh_from_db()
    assert connected.secret_config == ""


@pytest.mark.parametrize(
    "topic",
    [
        "orders/updated",
        "orders/create",
        "app/uninstalled",
        "customers/data_request",
        "customers/redact",
        "shop/redact",
    ],
)
def test_a_webhook_with_a_bad_signature_is_refused_and_does_nothing(client, shopify, connected, topic):
    order = synced_order(shopify, connected)
    shopify.graphql_requests.clear()

    response = deliver(
        client,
        topic,
        {
            "id": 5001,
            "shop_domain": SHOP,
            "customer": {"email": "buyer1@example.com"},
            "orders_to_redact": [5001],
        },
        secret="not-the-app-secret",
    )

    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthenticated"
    assert not ShopifyWebhookReceipt.objects.exists()
    assert shopify.graphql_requests == []
    order.refresh_from_db()
    connected.refresh_from_db()
    assert order.customer_email == "buyer1@example.com" and connected.status == "active"


def test_webhooks_are_not_served_without_the_shopify_settings(client, settings):
    settings.ORDERLY_SHOPIFY_CLIENT_ID = settings.ORDERLY_SHOPIFY_CLIENT_SECRET = ""
    body = b"{}"
    headers = {"HTTP_X_SHOPIFY_TOPIC": "orders/create", "HTTP_X_SHOPIFY_SHOP_DOMAIN": "a.myshopify.com"}
    response = client.post(
        WEBHOOKS,
        data=body,
        content_type="application/json",
        HTTP_X_SHOPIFY_HMAC_SHA256=sign_body(body),
        HTTP_X_SHOPIFY_WEBHOOK_ID="w-1",
        **headers,
    )
    assert response.status_code == 404
    # and one without Shopify's headers is refused as when the bridge is on: unsigned 401, else 400
    response = client.post(WEBHOOKS, data=body, content_type="application/json", **headers)
    assert response.status_code == 401
    response = client.post(
        WEBHOOKS, data=body, content_type="application/json", HTTP_X_SHOPIFY_HMAC_SHA256="x", **headers
    )
    assert response.status_code == 400 and "X-Shopify-Webhook-Id" in response.json()["error"]["details"]
