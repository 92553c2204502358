"""Bridges through the embed UI: connect from the generated form, test, rename, update the
credentials, disconnect; Shopify through the OAuth popup. Effects are checked through the API."""

import json
import re

import pytest
from werkzeug.wrappers import Response

from tests.browser.embed_host import *  # noqa: F403 - the embed fixtures (host, embed, axe_source)

pytestmark = pytest.mark.browser


STORE_ORDERS: list = []


@pytest.fixture
def bridge_service(httpserver, settings):
    """A loopback bridge service; its store's orders (for syncs, which start on connect) are STORE_ORDERS."""
    settings.ORDERLY_BRIDGE_SERVICE_URL = httpserver.url_for("/") + "{type}"
    STORE_ORDERS.clear()
    httpserver.expect_request(re.compile(r"^/\w+/orders$"), method="POST").respond_with_handler(
        lambda request: Response(
            json.dumps({"orders": list(STORE_ORDERS), "nextCursor": None}), content_type="application/json"
        )
    )
    return httpserver


def bridges_of(embed):
    user = embed.api("GET", f"embed/users/{embed.tenant.merchant.pk}").json()["data"]
    return user["bridges"]


def test_connect_test_rename_update_and_disconnect_a_bridge(embed, bridge_service):
    # given: a bridge service that accepts the credentials it was given
    seen = []

    def test_endpoint(request):
        seen.append(request.get_json()["config"])
        return Response(
            '{"success": true, "message": "Connected to ShipStation"}', content_type="application/json"
        )

    bridge_service.expect_request("/shipstation/test", method="POST").respond_with_handler(test_endpoint)
    embed.open(view="bridges")
    frame = embed.frame

    # when: connect ShipStation from the form generated from its config_fields
    frame.locator("button[data-type=shipstation]").click()
    frame.get_by_label("Connection name").fill("Main warehouse")
    api_key = frame.get_by_label("API key")
    assert api_key.get_attribute("type") == "password"
    api_key.fill("ss_key_123456")
    frame.get_by_label("API secret").fill("ss_secret_987654")
    frame.get_by_role("button", name="Connect", exact=True).click()

    # then: it exists through the API, the host heard about it, and the secrets left the form
    frame.get_by_text("Main warehouse is connected.").wait_for()
    [bridge] = bridges_of(embed)
    assert (bridge["name"], bridge["type"], bridge["status"]) == ("Main warehouse", "shipstation", "active")
    connected = embed.wait_event("bridge_connected")
    assert connected[0]["detail"] == {"bridgeId": bridge["id"], "type": "shipstation"}
    assert frame.get_by_label("API secret").input_value() == ""
    card = frame.locator(f"[data-bridge-id='{bridge['id']}']")
    assert "ss_secret_987654" not in embed.inner.content()

    # when: test the connection
    card.get_by_role("button", name="Test connection").click()
    card.get_by_text("Connection works: Connected to ShipStation").wait_for()
    assert seen[-1] == {"apiKey": "ss_key_123456", "apiSecret": "ss_secret_987654"}

    # when: rename it
    card.get_by_role("button", name="Rename").click()
    card.get_by_label("New name").fill("Main warehouse (EU)")
    card.get_by_role("button", name="Save").click()
    frame.get_by_role("heading", name="Main warehouse (EU)").wait_for()
    assert bridges_of(embed)[0]["name"] == "Main warehouse (EU)"

    # when: update one credential; the saved secret is shown masked, never in full
    card = frame.locator(f"[data-bridge-id='{bridge['id']}']")
    card.get_by_role("button", name="Update credentials").click()
    card.get_by_text("Saved as ****3456").wait_for()
    card.get_by_label("API key").fill("ss_key_rotated_42")
    card.get_by_role("button", name="Save credentials").click()
    frame.get_by_text("Credentials updated.").wait_for()
    card = frame.locator(f"[data-bridge-id='{bridge['id']}']")
    card.get_by_role("button", name="Test connection").click()
    card.get_by_text("Connection works").wait_for()
    assert seen[-1] == {"apiKey": "ss_key_rotated_42", "apiSecret": "ss_secret_987654"}

    # when: disconnect, confirming inline
    card.get_by_role("button", name="Disconnect").click()
    card.get_by_role("group").get_by_role("button", name="Disconnect").click()
    frame.get_by_text("Main warehouse (EU) was disconnected.").wait_for()
    assert bridges_of(embed) == []


def test_a_failed_test_shows_the_reason_and_the_bridge_error(embed, bridge_service):
    from tests.factories import BridgeFactory

    bridge = BridgeFactory(end_user=embed.tenant.merchant, name="Old ShipStation")
    bridge_service.expect_request("/shipstation/test", method="POST").respond_with_json(
        {"success": False, "message": "API key revoked"}
    )
    embed.open(view="bridges")
    card = embed.frame.locator(f"[data-bridge-id='{bridge.pk}']")
    card.get_by_role("button", name="Test connection").click()
    card.get_by_text("Connection failed: API key revoked").wait_for()
    embed.frame.locator(f"[data-bridge-id='{bridge.pk}']").get_by_text("Problem: API key revoked").wait_for()
    assert bridges_of(embed)[0]["status"] == "error"


def test_shopify_connects_through_the_oauth_popup(embed, bridge_service):
    # given: the bridge service's authorize page sends the merchant straight back with a code
    def authorize(request):
        callback = f"{embed.host.orderly_url}/api/v1/embed/bridges/shopify/oauth/callback"
        query = f"state={request.args['state']}&code=code_123&shop={request.args['shop']}"
        return Response(status=302, headers={"Location": f"{callback}?{query}"})

    bridge_service.expect_request("/shopify/oauth/authorize").respond_with_handler(authorize)
    bridge_service.expect_request("/shopify/oauth/token", method="POST").respond_with_json(
        {"accessToken": "shpat_abcdef123456"}
    )
    embed.open(view="bridges")
    frame = embed.frame

    # when
    frame.locator("button[data-type=shopify]").click()
    oauth = frame.get_by_role("form", name="Connect with Shopify")
    oauth.get_by_label("Shop domain").fill("acme-outdoor")
    with embed.page.expect_popup() as popup_info:
        oauth.get_by_role("button", name="Connect with Shopify").click()
    popup = popup_info.value
    popup.wait_for_url("**/shopify/oauth/callback?**")

    # then: the popup landed on the callback, the frame saw the bridge become active
    popup.get_by_role("heading", name="Store connected").wait_for()
    frame.get_by_text("is connected.").wait_for(timeout=15000)
    [bridge] = bridges_of(embed)
    assert (bridge["type"], bridge["status"]) == ("shopify", "active")
    assert embed.wait_event("bridge_connected")[0]["detail"] == {"bridgeId": bridge["id"], "type": "shopify"}


def test_sync_now_brings_the_store_s_orders_and_shows_the_run(embed, bridge_service):
    # given: a connected bridge whose service has one order to sync
    STORE_ORDERS.append({"orderNumber": "S-1001", "externalId": "ss-1001", "status": "confirmed"})
    session = embed.tenant.session(embed.tenant.merchant)
    created = embed.api(
        "POST",
        "embed/bridges",
        token=session,
        json={"type": "shipstation", "name": "Warehouse", "config": {"apiKey": "k" * 12, "apiSecret": "s" * 12}},
    )
    assert created.status_code == 201, created.json()
    bridge_id = created.json()["data"]["id"]
    embed.open(view="bridges")
    card = embed.frame.locator(f"[data-bridge-id='{bridge_id}']")

    # when: the end user asks for a sync
    card.get_by_role("button", name="Sync now").click()

    # then: the run is listed with its counts, and the order is in the data room
    card.locator("[data-sync-run-id]").first.get_by_text("Succeeded").wait_for()
    assert "created" in card.locator("[data-sync-run-id]").first.inner_text()
    orders = embed.api("GET", "embed/orders", token=session).json()["data"]
    assert [o["order_number"] for o in orders] == ["S-1001"]
    runs = embed.api("GET", f"embed/bridges/{bridge_id}/syncs", token=session).json()["data"]
    assert runs and all(run["status"] == "succeeded" for run in runs)
